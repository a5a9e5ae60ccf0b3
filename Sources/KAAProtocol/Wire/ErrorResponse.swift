/// Every refusal's body (`400`–`503`): a message for the person reading the client's log.
public struct ErrorResponse: WireBody, Equatable {
    /// What was refused, and why.
    public let error: String

    /// A refusal saying `error`.
    public init(_ error: String) {
        self.error = error
    }
}
