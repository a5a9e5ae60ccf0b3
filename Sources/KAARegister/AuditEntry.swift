/// One row of the audit log.
public struct AuditEntry: Sendable {
    /// The row's id (the log's order).
    public let id: Int64
    /// When, as a UTC timestamp.
    public let at: String
    /// Who: the staff member (OS user) the operation is attributed to.
    public let staff: String
    /// What: the operation (`register`, `contact.add`, `show`…).
    public let action: String
    /// Whose data, by the register's internal id (never a personnummer).
    public let personID: Int64?
    /// Ids and codes of what was touched, never a personnummer or a name.
    public let detail: String?
}
