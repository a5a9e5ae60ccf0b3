/// Why the server could not start.
public struct HTTPServerError: Error, CustomStringConvertible {
    /// What failed, for a person to read.
    public let message: String
    /// The message, as logs and the command line show it.
    public var description: String { message }
}
