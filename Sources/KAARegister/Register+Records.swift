import KAACore
import KAASQLite

/// A new measure (åtgärd) as offered.
public struct NewMeasure: Sendable {
    public var type: String
    public var offeredOn: CalendarDate
    public var decision: MeasureDecision?
    public var startedOn: CalendarDate?
    public var responsible: String?
    public var plan: String?
    public var followUpOn: CalendarDate?
    /// When the measure is planned to begin; may lie after today (an agreement, not a fact).
    public var plannedStartOn: CalendarDate?

    public init(type: String, offeredOn: CalendarDate, decision: MeasureDecision? = nil, startedOn: CalendarDate? = nil,
                responsible: String? = nil, plan: String? = nil, followUpOn: CalendarDate? = nil, plannedStartOn: CalendarDate? = nil) {
        self.plannedStartOn = plannedStartOn
        self.type = type
        self.offeredOn = offeredOn
        self.decision = decision
        self.startedOn = startedOn
        self.responsible = responsible
        self.plan = plan
        self.followUpOn = followUpOn
    }
}

/// Changes to a measure; nil leaves a field as it is (the `clear…` flags empty one).
public struct MeasureCorrection: Sendable {
    public var type: String?
    public var offeredOn: CalendarDate?
    public var decision: MeasureDecision?
    public var clearDecision = false
    public var startedOn: CalendarDate?
    public var clearStart = false
    public var endedOn: CalendarDate?
    public var endReason: String?
    public var occupationAfter: String?
    public var clearEnd = false
    public var responsible: String?
    public var plan: String?
    public var followUpOn: CalendarDate?
    /// A new planned start (may lie after today).
    public var plannedStartOn: CalendarDate?
    /// Remove the planned start.
    public var clearPlannedStart = false

    public init() {}
}

/// Changes to a contact; nil leaves a field as it is.
public struct ContactCorrection: Sendable {
    public var date: CalendarDate?
    public var channel: String?
    public var isReached: Bool?
    public var occupation: String?
    public var clearOccupation = false

    public init(date: CalendarDate? = nil, channel: String? = nil, isReached: Bool? = nil, occupation: String? = nil, clearOccupation: Bool = false) {
        self.date = date
        self.channel = channel
        self.isReached = isReached
        self.occupation = occupation
        self.clearOccupation = clearOccupation
    }
}

extension Register {
    // MARK: - Contacts

    /// Logs a contact attempt on the person's open episode; returns the contact's id.
    ///
    /// With `reportsDeregistration` the contact is the one that brought the news of the de-registration:
    /// it may be dated after the end (learned on 19 November that the youth started studying on
    /// 9 November). It then goes to the latest episode, closed or open, provided its end and the
    /// contact both lie in open periods and no other contact of it already says so.
    /// `nextContactOn` is the next contact planned (after `date`, at most a year ahead of today).
    @discardableResult
    public func addContact(_ pnr: PersonalIdentityNumber, on date: CalendarDate, channel: String, isReached: Bool,
                           occupation: String? = nil, reportsDeregistration: Bool = false,
                           nextContactOn: CalendarDate? = nil) throws(RegisterError) -> Int64 {
        let channel = try canonicalCode(channel, .contactChannel, field: "--channel")
        let occupation = try occupation.map { text throws(RegisterError) in try canonicalCode(text, .occupation, field: "--occupation") }
        if occupation != nil, !isReached {
            throw .invalidInput(field: "--occupation", message: "sysselsättning kan bara anges när personen nåddes (--reached)")
        }
        try checkEventDate(date, field: "--date")
        if let next = nextContactOn {
            guard next > date else {
                throw .invalidInput(field: "--next-contact", message: "nästa kontakt \(next) ska ligga efter kontakten \(date)")
            }
            guard next <= today.adding(months: 12) else {
                throw .invalidInput(field: "--next-contact", message: "nästa kontakt \(next) ligger mer än ett år fram")
            }
        }
        return try write {
            let personID = try personID(pnr)
            let episodeID: Int64
            if reportsDeregistration {
                episodeID = try episodeReported(personID: personID, pnr: pnr, contactOn: date)
            } else {
                let episode = try openEpisode(personID: personID, pnr: pnr)
                try checkWithinEpisode(date, episode.registeredOn, field: "--date")
                episodeID = episode.id
            }
            try database.execute("""
                INSERT INTO contact (episode_id, contacted_on, channel, is_reached, occupation, reports_deregistration, next_contact_on)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.integer(episodeID), SQLValue(date), .text(channel), SQLValue(isReached), SQLValue(occupation), SQLValue(reportsDeregistration),
                      SQLValue(nextContactOn)])
            let id = database.lastInsertRowID
            if reportsDeregistration { try validateEpisode(episodeID) }
            var changes = AuditChanges()
            changes.date("contacted_on", nil, date)
            changes.value("channel", nil, channel)
            changes.flag("is_reached", nil, isReached)
            changes.value("occupation", nil, occupation)
            if reportsDeregistration { changes.flag("reports_deregistration", nil, true) }
            changes.date("next_contact_on", nil, nextContactOn)
            try audit("contact.add", personID: personID, detail: "contact=\(id) channel=\(channel) reached=\(isReached ? 1 : 0)"
                + (reportsDeregistration ? " reports_deregistration=1" : ""), changes: changes)
            return id
        }
    }

    /// The episode a contact reporting its de-registration belongs to: the person's latest one.
    private func episodeReported(personID: Int64, pnr: PersonalIdentityNumber, contactOn date: CalendarDate) throws -> Int64 {
        guard let row = try database.queryOne("""
            SELECT id, registered_on, deregistered_on FROM episode WHERE person_id = ? ORDER BY registered_on DESC, id DESC LIMIT 1
            """, [.integer(personID)]) else {
            throw RegisterError.notFound("personen \(pnr.formatted) har ingen inskrivning")
        }
        let episodeID = try row.int(0)
        try checkWithinEpisode(date, try self.date(row, 1), field: "--date")
        if let end = try optionalDate(row, 2) {
            // The end itself must still be open: a contact may not reopen what frozen figures counted.
            try checkEventDate(end, field: "--reports-deregistration")
        }
        if let other = try database.queryOne("SELECT id FROM contact WHERE episode_id = ? AND reports_deregistration = 1", [.integer(episodeID)]) {
            throw RegisterError.invalidInput(field: "--reports-deregistration",
                                             message: "kontakt \(try other.int(0)) är redan den som meddelade avregistreringen av inskrivning \(episodeID)")
        }
        return episodeID
    }

    /// Corrects a contact by its id; `reason` (why, in a few words) goes into the audit row.
    public func correctContact(_ id: Int64, _ correction: ContactCorrection, reason: String? = nil) throws(RegisterError) {
        let why = try Self.changeReasonNote(reason)
        var correction = correction
        if let channel = correction.channel { correction.channel = try canonicalCode(channel, .contactChannel, field: "--channel") }
        if let occupation = correction.occupation { correction.occupation = try canonicalCode(occupation, .occupation, field: "--occupation") }
        if let date = correction.date { try checkEventDate(date, field: "--date") }
        try write {
            guard let row = try database.queryOne("""
                SELECT c.episode_id, c.contacted_on, c.channel, c.is_reached, c.occupation, e.person_id, c.next_contact_on
                FROM contact c JOIN episode e ON e.id = c.episode_id WHERE c.id = ?
                """, [.integer(id)]) else { throw RegisterError.notFound("kontakt \(id) finns inte") }
            try checkEventDate(try date(row, 1), field: "kontakt \(id)")
            let isReached = try correction.isReached ?? row.bool(3)
            var occupation = try correction.clearOccupation ? nil : (correction.occupation ?? row.optionalText(4))
            if !isReached, correction.occupation == nil { occupation = nil }
            if occupation != nil, !isReached {
                throw RegisterError.invalidInput(field: "--occupation", message: "sysselsättning kan bara anges när personen nåddes")
            }
            let newDate = try correction.date ?? date(row, 1), channel = try correction.channel ?? row.text(2)
            if let next = try optionalDate(row, 6), next <= newDate {
                throw RegisterError.invalidInput(field: "--date", message: "kontakten planerade nästa kontakt \(next); datumet \(newDate) ska ligga före den")
            }
            try database.execute("UPDATE contact SET contacted_on = ?, channel = ?, is_reached = ?, occupation = ? WHERE id = ?",
                                 [SQLValue(newDate), .text(channel), SQLValue(isReached), SQLValue(occupation), .integer(id)])
            try validateEpisode(try row.int(0))
            var changes = AuditChanges()
            changes.date("contacted_on", try date(row, 1), newDate)
            changes.value("channel", try row.text(2), channel)
            changes.flag("is_reached", try row.bool(3), isReached)
            changes.value("occupation", try row.optionalText(4), occupation)
            if let why { changes.note(why) }
            try audit("contact.correct", personID: try row.int(5), detail: "contact=\(id)", changes: changes)
        }
    }

    /// Removes a contact by its id; `reason` (why, in a few words) goes into the audit row.
    public func removeContact(_ id: Int64, reason: String? = nil) throws(RegisterError) {
        try removeRecord(table: "contact", dateColumn: "contacted_on", id: id, what: "kontakt", action: "contact.remove", note: Self.changeReasonNote(reason))
    }

    // MARK: - Occupation

    /// Records what the person does, as learned on `date`; returns the fact's id.
    @discardableResult
    public func setOccupation(_ pnr: PersonalIdentityNumber, on date: CalendarDate, code: String) throws(RegisterError) -> Int64 {
        let code = try canonicalCode(code, .occupation, field: "--code")
        try checkEventDate(date, field: "--date")
        return try write {
            let personID = try personID(pnr)
            let episode = try openEpisode(personID: personID, pnr: pnr)
            try checkWithinEpisode(date, episode.registeredOn, field: "--date")
            try database.execute("INSERT INTO occupation_fact (episode_id, noted_on, occupation) VALUES (?, ?, ?)",
                                 [.integer(episode.id), SQLValue(date), .text(code)])
            let id = database.lastInsertRowID
            var changes = AuditChanges()
            changes.date("noted_on", nil, date)
            changes.value("occupation", nil, code)
            try audit("occupation.set", personID: personID, detail: "occupation_fact=\(id) code=\(code)", changes: changes)
            return id
        }
    }

    /// Corrects an occupation fact by its id; `reason` (why, in a few words) goes into the audit row.
    public func correctOccupation(_ id: Int64, date newDate: CalendarDate?, code: String?, reason: String? = nil) throws(RegisterError) {
        let why = try Self.changeReasonNote(reason)
        let code = try code.map { text throws(RegisterError) in try canonicalCode(text, .occupation, field: "--code") }
        if let newDate { try checkEventDate(newDate, field: "--date") }
        try write {
            guard let row = try database.queryOne("""
                SELECT f.episode_id, f.noted_on, f.occupation, e.person_id FROM occupation_fact f JOIN episode e ON e.id = f.episode_id WHERE f.id = ?
                """, [.integer(id)]) else { throw RegisterError.notFound("sysselsättning \(id) finns inte") }
            try checkEventDate(try date(row, 1), field: "sysselsättning \(id)")
            let notedOn = try newDate ?? date(row, 1), occupation = try code ?? row.text(2)
            try database.execute("UPDATE occupation_fact SET noted_on = ?, occupation = ? WHERE id = ?",
                                 [SQLValue(notedOn), .text(occupation), .integer(id)])
            try validateEpisode(try row.int(0))
            var changes = AuditChanges()
            changes.date("noted_on", try date(row, 1), notedOn)
            changes.value("occupation", try row.text(2), occupation)
            if let why { changes.note(why) }
            try audit("occupation.correct", personID: try row.int(3), detail: "occupation_fact=\(id)", changes: changes)
        }
    }

    /// Removes an occupation fact by its id; `reason` (why, in a few words) goes into the audit row.
    public func removeOccupation(_ id: Int64, reason: String? = nil) throws(RegisterError) {
        try removeRecord(table: "occupation_fact", dateColumn: "noted_on", id: id, what: "sysselsättning", action: "occupation.remove",
                         note: Self.changeReasonNote(reason))
    }

    // MARK: - Measures

    /// Offers a measure on the person's open episode; returns the measure's id.
    @discardableResult
    public func addMeasure(_ pnr: PersonalIdentityNumber, _ measure: NewMeasure) throws(RegisterError) -> Int64 {
        var measure = measure
        measure.type = try canonicalCode(measure.type, .measureType, field: "--type")
        try checkEventDate(measure.offeredOn, field: "--offered")
        try checkPlannedStart(measure.plannedStartOn, offeredOn: measure.offeredOn)
        if let start = measure.startedOn {
            try checkEventDate(start, field: "--start")
            guard measure.decision != .declined else {
                throw .invalidInput(field: "--start", message: "en avböjd åtgärd kan inte påbörjas")
            }
            guard start >= measure.offeredOn else {
                throw .invalidInput(field: "--start", message: "startdatumet \(start) ligger före erbjudandet \(measure.offeredOn)")
            }
        }
        if let followUp = measure.followUpOn, followUp < measure.offeredOn {
            throw .invalidInput(field: "--follow-up", message: "uppföljningsdatumet \(followUp) ligger före erbjudandet \(measure.offeredOn)")
        }
        try checkFreeText(measure.plan, field: "--plan", limit: 2000)
        try checkFreeText(measure.responsible, field: "--responsible", limit: 200)
        return try write {
            let personID = try personID(pnr)
            let episode = try openEpisode(personID: personID, pnr: pnr)
            try checkWithinEpisode(measure.offeredOn, episode.registeredOn, field: "--offered")
            try database.execute("""
                INSERT INTO measure (episode_id, measure_type, offered_on, decision, started_on, responsible, plan, follow_up_on, planned_start_on)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(episode.id), .text(measure.type), SQLValue(measure.offeredOn), SQLValue(measure.decision?.rawValue),
                      SQLValue(measure.startedOn), SQLValue(measure.responsible), SQLValue(measure.plan), SQLValue(measure.followUpOn),
                      SQLValue(measure.plannedStartOn)])
            let id = database.lastInsertRowID
            var changes = AuditChanges()
            changes.value("measure_type", nil, measure.type)
            changes.date("offered_on", nil, measure.offeredOn)
            changes.value("decision", nil, measure.decision?.rawValue)
            changes.date("started_on", nil, measure.startedOn)
            changes.date("follow_up_on", nil, measure.followUpOn)
            changes.date("planned_start_on", nil, measure.plannedStartOn)
            changes.personal("responsible", nil, measure.responsible)
            changes.personal("plan", nil, measure.plan)
            try audit("measure.add", personID: personID, detail: "measure=\(id) type=\(measure.type)", changes: changes)
            return id
        }
    }

    /// Ends a measure on `date` with an end reason and, optionally, the occupation it led to.
    public func endMeasure(_ id: Int64, on date: CalendarDate, reason: String, occupationAfter: String? = nil) throws(RegisterError) {
        var correction = MeasureCorrection()
        correction.endedOn = date
        correction.endReason = reason
        correction.occupationAfter = occupationAfter
        try changeMeasure(id, correction, action: "measure.end", requireOpen: true)
    }

    /// Corrects a measure by its id; `reason` (why, in a few words) goes into the audit row.
    public func correctMeasure(_ id: Int64, _ correction: MeasureCorrection, reason: String? = nil) throws(RegisterError) {
        try changeMeasure(id, correction, action: "measure.correct", requireOpen: false, note: Self.changeReasonNote(reason))
    }

    /// What removing a measure takes with it (its follow-ups).
    public func removalPlan(ofMeasure id: Int64) throws(RegisterError) -> RemovalPlan {
        try read { try measureRemovalPlan(id) }
    }

    func measureRemovalPlan(_ id: Int64) throws -> RemovalPlan {
        RemovalPlan(what: "åtgärd \(id)", subject: try subject(ofRecord: .measure, id: id),
                    followUps: Int(try database.queryOne("SELECT count(*) FROM measure_follow_up WHERE measure_id = ?", [.integer(id)])?.int(0) ?? 0))
    }

    /// Removes a measure by its id; one with follow-ups must be confirmed with its plan (`removalPlan(ofMeasure:)`).
    /// `reason` (why, in a few words) goes into the audit row.
    public func removeMeasure(_ id: Int64, confirming confirmed: RemovalPlan? = nil, reason: String? = nil) throws(RegisterError) {
        try removeRecord(table: "measure", dateColumn: "offered_on", id: id, what: "åtgärd", action: "measure.remove",
                         note: Self.changeReasonNote(reason)) {
            let plan = try self.measureRemovalPlan(id)
            if plan.takesMoreThanTheRecord, plan != confirmed { throw RegisterError.needsConfirmation(plan) }
        }
    }

    /// Records a follow-up of a measure done on `date`, with the next one agreed; returns its id.
    /// The measure's first follow-up date stays as agreed; the next due is the latest `next`.
    @discardableResult
    public func addFollowUp(measure id: Int64, on date: CalendarDate, next: CalendarDate?, note: String?) throws(RegisterError) -> Int64 {
        try checkEventDate(date, field: "--date")
        if let next, next <= date {
            throw .invalidInput(field: "--next", message: "nästa uppföljning \(next) ska ligga efter uppföljningen \(date)")
        }
        // A note is one line (it is shown on one): its own message first, then the common checks (length, bidi).
        if let note, note.contains(where: { $0.isNewline || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            throw .invalidInput(field: "--note", message: "anteckningen ska vara en rad utan styrtecken")
        }
        try checkFreeText(note, field: "--note", limit: 2000)
        return try write {
            guard let row = try database.queryOne("""
                SELECT m.episode_id, m.offered_on, e.person_id FROM measure m JOIN episode e ON e.id = m.episode_id WHERE m.id = ?
                """, [.integer(id)]) else { throw RegisterError.notFound("åtgärd \(id) finns inte") }
            let offeredOn = try self.date(row, 1)
            guard date >= offeredOn else {
                throw RegisterError.invalidInput(field: "--date", message: "uppföljningen \(date) ligger före erbjudandet \(offeredOn)")
            }
            try database.execute("INSERT INTO measure_follow_up (measure_id, done_on, next_on, note) VALUES (?, ?, ?, ?)",
                                 [.integer(id), SQLValue(date), SQLValue(next), SQLValue(note.flatMap { $0.isEmpty ? nil : $0 })])
            let followUpID = database.lastInsertRowID
            try validateEpisode(try row.int(0))
            var changes = AuditChanges()
            changes.date("follow_up.done_on", nil, date)
            changes.date("follow_up.next_on", nil, next)
            changes.personal("follow_up.note", nil, note)
            try audit("measure.follow_up", personID: try row.int(2), detail: "measure=\(id) follow_up=\(followUpID)", changes: changes)
            return followUpID
        }
    }

    /// A planned start is an agreement: it may lie after today, but not before the offer (nor absurdly far).
    func checkPlannedStart(_ planned: CalendarDate?, offeredOn: CalendarDate) throws(RegisterError) {
        guard let planned else { return }
        guard planned >= offeredOn else {
            throw .invalidInput(field: "--planned-start", message: "den planerade starten \(planned) ligger före erbjudandet \(offeredOn)")
        }
        // KAA ends at 20, so a plan more than four years ahead is a typing error, not a plan.
        guard planned <= today.adding(months: 48) else {
            throw .invalidInput(field: "--planned-start", message: "den planerade starten \(planned) ligger mer än fyra år fram")
        }
    }

    /// Writes `change` to the measure with one audit row `action`; `note` (a decision's date, a
    /// correction's reason) is added to the row's changes.
    func changeMeasure(_ id: Int64, _ change: MeasureCorrection, action: String, requireOpen: Bool, note: String? = nil) throws(RegisterError) {
        var change = change
        if let type = change.type { change.type = try canonicalCode(type, .measureType, field: "--type") }
        if let reason = change.endReason { change.endReason = try canonicalCode(reason, .measureEndReason, field: "--reason") }
        if let occupation = change.occupationAfter { change.occupationAfter = try canonicalCode(occupation, .occupation, field: "--occupation-after") }
        for (date, field) in [(change.offeredOn, "--offered"), (change.startedOn, "--start"), (change.endedOn, "--date")] {
            if let date { try checkEventDate(date, field: field) }
        }
        try checkFreeText(change.plan, field: "--plan", limit: 2000)
        try checkFreeText(change.responsible, field: "--responsible", limit: 200)
        try write {
            guard let row = try database.queryOne("""
                SELECT m.episode_id, m.measure_type, m.offered_on, m.decision, m.started_on, m.ended_on, m.end_reason,
                       m.occupation_after, m.responsible, m.plan, m.follow_up_on, e.person_id, m.planned_start_on
                FROM measure m JOIN episode e ON e.id = m.episode_id WHERE m.id = ?
                """, [.integer(id)]) else { throw RegisterError.notFound("åtgärd \(id) finns inte") }
            let offeredOn = try change.offeredOn ?? date(row, 2)
            try checkEventDate(try date(row, 2), field: "åtgärd \(id)")
            if let ended = try optionalDate(row, 5) {
                if requireOpen { throw RegisterError.invalidInput(field: nil, message: "åtgärd \(id) avslutades redan \(ended)") }
                try checkEventDate(ended, field: "åtgärd \(id)")
            }
            let decision = change.clearDecision ? nil : try change.decision?.rawValue ?? row.optionalText(3)
            let startedOn = change.clearStart ? nil : try change.startedOn ?? optionalDate(row, 4)
            var endedOn = try change.endedOn ?? optionalDate(row, 5)
            var endReason = try change.endReason ?? row.optionalText(6)
            var occupationAfter = try change.occupationAfter ?? row.optionalText(7)
            if change.clearEnd { (endedOn, endReason, occupationAfter) = (nil, nil, nil) }
            if decision == MeasureDecision.declined.rawValue, startedOn != nil {
                throw RegisterError.invalidInput(field: "--start", message: "en avböjd åtgärd kan inte påbörjas")
            }
            let plannedStartOn = change.clearPlannedStart ? nil : try change.plannedStartOn ?? optionalDate(row, 12)
            if change.plannedStartOn != nil || change.offeredOn != nil { try checkPlannedStart(plannedStartOn, offeredOn: offeredOn) }
            if let startedOn, startedOn < offeredOn {
                throw RegisterError.invalidInput(field: "--start", message: "startdatumet \(startedOn) ligger före erbjudandet \(offeredOn)")
            }
            if let endedOn, endedOn < (startedOn ?? offeredOn) {
                throw RegisterError.invalidInput(field: "--date", message: "slutdatumet \(endedOn) ligger före åtgärdens start \(startedOn ?? offeredOn)")
            }
            if (endedOn == nil) != (endReason == nil) {
                throw RegisterError.invalidInput(field: "--reason", message: "ett avslut kräver både datum och orsak")
            }
            let type = try change.type ?? row.text(1), responsible = try change.responsible ?? row.optionalText(8)
            let plan = try change.plan ?? row.optionalText(9), followUpOn = try change.followUpOn ?? optionalDate(row, 10)
            try database.execute("""
                UPDATE measure SET measure_type = ?, offered_on = ?, decision = ?, started_on = ?, ended_on = ?, end_reason = ?,
                       occupation_after = ?, responsible = ?, plan = ?, follow_up_on = ?, planned_start_on = ? WHERE id = ?
                """, [.text(type), SQLValue(offeredOn), SQLValue(decision), SQLValue(startedOn),
                      SQLValue(endedOn), SQLValue(endReason), SQLValue(occupationAfter), SQLValue(responsible),
                      SQLValue(plan), SQLValue(followUpOn), SQLValue(plannedStartOn), .integer(id)])
            var changes = AuditChanges()
            changes.value("measure_type", try row.text(1), type)
            changes.date("offered_on", try date(row, 2), offeredOn)
            changes.value("decision", try row.optionalText(3), decision)
            changes.date("started_on", try optionalDate(row, 4), startedOn)
            changes.date("ended_on", try optionalDate(row, 5), endedOn)
            changes.value("end_reason", try row.optionalText(6), endReason)
            changes.value("occupation_after", try row.optionalText(7), occupationAfter)
            changes.personal("responsible", try row.optionalText(8), responsible)
            changes.personal("plan", try row.optionalText(9), plan)
            changes.date("follow_up_on", try optionalDate(row, 10), followUpOn)
            changes.date("planned_start_on", try optionalDate(row, 12), plannedStartOn)
            if let note { changes.note(note) }
            let episodeID = try row.int(0)
            try validateEpisode(episodeID)
            if let endedOn, let episodeEnd = try episodeRow(episodeID).deregisteredOn, endedOn > episodeEnd {
                throw RegisterError.invalidInput(field: "--date", message: "slutdatumet \(endedOn) ligger efter inskrivningens avregistrering \(episodeEnd)")
            }
            try audit(action, personID: try row.int(11), detail: "measure=\(id)" + (endReason.map { " reason=\($0)" } ?? ""), changes: changes)
        }
    }

    // MARK: - Helpers

    private func removeRecord(table: String, dateColumn: String, id: Int64, what: String, action: String, note: String? = nil,
                              confirm: () throws -> Void = {}) throws(RegisterError) {
        try write {
            guard let row = try database.queryOne(
                "SELECT r.\(dateColumn), e.person_id FROM \(table) r JOIN episode e ON e.id = r.episode_id WHERE r.id = ?", [.integer(id)]) else {
                throw RegisterError.notFound("\(what) \(id) finns inte")
            }
            try checkEventDate(try date(row, 0), field: "\(what) \(id)")
            if table == "measure", let ended = try database.queryOne("SELECT ended_on FROM measure WHERE id = ? AND ended_on IS NOT NULL", [.integer(id)]) {
                try checkEventDate(try date(ended, 0), field: "\(what) \(id)")
            }
            // What goes, field by field: every removable record's columns are dates, codes and flags.
            var changes = AuditChanges()
            let columns = Self.removableColumns[table] ?? []
            if !columns.isEmpty, let old = try database.queryOne("SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE id = ?", [.integer(id)]) {
                for (index, column) in columns.enumerated() {
                    let value: String? = switch old[index] {
                    case let .integer(number): String(number)
                    case let .text(text): text
                    default: nil
                    }
                    changes.value(column, value, nil)
                }
            }
            if let note { changes.note(note) }
            try confirm()
            try database.execute("DELETE FROM \(table) WHERE id = ?", [.integer(id)])
            try audit(action, personID: try row.int(1), detail: "\(table)=\(id)", changes: changes)
        }
    }

    /// The columns a removal's audit row lists (no free text: a measure's plan and responsible are left out).
    static let removableColumns: [String: [String]] = [
        "contact": ["contacted_on", "channel", "is_reached", "occupation"],
        "occupation_fact": ["noted_on", "occupation"],
        "measure": ["measure_type", "offered_on", "decision", "started_on", "ended_on", "end_reason"],
    ]

    func checkWithinEpisode(_ date: CalendarDate, _ registeredOn: CalendarDate, field: String) throws {
        guard date >= registeredOn else {
            throw RegisterError.invalidInput(field: field, message: "datumet \(date) ligger före inskrivningens registreringsdatum \(registeredOn)")
        }
    }

    /// A correction's or removal's reason as its audit note (`orsak: dubblett`), nil without one.
    /// A code of `ChangeReason`, never free text: the log is append-only, so words typed there
    /// could keep a sensitive detail for the log's whole retention.
    static func changeReasonNote(_ reason: String?) throws(RegisterError) -> String? {
        guard let text = reason?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let code = ChangeReason(folding: text) else {
            throw .invalidInput(field: "--change-reason", message: "'\(shown(text))' är ingen orsak i listan; giltiga orsaker: "
                + ChangeReason.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return "orsak: \(code.rawValue)"
    }

    func checkFreeText(_ text: String?, field: String, limit: Int) throws(RegisterError) {
        guard let text else { return }
        if text.count > limit {
            throw .invalidInput(field: field, message: "högst \(limit) tecken")
        }
        // Free text may run over lines, but never hold a control or bidi character (TextSafety).
        if let problem = TextSafety.problem(in: text, allowsLineBreaks: true) { throw .invalidInput(field: field, message: problem) }
    }
}
