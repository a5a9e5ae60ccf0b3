import KAACore
import KAASQLite

/// One person's whole record: contact details and history.
public struct PersonRecord: Sendable {
    public let personID: Int64
    public let details: ContactDetails
    public let history: PersonHistory
    /// Where each contact detail came from (none for a detail written before register version 4).
    public var sources: [ContactField: DetailSource] = [:]

    public var personnummer: PersonalIdentityNumber { history.personnummer }
    public var isProtected: Bool { details.isProtected ?? false }
}

/// One line of `kaa list`: an episode with who it belongs to.
public struct EpisodeListing: Sendable {
    public let personID: Int64
    public let personnummer: PersonalIdentityNumber
    public let name: String
    public let isProtected: Bool
    public let episodeID: Int64
    public let registeredOn: CalendarDate
    public let registrationReason: String
    public let deregisteredOn: CalendarDate?
    public let deregistrationReason: String?
}

extension Register {
    /// Everything the register holds on one person (an audited read).
    public func show(_ pnr: PersonalIdentityNumber) throws(RegisterError) -> PersonRecord {
        if viewer != nil {
            let id: Int64 = try read { try personID(pnr) }
            try checkAccess(toPerson: id, for: "show")
        }
        return try readAudited {
            let id = try personID(pnr)
            guard let details = try contactDetails(personID: id) else {
                throw RegisterError.notFound("personen \(pnr.formatted) finns inte i registret")
            }
            guard let history = try loadHistories(personID: id).first else {
                throw RegisterError.notFound("personen \(pnr.formatted) finns inte i registret")
            }
            try audit("show", personID: id, context: .person)
            return PersonRecord(personID: id, details: details, history: history, sources: try detailSources(personID: id))
        }
    }

    /// Episodes open on `date` (default today), or with `all` every episode; an audited read.
    public func list(on date: CalendarDate? = nil, all: Bool = false) throws(RegisterError) -> [EpisodeListing] {
        let day = date ?? today
        return try readAudited {
            let sql = """
                SELECT p.id, p.personnummer, coalesce(p.first_name, ''), coalesce(p.last_name, ''), p.is_protected,
                       e.id, e.registered_on, e.registration_reason, e.deregistered_on, e.deregistration_reason
                FROM episode e JOIN person p ON p.id = e.person_id
                """ + (all ? "" : " WHERE e.registered_on <= ?1 AND (e.deregistered_on IS NULL OR e.deregistered_on > ?1)")
                + " ORDER BY p.last_name, p.first_name, p.personnummer, e.registered_on"
            var result: [EpisodeListing] = []
            let rows = try database.query(sql, all ? [] : [SQLValue(day)])
            let reached = Set(try reachable(try rows.map { try $0.int(0) }))
            for row in rows where reached.contains(try row.int(0)) {
                result.append(EpisodeListing(
                    personID: try row.int(0), personnummer: try PersonalIdentityNumber(try row.text(1), today: today),
                    name: [try row.text(2), try row.text(3)].filter { !$0.isEmpty }.joined(separator: " "),
                    isProtected: try row.bool(4), episodeID: try row.int(5), registeredOn: try self.date(row, 6),
                    registrationReason: try row.text(7), deregisteredOn: try self.optionalDate(row, 8), deregistrationReason: try row.optionalText(9)))
            }
            try auditReads("list", personIDs: result.map(\.personID), context: .list)
            return result
        }
    }

    /// The columns `contactDetails(_:from:)` reads, in order.
    static let contactDetailColumns = "first_name, last_name, address, postal_code, city, phone, email, is_protected"

    /// Contact details from a row holding `contactDetailColumns` starting at `offset`.
    func contactDetails(_ row: Row, from offset: Int) throws -> ContactDetails {
        ContactDetails(firstName: try row.optionalText(offset), lastName: try row.optionalText(offset + 1),
                       address: try row.optionalText(offset + 2), postalCode: try row.optionalText(offset + 3),
                       city: try row.optionalText(offset + 4), phone: try row.optionalText(offset + 5),
                       email: try row.optionalText(offset + 6), isProtected: try row.bool(offset + 7))
    }

    /// A person's contact details, or nil if there is no such person.
    func contactDetails(personID: Int64) throws -> ContactDetails? {
        try database.queryOne("SELECT \(Self.contactDetailColumns) FROM person WHERE id = ?", [.integer(personID)])
            .map { try contactDetails($0, from: 0) }
    }

    /// Loads person histories (every person with an episode, or one person).
    ///
    /// With `reachingFrom`, only people with an episode open on or after that day (the rest cannot
    /// count in a period starting then), each with their whole history: a night looks at the open
    /// periods only, and most of a long history lies before them.
    ///
    /// Episodes past their 20th birthday read as closed (`asClosedAtTwentieth`), as opening the
    /// register closes them; only that close itself reads them as stored.
    func loadHistories(personID: Int64? = nil, reachingFrom: CalendarDate? = nil, caseloadOf staffID: Int64? = nil,
                       asClosedAtTwentieth: Bool = true) throws -> [PersonHistory] {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let staffID {
            arguments.append(.integer(staffID))
            conditions.append("e.person_id IN (SELECT person_id FROM caseload WHERE staff_id = ?\(arguments.count))")
        }
        if let personID {
            arguments.append(.integer(personID))
            conditions.append("e.person_id = ?\(arguments.count)")
        }
        if let reachingFrom {
            arguments.append(SQLValue(reachingFrom))
            conditions.append("e.person_id IN (SELECT person_id FROM episode WHERE deregistered_on IS NULL OR deregistered_on >= ?\(arguments.count))")
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        var people: [Int64: PersonHistory] = [:]
        var episodes: [Int64: EpisodeHistory] = [:]
        var episodePerson: [Int64: Int64] = [:]
        let today = self.today

        try database.cachedStatement("""
            SELECT e.id, e.person_id, p.personnummer, e.registered_on, e.registration_reason, e.deregistered_on, e.deregistration_reason
            FROM episode e JOIN person p ON p.id = e.person_id
            """ + filter).forEach(arguments) { row in
            let personID = try row.int(1)
            if people[personID] == nil {
                guard let pnr = try? PersonalIdentityNumber(try row.text(2), today: today) else {
                    throw SQLiteError(.mismatch, message: "person \(personID) has an invalid personnummer in the register")
                }
                people[personID] = PersonHistory(personID: personID, personnummer: pnr, episodes: [])
            }
            let id = try row.int(0)
            episodes[id] = EpisodeHistory(id: id, registeredOn: try self.dateColumn(row, 3), registrationReason: try row.text(4),
                                          deregisteredOn: try self.optionalDateColumn(row, 5), deregistrationReason: try row.optionalText(6))
            episodePerson[id] = personID
        }
        try database.cachedStatement("""
            SELECT c.episode_id, c.id, c.contacted_on, c.channel, c.is_reached, c.occupation, c.reports_deregistration, c.next_contact_on
            FROM contact c JOIN episode e ON e.id = c.episode_id
            """ + filter + " ORDER BY c.contacted_on, c.id").forEach(arguments) { row in
            let fact = ContactFact(id: try row.int(1), date: try self.dateColumn(row, 2), channel: try row.text(3),
                                   isReached: try row.bool(4), occupation: try row.optionalText(5), reportsDeregistration: try row.bool(6),
                                   nextContactOn: try self.optionalDateColumn(row, 7))
            episodes[try row.int(0)]?.contacts.append(fact)
        }
        try database.cachedStatement("""
            SELECT f.episode_id, f.id, f.noted_on, f.occupation FROM occupation_fact f JOIN episode e ON e.id = f.episode_id
            """ + filter + " ORDER BY f.noted_on, f.id").forEach(arguments) { row in
            let fact = OccupationFact(id: try row.int(1), date: try self.dateColumn(row, 2), occupation: try row.text(3))
            episodes[try row.int(0)]?.occupationFacts.append(fact)
        }
        var followUps: [Int64: [MeasureFollowUp]] = [:]
        try database.cachedStatement("""
            SELECT u.measure_id, u.id, u.done_on, u.next_on, u.note
            FROM measure_follow_up u JOIN measure m ON m.id = u.measure_id JOIN episode e ON e.id = m.episode_id
            """ + filter + " ORDER BY u.done_on, u.id").forEach(arguments) { row in
            followUps[try row.int(0), default: []].append(MeasureFollowUp(
                id: try row.int(1), date: try self.dateColumn(row, 2), nextOn: try self.optionalDateColumn(row, 3), note: try row.optionalText(4)))
        }
        try database.cachedStatement("""
            SELECT m.episode_id, m.id, m.measure_type, m.offered_on, m.decision, m.started_on, m.ended_on, m.end_reason,
                   m.occupation_after, m.follow_up_on, m.responsible, m.plan, m.planned_start_on
            FROM measure m JOIN episode e ON e.id = m.episode_id
            """ + filter + " ORDER BY m.offered_on, m.id").forEach(arguments) { row in
            let fact = MeasureFact(
                id: try row.int(1), type: try row.text(2), offeredOn: try self.dateColumn(row, 3),
                decision: try row.optionalText(4).flatMap(MeasureDecision.init(rawValue:)), startedOn: try self.optionalDateColumn(row, 5),
                endedOn: try self.optionalDateColumn(row, 6), endReason: try row.optionalText(7), occupationAfter: try row.optionalText(8),
                followUpOn: try self.optionalDateColumn(row, 9), responsible: try row.optionalText(10), plan: try row.optionalText(11),
                plannedStartOn: try self.optionalDateColumn(row, 12), followUps: followUps[try row.int(1)] ?? [])
            episodes[try row.int(0)]?.measures.append(fact)
        }
        let firstOpenDay = Period.firstOpenDay(today: today)
        for (id, episode) in episodes {
            guard let personID = episodePerson[id], let person = people[personID] else { continue }
            // Read as the register closes it at the 20th birthday: the same as after the close that
            // opening writes, and what a read-only run (`sync --dry-run`) must see without writing it.
            let birthDate = person.personnummer.birthDate
            if asClosedAtTwentieth, let day = KAAAgeRule.automaticClose(of: episode, birthDate: birthDate, today: today, firstOpenDay: firstOpenDay) {
                people[personID]?.episodes.append(episode.closedAtTwentieth(on: day))
            } else {
                people[personID]?.episodes.append(episode)
            }
        }
        return people.values
            .map { person in
                var person = person
                person.episodes.sort(by: EpisodeHistory.registrationOrder)
                return person
            }
            .sorted { $0.personID < $1.personID }
    }

    private func dateColumn(_ row: Row, _ index: Int) throws(SQLiteError) -> CalendarDate {
        let text = try row.text(index)
        guard let date = CalendarDate(iso: text) else { throw SQLiteError(.mismatch, message: "'\(text)' is not a date") }
        return date
    }

    private func optionalDateColumn(_ row: Row, _ index: Int) throws(SQLiteError) -> CalendarDate? {
        guard try row.optionalText(index) != nil else { return nil }
        return try dateColumn(row, index)
    }
}
