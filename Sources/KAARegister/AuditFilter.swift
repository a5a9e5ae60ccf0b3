import KAACore

/// Which audit rows to show.
public struct AuditFilter: Sendable {
    /// Only rows about this person.
    public var person: PersonalIdentityNumber?
    /// Only rows by this staff member.
    public var staff: String?
    /// Only this action, or the actions it prefixes (`contact` matches `contact.add`).
    public var action: String?
    /// First calendar date (UTC, inclusive) of the rows' times.
    public var from: CalendarDate?
    /// Last calendar date (UTC, inclusive) of the rows' times.
    public var through: CalendarDate?
    /// Only rows up to this id (inclusive): the log from one event back (the Logg page's links
    /// from Loggkontroll's risk views and samples); not used by `auditEntries(_:)`.
    public var untilID: Int64?

    /// A filter; nil fields do not filter.
    public init(person: PersonalIdentityNumber? = nil, staff: String? = nil, action: String? = nil, from: CalendarDate? = nil, through: CalendarDate? = nil) {
        self.person = person
        self.staff = staff
        self.action = action
        self.from = from
        self.through = through
    }
}
