import Foundation
import KAACore
import KAASQLite

// Reading and exporting the audit log; rows are written by `audit` (Register.swift), one per
// operation, in the operation's own transaction.
extension Register {
    /// The audit log, oldest first, optionally for one person.
    public func auditEntries(person: PersonalIdentityNumber? = nil) throws(RegisterError) -> [AuditEntry] {
        try auditEntries(AuditFilter(person: person))
    }

    /// The audit log filtered by person, staff member, action (a prefix: `contact` matches
    /// `contact.add`) and date range, oldest first.
    public func auditEntries(_ filter: AuditFilter) throws(RegisterError) -> [AuditEntry] {
        try read {
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            if let person = filter.person {
                conditions.append("person_id = ?")
                arguments.append(.integer(try personID(person)))
            }
            if let staff = filter.staff {
                conditions.append("staff = ?")
                arguments.append(.text(staff))
            }
            if let action = filter.action {
                conditions.append("(action = ? OR action LIKE ? ESCAPE '\\')")
                arguments += [.text(action), .text(action.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + ".%")]
            }
            if let from = filter.from {
                conditions.append("at >= ?")
                arguments.append(.text(from.description))
            }
            if let through = filter.through {
                conditions.append("at < ?")
                arguments.append(.text(through.adding(days: 1).description))
            }
            let sql = "SELECT id, at, staff, action, person_id, detail FROM audit_log"
                + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY id"
            return try database.query(sql, arguments).map { row in
                AuditEntry(id: try row.int(0), at: try row.text(1), staff: try row.text(2), action: try row.text(3),
                           personID: try row.optionalInt(4), detail: try row.optionalText(5))
            }
        }
    }

    /// Writes the filtered audit log as CSV for the data-protection officer (`;`, UTF-8 with BOM);
    /// the export itself is logged. Returns the number of rows.
    @discardableResult
    public func exportAudit(_ filter: AuditFilter, to path: String) throws(RegisterError) -> Int {
        let entries = try auditEntries(filter)
        let rows = [["id", "tid_utc", "handlaggare", "handelse", "person_id", "detaljer"]]
            + entries.map { [String($0.id), $0.at, $0.staff, $0.action, $0.personID.map(String.init) ?? "", $0.detail ?? ""] }
        do {
            try CSVWriting.write(rows, to: path)
            try database.write { try audit("audit.export", detail: "rows=\(entries.count)") }
        } catch {
            throw .wrap(error)
        }
        return entries.count
    }

    /// One audit row per person shown by a listing.
    func auditReads(_ action: String, personIDs: [Int64]) throws {
        for id in Set(personIDs).sorted() {
            try audit(action, personID: id)
        }
    }
}
