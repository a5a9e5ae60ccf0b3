import KAACore
import KAASQLite

/// Changes to an episode; nil leaves a field as it is.
public struct EpisodeCorrection: Sendable {
    public var registeredOn: CalendarDate?
    public var registrationReason: String?
    public var deregisteredOn: CalendarDate?
    public var deregistrationReason: String?
    /// Re-open a closed episode (clears de-registration date and reason).
    public var reopen = false

    public init(registeredOn: CalendarDate? = nil, registrationReason: String? = nil, deregisteredOn: CalendarDate? = nil,
                deregistrationReason: String? = nil, reopen: Bool = false) {
        self.registeredOn = registeredOn
        self.registrationReason = registrationReason
        self.deregisteredOn = deregisteredOn
        self.deregistrationReason = deregistrationReason
        self.reopen = reopen
    }
}

extension Register {
    /// Registers a person in KAA on `date` with a registration reason; returns the new episode's id.
    @discardableResult
    public func register(_ pnr: PersonalIdentityNumber, on date: CalendarDate, reason: String,
                         details: ContactDetails = ContactDetails()) throws(RegisterError) -> Int64 {
        // Checked before writing as well, so that a bad value is reported before the person's details.
        let reason = try canonicalCode(reason, .registrationReason, field: "--reason")
        try checkRegistration(pnr, on: date, reason: reason)
        return try write {
            let before = try database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])
                .flatMap { try contactDetails(personID: try $0.int(0)) }
            let personID = try upsertPerson(pnr, details: details)
            let changes = Self.detailChanges(before, try contactDetails(personID: personID))
            // Registered by a coordinator: a decision identify will not undo (design §12).
            return try insertEpisode(personID: personID, pnr, on: date, reason: reason, isNewPerson: false, isDecision: true, changes: changes)
        }
    }

    /// The rules every registration's values must satisfy (code, open period, age).
    func checkRegistration(_ pnr: PersonalIdentityNumber, on date: CalendarDate, reason: String) throws(RegisterError) {
        try checkCode(reason, .registrationReason, field: "--reason")
        try checkEventDate(date, field: "--date")
        try checkAgeRule(pnr, on: date, field: "--date")
    }

    /// Opens an episode for a person on `date`, with its audit row: the one insert behind both
    /// `register` and identification's fast path, so that a rule added here applies to both.
    /// `isNewPerson` (the person was inserted in this transaction) skips only the checks against the
    /// person's other episodes and records, of which a new person has none.
    /// `isDecision` marks a coordinator's registration, which identify proposes to change but never changes.
    /// `changes` are the person's details this registration changed, kept in the same audit row.
    func insertEpisode(personID: Int64, _ pnr: PersonalIdentityNumber, on date: CalendarDate, reason: String,
                       isNewPerson: Bool, isDecision: Bool = false, changes: AuditChanges = AuditChanges()) throws -> Int64 {
        try checkRegistration(pnr, on: date, reason: reason)
        if !isNewPerson, let open = try database.queryOne(
            "SELECT registered_on FROM episode WHERE person_id = ? AND deregistered_on IS NULL", [.integer(personID)]) {
            throw RegisterError.invalidInput(field: nil, message: "\(pnr.formatted) har redan en öppen inskrivning sedan \(try open.text(0))")
        }
        try database.cachedStatement("INSERT INTO episode (person_id, registered_on, registration_reason, decided_by_staff) VALUES (?, ?, ?, ?)")
            .run([.integer(personID), SQLValue(date), .text(reason), SQLValue(isDecision)])
        let episodeID = database.lastInsertRowID
        if !isNewPerson { try validateEpisode(episodeID) }
        var changes = changes
        changes.date("registered_on", nil, date)
        changes.value("registration_reason", nil, reason)
        try audit("register", personID: personID, detail: "episode=\(episodeID) reason=\(reason)", changes: changes)
        return episodeID
    }

    /// De-registers a person on `date`; measures still without an end are ended there (`AVREGISTRERAD`).
    /// A coordinator's de-registration is a decision identify will not undo (design §12).
    public func deregister(_ pnr: PersonalIdentityNumber, on date: CalendarDate, reason: String) throws(RegisterError) {
        try deregister(pnr, on: date, reason: reason, isDecision: true)
    }

    /// De-registers, marking whether the end is a coordinator's decision (false: a file's, identify's).
    func deregister(_ pnr: PersonalIdentityNumber, on date: CalendarDate, reason: String, isDecision: Bool) throws(RegisterError) {
        let reason = try canonicalCode(reason, .deregistrationReason, field: "--reason")
        try checkEventDate(date, field: "--date")
        try checkTurnedTwenty(pnr, reason: reason, on: date, field: "--reason")
        try write {
            let personID = try personID(pnr)
            let episode = try openEpisode(personID: personID, pnr: pnr)
            guard date >= episode.registeredOn else {
                throw RegisterError.invalidInput(field: "--date", message: "avregistreringsdatumet \(date) ligger före registreringsdatumet \(episode.registeredOn)")
            }
            try Self.checkNotZeroDay(registeredOn: episode.registeredOn, deregisteredOn: date, reason: reason, field: "--date")
            try database.execute("UPDATE episode SET deregistered_on = ?, deregistration_reason = ?, decided_by_staff = ? WHERE id = ?",
                                 [SQLValue(date), .text(reason), SQLValue(isDecision), .integer(episode.id)])
            try validateEpisode(episode.id)
            try database.execute("UPDATE measure SET ended_on = ?, end_reason = ? WHERE episode_id = ? AND ended_on IS NULL",
                                 [SQLValue(date), .text(KnownCode.measureEndAtDeregistration), .integer(episode.id)])
            let ended = database.changes
            var changes = AuditChanges()
            changes.date("deregistered_on", nil, date)
            changes.value("deregistration_reason", nil, reason)
            if ended > 0 { changes.note("åtgärder avslutade: \(ended) (AVREGISTRERAD)") }
            try audit("deregister", personID: personID, detail: "episode=\(episode.id) reason=\(reason) measures_ended=\(ended)", changes: changes)
        }
    }

    /// Corrects an episode (GDPR art. 16). Dates old and new must lie in open periods. `reason`
    /// (why, in a few words) goes into the audit row.
    public func correctEpisode(_ episodeID: Int64, _ correction: EpisodeCorrection, reason: String? = nil) throws(RegisterError) {
        let why = try Self.changeReasonNote(reason)
        var correction = correction
        if let reason = correction.registrationReason { correction.registrationReason = try canonicalCode(reason, .registrationReason, field: "--reason") }
        if let reason = correction.deregistrationReason {
            correction.deregistrationReason = try canonicalCode(reason, .deregistrationReason, field: "--deregistration-reason")
        }
        if let date = correction.registeredOn { try checkEventDate(date, field: "--registered") }
        if let date = correction.deregisteredOn { try checkEventDate(date, field: "--deregistered") }
        try write {
            let current = try episodeRow(episodeID)
            try checkEventDate(current.registeredOn, field: "inskrivning \(episodeID)")
            if let old = current.deregisteredOn { try checkEventDate(old, field: "inskrivning \(episodeID)") }
            let registeredOn = correction.registeredOn ?? current.registeredOn
            let reason = correction.registrationReason ?? current.registrationReason
            var deregisteredOn = correction.deregisteredOn ?? current.deregisteredOn
            var deregistrationReason = correction.deregistrationReason ?? current.deregistrationReason
            if correction.reopen {
                deregisteredOn = nil
                deregistrationReason = nil
            }
            guard (deregisteredOn == nil) == (deregistrationReason == nil) else {
                throw RegisterError.invalidInput(field: "--deregistered", message: "avregistrering kräver både datum och orsak")
            }
            if let end = deregisteredOn, end < registeredOn {
                throw RegisterError.invalidInput(field: "--deregistered", message: "avregistreringsdatumet \(end) ligger före registreringsdatumet \(registeredOn)")
            }
            if let end = deregisteredOn, let reason = deregistrationReason {
                try Self.checkNotZeroDay(registeredOn: registeredOn, deregisteredOn: end, reason: reason, field: "--deregistered")
            }
            // Reopening, or setting the end by hand, makes the episode's state a coordinator's decision.
            let decides = correction.reopen || correction.deregisteredOn != nil || correction.deregistrationReason != nil
            let pnr = try personnummer(ofPerson: current.personID)
            if correction.registeredOn != nil { try checkAgeRule(pnr, on: registeredOn, field: "--registered") }
            if let end = deregisteredOn, let reason = deregistrationReason, correction.deregisteredOn != nil || correction.deregistrationReason != nil {
                try checkTurnedTwenty(pnr, reason: reason, on: end, field: "--deregistration-reason")
            }
            if deregisteredOn == nil, try database.queryOne(
                "SELECT 1 FROM episode WHERE person_id = ? AND id <> ? AND deregistered_on IS NULL", [.integer(current.personID), .integer(episodeID)]) != nil {
                throw RegisterError.invalidInput(field: "--reopen", message: "personen har redan en annan öppen inskrivning")
            }
            try database.execute(
                "UPDATE episode SET registered_on = ?, registration_reason = ?, deregistered_on = ?, deregistration_reason = ?, "
                    + "decided_by_staff = CASE WHEN ? THEN 1 ELSE decided_by_staff END WHERE id = ?",
                [SQLValue(registeredOn), .text(reason), SQLValue(deregisteredOn), SQLValue(deregistrationReason), SQLValue(decides), .integer(episodeID)])
            try validateEpisode(episodeID)
            var changes = AuditChanges()
            changes.date("registered_on", current.registeredOn, registeredOn)
            changes.value("registration_reason", current.registrationReason, reason)
            changes.date("deregistered_on", current.deregisteredOn, deregisteredOn)
            changes.value("deregistration_reason", current.deregistrationReason, deregistrationReason)
            if let why { changes.note(why) }
            try audit("episode.correct", personID: current.personID, detail: "episode=\(episodeID)", changes: changes)
        }
    }

    /// What removing an episode takes with it (read, not audited: the removal is).
    public func removalPlan(ofEpisode episodeID: Int64) throws(RegisterError) -> RemovalPlan {
        try read { try episodeRemovalPlan(episodeID) }
    }

    func episodeRemovalPlan(_ episodeID: Int64) throws -> RemovalPlan {
        let current = try episodeRow(episodeID)
        func count(_ sql: String) throws -> Int { Int(try database.queryOne(sql, [.integer(episodeID)])?.int(0) ?? 0) }
        let others = try count("SELECT count(*) FROM episode WHERE person_id = (SELECT person_id FROM episode WHERE id = ?1) AND id <> ?1")
        return RemovalPlan(
            what: "inskrivning \(episodeID)", subject: try subject(personID: current.personID),
            contacts: try count("SELECT count(*) FROM contact WHERE episode_id = ?"),
            occupationFacts: try count("SELECT count(*) FROM occupation_fact WHERE episode_id = ?"),
            measures: try count("SELECT count(*) FROM measure WHERE episode_id = ?"),
            followUps: try count("SELECT count(*) FROM measure_follow_up u JOIN measure m ON m.id = u.measure_id WHERE m.episode_id = ?"),
            removesPerson: others == 0)
    }

    /// Removes an episode with its contacts, occupation facts and measures (GDPR art. 16/17); a
    /// person left with no episode is removed too. Refused when anything of it lies in a frozen period.
    ///
    /// A removal that takes more than the episode itself (its records, or the person) must be
    /// confirmed with the plan the coordinator saw (`removalPlan(ofEpisode:)`); checked inside the
    /// transaction, so what was confirmed is what goes.
    /// `reason` (why, in a few words) goes into the audit row.
    public func removeEpisode(_ episodeID: Int64, confirming confirmed: RemovalPlan? = nil, reason: String? = nil) throws(RegisterError) {
        let why = try Self.changeReasonNote(reason)
        try write {
            let current = try episodeRow(episodeID)
            let plan = try episodeRemovalPlan(episodeID)
            if plan.takesMoreThanTheRecord, plan != confirmed { throw RegisterError.needsConfirmation(plan) }
            let dates = try database.query("""
                SELECT registered_on FROM episode WHERE id = ?1 UNION ALL SELECT deregistered_on FROM episode WHERE id = ?1 AND deregistered_on IS NOT NULL
                UNION ALL SELECT contacted_on FROM contact WHERE episode_id = ?1 UNION ALL SELECT noted_on FROM occupation_fact WHERE episode_id = ?1
                UNION ALL SELECT offered_on FROM measure WHERE episode_id = ?1
                UNION ALL SELECT ended_on FROM measure WHERE episode_id = ?1 AND ended_on IS NOT NULL
                """, [.integer(episodeID)])
            for row in dates { try checkEventDate(try date(row, 0), field: "inskrivning \(episodeID)") }
            var changes = AuditChanges()
            changes.date("registered_on", current.registeredOn, nil)
            changes.value("registration_reason", current.registrationReason, nil)
            changes.date("deregistered_on", current.deregisteredOn, nil)
            changes.value("deregistration_reason", current.deregistrationReason, nil)
            for (table, what) in [("contact", "kontakter"), ("occupation_fact", "sysselsättningar"), ("measure", "åtgärder")] {
                let count = try database.queryOne("SELECT count(*) FROM \(table) WHERE episode_id = ?", [.integer(episodeID)])?.int(0) ?? 0
                if count > 0 { changes.note("\(what) borttagna: \(count)") }
            }
            try database.execute("DELETE FROM episode WHERE id = ?", [.integer(episodeID)])
            var detail = "episode=\(episodeID)"
            if try database.queryOne("SELECT 1 FROM episode WHERE person_id = ?", [.integer(current.personID)]) == nil {
                try database.execute("DELETE FROM person WHERE id = ?", [.integer(current.personID)])
                detail += " person_removed=1"
                changes.note("personen borttagen")
            }
            if let why { changes.note(why) }
            try audit("episode.remove", personID: current.personID, detail: detail, changes: changes)
        }
    }

    /// Updates a person's contact details (and protected-identity flag).
    public func updatePerson(_ pnr: PersonalIdentityNumber, details: ContactDetails) throws(RegisterError) {
        try write {
            let before = try contactDetails(personID: try personID(pnr))
            let id = try upsertPerson(pnr, details: details)
            try audit("person.update", personID: id, changes: Self.detailChanges(before, try contactDetails(personID: id)))
        }
    }

    // MARK: - Helpers

    /// What changed in a person's details, said without the values (only `ändrad`, `tillagd`,
    /// `borttagen`): the log holds no name, address, phone or e-mail (issue 13).
    static func detailChanges(_ before: ContactDetails?, _ after: ContactDetails?) -> AuditChanges {
        var changes = AuditChanges()
        changes.personal("first_name", before?.firstName, after?.firstName)
        changes.personal("last_name", before?.lastName, after?.lastName)
        changes.personal("address", before?.address, after?.address)
        changes.personal("postal_code", before?.postalCode, after?.postalCode)
        changes.personal("city", before?.city, after?.city)
        changes.personal("phone", before?.phone, after?.phone)
        changes.personal("email", before?.email, after?.email)
        changes.flag("is_protected", before?.isProtected ?? false, after?.isProtected ?? false)
        return changes
    }

    struct EpisodeRow {
        let personID: Int64
        let registeredOn: CalendarDate
        let registrationReason: String
        let deregisteredOn: CalendarDate?
        let deregistrationReason: String?
    }

    func episodeRow(_ id: Int64) throws -> EpisodeRow {
        guard let row = try database.queryOne(
            "SELECT person_id, registered_on, registration_reason, deregistered_on, deregistration_reason FROM episode WHERE id = ?",
            [.integer(id)]) else {
            throw RegisterError.notFound("inskrivning \(id) finns inte")
        }
        return EpisodeRow(personID: try row.int(0), registeredOn: try date(row, 1), registrationReason: try row.text(2),
                          deregisteredOn: try optionalDate(row, 3), deregistrationReason: try row.optionalText(4))
    }

    /// No episode ends on the day it begins (it would count as new but never as in KAA), except
    /// one ended FELREGISTRERAD, which counts nowhere.
    static func checkNotZeroDay(registeredOn: CalendarDate, deregisteredOn: CalendarDate, reason: String, field: String) throws(RegisterError) {
        guard deregisteredOn == registeredOn, reason != KnownCode.felregistrerad else { return }
        throw .invalidInput(field: field, message: "avregistreringsdatumet \(deregisteredOn) är samma dag som registreringen; en inskrivning omfattar "
            + "minst en dag (första dagen utanför är tidigast dagen efter). Var registreringen fel: använd FELREGISTRERAD")
    }

    func personnummer(ofPerson id: Int64) throws -> PersonalIdentityNumber {
        guard let text = try database.queryOne("SELECT personnummer FROM person WHERE id = ?", [.integer(id)])?.text(0) else {
            throw RegisterError.notFound("person \(id) finns inte")
        }
        return try PersonalIdentityNumber(text, today: today)
    }

    func checkAgeRule(_ pnr: PersonalIdentityNumber, on date: CalendarDate, field: String) throws(RegisterError) {
        guard KAAAgeRule.isWithin(birthDate: pnr.birthDate, on: date) else {
            throw .invalidInput(field: field, message: "\(pnr.formatted) är \(pnr.birthDate.age(on: date)) år den \(date) och omfattas inte av "
                + "aktivitetsansvaret (från 1 juli det år personen fyller 16 till dagen före 20-årsdagen)")
        }
    }

    /// Inserts the person or updates the given fields; returns the internal id. Phone numbers and
    /// e-mail addresses are checked and stored normalised (E.164; domain in lower case) whatever
    /// the write path, and each detail given records where it came from (`origin`).
    func upsertPerson(_ pnr: PersonalIdentityNumber, details given: ContactDetails, origin: DetailOrigin = .staff) throws -> Int64 {
        let details = try Self.normalised(given, phoneField: "--phone", emailField: "--email")
        let existing = try database.queryOne("SELECT id, is_protected FROM person WHERE personnummer = ?", [.text(pnr.digits)])
        let isProtected = try details.isProtected ?? (existing?.bool(1) ?? false)
        if isProtected, details.hasAddress {
            throw RegisterError.invalidInput(field: "--address", message: "adress lagras inte för en person med skyddad identitet")
        }
        for (field, value) in [("--first-name", details.firstName), ("--last-name", details.lastName), ("--address", details.address),
                               ("--postal-code", details.postalCode), ("--city", details.city), ("--phone", details.phone),
                               ("--email", details.email)] {
            if let value, value.count > 200 || value.contains(where: { $0.isNewline }) {
                throw RegisterError.invalidInput(field: field, message: "högst 200 tecken på en rad")
            }
            if let value, let problem = TextSafety.problem(in: value) { throw RegisterError.invalidInput(field: field, message: problem) }
        }
        let id: Int64
        if let existing {
            id = try existing.int(0)
        } else {
            try database.execute("INSERT INTO person (id, personnummer, is_protected) VALUES (\(Register.newPersonID), ?, ?)", [.text(pnr.digits), SQLValue(isProtected)])
            id = database.lastInsertRowID
        }
        if isProtected {
            try database.execute("UPDATE person SET is_protected = 1, address = NULL, postal_code = NULL, city = NULL WHERE id = ?", [.integer(id)])
            try database.execute("DELETE FROM person_detail_source WHERE person_id = ? AND field IN ('address', 'postal_code', 'city')", [.integer(id)])
        } else if details.isProtected == false {
            try database.execute("UPDATE person SET is_protected = 0 WHERE id = ?", [.integer(id)])
        }
        if details.isProtected != nil { try recordSource(personID: id, column: "is_protected", origin: origin) }
        for field in ContactField.allCases {
            if let value = field.value(in: details) {
                try database.execute("UPDATE person SET \(field.rawValue) = ? WHERE id = ?", [value.isEmpty ? .null : .text(value), .integer(id)])
                try recordSource(personID: id, field: field, origin: origin)
            }
        }
        return id
    }

    /// `details` with its phone number and e-mail address checked and normalised (an empty text
    /// stays empty: it clears the detail). The error names `phoneField` or `emailField`.
    static func normalised(_ details: ContactDetails, phoneField: String, emailField: String) throws(RegisterError) -> ContactDetails {
        var result = details
        do throws(ContactValidation.Problem) {
            if let phone = details.phone, !phone.isEmpty { result.phone = try ContactValidation.phone(phone) }
        } catch {
            throw .invalidInput(field: phoneField, message: error.message)
        }
        do throws(ContactValidation.Problem) {
            if let email = details.email, !email.isEmpty { result.email = try ContactValidation.email(email) }
        } catch {
            throw .invalidInput(field: emailField, message: error.message)
        }
        return result
    }

    /// Checks every rule that ties an episode to its person and its records, after a write.
    func validateEpisode(_ episodeID: Int64) throws {
        let episode = try episodeRow(episodeID)
        let start = episode.registeredOn.description
        let end = episode.deregisteredOn?.description ?? "9999-12-31"
        if let other = try database.queryOne("""
            SELECT id, registered_on FROM episode
            WHERE person_id = ? AND id <> ? AND registered_on < ? AND coalesce(deregistered_on, '9999-12-31') > ?
            """, [.integer(episode.personID), .integer(episodeID), .text(end), .text(start)]) {
            throw RegisterError.invalidInput(field: nil, message: "inskrivningen överlappar personens inskrivning \(try other.int(0)) från \(try other.text(1))")
        }
        let checks: [(String, String)] = [
            // A contact that brought the news of the de-registration may come after the end (it is checked
            // to lie in an open period when logged).
            ("SELECT id, contacted_on FROM contact WHERE episode_id = ?1 AND (contacted_on < ?2 OR (contacted_on > ?3 AND reports_deregistration = 0))", "kontakt"),
            ("SELECT id, noted_on FROM occupation_fact WHERE episode_id = ?1 AND (noted_on < ?2 OR noted_on > ?3)", "sysselsättning"),
            ("SELECT id, offered_on FROM measure WHERE episode_id = ?1 AND (offered_on < ?2 OR offered_on > ?3)", "åtgärd (erbjuden)"),
            ("SELECT id, started_on FROM measure WHERE episode_id = ?1 AND started_on IS NOT NULL AND started_on > ?3", "åtgärd (påbörjad)"),
            ("""
             SELECT u.id, u.done_on FROM measure_follow_up u JOIN measure m ON m.id = u.measure_id
             WHERE m.episode_id = ?1 AND (u.done_on < ?2 OR u.done_on > ?3)
             """, "uppföljning"),
        ]
        for (sql, what) in checks {
            if let row = try database.queryOne(sql, [.integer(episodeID), .text(start), .text(end)]) {
                throw RegisterError.invalidInput(field: nil, message: "\(what) \(try row.int(0)) daterad \(try row.text(1)) ligger utanför inskrivningen \(start) – \(episode.deregisteredOn?.description ?? "pågående")")
            }
        }
    }
}
