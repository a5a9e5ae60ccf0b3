import Dispatch
import Foundation
import KAACore
import KAACrypto
import KAASQLite
import Synchronization

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

    static let identifyBuckets = 64

    /// An enrolment row as spilled: 16 bytes.
    struct EnrolmentSpill: BitwiseCopyable {
        var pnr: Int64
        var day: Int32
        var programme: UInt8
        var status: UInt8
    }

    /// A folkbokföring row as spilled: the person, whether protected, and where the row is for its details.
    struct ExtractSpill: BitwiseCopyable {
        var pnr: Int64
        var start: Int64
        var end: Int64
        var line: Int32
        var isProtected: Bool
    }

    /// Where the extract's rows can be read again, and its columns.
    typealias ExtractFormat = (format: CSVFileReader.Format, columns: FolkbokforingRow.Columns)

    private static func readEnrolment(_ path: String, date: CalendarDate, today: CalendarDate, into facts: BucketSpill<EnrolmentSpill>,
                                      problems: inout [ImportProblem], progress: (String) -> Void) throws {
        var rows = 0
        var columns: EnrolmentRow.Columns?
        try CSVFileReader(path: path, displayName: path).readRows(
            required: EnrolmentRow.required, optional: EnrolmentRow.optional, problems: &problems) { map, row in
            let resolved = columns ?? EnrolmentRow.Columns(map)
            columns = resolved
            rows += 1
            if rows % 100_000 == 0 { progress("\(path): \(rows) rader lästa") }
            let enrolment = try EnrolmentRow(row, columns: resolved, today: today)
            guard enrolment.fact.date <= date else { return } // a status that begins after the run's date does not count yet
            let number = enrolment.personnummer.number
            // Files in the order given, rows in file order: on the same date the later row wins.
            try facts.append(EnrolmentSpill(pnr: number, day: Int32(enrolment.fact.date.dayNumber),
                                            programme: UInt8(Programme.allCases.firstIndex(of: enrolment.fact.programme) ?? 0),
                                            status: UInt8(EnrolmentStatus.allCases.firstIndex(of: enrolment.fact.status) ?? 0)), key: number)
        }
    }

    /// Reads the extract, spilling each valid row.
    private static func readFolkbokforing(_ path: String, today: CalendarDate, into people: BucketSpill<ExtractSpill>, rows: inout Int,
                                          problems: inout [ImportProblem], progress: (String) -> Void) throws -> ExtractFormat? {
        var columns: FolkbokforingRow.Columns?
        var count = 0
        let format = try CSVFileReader(path: path, displayName: path).readRows(
            required: FolkbokforingRow.required, optional: FolkbokforingRow.optional, problems: &problems) { map, row in
            let resolved = columns ?? FolkbokforingRow.Columns(map)
            columns = resolved
            count += 1
            if count % 100_000 == 0 { progress("\(path): \(count) rader lästa") }
            let (pnr, isProtected) = try FolkbokforingRow.check(row, columns: resolved, today: today)
            let number = pnr.number
            try people.append(ExtractSpill(pnr: number, start: Int64(row.record.start), end: Int64(row.record.end), line: Int32(clamping: row.line),
                                           isProtected: isProtected), key: number)
        }
        rows = count
        guard let format, let columns else { return nil }
        return (format, columns)
    }

    /// Joins one bucket: the latest enrolment fact per person, then each person of the extract in
    /// file order (a second row for the same person is an error naming the first).
    private func decide(bucket: Int, facts: BucketSpill<EnrolmentSpill>, people: BucketSpill<ExtractSpill>, path: String,
                        columns: FolkbokforingRow.Columns, rereader: CSVRecordRereader, population: PopulationWorker,
                        scan: inout IdentifyScan, problems: inout [ImportProblem], writer: EntrantWriter?) throws {
        var latest: [Int64: EnrolmentSpill] = [:]
        for fact in try facts.records(in: bucket) {
            if let known = latest[fact.pnr], fact.day < known.day { continue }
            latest[fact.pnr] = fact
        }
        var firstLine: [Int64: Int32] = [:]
        let bucketPeople = try people.records(in: bucket)
        // A duplicate row counts twice here, but it also fails the run, so nothing is stored then.
        population.count(bucketPeople.map(\.pnr))
        for person in bucketPeople {
            if let first = firstLine[person.pnr] {
                problems.append(ImportProblem(file: path, line: Int(person.line), message: "personnumret finns redan på rad \(first)"))
                continue
            }
            firstLine[person.pnr] = person.line
            let pnr = try PersonalIdentityNumber(number: person.pnr)
            let enrolment = latest[person.pnr].map { fact in
                EnrolmentFact(programme: Programme.allCases[Int(fact.programme)], status: EnrolmentStatus.allCases[Int(fact.status)],
                              date: CalendarDate(dayNumber: Int(fact.day)))
            }
            let decision = scan.consider(pnr, enrolment: enrolment)
            guard decision.needsDetails else { continue }
            // Checked when it was first read; only its details are wanted now.
            let row = try rereader.row(start: Int(person.start), end: Int(person.end), line: Int(person.line))
            let details = FolkbokforingRow(row, columns: columns, personnummer: pnr, isProtected: person.isProtected)
            if case let .register(reason, occupation) = decision.action {
                // Written now (memory stays flat); a bad row anywhere rolls the whole transaction back.
                try writer?.add(EntrantWriter.Entrant(row: details, date: scan.date, reason: reason, occupation: occupation, known: decision.known))
            } else {
                scan.keep(details, decision: decision)
            }
        }
    }

    /// Registers one person of the extract. Someone the register has never held is written with
    /// three inserts and their audit rows (nothing to check against: no other episode, no records);
    /// anyone else takes the full checked path.
    fileprivate func registerFromExtract(_ row: FolkbokforingRow, on date: CalendarDate, reason: String, occupation: String?,
                                         state known: Int64?) throws {
        guard known == nil else {
            try register(row.personnummer, on: date, reason: reason, details: Self.authoritative(row.details))
            if let occupation { _ = try setOccupation(row.personnummer, on: date, code: occupation) }
            return
        }
        try checkAgeRule(row.personnummer, on: date, field: "--date")
        let details = Self.authoritative(row.details)
        func text(_ value: String?) -> SQLValue { value.map { $0.isEmpty ? .null : .text($0) } ?? .null }
        try database.cachedStatement("""
            INSERT INTO person (personnummer, first_name, last_name, address, postal_code, city, phone, email, is_protected)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.text(row.personnummer.digits), text(details.firstName), text(details.lastName), text(details.address),
                      text(details.postalCode), text(details.city), text(details.phone), text(details.email),
                      SQLValue(details.isProtected ?? false)])
        let personID = database.lastInsertRowID
        try database.cachedStatement("INSERT INTO episode (person_id, registered_on, registration_reason) VALUES (?, ?, ?)")
            .run([.integer(personID), SQLValue(date), .text(reason)])
        let episodeID = database.lastInsertRowID
        try audit("register", personID: personID, detail: "episode=\(episodeID) reason=\(reason)")
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

/// Counts the population on its own serial queue, one bucket of personnummer at a time.
final class PopulationWorker: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `counter` is touched only on `queue`.
    private var counter: PopulationCounter
    private let queue = DispatchQueue(label: "kaa.identify.population")

    init(_ counter: PopulationCounter) {
        self.counter = counter
    }

    /// Queues a bucket's people (as 12-digit numbers).
    func count(_ numbers: [Int64]) {
        queue.async { [self] in
            for number in numbers {
                if let pnr = try? PersonalIdentityNumber(number: number) { counter.add(pnr) }
            }
        }
    }

    /// Waits for every queued bucket and returns the counts.
    func finish() -> PopulationCounter {
        queue.sync { counter }
    }
}

/// Writes an identification run's entrants on its own serial queue, in the run's transaction, while
/// the calling thread goes on deciding. Entrants go in batches; at most a few batches wait at a time,
/// so memory stays flat. The first failure stops the writing and is rethrown by `add` or `finish`.
final class EntrantWriter: @unchecked Sendable {
    // Invariant for @unchecked Sendable: from `init` until `drain` returns, the register is used only
    // on `queue` (the calling thread does not touch it: deciding needs no database); `pending` only on
    // the calling thread; `failure` is behind its mutex.
    struct Entrant: Sendable {
        let row: FolkbokforingRow
        let date: CalendarDate
        let reason: String
        let occupation: String?
        let known: Int64?
    }

    static let batchSize = 256
    private let register: Register
    private let queue = DispatchQueue(label: "kaa.identify.entrants")
    /// Batches sent and not yet written, at most this many.
    private let slots = DispatchSemaphore(value: 4)
    private let failure = Mutex<(any Error)?>(nil)
    private var pending: [Entrant] = []

    init(_ register: Register) {
        self.register = register
        pending.reserveCapacity(Self.batchSize)
    }

    /// Queues one entrant; throws the writer's failure, if it had one, so the run stops early.
    func add(_ entrant: Entrant) throws {
        pending.append(entrant)
        if pending.count >= Self.batchSize { try send() }
    }

    /// Sends what is queued, waits until everything is written and throws the first failure.
    func finish() throws {
        try send()
        drain()
        if let failure = failure.withLock({ $0 }) { throw failure }
    }

    /// Waits until every batch sent is written (or skipped after a failure). Safe to call again.
    func drain() {
        queue.sync {}
    }

    private func send() throws {
        if let failure = failure.withLock({ $0 }) { throw failure }
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard failure.withLock({ $0 }) == nil else { return }
            do {
                for entrant in batch {
                    try register.registerFromExtract(entrant.row, on: entrant.date, reason: entrant.reason, occupation: entrant.occupation,
                                                     state: entrant.known)
                }
            } catch {
                failure.withLock { $0 = error }
            }
        }
    }
}

/// The state of one identification run while its files stream past. What it keeps grows with the
/// register (people already in KAA), not with the extract: people entering KAA are written at once
/// and only their personnummer kept for the report.
struct IdentifyScan {
    let date: CalendarDate
    let firstOpenDay: CalendarDate
    let states: [Int64: (personID: Int64, state: RegisterState)]
    var rows = 0
    private(set) var new: [PersonalIdentityNumber] = []
    var stays: [(row: FolkbokforingRow, personID: Int64, occupation: String?, enrolmentDate: CalendarDate?)] = []
    var leaving: [IdentifyReport.Left] = []
    var review: [(personnummer: PersonalIdentityNumber, reason: String)] = []
    private var seenInRegister = Set<Int64>()

    /// What was decided for one row.
    struct Decision {
        let action: IdentifyAction
        /// The person's id if the register holds them.
        let known: Int64?
        let enrolmentDate: CalendarDate?
        /// Whether the row's contact details are needed (to register or to refresh).
        var needsDetails: Bool {
            switch action {
            case .register: return true
            case .stay: return known != nil
            default: return false
            }
        }
    }

    init(date: CalendarDate, firstOpenDay: CalendarDate, states: [Int64: (personID: Int64, state: RegisterState)]) {
        self.date = date
        self.firstOpenDay = firstOpenDay
        self.states = states
    }

    /// Decides for one person of the folkbokföring extract (the population is counted apart, by `PopulationWorker`).
    mutating func consider(_ pnr: PersonalIdentityNumber, enrolment: EnrolmentFact?) -> Decision {
        let number = pnr.number
        let known = states[number]
        if known != nil { seenInRegister.insert(number) }
        let status = TargetGroupStatus.classify(birthDate: pnr.birthDate, enrolment: enrolment, on: date)
        let action = IdentificationRules.decide(status: status, state: known?.state ?? RegisterState(), enrolment: enrolment,
                                                date: date, firstOpenDay: firstOpenDay)
        switch action {
        case .register:
            new.append(pnr)
        case let .deregister(reason, day):
            leaving.append(IdentifyReport.Left(personnummer: pnr, reason: reason, date: day))
        case let .review(why):
            review.append((pnr, why))
        case .stay, .nothing:
            break
        }
        return Decision(action: action, known: known?.personID, enrolmentDate: enrolment?.date)
    }

    /// Keeps a person who stays, with the details read from their row.
    mutating func keep(_ row: FolkbokforingRow, decision: Decision) {
        if case let .stay(occupation) = decision.action, let personID = decision.known {
            stays.append((row, personID, occupation, decision.enrolmentDate))
        }
    }

    /// People with an open episode who were not in the extract have moved out.
    mutating func finish() {
        for (number, known) in states where known.state.open != nil && !seenInRegister.contains(number) {
            guard case let .deregister(reason, day) = IdentificationRules.missingFromExtract(state: known.state, date: date, firstOpenDay: firstOpenDay),
                  let pnr = try? PersonalIdentityNumber(number: number) else { continue }
            leaving.append(IdentifyReport.Left(personnummer: pnr, reason: reason, date: day))
        }
        leaving.sort { $0.personnummer < $1.personnummer }
        new.sort()
        review.sort { $0.personnummer < $1.personnummer }
    }

    func report(isDryRun: Bool, population: Int) -> IdentifyReport {
        IdentifyReport(date: date, isDryRun: isDryRun, rows: rows, population: population,
                       new: new, left: leaving, unchanged: stays.count, review: review)
    }
}
