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
    /// Whose data, by the register's internal id (never a personnummer); nil for a listing's row,
    /// whose people are in `shownPersonIDs`.
    public let personID: Int64?
    /// Ids and codes of what was touched, never a personnummer or a name.
    public let detail: String?
    /// For a write: what changed, `field: before → after; …` (personal details only as `ändrad`).
    public let changes: String?
    /// For a read: where the data was shown (nil on rows written before the log kept it).
    public let context: AuditContext?
    /// For a listing's read (a worklist run, a letter list, an export): every person it showed.
    public let shownPersonIDs: [Int64]

    /// An entry from its parts.
    public init(id: Int64, at: String, staff: String, action: String, personID: Int64?, detail: String?,
                changes: String? = nil, context: AuditContext? = nil, shownPersonIDs: [Int64] = []) {
        self.id = id
        self.at = at
        self.staff = staff
        self.action = action
        self.personID = personID
        self.detail = detail
        self.changes = changes
        self.context = context
        self.shownPersonIDs = shownPersonIDs
    }

    /// Every person the entry is about: its own person, or the people a listing showed.
    public var personIDs: [Int64] { personID.map { [$0] } ?? shownPersonIDs }
}
