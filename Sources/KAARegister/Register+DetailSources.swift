import KAACore
import KAASQLite

/// Where a write of contact details comes from, as recorded in `person_detail_source`.
enum DetailOrigin {
    /// The staff member running the command.
    case staff
    /// A folkbokföring extract of that date.
    case extract(CalendarDate)
    /// A history import (dated today).
    case historyImport
}

// Each contact detail keeps its source (design §12): an extract never overwrites a detail a
// coordinator entered; it proposes the change for review instead (identify's settle step).
extension Register {
    /// Records that `field` of the person was last written by `origin`.
    func recordSource(personID: Int64, field: ContactField, origin: DetailOrigin) throws {
        try recordSource(personID: personID, column: field.rawValue, origin: origin)
    }

    /// Records that the column (a contact detail or `is_protected`) was last written by `origin`.
    func recordSource(personID: Int64, column: String, origin: DetailOrigin) throws {
        let (source, day, by, at): (String, CalendarDate, String?, String?)
        switch origin {
        case .staff: (source, day, by, at) = ("staff", today, staff, clock.now)
        case let .extract(date): (source, day, by, at) = ("extract", date, nil, nil)
        case .historyImport: (source, day, by, at) = ("import", today, nil, nil)
        }
        try database.cachedStatement("""
            INSERT INTO person_detail_source (person_id, field, source, source_on, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (person_id, field) DO UPDATE SET source = excluded.source, source_on = excluded.source_on,
                entered_by = excluded.entered_by, entered_at = excluded.entered_at
            """).run([.integer(personID), .text(column), .text(source), SQLValue(day), SQLValue(by), SQLValue(at)])
    }

    /// Records that a new person's `columns` all come from the extract of `date`, in one statement:
    /// one entrant's six or seven sources as single upserts were more than half of identify's time.
    /// Only for a person created in this transaction (no earlier source can exist to update).
    func recordExtractSources(personID: Int64, columns: [String], on date: CalendarDate) throws {
        guard !columns.isEmpty else { return }
        let rows = columns.indices.map { "(?1, ?\($0 + 3), 'extract', ?2)" }.joined(separator: ", ")
        try database.cachedStatement("INSERT INTO person_detail_source (person_id, field, source, source_on) VALUES \(rows)")
            .run([.integer(personID), SQLValue(date)] + columns.map { .text($0) })
    }

    /// Where each of a person's details came from; a detail written before register version 4 has none.
    func detailSources(personID: Int64) throws -> [ContactField: DetailSource] {
        var sources: [ContactField: DetailSource] = [:]
        for row in try database.query("SELECT field, source, source_on, entered_by, entered_at FROM person_detail_source WHERE person_id = ?",
                                      [.integer(personID)]) {
            guard let field = ContactField(rawValue: try row.text(0)) else { continue }
            switch try row.text(1) {
            case "staff": sources[field] = .staff(by: try row.optionalText(3) ?? "", on: try date(row, 2), at: try row.optionalText(4) ?? "")
            case "import": sources[field] = .historyImport(try date(row, 2))
            default: sources[field] = .extract(try date(row, 2))
            }
        }
        return sources
    }

    /// What an extract row would change in a person's details: the details to write (nil when
    /// nothing) and the details a coordinator entered that the extract disagrees with (not applied).
    /// `keepsProtection` says a coordinator's protected-identity marking was kept although the extract lacks it.
    func planRefresh(_ row: FolkbokforingRow, personID: Int64) throws
        -> (apply: ContactDetails?, differing: [(field: ContactField, register: String?, extract: String)], keepsProtection: Bool) {
        guard let current = try contactDetails(personID: personID) else { return (nil, [], false) }
        let sources = try detailSources(personID: personID)
        let wanted = Self.authoritative(row.details)
        var apply = ContactDetails()
        var changed = false
        var keepsProtection = false
        if wanted.isProtected != current.isProtected {
            // An extract may always protect someone; it never lifts a marking a coordinator made
            // (they may know of a threat the folkbokföring does not show): that is proposed instead.
            let markedByStaff = try database.queryOne(
                "SELECT 1 FROM person_detail_source WHERE person_id = ? AND field = 'is_protected' AND source = 'staff'", [.integer(personID)]) != nil
            if wanted.isProtected == false, current.isProtected == true, markedByStaff {
                keepsProtection = true
            } else {
                apply.isProtected = wanted.isProtected
                changed = true
            }
        }
        var differing: [(field: ContactField, register: String?, extract: String)] = []
        for field in ContactField.allCases {
            // A protected identity's address is not read from the extract (nor kept, when it stays protected).
            guard let value = field.value(in: wanted), !(keepsProtection && field.isAddress) else { continue }
            let held = field.value(in: current) ?? ""
            guard value != held else { continue }
            if sources[field]?.isStaff == true {
                differing.append((field, field.value(in: current), value))
            } else {
                field.set(value, in: &apply)
                changed = true
            }
        }
        return (changed ? apply : nil, differing, keepsProtection)
    }
}
