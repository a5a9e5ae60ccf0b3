import Foundation
import KAACore
import KAASQLite

/// Which audit rows to show.
public struct AuditFilter: Sendable {
    public var person: PersonalIdentityNumber?
    public var staff: String?
    public var action: String?
    /// Inclusive calendar dates (UTC) of the rows' times.
    public var from: CalendarDate?
    public var through: CalendarDate?

    public init(person: PersonalIdentityNumber? = nil, staff: String? = nil, action: String? = nil, from: CalendarDate? = nil, through: CalendarDate? = nil) {
        self.person = person
        self.staff = staff
        self.action = action
        self.from = from
        self.through = through
    }
}

/// One line of a letter list.
public struct LetterRecipient: Sendable {
    public let details: ContactDetails
}

extension Register {
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

    /// Everything the register holds on a person (GDPR art. 15) as JSON, including who has read
    /// or changed it; the extract itself is logged.
    public func subjectAccess(_ pnr: PersonalIdentityNumber) throws(RegisterError) -> [String: Any] {
        let record = try show(pnr)
        let trail = try auditEntries(AuditFilter(person: pnr))
        var extract = SubjectAccessJSON.person(record)
        extract["kommun"] = kommun
        extract["extracted_at"] = clock.now
        extract["audit"] = trail.map { ["at": $0.at, "staff": $0.staff, "action": $0.action, "detail": $0.detail ?? ""] as [String: Any] }
        extract["about"] = "Allt KAA-registret innehåller om personen (dataskyddsförordningen art. 15), inklusive vem som har läst eller ändrat uppgifterna."
        try write { try audit("subject_access", personID: record.personID) }
        return extract
    }

    /// Name and address of everyone on a worklist who can get a letter: protected identities and
    /// people without an address are left out (counted). An audited read of every recipient.
    public func letterRecipients(_ list: Worklist, days: Int? = nil) throws(RegisterError) -> (recipients: [ContactDetails], protected: Int, withoutAddress: Int) {
        let entries = try worklist(list, days: days)
        var recipients: [ContactDetails] = []
        var protected = 0, withoutAddress = 0
        var ids: [Int64] = []
        try read {
            for personID in Set(entries.map(\.entry.personID)).sorted() {
                guard let details = try contactDetails(personID: personID) else { continue }
                if details.isProtected == true { protected += 1; continue }
                guard details.address != nil, details.postalCode != nil, details.city != nil else { withoutAddress += 1; continue }
                recipients.append(details)
                ids.append(personID)
            }
        }
        try write { try auditReads("letters.\(list.rawValue)", personIDs: ids) }
        return (recipients, protected, withoutAddress)
    }
}

/// The JSON shape of a person's record, shared by `kaa show --json` and the subject-access extract.
public enum SubjectAccessJSON {
    public static func person(_ record: PersonRecord) -> [String: Any] {
        let pnr = record.personnummer
        func value(_ text: String?) -> Any { text ?? NSNull() }
        func value(_ date: CalendarDate?) -> Any { date.map { $0.description } ?? NSNull() }
        return [
            "personnummer": pnr.digits, "kind": pnr.kind.rawValue, "sex": pnr.sex.rawValue, "birth_date": pnr.birthDate.description,
            "first_name": value(record.details.firstName), "last_name": value(record.details.lastName),
            "address": value(record.details.address), "postal_code": value(record.details.postalCode), "city": value(record.details.city),
            "phone": value(record.details.phone), "email": value(record.details.email), "protected": record.isProtected,
            "episodes": record.history.episodes.map { episode in
                [
                    "id": episode.id, "registered_on": episode.registeredOn.description, "registration_reason": episode.registrationReason,
                    "deregistered_on": value(episode.deregisteredOn), "deregistration_reason": value(episode.deregistrationReason),
                    "contacts": episode.contacts.map { contact in
                        ["id": contact.id, "date": contact.date.description, "channel": contact.channel, "reached": contact.isReached,
                         "occupation": value(contact.occupation)] as [String: Any]
                    },
                    "occupations": episode.occupationFacts.map { ["id": $0.id, "date": $0.date.description, "code": $0.occupation] as [String: Any] },
                    "measures": episode.measures.map { measure in
                        ["id": measure.id, "type": measure.type, "offered_on": measure.offeredOn.description,
                         "decision": value(measure.decision?.rawValue), "started_on": value(measure.startedOn),
                         "ended_on": value(measure.endedOn), "end_reason": value(measure.endReason),
                         "occupation_after": value(measure.occupationAfter), "follow_up_on": value(measure.followUpOn),
                         "responsible": value(measure.responsible), "plan": value(measure.plan)] as [String: Any]
                    },
                ] as [String: Any]
            },
        ]
    }
}
