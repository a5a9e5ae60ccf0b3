import Foundation
import KAACore
import KAASQLite

extension Register {
    /// Everything the register holds on a person (GDPR art. 15) as JSON, with the dates and
    /// purposes of every consultation and change but not the staff members' user names (CJEU
    /// C-579/21); the extract itself is logged.
    public func subjectAccess(_ pnr: PersonalIdentityNumber) throws(RegisterError) -> [String: Any] {
        try subjectAccess(pnr) { _ in }.json
    }

    /// Builds the subject-access extract and hands it to `deliver` (which writes its files) inside
    /// the transaction that logs it: if delivering fails, nothing is logged and the error is thrown.
    @discardableResult
    public func subjectAccess(_ pnr: PersonalIdentityNumber, deliver: (SubjectAccessExtract) throws -> Void) throws(RegisterError) -> SubjectAccessExtract {
        let trail = try auditEntries(AuditFilter(person: pnr))
        return try write {
            let id = try personID(pnr)
            guard let details = try contactDetails(personID: id), let history = try loadHistories(personID: id).first else {
                throw RegisterError.notFound("personen \(pnr.formatted) finns inte i registret")
            }
            let record = PersonRecord(personID: id, details: details, history: history, sources: try detailSources(personID: id))
            let events = trail.map { entry in
                SubjectAccessExtract.Event(at: entry.at, localTime: localTime(entry.at), action: entry.action, context: entry.context,
                                           detail: entry.detail)
            }
            // The retention in force (Inställningar, else the config file) is what the person is told.
            let settings = try readEffectiveSettings()
            let extract = SubjectAccessExtract(
                record: record, kommun: kommun, kommunName: Kommuner.all[kommun]?.name ?? kommun, extractedAt: clock.now,
                extractedLocal: localTime(clock.now), timeZone: configuration.timeZone, retentionMonths: settings.retentionMonths,
                auditRetentionMonths: settings.auditRetentionMonths, events: events,
                sources: Self.sources(stored: record.sources, logged: try detailSources(trail)))
            try deliver(extract)
            try audit("subject_access", personID: id, context: .subjectAccess)
            return extract
        }
    }

    /// Where each of a person's details came from, as far as the register knows it today: the latest
    /// audited write that changed the field (an extract's refresh, the coordinator's update or the
    /// registration), by date. Rows from before the log kept changes say nothing, and the detail's
    /// source is then unknown.
    ///
    /// The hook for per-detail sources (issue 13, "each detail keeps its source"): once the register
    /// stores a source with each detail, this reads that instead, and the extract shows it unchanged.
    ///
    /// The stored per-detail sources (`person_detail_source`, `PersonRecord.sources`) win; the log
    /// fills in details written before the register kept them. Neither names the staff member.
    static func sources(stored: [ContactField: DetailSource], logged: [String: SubjectAccessExtract.Source]) -> [String: SubjectAccessExtract.Source] {
        var result = logged
        for (field, source) in stored {
            switch source {
            case let .extract(date): result[field.rawValue] = .init(kind: .extract, date: date.description)
            case let .staff(_, on, _): result[field.rawValue] = .init(kind: .entered, date: on.description)
            case let .historyImport(date): result[field.rawValue] = .init(kind: .imported, date: date.description)
            }
        }
        return result
    }

    func detailSources(_ trail: [AuditEntry]) throws -> [String: SubjectAccessExtract.Source] {
        var sources: [String: SubjectAccessExtract.Source] = [:]
        for entry in trail {
            guard let changes = entry.changes else { continue }
            let kind: SubjectAccessExtract.Source.Kind
            switch entry.action {
            case "person.refresh": kind = .extract
            case "person.update": kind = .entered
            case "register": kind = changes.contains(SubjectAccessExtract.extractSourceNote) ? .extract : .registration
            case "import.history": kind = .imported
            default: continue
            }
            for item in changes.split(separator: ";") {
                let field = item.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if SubjectAccessExtract.detailFields.contains(where: { $0.field == field }) {
                    sources[field] = SubjectAccessExtract.Source(kind: kind, date: localTime(entry.at).prefix(10).description)
                }
            }
        }
        return sources
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
                         "occupation": value(contact.occupation), "reports_deregistration": contact.reportsDeregistration,
                         "next_contact_on": value(contact.nextContactOn)] as [String: Any]
                    },
                    "occupations": episode.occupationFacts.map { ["id": $0.id, "date": $0.date.description, "code": $0.occupation] as [String: Any] },
                    "measures": episode.measures.map { measure in
                        ["id": measure.id, "type": measure.type, "offered_on": measure.offeredOn.description,
                         "decision": value(measure.decision?.rawValue), "started_on": value(measure.startedOn),
                         "ended_on": value(measure.endedOn), "end_reason": value(measure.endReason),
                         "occupation_after": value(measure.occupationAfter), "follow_up_on": value(measure.followUpOn),
                         "responsible": value(measure.responsible), "plan": value(measure.plan),
                         // Issue 13: the plan's timing and every follow-up are held, so they are disclosed too.
                         "planned_start_on": value(measure.plannedStartOn), "next_follow_up_on": value(measure.nextFollowUpOn),
                         "follow_ups": measure.followUps.map { followUp in
                             ["id": followUp.id, "date": followUp.date.description, "next_on": value(followUp.nextOn),
                              "note": value(followUp.note)] as [String: Any]
                         }] as [String: Any]
                    },
                ] as [String: Any]
            },
        ]
    }
}
