/// A bad field in a row.
public struct ImportFieldError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
