import KAACore
import KAASQLite

/// An uploaded file of a month run as the report keeps it: its name, size and SHA-256 (no content).
public struct MonthRunFile: Sendable, Equatable {
    public let name: String
    public let bytes: Int64
    public let sha256: String

    public init(name: String, bytes: Int64, sha256: String) {
        self.name = name
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// A committed month run (`month_run`).
public struct MonthRunSummary: Sendable {
    public let id: Int64
    public let runOn: CalendarDate
    public let committedAt: String
    public let committedBy: String
    /// The files, one per line: "name (bytes byte, sha256 …)".
    public let files: String
    public let rows: Int
    public let population: Int
    public let entered: Int
    public let left: Int
    public let unchanged: Int
    public let details: Int
    public let review: Int
    public let digest: String
}

/// One line of a kept month-run report, with the person's name as the register holds it now.
public struct MonthRunLine: Sendable {
    /// `in`, `ut`, `uppgift`, `granska` or `val` (see migration 0016).
    public let kind: String
    public let personID: Int64
    public let personnummer: PersonalIdentityNumber
    public let name: String
    /// Reason, field, review kind or decision (a code).
    public let code: String
    /// The line's text (Swedish).
    public let detail: String
}

// Månadskörning from the web (issue 16): the preview is `identify(dryRun: true)`, the commit this,
// which runs identify for real and proves, before anything is kept, that it did what the preview
// showed (the report's digest); then the coordinator's choices for review items and the report.
extension Register {
    /// The review kinds whose preview offers a choice: a coordinator's own decision or detail against
    /// the file's (keep it, or take the file's).
    public static let monthRunChoiceKinds: Set<ReviewKind> = [.detailDiffers, .decisionDiffers]

    /// Runs the month run on the files and keeps its report, in one transaction: nothing is written
    /// unless the run does exactly what the preview with `expecting` as its digest showed (else
    /// `.staleView`: the register or the files changed since). `choices` settles review items by
    /// their `key` (only kinds in `monthRunChoiceKinds`; `.keep` or `.change`). Returns the run's id
    /// and the report.
    public func commitMonthRun(on date: CalendarDate, folkbokforing: String, enrolment: [String], files: [MonthRunFile],
                               names: [String: String], acceptDepartures: Bool, expecting digest: String,
                               choices: [String: ReviewDecision], progress: (IdentifyProgress) throws -> Void = { _ in })
        throws(RegisterError) -> (id: Int64, report: IdentifyReport) {
        for decision in choices.values where decision == .done {
            throw .invalidInput(field: "val", message: "ett val är antingen behåll eller ta filens uppgift")
        }
        guard !database.isInTransaction else { throw .invalidInput(field: nil, message: "en månadskörning körs i en egen transaktion") }
        var kept: Int64 = 0
        do {
            let report = try identify(on: date, folkbokforing: folkbokforing, enrolment: enrolment, dryRun: false, acceptDepartures: acceptDepartures,
                                      names: names, progress: progress) { report, entering in
                guard report.digest == digest else {
                    throw RegisterError.staleView("Registret eller filerna har ändrats sedan förhandsgranskningen, så körningen skulle inte göra det du "
                        + "granskade. Ingenting har sparats; gör en ny förhandsgranskning.")
                }
                let known = Set(report.review.map(\.key))
                if let unknown = choices.keys.first(where: { !known.contains($0) }) {
                    throw RegisterError.invalidInput(field: "val-\(unknown)", message: "valet gäller ingen punkt i körningen")
                }
                var chosen: [(IdentifyReport.Review, ReviewDecision)] = []
                for item in report.review {
                    guard let decision = choices[item.key] else { continue }
                    guard Self.monthRunChoiceKinds.contains(item.kind) else {
                        throw RegisterError.invalidInput(field: "val", message: "punkten för \(item.name) har inget val att göra här; avgör den under Att granska")
                    }
                    _ = try self.resolveReview(item.id, decision: decision)
                    chosen.append((item, decision))
                }
                kept = try self.keepMonthRun(report, files: files, chosen: chosen, episodesAfter: entering)
                try self.audit("month_run.commit", detail: "month_run=\(kept) date=\(date) new=\(report.new.count) left=\(report.left.count) "
                               + "review=\(report.review.count) choices=\(chosen.count)")
            }
            return (kept, report)
        }
    }

    /// Writes `month_run` and its lines.
    /// The people who entered are the episodes the run opened (ids above `episodesAfter`), kept in one
    /// statement; their line's detail is the occupation code the enrolment gave, if any.
    private func keepMonthRun(_ report: IdentifyReport, files: [MonthRunFile], chosen: [(IdentifyReport.Review, ReviewDecision)],
                              episodesAfter: Int64) throws -> Int64 {
        let fileText = files.map { "\($0.name) (\($0.bytes) byte, sha256 \($0.sha256))" }.joined(separator: "\n")
        try database.execute("""
            INSERT INTO month_run (run_on, committed_at, committed_by, files, rows, population, entered, left_count, unchanged, details, review, digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [SQLValue(report.date), .text(clock.now), .text(staff), .text(fileText), .integer(Int64(report.rows)),
                  .integer(Int64(report.population)), .integer(Int64(report.new.count)), .integer(Int64(report.left.count)),
                  .integer(Int64(report.unchanged)), .integer(Int64(report.detailChanges.count)), .integer(Int64(report.review.count)),
                  .text(report.digest)])
        let id = database.lastInsertRowID
        let line = try database.cachedStatement("""
            INSERT INTO month_run_entry (run_id, person_id, kind, code, detail) SELECT ?, id, ?, ?, ? FROM person WHERE personnummer = ?
            """)
        func add(_ kind: String, _ pnr: PersonalIdentityNumber, _ code: String, _ detail: String) throws {
            try line.run([.integer(id), .text(kind), .text(code), .text(detail), .text(pnr.digits)])
        }
        try database.execute("""
            INSERT INTO month_run_entry (run_id, person_id, kind, code, detail)
            SELECT ?, e.person_id, 'in', e.registration_reason,
                   coalesce((SELECT o.occupation FROM occupation_fact o WHERE o.episode_id = e.id ORDER BY o.id LIMIT 1), '')
            FROM episode e WHERE e.id > ? ORDER BY e.id
            """, [.integer(id), .integer(episodesAfter)])
        for left in report.left {
            try add("ut", left.personnummer, left.reason, "avregistrerad \(left.date)")
        }
        for change in report.detailChanges {
            let before = change.before.map { $0.isEmpty ? "tomt" : $0 } ?? "inget"
            let after = change.extract.isEmpty ? "tomt" : change.extract
            try add("uppgift", change.personnummer, change.field.rawValue,
                    "\(change.field.label): \(before) → \(after)" + (change.isApplied ? "" : " (inmatat av handläggare, behålls)"))
        }
        for item in report.review {
            try add("granska", item.personnummer, item.kind.rawValue, item.message)
        }
        for (item, decision) in chosen {
            try add("val", item.personnummer, decision.rawValue, "\(decision.label): \(item.message)")
        }
        return id
    }

    /// The committed month runs, newest first (no personal data: counts and file names).
    public func monthRuns(limit: Int = 24) throws(RegisterError) -> [MonthRunSummary] {
        try read {
            try database.query("""
                SELECT id, run_on, committed_at, committed_by, files, rows, population, entered, left_count, unchanged, details, review, digest
                FROM month_run ORDER BY id DESC LIMIT ?
                """, [.integer(Int64(limit))]).map(monthRunSummary)
        }
    }

    /// A kept report: the run and its lines (people the viewer may see; the read is audited with them).
    public func monthRunReport(_ id: Int64) throws(RegisterError) -> (summary: MonthRunSummary, lines: [MonthRunLine]) {
        try readAudited {
            guard let row = try database.queryOne("""
                SELECT id, run_on, committed_at, committed_by, files, rows, population, entered, left_count, unchanged, details, review, digest
                FROM month_run WHERE id = ?
                """, [.integer(id)]) else {
                throw RegisterError.notFound("månadskörning \(id) finns inte")
            }
            let summary = try monthRunSummary(row)
            let all = try database.query("""
                SELECT e.kind, e.person_id, p.personnummer, trim(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')), e.code, e.detail
                FROM month_run_entry e JOIN person p ON p.id = e.person_id
                WHERE e.run_id = ? ORDER BY e.rowid
                """, [.integer(id)]).map { row in
                MonthRunLine(kind: try row.text(0), personID: try row.int(1), personnummer: try PersonalIdentityNumber(try row.text(2), today: today),
                             name: try row.text(3), code: try row.text(4), detail: try row.text(5))
            }
            let reached = Set(try reachable(Array(Set(all.map(\.personID)))))
            let lines = all.filter { reached.contains($0.personID) }
            try auditReads("month_run.report", personIDs: Array(Set(lines.map(\.personID))).sorted(), context: .report, detail: "month_run=\(id)")
            return (summary, lines)
        }
    }

    private func monthRunSummary(_ row: Row) throws -> MonthRunSummary {
        MonthRunSummary(id: try row.int(0), runOn: try date(row, 1), committedAt: try row.text(2), committedBy: try row.text(3),
                        files: try row.text(4), rows: Int(try row.int(5)), population: Int(try row.int(6)), entered: Int(try row.int(7)),
                        left: Int(try row.int(8)), unchanged: Int(try row.int(9)), details: Int(try row.int(10)), review: Int(try row.int(11)),
                        digest: try row.text(12))
    }
}

// The preview's audit: the people of the register it names (those leaving, whose details differ,
// whose items are left for review); people only in the file are not in the register yet.
extension Register {
    /// The register's ids of the people a preview names.
    public func monthRunPreviewPeople(_ report: IdentifyReport) throws(RegisterError) -> [Int64] {
        try read {
            let numbers = Set(report.left.map(\.personnummer.digits) + report.detailChanges.map(\.personnummer.digits) + report.review.map(\.personnummer.digits))
            var ids: [Int64] = []
            for number in numbers.sorted() {
                if let row = try database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(number)]) { ids.append(try row.int(0)) }
            }
            return ids.sorted()
        }
    }

    /// Logs that the acting viewer was shown a month run's preview naming `personIDs`.
    public func auditMonthRunPreview(personIDs: [Int64], date: CalendarDate, entering: Int) throws(RegisterError) {
        try write {
            try auditReads("month_run.preview", personIDs: personIDs, context: .report, detail: "date=\(date) new=\(entering)")
        }
    }
}
