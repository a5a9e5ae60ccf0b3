import KAACore
import KAASQLite

/// A worklist entry with the person's name, as shown to the coordinator.
public struct NamedWorklistEntry: Sendable {
    public let entry: WorklistEntry
    public let name: String
    public let isProtected: Bool
}

/// One row of the audit log.
public struct AuditEntry: Sendable {
    public let id: Int64
    public let at: String
    public let staff: String
    public let action: String
    public let personID: Int64?
    public let detail: String?
}

extension Register {
    /// A worklist on today (an audited read of every person it shows).
    public func worklist(_ list: Worklist, days: Int? = nil) throws(RegisterError) -> [NamedWorklistEntry] {
        let days = days ?? (list == .turning20 ? configuration.turning20Days : configuration.noContactDays)
        guard days >= 0 else { throw .invalidInput(field: "--days", message: "antalet dagar kan inte vara negativt") }
        return try write {
            let entries = list.entries(people: try loadHistories(), today: today, days: days)
            var names: [Int64: (String, Bool)] = [:]
            for row in try database.query("SELECT id, coalesce(first_name, ''), coalesce(last_name, ''), is_protected FROM person") {
                names[try row.int(0)] = ([try row.text(1), try row.text(2)].filter { !$0.isEmpty }.joined(separator: " "), try row.bool(3))
            }
            try auditReads("worklist.\(list.rawValue)", personIDs: entries.map(\.personID))
            return entries.map { NamedWorklistEntry(entry: $0, name: names[$0.personID]?.0 ?? "", isProtected: names[$0.personID]?.1 ?? false) }
        }
    }

    /// The audit log, oldest first, optionally for one person.
    public func auditEntries(person: PersonalIdentityNumber? = nil) throws(RegisterError) -> [AuditEntry] {
        try auditEntries(AuditFilter(person: person))
    }

    /// Writes a consistent copy of the register to `path` (SQLite's online backup API).
    public func backup(to path: String) throws(RegisterError) {
        do {
            try database.backup(to: path)
            try database.write { try audit("backup") }
        } catch {
            throw .wrap(error)
        }
    }
}
