import KAAProtocol

/// What offering a valid batch to the hub came to (design §7). The responder alone turns an
/// outcome into an HTTP status and body (`HubResponder.response(for:)`).
public enum BatchOutcome: Sendable, Equatable {
    /// Applied now: the state moved (201).
    case applied(AppliedResponse)
    /// This exact body was applied before: harmless, nothing changed (200).
    case alreadyApplied(AppliedResponse)
    /// The batch does not follow on the hub's state (409).
    case conflict(ConflictResponse)
    /// This seq was applied with a different body (422).
    case differentBody(generation: String, seq: Int)
    /// The batch's cells do not lead to the digest it claims; nothing was applied (422).
    case digestMismatch(expected: String, found: String)
    /// The state after the batch breaks a relation of the catalogue (`PeopleTotalLimit`); nothing
    /// was applied (400).
    case implausible(String)

    /// Whether the hub's figures changed (and cached publications must go).
    var changesFigures: Bool {
        if case .applied = self { return true }
        return false
    }
}
