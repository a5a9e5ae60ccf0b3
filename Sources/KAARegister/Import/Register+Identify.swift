import KAACore
import KAASQLite

/// What an identification run found (and, unless it was a dry run, did).
public struct IdentifyReport: Sendable {
    public struct Left: Sendable {
        public let personnummer: PersonalIdentityNumber
        public let reason: String
        public let date: CalendarDate
    }

    public let date: CalendarDate
    public let isDryRun: Bool
    /// Rows of the folkbokföring file.
    public let rows: Int
    /// People of the file aged 16–19 on the date (the `population` count).
    public let population: Int
    public let new: [PersonalIdentityNumber]
    public let left: [Left]
    /// People in KAA before and after.
    public let unchanged: Int
    /// People left for the coordinator, with why.
    public let review: [(personnummer: PersonalIdentityNumber, reason: String)]
}

extension Register {
    /// Computes the bevakningslista on `date` from a folkbokföring extract and enrolment files, and
    /// (unless `dryRun`) brings the register in line with it in one transaction (design §3, §5).
    /// Every row is checked before anything is written: one bad row and nothing changes.
    public func identify(on date: CalendarDate, folkbokforing: String, enrolment: [String], dryRun: Bool,
                         progress: (String) -> Void = { _ in }) throws(RegisterError) -> IdentifyReport {
        try checkEventDate(date, field: "--date")
        let firstOpenDay = Period.firstOpenDay(today: today)
        do {
            let states = try loadRegisterStates()
            try database.execute(script: "ATTACH DATABASE '' AS scratch")
            defer { try? database.execute(script: "DETACH DATABASE scratch") }
            try database.execute(script: """
                PRAGMA scratch.journal_mode = OFF; PRAGMA scratch.synchronous = OFF;
                CREATE TABLE scratch.enrolment (pnr INTEGER PRIMARY KEY, programme TEXT NOT NULL, status TEXT NOT NULL,
                                                datum TEXT NOT NULL, rank INTEGER NOT NULL);
                CREATE TABLE scratch.seen (pnr INTEGER PRIMARY KEY, line INTEGER NOT NULL);
                """)
            var scan = IdentifyScan(date: date, firstOpenDay: firstOpenDay, states: states,
                                    population: PopulationCounter(extractOn: date, periodKey: Self.makePeriodKey(cellKey)))
            var problems: [ImportProblem] = []
            try database.read {
                for (index, path) in enrolment.enumerated() {
                    try readEnrolment(path, fileIndex: index, date: date, problems: &problems, progress: progress)
                }
                try readFolkbokforing(folkbokforing, scan: &scan, problems: &problems, progress: progress)
            }
            scan.finish()
            guard problems.isEmpty else { throw RegisterError.importProblems(problems) }
            let report = scan.report(isDryRun: dryRun)
            if !dryRun { try apply(scan, report: report) }
            return report
        } catch {
            throw .wrap(error)
        }
    }

    private func readEnrolment(_ path: String, fileIndex: Int, date: CalendarDate, problems: inout [ImportProblem],
                               progress: (String) -> Void) throws {
        let upsert = try database.cachedStatement("""
            INSERT INTO scratch.enrolment (pnr, programme, status, datum, rank) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (pnr) DO UPDATE SET programme = excluded.programme, status = excluded.status, datum = excluded.datum, rank = excluded.rank
            WHERE excluded.datum > enrolment.datum OR (excluded.datum = enrolment.datum AND excluded.rank > enrolment.rank)
            """)
        var rows = 0
        try CSVFileReader(path: path, displayName: path).readTable(
            required: EnrolmentRow.required, optional: EnrolmentRow.optional, problems: &problems) { columns, fields, line in
            rows += 1
            if rows % 100_000 == 0 { progress("\(path): \(rows) rader lästa") }
            let row = try EnrolmentRow(fields: fields, columns: columns, today: today)
            guard row.fact.date <= date else { return } // a status that begins after the run's date does not count yet
            try upsert.run([.integer(Int64(row.personnummer.digits) ?? 0), .text(row.fact.programme.rawValue),
                            .text(row.fact.status.rawValue), SQLValue(row.fact.date), .integer(Int64(fileIndex) << 40 | Int64(line))])
        }
    }

    private func readFolkbokforing(_ path: String, scan: inout IdentifyScan, problems: inout [ImportProblem],
                                   progress: (String) -> Void) throws {
        let lookup = try database.cachedStatement("SELECT programme, status, datum FROM scratch.enrolment WHERE pnr = ?")
        let markSeen = try database.cachedStatement("INSERT INTO scratch.seen (pnr, line) VALUES (?, ?) ON CONFLICT (pnr) DO NOTHING")
        let firstLine = try database.cachedStatement("SELECT line FROM scratch.seen WHERE pnr = ?")
        try CSVFileReader(path: path, displayName: path).readTable(
            required: FolkbokforingRow.required, optional: FolkbokforingRow.optional, problems: &problems) { columns, fields, line in
            scan.rows += 1
            if scan.rows % 100_000 == 0 { progress("\(path): \(scan.rows) rader lästa") }
            let row = try FolkbokforingRow(fields: fields, columns: columns, today: today)
            let key = SQLValue.integer(Int64(row.personnummer.digits) ?? 0)
            try markSeen.run([key, .integer(Int64(line))])
            if database.changes == 0 {
                let earlier = try firstLine.rows([key]).first?.int(0) ?? 0
                throw ImportFieldError("personnumret finns redan på rad \(earlier)")
            }
            var enrolment: EnrolmentFact?
            if let found = try lookup.rows([key]).first,
               let programme = Programme(rawValue: try found.text(0)), let status = EnrolmentStatus(rawValue: try found.text(1)),
               let day = CalendarDate(iso: try found.text(2)) {
                enrolment = EnrolmentFact(programme: programme, status: status, date: day)
            }
            scan.consider(row, enrolment: enrolment)
        }
    }

    /// Writes what the scan decided, in one transaction.
    private func apply(_ scan: IdentifyScan, report: IdentifyReport) throws {
        try write {
            for left in report.left {
                try deregister(left.personnummer, on: left.date, reason: left.reason)
            }
            for entry in scan.registrations {
                try register(entry.row.personnummer, on: scan.date, reason: entry.reason, details: Self.authoritative(entry.row.details))
                if let occupation = entry.occupation {
                    _ = try setOccupation(entry.row.personnummer, on: scan.date, code: occupation)
                }
            }
            for entry in scan.stays {
                try refresh(entry.row, personID: entry.personID)
                if let occupation = entry.occupation, let history = try loadHistories(personID: entry.personID).first,
                   let open = history.openEpisode,
                   CellCalculator.latestOccupation(in: [open], onOrBefore: today) != occupation {
                    let day = max(entry.enrolmentDate ?? scan.date, open.registeredOn)
                    _ = try setOccupation(entry.row.personnummer, on: max(day, Period.firstOpenDay(today: today)), code: occupation)
                }
            }
            try storePopulation(scan.population)
            try audit("identify", detail: "date=\(scan.date) new=\(report.new.count) left=\(report.left.count) "
                      + "unchanged=\(report.unchanged) review=\(report.review.count) population=\(report.population)")
        }
    }

    /// Contact details from the extract replace what the register holds (an empty cell clears).
    static func authoritative(_ details: ContactDetails) -> ContactDetails {
        ContactDetails(firstName: details.firstName ?? "", lastName: details.lastName ?? "",
                       address: details.isProtected == true ? nil : details.address ?? "",
                       postalCode: details.isProtected == true ? nil : details.postalCode ?? "",
                       city: details.isProtected == true ? nil : details.city ?? "",
                       phone: details.phone ?? "", email: details.email ?? "", isProtected: details.isProtected ?? false)
    }

    /// Refreshes a person's contact details from the extract, writing (and auditing) only a change.
    private func refresh(_ row: FolkbokforingRow, personID: Int64) throws {
        guard let current = try contactDetails(personID: personID) else { return }
        let wanted = Self.authoritative(row.details)
        guard Self.authoritative(current) != wanted else { return }
        _ = try upsertPerson(row.personnummer, details: wanted)
        try audit("person.refresh", personID: personID)
    }

    /// Every person in the register with their open and last closed episode.
    private func loadRegisterStates() throws -> [String: (personID: Int64, state: RegisterState)] {
        var states: [String: (personID: Int64, state: RegisterState)] = [:]
        let rows = try database.query("""
            SELECT p.personnummer, p.id, e.id, e.registered_on, e.deregistered_on, e.deregistration_reason,
                   (SELECT max(d) FROM (
                        SELECT max(contacted_on) AS d FROM contact WHERE episode_id = e.id
                        UNION ALL SELECT max(noted_on) FROM occupation_fact WHERE episode_id = e.id
                        UNION ALL SELECT max(coalesce(ended_on, started_on, offered_on)) FROM measure WHERE episode_id = e.id))
            FROM episode e JOIN person p ON p.id = e.person_id
            ORDER BY e.registered_on, e.id
            """)
        for row in rows {
            let digits = try row.text(0)
            let personID = try row.int(1)
            var entry = states[digits] ?? (personID, RegisterState())
            let registered = try date(row, 3)
            if let closed = try optionalDate(row, 4) {
                entry.state.lastClosed = (closed, try row.text(5))
            } else {
                let latest = try row.optionalText(6).flatMap { CalendarDate(iso: $0) } ?? registered
                entry.state.open = (try row.int(2), registered, max(latest, registered))
            }
            states[digits] = entry
        }
        return states
    }
}

/// The state of one identification run while its files stream past.
struct IdentifyScan {
    let date: CalendarDate
    let firstOpenDay: CalendarDate
    let states: [String: (personID: Int64, state: RegisterState)]
    var population: PopulationCounter
    var rows = 0
    var registrations: [(row: FolkbokforingRow, reason: String, occupation: String?)] = []
    var stays: [(row: FolkbokforingRow, personID: Int64, occupation: String?, enrolmentDate: CalendarDate?)] = []
    var leaving: [IdentifyReport.Left] = []
    var review: [(personnummer: PersonalIdentityNumber, reason: String)] = []
    private var seenInRegister = Set<String>()

    init(date: CalendarDate, firstOpenDay: CalendarDate, states: [String: (personID: Int64, state: RegisterState)], population: PopulationCounter) {
        self.date = date
        self.firstOpenDay = firstOpenDay
        self.states = states
        self.population = population
    }

    /// Decides for one person of the folkbokföring extract.
    mutating func consider(_ row: FolkbokforingRow, enrolment: EnrolmentFact?) {
        population.add(row.personnummer)
        let digits = row.personnummer.digits
        let known = states[digits]
        if known != nil { seenInRegister.insert(digits) }
        let status = TargetGroupStatus.classify(birthDate: row.personnummer.birthDate, enrolment: enrolment, on: date)
        let action = IdentificationRules.decide(status: status, state: known?.state ?? RegisterState(), enrolment: enrolment,
                                                date: date, firstOpenDay: firstOpenDay)
        switch action {
        case let .register(reason, occupation):
            registrations.append((row, reason, occupation))
        case let .stay(occupation):
            if let known { stays.append((row, known.personID, occupation, enrolment?.date)) }
        case let .deregister(reason, day):
            leaving.append(IdentifyReport.Left(personnummer: row.personnummer, reason: reason, date: day))
        case let .review(why):
            review.append((row.personnummer, why))
        case .nothing:
            break
        }
    }

    /// People with an open episode who were not in the extract have moved out.
    mutating func finish() {
        for (digits, known) in states where known.state.open != nil && !seenInRegister.contains(digits) {
            guard case let .deregister(reason, day) = IdentificationRules.missingFromExtract(state: known.state, date: date, firstOpenDay: firstOpenDay),
                  let pnr = try? PersonalIdentityNumber(digits, today: date) else { continue }
            leaving.append(IdentifyReport.Left(personnummer: pnr, reason: reason, date: day))
        }
        leaving.sort { $0.personnummer < $1.personnummer }
        registrations.sort { $0.row.personnummer < $1.row.personnummer }
        review.sort { $0.personnummer < $1.personnummer }
    }

    func report(isDryRun: Bool) -> IdentifyReport {
        IdentifyReport(date: date, isDryRun: isDryRun, rows: rows, population: population.total,
                       new: registrations.map(\.row.personnummer), left: leaving, unchanged: stays.count, review: review)
    }
}
