/// Why a password hash or a one-time code could not be made.
public struct AuthError: Error, Sendable, CustomStringConvertible {
    /// The C call that failed and its message.
    public let operation: String
    public var description: String { "inloggningskontroll: \(operation) misslyckades" }
}
