/// Why the server could not start.
public struct HTTPServerError: Error, CustomStringConvertible {
    /// What failed, for a person to read.
    public let message: String
    public var description: String { message }
}
