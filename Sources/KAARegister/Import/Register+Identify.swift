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
    /// A run that would make many open episodes leave for being absent from the extract is refused
    /// unless `acceptDepartures` (`checkDepartures`), in a dry run too, so the dry run says what the run will do.
    ///
    /// `names` gives the name to show for a file's path (the uploaded file's own name when the path is
    /// a temporary copy): problems, progress and the occupations' origin say it instead of the path.
    /// `progress` may throw to stop the run (the transaction is rolled back: nothing is written).
    public func identify(on date: CalendarDate, folkbokforing: String, enrolment: [String], dryRun: Bool, acceptDepartures: Bool = false,
                         names: [String: String] = [:], progress: (IdentifyProgress) throws -> Void = { _ in }) throws(RegisterError) -> IdentifyReport {
        try identify(on: date, folkbokforing: folkbokforing, enrolment: enrolment, dryRun: dryRun, acceptDepartures: acceptDepartures,
                     names: names, progress: progress, finishing: nil)
    }

    /// `identify`, with `finishing` run last inside its transaction (not a dry run): what the month
    /// run keeps goes into the same transaction, not a savepoint around it (a savepoint makes SQLite
    /// keep every changed page's old content in a sub-journal: a fifth of the run's time at 500 000 rows).
    func identify(on date: CalendarDate, folkbokforing: String, enrolment: [String], dryRun: Bool, acceptDepartures: Bool,
                  names: [String: String], progress: (IdentifyProgress) throws -> Void,
                  finishing: ((IdentifyReport, _ episodesBefore: Int64) throws -> Void)?) throws(RegisterError) -> IdentifyReport {
        try checkEventDate(date, field: "--date")
        let firstOpenDay = Period.firstOpenDay(today: today)
        do {
            // The states are loaded before the files are read (which takes long), and loaded again
            // inside the transaction if anything changed meanwhile: decisions are made on the register as it is.
            let changesBefore = try ViewCache.counter(database)
            let states = try loadRegisterStates()
            var scan = IdentifyScan(date: date, firstOpenDay: firstOpenDay, states: states)
            let spillDirectory = configuration.temporaryDirectory ?? NSTemporaryDirectory()
            let facts = try BucketSpill<EnrolmentSpill>(buckets: Self.identifyBuckets, directory: spillDirectory)
            let people = try BucketSpill<ExtractSpill>(buckets: Self.identifyBuckets, directory: spillDirectory)
            var problems: [ImportProblem] = []
            for (index, path) in enrolment.enumerated() {
                try Self.readEnrolment(path, shownAs: names[path] ?? path, fileIndex: index, date: date, today: today, into: facts,
                                       problems: &problems, progress: progress)
            }
            let enrolmentNames = enrolment.map { names[$0] ?? URL(fileURLWithPath: $0).lastPathComponent }
            let extractName = names[folkbokforing] ?? folkbokforing
            let extract = try Self.readFolkbokforing(folkbokforing, shownAs: extractName, today: today, into: people, rows: &scan.rows,
                                                     problems: &problems, progress: progress)
            // The population's cell keys (two HMACs per person) are counted on a second thread,
            // bucket by bucket, while this one decides and writes; its own prepared key, so the
            // threads never wait for each other.
            let population = PopulationWorker(PopulationCounter(extractOn: date, periodKey: Self.makePeriodKey(try HMACSHA256Key(key: cellKeySecret))))
            let body = { () throws -> IdentifyReport in
                if try ViewCache.counter(self.database) != changesBefore { scan.states = try self.loadRegisterStates() }
                let episodesBefore = try self.database.queryOne("SELECT coalesce(max(id), 0) FROM episode")?.int(0) ?? 0
                if let extract {
                    let rereader = try CSVRecordRereader(path: folkbokforing, format: extract.format)
                    // Entrants are written on a second thread while this one decides (nil: nothing is written).
                    let writer = !dryRun && problems.isEmpty ? EntrantWriter(self) : nil
                    // Every way out waits for the writer: the transaction ends only after its last statement.
                    defer { writer?.drain() }
                    for bucket in 0..<Self.identifyBuckets {
                        try self.decide(bucket: bucket, facts: facts, people: people, path: extractName, enrolmentNames: enrolmentNames,
                                        columns: extract.columns,
                                        rereader: rereader, population: population, scan: &scan, problems: &problems, writer: writer)
                        try progress(IdentifyProgress(phase: .deciding, file: "", count: bucket + 1))
                    }
                    try writer?.finish()
                }
                let counted = population.finish()
                scan.finish()
                guard problems.isEmpty else {
                    let order = Dictionary(zip((enrolment + [folkbokforing]).map { names[$0] ?? $0 }, 0...), uniquingKeysWith: { first, _ in first })
                    throw RegisterError.importProblems(problems.sorted { (order[$0.file] ?? 0, $0.line) < (order[$1.file] ?? 0, $1.line) })
                }
                try self.checkDepartures(scan, extract: extractName, isAccepted: acceptDepartures)
                let report = try self.settle(scan, population: counted, dryRun: dryRun)
                if !dryRun { try finishing?(report, episodesBefore) }
                return report
            }
            return dryRun ? try database.read(body) : try database.write(body)
        } catch {
            throw .wrap(error)
        }
    }


    /// Registers one person of the extract whom the register has never held: three inserts and their
    /// audit rows (nothing to check against: no other episode, no records), the episode through the
    /// same `insertEpisode` as `register`. People the register holds are settled by `settle`.
    func registerFromExtract(_ row: FolkbokforingRow, on date: CalendarDate, reason: String, occupation: String?) throws {
        let details = Self.authoritative(row.details)
        func text(_ value: String?) -> SQLValue { value.map { $0.isEmpty ? .null : .text($0) } ?? .null }
        try database.cachedStatement("""
            INSERT INTO person (id, personnummer, first_name, last_name, address, postal_code, city, phone, email, is_protected)
            VALUES (\(Register.newPersonID), ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.text(row.personnummer.digits), text(details.firstName), text(details.lastName), text(details.address),
                      text(details.postalCode), text(details.city), text(details.phone), text(details.email),
                      SQLValue(details.isProtected ?? false)])
        let personID = database.lastInsertRowID
        var columns = ContactField.allCases.filter { !($0.value(in: details) ?? "").isEmpty }.map(\.rawValue)
        if details.isProtected == true { columns.append("is_protected") }
        try recordExtractSources(personID: personID, columns: columns, on: date)
        var changes = Self.detailChanges(nil, details)
        changes.note(SubjectAccessExtract.extractSourceNote)
        let episodeID = try insertEpisode(personID: personID, row.personnummer, on: date, reason: reason, isNewPerson: true, changes: changes)
        if let occupation {
            try checkCode(occupation, .occupation, field: "sysselsättning")
            try database.cachedStatement("INSERT INTO occupation_fact (episode_id, noted_on, occupation) VALUES (?, ?, ?)")
                .run([.integer(episodeID), SQLValue(date), .text(occupation)])
            var changes = AuditChanges()
            changes.date("noted_on", nil, date)
            changes.value("occupation", nil, occupation)
            try audit("occupation.set", personID: personID, detail: "occupation_fact=\(database.lastInsertRowID) code=\(occupation)", changes: changes)
        }
    }

    /// Everything the scan decided beyond new people, in this thread's transaction: leavers,
    /// people the register holds (re-entering or staying: their details and occupations), the review
    /// items, the population and the run's audit row. In a dry run only what would happen is worked
    /// out. Returns the report.
    private func settle(_ scan: IdentifyScan, population: PopulationCounter, dryRun: Bool) throws -> IdentifyReport {
        var reviews: [IdentifyReport.Review] = []
        var names: [Int64: (number: Int64, name: String)] = [:]
        for (number, known) in scan.states { names[known.personID] = (number, known.name) }
        func raise(_ proposal: ReviewProposal) throws {
            guard let id = try propose(proposal, seenOn: scan.date, dryRun: dryRun), let (number, name) = names[proposal.personID],
                  let pnr = try? PersonalIdentityNumber(number: number) else { return }
            reviews.append(IdentifyReport.Review(id: id, personnummer: pnr, name: name, kind: proposal.kind, message: proposal.message))
        }
        for leaving in scan.leaving {
            if !dryRun { try deregister(leaving.left.personnummer, on: leaving.left.date, reason: leaving.left.reason, isDecision: false) }
            if leaving.isMissing {
                try raise(ReviewProposal(
                    personID: leaving.personID, episodeID: leaving.episodeID, kind: .missingFromExtract, evidence: "episode=\(leaving.episodeID)",
                    message: "saknas i folkbokföringsuttaget per \(scan.date) och är avregistrerad (\(catalog.label(leaving.left.reason, in: .deregistrationReason))) "
                        + "\(leaving.left.date); har personen utvandrat eller avlidit, rätta orsaken med --decision andra --reason UTVANDRAT eller AVLIDEN"))
            }
        }
        for proposal in scan.proposals { try raise(proposal) }
        var changes: [IdentifyReport.DetailChange] = []
        for entry in scan.kept {
            let pnr = entry.row.personnummer
            let name = names[entry.personID]?.name ?? ""
            let current = try contactDetails(personID: entry.personID)
            let plan = try planRefresh(entry.row, personID: entry.personID)
            if let apply = plan.apply {
                for field in ContactField.allCases {
                    if let value = field.value(in: apply) {
                        changes.append(IdentifyReport.DetailChange(personnummer: pnr, name: name, field: field, before: current.flatMap(field.value(in:)),
                                                                   extract: value, isApplied: true))
                    }
                }
                if !dryRun {
                    _ = try upsertPerson(pnr, details: apply, origin: .extract(scan.date))
                    try audit("person.refresh", personID: entry.personID,
                              changes: Self.detailChanges(current, try contactDetails(personID: entry.personID)))
                }
            }
            if plan.keepsProtection {
                try raise(ReviewProposal(
                    personID: entry.personID, kind: .rule, evidence: "is_protected=0",
                    message: "markerad med skyddad identitet av en handläggare, men folkbokföringsuttaget \(scan.date) har ingen markering; "
                        + "markeringen står kvar (ta bort den med kaa person update --not-protected om den inte behövs)"))
            }
            for difference in plan.differing {
                changes.append(IdentifyReport.DetailChange(personnummer: pnr, name: name, field: difference.field, before: difference.register,
                                                           extract: difference.extract, isApplied: false))
                let shown = difference.extract.isEmpty ? "tomt" : difference.extract
                try raise(ReviewProposal(
                    personID: entry.personID, kind: .detailDiffers, evidence: "\(difference.field.rawValue)=\(difference.extract)",
                    message: "\(difference.field.label): registret har \(difference.register ?? "inget") (inmatat av en handläggare), "
                        + "folkbokföringsuttaget \(scan.date) har \(shown)",
                    field: difference.field, proposedValue: difference.extract))
            }
            if dryRun { continue }
            if let reason = entry.reentersWith {
                _ = try insertEpisode(personID: entry.personID, pnr, on: scan.date, reason: reason, isNewPerson: false)
                if let occupation = entry.occupation { _ = try setOccupation(pnr, on: scan.date, code: occupation) }
            } else if let occupation = entry.occupation, let history = try loadHistories(personID: entry.personID).first,
                      let open = history.openEpisode,
                      CellCalculator.latestOccupation(in: [open], onOrBefore: today) != occupation {
                let day = max(entry.enrolmentDate ?? scan.date, open.registeredOn)
                _ = try setOccupation(pnr, on: max(day, Period.firstOpenDay(today: today)), code: occupation)
            }
        }
        reviews.sort { ($0.personnummer, $0.id) < ($1.personnummer, $1.id) }
        let report = IdentifyReport(date: scan.date, isDryRun: dryRun, rows: scan.rows, population: population.total, new: scan.new,
                                    left: scan.leaving.map(\.left), unchanged: scan.unchanged, detailChanges: changes, review: reviews)
        if !dryRun {
            try storePopulation(population)
            try audit("identify", detail: "date=\(scan.date) new=\(report.new.count) left=\(report.left.count) "
                      + "unchanged=\(report.unchanged) review=\(report.review.count) population=\(report.population)")
        }
        return report
    }

    /// Contact details from the extract as they would replace what the register holds (an empty cell clears).
    static func authoritative(_ details: ContactDetails) -> ContactDetails {
        ContactDetails(firstName: details.firstName ?? "", lastName: details.lastName ?? "",
                       address: details.isProtected == true ? nil : details.address ?? "",
                       postalCode: details.isProtected == true ? nil : details.postalCode ?? "",
                       city: details.isProtected == true ? nil : details.city ?? "",
                       phone: details.phone ?? "", email: details.email ?? "", isProtected: details.isProtected ?? false)
    }

    /// Every person in the register with their open and last closed episode.
    private func loadRegisterStates() throws -> [Int64: IdentifyScan.Known] {
        var states: [Int64: IdentifyScan.Known] = [:]
        let rows = try database.query("""
            SELECT p.personnummer, p.id, e.id, e.registered_on, e.deregistered_on, e.deregistration_reason,
                   (SELECT max(d) FROM (
                        SELECT max(contacted_on) AS d FROM contact WHERE episode_id = e.id
                        UNION ALL SELECT max(noted_on) FROM occupation_fact WHERE episode_id = e.id
                        UNION ALL SELECT max(coalesce(ended_on, started_on, offered_on)) FROM measure WHERE episode_id = e.id)),
                   e.decided_by_staff, trim(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, ''))
            FROM episode e JOIN person p ON p.id = e.person_id
            ORDER BY e.registered_on, e.id
            """)
        for row in rows {
            let digits = Int64(try row.text(0)) ?? 0
            let personID = try row.int(1)
            let name = try row.text(8)
            var entry = states[digits] ?? IdentifyScan.Known(personID: personID, name: name, state: RegisterState())
            let registered = try date(row, 3)
            let isDecision = try row.bool(7)
            if let closed = try optionalDate(row, 4) {
                entry.state.lastClosed = (closed, try row.text(5))
                entry.state.closedIsDecision = isDecision
            } else {
                let latest = try row.optionalText(6).flatMap { CalendarDate(iso: $0) } ?? registered
                entry.state.open = (try row.int(2), registered, max(latest, registered))
                entry.state.openIsDecision = isDecision
            }
            states[digits] = entry
        }
        return states
    }
}
