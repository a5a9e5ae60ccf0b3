import Foundation
import KAACore
import KAACrypto
import KAASQLite

// Identification, orchestration: the run's transaction, its two workers and what is written at
// the end. The scan (reading, spilling, deciding a bucket) is in Register+IdentifyScan.swift.
extension Register {
    /// Computes the bevakningslista on `date` from a folkbokföring extract and enrolment files, and
    /// (unless `dryRun`) brings the register in line with it in one transaction (design §3, §5).
    /// Every row is checked; one bad row and the transaction is rolled back, so nothing changes.
    ///
    /// Memory does not grow with the files (a grace hash join): the files are read once, each valid
    /// row leaving a small fixed-size record in one of 64 buckets of an anonymous temporary file;
    /// then bucket by bucket, enrolment facts are joined to the extract's people in memory, each
    /// person is decided, and the rows of people entering or staying in KAA are read again from the
    /// extract for their contact details. Entrants are written as they are decided, by a second
    /// thread in the same transaction (`EntrantWriter`), while this one goes on deciding.
    public func identify(on date: CalendarDate, folkbokforing: String, enrolment: [String], dryRun: Bool,
                         progress: (String) -> Void = { _ in }) throws(RegisterError) -> IdentifyReport {
        try checkEventDate(date, field: "--date")
        let firstOpenDay = Period.firstOpenDay(today: today)
        do {
            let states = try loadRegisterStates()
            var scan = IdentifyScan(date: date, firstOpenDay: firstOpenDay, states: states)
            let spillDirectory = configuration.temporaryDirectory ?? NSTemporaryDirectory()
            let facts = try BucketSpill<EnrolmentSpill>(buckets: Self.identifyBuckets, directory: spillDirectory)
            let people = try BucketSpill<ExtractSpill>(buckets: Self.identifyBuckets, directory: spillDirectory)
            var problems: [ImportProblem] = []
            for path in enrolment {
                try Self.readEnrolment(path, date: date, today: today, into: facts, problems: &problems, progress: progress)
            }
            let extract = try Self.readFolkbokforing(folkbokforing, today: today, into: people, rows: &scan.rows,
                                                     problems: &problems, progress: progress)
            // The population's cell keys (two HMACs per person) are counted on a second thread,
            // bucket by bucket, while this one decides and writes; its own prepared key, so the
            // threads never wait for each other.
            let population = PopulationWorker(PopulationCounter(extractOn: date, periodKey: Self.makePeriodKey(try HMACSHA256Key(key: cellKeySecret))))
            let body = { () throws -> IdentifyReport in
                if let extract {
                    let rereader = try CSVRecordRereader(path: folkbokforing, format: extract.format)
                    // Entrants are written on a second thread while this one decides (nil: nothing is written).
                    let writer = !dryRun && problems.isEmpty ? EntrantWriter(self) : nil
                    // Every way out waits for the writer: the transaction ends only after its last statement.
                    defer { writer?.drain() }
                    for bucket in 0..<Self.identifyBuckets {
                        try self.decide(bucket: bucket, facts: facts, people: people, path: folkbokforing, columns: extract.columns,
                                        rereader: rereader, population: population, scan: &scan, problems: &problems, writer: writer)
                    }
                    try writer?.finish()
                }
                let counted = population.finish()
                scan.finish()
                guard problems.isEmpty else {
                    let order = Dictionary(zip(enrolment + [folkbokforing], 0...), uniquingKeysWith: { first, _ in first })
                    throw RegisterError.importProblems(problems.sorted { (order[$0.file] ?? 0, $0.line) < (order[$1.file] ?? 0, $1.line) })
                }
                let report = scan.report(isDryRun: dryRun, population: counted.total)
                if !dryRun { try self.applyRest(scan, population: counted, report: report) }
                return report
            }
            return dryRun ? try database.read(body) : try database.write(body)
        } catch {
            throw .wrap(error)
        }
    }


    /// Registers one person of the extract. Someone the register has never held is written with
    /// three inserts and their audit rows (nothing to check against: no other episode, no records),
    /// the episode through the same `insertEpisode` as `register`; anyone else takes `register` itself.
    func registerFromExtract(_ row: FolkbokforingRow, on date: CalendarDate, reason: String, occupation: String?,
                             state known: Int64?) throws {
        guard known == nil else {
            try register(row.personnummer, on: date, reason: reason, details: Self.authoritative(row.details))
            if let occupation { _ = try setOccupation(row.personnummer, on: date, code: occupation) }
            return
        }
        let details = Self.authoritative(row.details)
        func text(_ value: String?) -> SQLValue { value.map { $0.isEmpty ? .null : .text($0) } ?? .null }
        try database.cachedStatement("""
            INSERT INTO person (personnummer, first_name, last_name, address, postal_code, city, phone, email, is_protected)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.text(row.personnummer.digits), text(details.firstName), text(details.lastName), text(details.address),
                      text(details.postalCode), text(details.city), text(details.phone), text(details.email),
                      SQLValue(details.isProtected ?? false)])
        let personID = database.lastInsertRowID
        let episodeID = try insertEpisode(personID: personID, row.personnummer, on: date, reason: reason, isNewPerson: true)
        if let occupation {
            try checkCode(occupation, .occupation, field: "sysselsättning")
            try database.cachedStatement("INSERT INTO occupation_fact (episode_id, noted_on, occupation) VALUES (?, ?, ?)")
                .run([.integer(episodeID), SQLValue(date), .text(occupation)])
            try audit("occupation.set", personID: personID, detail: "occupation_fact=\(database.lastInsertRowID) code=\(occupation)")
        }
    }


    /// Writes what the scan decided beyond the registrations: de-registrations, refreshed contact
    /// details and occupations of people who stay, the population and the run's own audit row.
    private func applyRest(_ scan: IdentifyScan, population: PopulationCounter, report: IdentifyReport) throws {
        for left in report.left {
            try deregister(left.personnummer, on: left.date, reason: left.reason)
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
        try storePopulation(population)
        try audit("identify", detail: "date=\(scan.date) new=\(report.new.count) left=\(report.left.count) "
                  + "unchanged=\(report.unchanged) review=\(report.review.count) population=\(report.population)")
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
    private func loadRegisterStates() throws -> [Int64: (personID: Int64, state: RegisterState)] {
        var states: [Int64: (personID: Int64, state: RegisterState)] = [:]
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
            let digits = Int64(try row.text(0)) ?? 0
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
