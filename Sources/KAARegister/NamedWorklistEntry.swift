import KAACore

/// A worklist entry with the person's name, as shown to the coordinator.
public struct NamedWorklistEntry: Sendable {
    /// The entry as the worklist computed it.
    public let entry: WorklistEntry
    /// First and last name, empty when the register has none.
    public let name: String
    /// Whether the person has a protected identity (the view must say so).
    public let isProtected: Bool
}
