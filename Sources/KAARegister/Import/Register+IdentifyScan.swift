import KAACore

// Identification, scan: the files are read once into hash buckets, then joined and decided one
// bucket at a time (the grace hash join described at `identify`).
extension Register {
    static let identifyBuckets = 64

    /// An enrolment row as spilled: 24 bytes, with where it is for a proposal naming it.
    struct EnrolmentSpill: BitwiseCopyable {
        var pnr: Int64
        var day: Int32
        var line: Int32
        var file: UInt16
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

    static func readEnrolment(_ path: String, shownAs name: String, fileIndex: Int, date: CalendarDate, today: CalendarDate,
                              into facts: BucketSpill<EnrolmentSpill>, problems: inout [ImportProblem], progress: (IdentifyProgress) throws -> Void) throws {
        var rows = 0
        var columns: EnrolmentRow.Columns?
        try CSVFileReader(path: path, displayName: name).readRows(
            required: EnrolmentRow.required, optional: EnrolmentRow.optional, problems: &problems) { map, row in
            let resolved = columns ?? EnrolmentRow.Columns(map)
            columns = resolved
            rows += 1
            if rows % IdentifyProgress.step == 0 { try progress(IdentifyProgress(phase: .reading, file: name, count: rows)) }
            let enrolment = try EnrolmentRow(row, columns: resolved, today: today)
            guard enrolment.fact.date <= date else { return } // a status that begins after the run's date does not count yet
            let number = enrolment.personnummer.number
            // Files in the order given, rows in file order: on the same date the later row wins.
            try facts.append(EnrolmentSpill(pnr: number, day: Int32(enrolment.fact.date.dayNumber), line: Int32(clamping: row.line),
                                            file: UInt16(clamping: fileIndex),
                                            programme: UInt8(Programme.allCases.firstIndex(of: enrolment.fact.programme) ?? 0),
                                            status: UInt8(EnrolmentStatus.allCases.firstIndex(of: enrolment.fact.status) ?? 0)), key: number)
        }
    }

    /// Reads the extract, spilling each valid row.
    static func readFolkbokforing(_ path: String, shownAs name: String, today: CalendarDate, into people: BucketSpill<ExtractSpill>, rows: inout Int,
                                  problems: inout [ImportProblem], progress: (IdentifyProgress) throws -> Void) throws -> ExtractFormat? {
        var columns: FolkbokforingRow.Columns?
        var count = 0
        let format = try CSVFileReader(path: path, displayName: name).readRows(
            required: FolkbokforingRow.required, optional: FolkbokforingRow.optional, problems: &problems) { map, row in
            let resolved = columns ?? FolkbokforingRow.Columns(map)
            columns = resolved
            count += 1
            if count % IdentifyProgress.step == 0 { try progress(IdentifyProgress(phase: .reading, file: name, count: count)) }
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
    func decide(bucket: Int, facts: BucketSpill<EnrolmentSpill>, people: BucketSpill<ExtractSpill>, path: String, enrolmentNames: [String],
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
                              date: CalendarDate(dayNumber: Int(fact.day)),
                              origin: Int(fact.file) < enrolmentNames.count ? "\(enrolmentNames[Int(fact.file)]) rad \(fact.line)" : nil)
            }
            let decision = scan.consider(pnr, enrolment: enrolment)
            guard decision.needsDetails else { continue }
            // Checked when it was first read; only its details are wanted now.
            let row = try rereader.row(start: Int(person.start), end: Int(person.end), line: Int(person.line))
            let details = FolkbokforingRow(row, columns: columns, personnummer: pnr, isProtected: person.isProtected)
            if case let .register(reason, occupation) = decision.action, decision.known == nil {
                // Written now (memory stays flat); a bad row anywhere rolls the whole transaction back.
                scan.entered(details, reason: reason, occupation: occupation)
                try writer?.add(EntrantWriter.Entrant(row: details, date: scan.date, reason: reason, occupation: occupation))
            } else {
                // People the register holds are settled on this thread after the scan, where their
                // details are compared with what a coordinator entered.
                scan.keep(details, decision: decision)
            }
        }
    }
}
