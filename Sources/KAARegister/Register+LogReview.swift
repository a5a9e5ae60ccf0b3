import KAACore
import KAASQLite

/// One row of the log as the Logg page shows it: the entry and how it was made.
public struct AuditLogRow: Sendable {
    /// The row.
    public let entry: AuditEntry
    /// `web` or `cli`.
    public let via: String
}

/// A page of the audit log, newest first, and how many rows the filter matches.
public struct AuditLogPage: Sendable {
    /// The page's rows, newest first.
    public let rows: [AuditLogRow]
    /// How many rows the filter matches in all.
    public let total: Int
    /// The row number (from 0) of the first row.
    public let offset: Int
}

extension Register {

    /// A page of the audit log for the Logg page: filtered as `auditEntries(_:)` (staff, action
    /// prefix, dates in the kommun's time zone, and `untilID`; `person` is not used here), newest first, `limit`
    /// rows from `offset`, in SQL (the log grows by every read).
    public func auditLogPage(_ filter: AuditFilter, offset: Int, limit: Int) throws(RegisterError) -> AuditLogPage {
        guard offset >= 0, limit > 0 else { throw .invalidInput(field: "page", message: "sidan finns inte") }
        return try read {
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            appendConditions(of: filter, to: &conditions, &arguments)
            if let until = filter.untilID {
                arguments.append(.integer(until))
                conditions.append("a.id <= ?\(arguments.count)")
            }
            let (rows, total) = try logRows(where: conditions, arguments, limit: limit, offset: offset)
            return AuditLogPage(rows: rows, total: total, offset: offset)
        }
    }

    /// The distinct staff names the log holds (for the Logg page's filter).
    public func auditStaffNames() throws(RegisterError) -> [String] {
        try read { try database.query("SELECT DISTINCT staff FROM audit_log ORDER BY staff").map { try $0.text(0) } }
    }

    /// The actions the log holds, with their families (`contact` for `contact.add`), for the log
    /// view's filter: a choice from a list, so nothing typed (a personnummer) can enter its URL.
    public func auditActionNames() throws(RegisterError) -> [String] {
        let actions = try read { try database.query("SELECT DISTINCT action FROM audit_log ORDER BY action").map { try $0.text(0) } }
        let families = actions.compactMap { action in action.split(separator: ".").count > 1 ? action.split(separator: ".").first.map(String.init) : nil }
        return Set(actions + families).sorted()
    }

    /// A granskare's explicit request to see one person's record from the log view (issue 15):
    /// refused without a reason from `ReviewReason`; otherwise one audit row `review_access`
    /// (context person) with the reason's code in the same transaction as the read.
    ///
    /// The reach is widened to this one person for this call only (`acting(as:reviewing:)`) and is
    /// back to nobody when it returns.
    public func reviewPerson(_ personID: Int64, reason: String) throws(RegisterError) -> PersonRecord {
        guard let viewer, viewer.role == .granskare else {
            try checkRole([.granskare], for: "review_access")
            throw .forbidden("Bara en granskare kan visa en persons uppgifter från loggen.")
        }
        guard let reason = ReviewReason(folding: reason.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .invalidInput(field: "reason", message: "välj varför du behöver se personens uppgifter")
        }
        return try acting(as: viewer, reviewing: personID) { () throws(RegisterError) in
            _ = try personnummer(ofPerson: personID, for: "review_access")
            return try write {
                guard let details = try contactDetails(personID: personID), let history = try loadHistories(personID: personID).first else {
                    throw RegisterError.notFound("det finns ingen person med id \(personID) i registret")
                }
                try audit("review_access", personID: personID, detail: "reason=\(reason.rawValue)", context: .person)
                return PersonRecord(personID: personID, details: details, history: history, sources: try detailSources(personID: personID))
            }
        }
    }
}

/// The log of one person as Loggkontroll shows it: their internal id and their rows, newest first.
public struct PersonAuditLog: Sendable {
    /// The person's internal id (the log names no one otherwise).
    public let personID: Int64
    /// The rows about the person (their own and the listings that showed them), newest first, at
    /// most the limit asked for.
    public let rows: [AuditLogRow]
    /// How many rows match in all.
    public let total: Int
}

extension Register {
    /// Loggkontroll's search by person (issue 16): the rows about the person with this personnummer
    /// (their own rows and the listings that showed them), filtered further by `filter`'s staff
    /// member, action and dates, newest first, at most `limit`. The lookup is itself an audit row
    /// (`audit.person`, context `log_review`, naming the person and the granskare), written in the
    /// same transaction as the read; a personnummer the register does not hold is logged too (no
    /// person), and answered `notFound`, so probing for who is registered leaves a trace.
    public func auditLog(ofPerson pnr: PersonalIdentityNumber, filter: AuditFilter, limit: Int = 500) throws(RegisterError) -> PersonAuditLog {
        try checkRole([.granskare], for: "audit.person")
        guard limit > 0 else { throw .invalidInput(field: "limit", message: "gränsen måste vara minst 1") }
        let person: Int64? = try read { try database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])?.int(0) }
        guard let person else {
            try write { try audit("audit.person", detail: "found=0", context: .logReview) }
            throw .notFound("personnumret finns inte i registret (en gallrad persons händelser finns kvar i loggen under personens interna nummer)")
        }
        return try write {
            try audit("audit.person", personID: person, detail: "found=1", context: .logReview)
            var conditions = ["(a.person_id = ?1 OR a.shown_set IN (SELECT set_id FROM audit_shown_person WHERE person_id = ?1))"]
            var arguments: [SQLValue] = [.integer(person)]
            appendConditions(of: filter, to: &conditions, &arguments)
            let (rows, total) = try logRows(where: conditions, arguments, limit: limit, offset: 0)
            return PersonAuditLog(personID: person, rows: rows, total: total)
        }
    }

    /// The log rows matching `conditions` (on `audit_log a`), newest first, with each row's shown
    /// people, and how many match in all: one query shape for the whole log and for one person's.
    private func logRows(where conditions: [String], _ arguments: [SQLValue], limit: Int, offset: Int) throws -> (rows: [AuditLogRow], total: Int) {
        let filterSQL = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let total = Int(try database.queryOne("SELECT count(*) FROM audit_log a" + filterSQL, arguments)?.int(0) ?? 0)
        let rows = try database.query("""
            SELECT a.id, a.at, a.staff, a.action, a.person_id, a.detail, a.changes, a.context, a.via,
                   (SELECT group_concat(person_id, ',') FROM (SELECT person_id FROM audit_shown_person WHERE set_id = a.shown_set ORDER BY person_id))
            FROM audit_log a
            """ + filterSQL + " ORDER BY a.id DESC LIMIT \(limit) OFFSET \(offset)", arguments).map { row in
            AuditLogRow(entry: AuditEntry(
                id: try row.int(0), at: try row.text(1), staff: try row.text(2), action: try row.text(3), personID: try row.optionalInt(4),
                detail: try row.optionalText(5), changes: try row.optionalText(6), context: try row.optionalText(7).flatMap(AuditContext.init(rawValue:)),
                shownPersonIDs: try row.optionalText(9).map { $0.split(separator: ",").compactMap { Int64($0) } } ?? []),
                via: try row.text(8))
        }
        return (rows, total)
    }
}
