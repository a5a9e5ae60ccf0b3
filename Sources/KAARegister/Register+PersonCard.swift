import KAACore
import KAASQLite

/// Everything the Personkort shows of one person, read in one go after the access check.
public struct PersonCard: Sendable {
    /// The person's record (details with their sources, every episode with its records).
    public let record: PersonRecord
    /// The person's version, for the forms on the page (a stale form is refused).
    public let version: Int64
    /// The handläggare whose caseload holds the person: login and name.
    public let caseworker: StaffMember?
    /// The writes about the person (what happened, who did it and when), oldest first.
    public let events: [AuditEntry]
    /// The "Att granska" items about the person, open and settled, oldest first.
    public let reviews: [ReviewItem]
    /// How each episode came to be, by episode id.
    public let origins: [Int64: EpisodeOrigin]
    /// The handläggare a samordnare may assign the person to (empty for anyone else).
    public let assignable: [StaffMember]
    /// The hand-overs at 20 (utslussning), by episode id.
    public let handovers: [Int64: Handover]
    /// Why a hand-over cannot be recorded now (nil: it can, for the latest episode).
    public let handoverRefusal: String?

    /// The 20th birthday, the first day outside KAA.
    public var twentiethBirthday: CalendarDate { KAAAgeRule.endDay(birthDate: record.personnummer.birthDate) }
}

/// A staff member as a page names them.
public struct StaffMember: Sendable, Equatable {
    public let login: String
    public let name: String
}

/// How an episode came into the register: who registered it, and whether its state is a coordinator's decision.
public struct EpisodeOrigin: Sendable {
    /// The staff member (or OS user) of the `register` audit row; nil when the log no longer has it.
    public let registeredBy: String?
    /// When (UTC, as the log keeps it) the registration was written.
    public let registeredAt: String?
    /// Whether identification registered a person new to the register from the folkbokföring
    /// extract and the enrolment files (the audit row says so).
    public let isFromExtract: Bool
    /// Whether the episode's current state is a coordinator's decision (identify proposes, never changes it).
    public let isDecidedByStaff: Bool
}

/// One person as an action form needs them: after the access check, without an audited read of
/// their records beyond what the form shows.
public struct PersonAtHand: Sendable {
    public let personID: Int64
    public let personnummer: PersonalIdentityNumber
    /// First and last name (empty when none is held).
    public let name: String
    public let isProtected: Bool
    public let version: Int64
    /// The person's episodes with their records.
    public let history: PersonHistory

    /// The open episode, if any.
    public var openEpisode: EpisodeHistory? { history.openEpisode }
    /// The 20th birthday, the first day outside KAA.
    public var twentiethBirthday: CalendarDate { KAAAgeRule.endDay(birthDate: personnummer.birthDate) }

    /// The measure `id` if it is this person's.
    public func measure(_ id: Int64) -> MeasureFact? {
        history.episodes.lazy.flatMap(\.measures).first { $0.id == id }
    }

    /// The contact `id` if it is this person's.
    public func contact(_ id: Int64) -> ContactFact? {
        history.episodes.lazy.flatMap(\.contacts).first { $0.id == id }
    }

    /// The occupation fact `id` if it is this person's.
    public func occupationFact(_ id: Int64) -> OccupationFact? {
        history.episodes.lazy.flatMap(\.occupationFacts).first { $0.id == id }
    }

    /// The episode `id` if it is this person's.
    public func episode(_ id: Int64) -> EpisodeHistory? {
        history.episodes.first { $0.id == id }
    }
}

/// Actions whose audit rows are reads, not events of the person's case.
private let readActions: Set<String> = ["show", "denied", "subject_access", "find", "search"]

extension Register {
    /// The Personkort of `personID`: refused (and audited) for a viewer who does not reach the
    /// person; the read itself is audited as `show` with the context `person`.
    public func personCard(personID: Int64) throws(RegisterError) -> PersonCard {
        let pnr = try personnummer(ofPerson: personID, for: "show")
        let record = try show(pnr)
        let isSamordnare = viewer?.role == .samordnare
        return try read {
            // The person's own rows by the log's person index (a listing's rows name no one person;
            // reads carry a context, or are one of the read actions on rows from before contexts).
            let events = try database.query("""
                SELECT id, at, staff, action, person_id, detail, changes FROM audit_log WHERE person_id = ? AND context IS NULL ORDER BY id
                """, [.integer(personID)]).map { row in
                AuditEntry(id: try row.int(0), at: try row.text(1), staff: try row.text(2), action: try row.text(3), personID: try row.optionalInt(4),
                           detail: try row.optionalText(5), changes: try row.optionalText(6))
            }.filter { !readActions.contains($0.action) && !Self.isListingAction($0.action) }
            let version = try database.queryOne("SELECT version FROM person WHERE id = ?", [.integer(personID)])?.int(0) ?? 0
            let reviews = try loadReviewItems(where: "WHERE r.person_id = ?", [.integer(personID)])
            var origins: [Int64: EpisodeOrigin] = [:]
            for row in try database.query("SELECT id, decided_by_staff FROM episode WHERE person_id = ?", [.integer(personID)]) {
                let id = try row.int(0)
                let registration = events.last { $0.action == "register" && ($0.detail ?? "").split(separator: " ").contains("episode=\(id)") }
                origins[id] = EpisodeOrigin(registeredBy: registration?.staff, registeredAt: registration?.at,
                                            isFromExtract: registration?.changes?.contains(SubjectAccessExtract.extractSourceNote) ?? false,
                                            isDecidedByStaff: try row.bool(1))
            }
            let assignable = isSamordnare ? try database.query(
                "SELECT login, name FROM staff WHERE role = 'handlaggare' AND disabled = 0 ORDER BY name, login").map { row in
                    StaffMember(login: try row.text(0), name: try row.text(1))
                } : []
            let latest = record.history.episodes.max { ($0.registeredOn, $0.id) < ($1.registeredOn, $1.id) }
            return PersonCard(record: record, version: version, caseworker: try caseworker(personID: personID), events: events,
                              reviews: reviews, origins: origins, assignable: assignable, handovers: try handovers(personID: personID),
                              handoverRefusal: handoverRefusal(latest: latest, birthDate: record.personnummer.birthDate))
        }
    }

    /// The person `personID` for an action form or its write: refused (and audited) for a viewer who
    /// does not reach them, `notFound` for an unknown id. Not an audited read: the form names the
    /// person to the one changing their record, and the change is audited (as `subject(of:)`).
    public func personAtHand(_ personID: Int64, for action: String) throws(RegisterError) -> PersonAtHand {
        let pnr = try personnummer(ofPerson: personID, for: action)
        return try read {
            guard let row = try database.queryOne("SELECT coalesce(first_name, ''), coalesce(last_name, ''), is_protected, version FROM person WHERE id = ?",
                                                  [.integer(personID)]) else {
                throw RegisterError.notFound("det finns ingen person med id \(personID) i registret")
            }
            let history = try loadHistories(personID: personID).first ?? PersonHistory(personID: personID, personnummer: pnr, episodes: [])
            return PersonAtHand(personID: personID, personnummer: pnr, name: [try row.text(0), try row.text(1)].filter { !$0.isEmpty }.joined(separator: " "),
                                isProtected: try row.bool(2), version: try row.int(3), history: history)
        }
    }

    /// Audits that a form showed one of the person's records (a correction or removal form shows
    /// its values), with the context `person`.
    public func auditFormRead(personID: Int64, form: String) throws(RegisterError) {
        try write { try audit("show", personID: personID, detail: "form=\(form)", context: .person) }
    }

    /// The handläggare of a person, if any.
    func caseworker(personID: Int64) throws -> StaffMember? {
        try database.queryOne("SELECT staff.login, staff.name FROM caseload JOIN staff ON staff.id = caseload.staff_id WHERE person_id = ?",
                              [.integer(personID)]).map { StaffMember(login: try $0.text(0), name: try $0.text(1)) }
    }

    /// Registers a person in KAA from the web: as `register`, but a person the register already
    /// holds must be one the viewer reaches (else refused and audited), and a handläggare gets a
    /// new person in their own caseload, in the same transaction. Returns the person's id.
    public func registerPerson(_ pnr: PersonalIdentityNumber, on date: CalendarDate, reason: String, details: ContactDetails) throws(RegisterError) -> Int64 {
        let existing: Int64? = try read { try database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])?.int(0) }
        if let existing {
            // Refused and audited; the message does not say whose, or that it is someone already in KAA.
            do {
                try checkAccess(toPerson: existing, for: "register")
            } catch {
                throw .forbidden("Personen kan inte registreras härifrån. Kontakta samordnaren. Försöket har loggats.")
            }
        }
        return try write {
            try register(pnr, on: date, reason: reason, details: details)
            let id = try personID(pnr)
            if let viewer, viewer.role == .handlaggare, try caseworker(personID: id) == nil {
                try assignCaseload(pnr, to: viewer.login)
            }
            return id
        }
    }

    /// Records the decision on a measure's offer, made on `date` (the register keeps the decision;
    /// its date goes into the audit row).
    public func decideMeasure(_ id: Int64, decision: MeasureDecision, on date: CalendarDate) throws(RegisterError) {
        try checkEventDate(date, field: "--date")
        let offered: CalendarDate? = try read {
            try database.queryOne("SELECT offered_on FROM measure WHERE id = ?", [.integer(id)]).map { try self.date($0, 0) }
        }
        guard let offered else { throw .notFound("åtgärd \(id) finns inte") }
        guard date >= offered else {
            throw .invalidInput(field: "--date", message: "beslutet \(date) ligger före erbjudandet \(offered)")
        }
        var change = MeasureCorrection()
        change.decision = decision
        try changeMeasure(id, change, action: "measure.decide", requireOpen: true, note: "beslutsdatum: \(date)")
    }

    /// Records that a measure started on `date`.
    public func startMeasure(_ id: Int64, on date: CalendarDate) throws(RegisterError) {
        var change = MeasureCorrection()
        change.startedOn = date
        try changeMeasure(id, change, action: "measure.start", requireOpen: true)
    }
}
