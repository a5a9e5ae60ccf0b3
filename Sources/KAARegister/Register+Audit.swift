import Foundation
import KAACore
import KAACrypto
import KAASQLite

// Reading and exporting the audit log; rows are written by `audit` (Register.swift), one per
// operation, in the operation's own transaction.
extension Register {
    /// The audit log, oldest first, optionally for one person.
    public func auditEntries(person: PersonalIdentityNumber? = nil) throws(RegisterError) -> [AuditEntry] {
        try auditEntries(AuditFilter(person: person))
    }

    /// The audit log filtered by person, staff member, action (a prefix: `contact` matches
    /// `contact.add`) and date range (calendar dates in the kommun's time zone), oldest first.
    ///
    /// A person filter also finds the listings (worklist runs, letter lists) that showed the person.
    /// Rows written before the log kept one row per listing (one row per person shown, same
    /// instant, same staff member, same action) are grouped here into one entry, so old and new
    /// runs read alike.
    public func auditEntries(_ filter: AuditFilter) throws(RegisterError) -> [AuditEntry] {
        try read {
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            if let person = filter.person {
                let id = try personID(person)
                arguments += [.integer(id), .integer(id)]
                conditions.append("(a.person_id = ?\(arguments.count - 1) OR a.shown_set IN (SELECT set_id FROM audit_shown_person WHERE person_id = ?\(arguments.count)))")
            }
            appendConditions(of: filter, to: &conditions, &arguments)
            let sql = """
                SELECT a.id, a.at, a.staff, a.action, a.person_id, a.detail, a.changes, a.context,
                       (SELECT group_concat(person_id, ',') FROM (SELECT person_id FROM audit_shown_person WHERE set_id = a.shown_set ORDER BY person_id))
                FROM audit_log a
                """ + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY a.id"
            let rows = try database.query(sql, arguments).map { row in
                AuditEntry(id: try row.int(0), at: try row.text(1), staff: try row.text(2), action: try row.text(3),
                           personID: try row.optionalInt(4), detail: try row.optionalText(5), changes: try row.optionalText(6),
                           context: try row.optionalText(7).flatMap(AuditContext.init(rawValue:)),
                           shownPersonIDs: try row.optionalText(8).map { $0.split(separator: ",").compactMap { Int64($0) } } ?? [])
            }
            return Self.groupingLegacyListings(rows)
        }
    }

    /// The SQL conditions (on `audit_log a`) of a filter's staff member, action (a prefix:
    /// `contact` matches `contact.add`) and dates (in the kommun's time zone); the person filter is
    /// the caller's. Shared by the CLI's `kaa audit` and the web's Logg.
    func appendConditions(of filter: AuditFilter, to conditions: inout [String], _ arguments: inout [SQLValue]) {
        if let staff = filter.staff {
            arguments.append(.text(staff))
            conditions.append("a.staff = ?\(arguments.count)")
        }
        if let action = filter.action {
            arguments += [.text(action), .text(action.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + ".%")]
            conditions.append("(a.action = ?\(arguments.count - 1) OR a.action LIKE ?\(arguments.count) ESCAPE '\\')")
        }
        if let from = filter.from {
            arguments.append(.text(utcInstant(startOf: from)))
            conditions.append("a.at >= ?\(arguments.count)")
        }
        if let through = filter.through {
            arguments.append(.text(utcInstant(startOf: through.adding(days: 1))))
            conditions.append("a.at < ?\(arguments.count)")
        }
    }

    /// Actions that read a listing of people (one row per person before migration 0006).
    static func isListingAction(_ action: String) -> Bool {
        action == "list" || action == "review.list" || action == "report.scb" || action == "export.history" || action.hasPrefix("worklist.") || action.hasPrefix("letters.")
    }

    /// Merges runs of old per-person listing rows (same instant, staff member and action) into one entry.
    static func groupingLegacyListings(_ entries: [AuditEntry]) -> [AuditEntry] {
        var result: [AuditEntry] = []
        for entry in entries {
            if let person = entry.personID, entry.context == nil, isListingAction(entry.action), let last = result.last,
               last.context == nil, last.at == entry.at, last.staff == entry.staff, last.action == entry.action, !last.personIDs.isEmpty {
                let people = last.personIDs + [person]
                result[result.count - 1] = AuditEntry(id: last.id, at: last.at, staff: last.staff, action: last.action, personID: nil,
                                                      detail: "shown=\(people.count)", shownPersonIDs: people)
            } else {
                result.append(entry)
            }
        }
        return result
    }

    /// Writes the filtered audit log as CSV for the data-protection officer (`;`, UTF-8 with BOM);
    /// the export itself is logged. Returns the number of rows.
    ///
    /// One row per entry, as `kaa audit` shows it: a listing's people are in `personer`
    /// (internal ids, space-separated), times both as stored (UTC) and in the kommun's time zone.
    @discardableResult
    public func exportAudit(_ filter: AuditFilter, to path: String) throws(RegisterError) -> Int {
        let entries = try auditEntries(filter)
        let rows = [["id", "tid_utc", "tid_lokal", "handlaggare", "handelse", "sammanhang", "person_id", "personer", "andringar", "detaljer"]]
            + entries.map { entry in
                [String(entry.id), entry.at, localTime(entry.at), entry.staff, entry.action, entry.context?.label ?? "",
                 entry.personID.map(String.init) ?? "", entry.shownPersonIDs.map(String.init).joined(separator: " "),
                 entry.changes ?? "", entry.detail ?? ""]
            }
        do {
            try CSVWriting.write(rows, to: path)
            try database.write { try audit("audit.export", detail: "rows=\(entries.count)") }
        } catch {
            throw .wrap(error)
        }
        return entries.count
    }

    /// One audit row for a listing's read, with every person it showed (`audit_log_person`), so
    /// that a worklist of 600 people is one entry and `--person` still finds each of them.
    func auditReads(_ action: String, personIDs: [Int64], context: AuditContext, detail: String? = nil) throws {
        if deferredAudits != nil {
            // Inside `readAudited`: the row and its people are written after the read, together.
            deferredAudits?.append { [self] in try writeAuditReads(action, personIDs: personIDs, context: context, detail: detail) }
            return
        }
        try writeAuditReads(action, personIDs: personIDs, context: context, detail: detail)
    }

    private func writeAuditReads(_ action: String, personIDs: [Int64], context: AuditContext, detail: String?) throws {
        let people = Set(personIDs).sorted()
        try audit(action, detail: ["shown=\(people.count)", detail].compactMap { $0 }.joined(separator: " "), context: context,
                  shownSet: try shownSet(people))
    }

    /// The id of the audit set of exactly `people` (ascending), written the first time it is shown
    /// (migration 0012); nil for nobody.
    private func shownSet(_ people: [Int64]) throws -> Int64? {
        guard !people.isEmpty else { return nil }
        let digest = Crypto.sha256(Array(people.map(String.init).joined(separator: ",").utf8))
        if let row = try database.cachedStatement("SELECT id FROM audit_shown_set WHERE digest = ?").rows([.blob(digest)]).first {
            return try row.int(0)
        }
        try database.cachedStatement("INSERT INTO audit_shown_set (digest, size) VALUES (?, ?)").run([.blob(digest), .integer(Int64(people.count))])
        let id = database.lastInsertRowID
        let insert = try database.cachedStatement("INSERT INTO audit_shown_person (set_id, person_id) VALUES (?, ?)")
        for person in people {
            try insert.run([.integer(id), .integer(person)])
        }
        return id
    }

    /// A stored UTC time (`2026-11-23T19:44:00Z`) in the kommun's time zone (`2026-11-23 20:44:00`);
    /// the text as stored when it is not such a time.
    public func localTime(_ utc: String) -> String {
        guard let instant = Self.utcDate(utc), let zone = TimeZone(identifier: configuration.timeZone) else { return utc }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        let date = CalendarDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)?.description ?? utc
        return "\(date) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    /// The UTC instant at which `date` begins in the kommun's time zone, as the log stores times.
    func utcInstant(startOf date: CalendarDate) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: configuration.timeZone) ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = DateComponents(year: date.year, month: date.month, day: date.day)
        guard let start = calendar.date(from: parts) else { return date.description }
        return SystemClock.utcTimestamp(start)
    }

    static func utcDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "Z"),
              let day = CalendarDate(iso: text.prefix(10)) else { return nil }
        let fields = text.dropFirst(11).prefix(8).split(separator: ":").compactMap { Int($0) }
        guard fields.count == 3 else { return nil }
        let seconds = day.dayNumber * 86_400 + fields[0] * 3600 + fields[1] * 60 + fields[2]
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
