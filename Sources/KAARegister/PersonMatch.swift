import KAACore

/// One person a search found: enough to pick the right one, nothing of their history.
public struct PersonMatch: Sendable {
    /// The register's internal id.
    public let personID: Int64
    /// The person's personnummer or samordningsnummer.
    public let personnummer: PersonalIdentityNumber
    /// First and last name, empty when the register has none.
    public let name: String
    /// Whether the person has a protected identity (the view must say so).
    public let isProtected: Bool
    /// Whether the person has an open episode (is in KAA now).
    public let isOpen: Bool
}
