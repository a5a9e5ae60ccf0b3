import Foundation
import KAACore
@testable import KAARegister
import KAACrypto
import KAATestFixtures
import Testing

@Suite struct ImportSpillTests {
    struct Pair: BitwiseCopyable, Equatable {
        var key: Int64
        var value: Int64
    }

    @Test func bucketsKeepEveryRecordInOrderAcrossChunks() throws {
        let spill = try BucketSpill<Pair>(buckets: 8, chunkRecords: 3)
        let keys = (0..<500).map { Int64($0 * 7919 % 1000) }
        for (index, key) in keys.enumerated() { try spill.append(Pair(key: key, value: Int64(index)), key: key) }
        var seen: [Pair] = []
        for bucket in 0..<spill.bucketCount {
            let records = try spill.records(in: bucket)
            #expect(records.allSatisfy { spill.bucket(of: $0.key) == bucket })
            #expect(records.map(\.value) == records.map(\.value).sorted(), "appended order within a bucket")
            seen += records
        }
        #expect(seen.sorted { $0.value < $1.value } == keys.enumerated().map { Pair(key: $1, value: Int64($0)) })
        #expect(Set(keys.map(spill.bucket(of:))).count > 1, "the keys spread over buckets")
    }

    @Test(arguments: [false, true])
    func recordsAreReadAgainByTheRangeTheParserGave(_ crlf: Bool) throws {
        let directory = TemporaryDirectory()
        let newline = crlf ? "\r\n" : "\n"
        let lines = ["a;b;c", "1;\"two;\(newline)lines\";3", "", "4;5;6", "\"7\";\"\"\"8\"\"\";9"]
        let path = directory.file("t.csv")
        // A byte order mark, an empty line, a quoted newline and no newline at the end.
        try Data([0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: newline).utf8)).write(to: URL(fileURLWithPath: path))
        var rows: [TableRow] = []
        let format = try CSVFileReader(path: path, displayName: path).read(header: { _ in }, row: { rows.append($0) })
        #expect(rows.map(\.line) == [2, 5, 6], "the quoted newline makes the second record two lines; then an empty line")
        let again = try CSVRecordRereader(path: path, format: format)
        for row in rows {
            let reread = try again.row(start: row.record.start, end: row.record.end, line: row.line)
            #expect(reread.record.fields == row.record.fields, "line \(row.line)")
            #expect(reread.line == row.line)
        }
        #expect(rows[0].value(1) == "two;\nlines")
        #expect(rows[2].value(1) == "\"8\"")
    }
}

@Suite struct NightCellsTests {
    @Test func twoHalvesAddUpToTheWholeRegister() throws {
        let today = TestDates.today
        let people = ([2007, 2008, 2009].flatMap { TestPeople.born(in: $0) }).prefix(3000).enumerated().map { index, pnr in
            let registered = today.adding(days: -(index % 400))
            let ended = index % 3 == 0 ? registered.adding(days: 30 + index % 50) : nil
            let contact = ContactFact(id: Int64(index), date: registered.adding(days: 2), channel: "SMS", isReached: index % 2 == 0,
                                      occupation: index % 5 == 0 ? "ARBETE" : nil)
            return PersonHistory(personID: Int64(index), personnummer: pnr, episodes: [
                EpisodeHistory(id: Int64(index), registeredOn: registered, registrationReason: "AVBROTT_NP",
                               deregisteredOn: ended.map { min($0, today) }, deregistrationReason: ended == nil ? nil : "FLYTTAT",
                               contacts: [contact]),
            ])
        }
        #expect(people.count >= 2_000, "enough people to take the two-thread path")
        let periods = Period.all(from: Period.firstOpenDay(today: today), through: today).filter { !$0.isFrozen(today: today) }
        let secret = Array("a cell key secret for the test".utf8)
        let key = try HMACSHA256Key(key: secret)
        let split = try Register.cellsOnTwoThreads(for: periods, people: Array(people), today: today, secret: secret, key: key)
        let whole = CellCalculator(periodKey: Register.makePeriodKey(key)).cells(for: periods, people: Array(people), today: today)
        #expect(split == whole)
        #expect(split.contains { !$0.isEmpty })
    }

    @Test func aPeriodKeyIsTheMACOfTheDigitsAndThePeriod() throws {
        let key = try HMACSHA256Key(key: Array("a cell key secret for the test".utf8))
        let periodKey = Register.makePeriodKey(key)
        for (pnr, text) in [(TestPeople.person(born: 2008), "2026-11"), (TestPeople.person(born: 2009, sex: .male), "2026-H2"),
                            (TestPeople.person(born: 2007, sex: .female, 3), "2025-H1")] {
            let period = try #require(Period(text))
            let mac = key.mac(Array((pnr.digits + text).utf8))
            let expected = UInt32(mac[0]) << 24 | UInt32(mac[1]) << 16 | UInt32(mac[2]) << 8 | UInt32(mac[3])
            #expect(periodKey(pnr, period) == expected)
        }
    }

    @Test func mergeSumsCountsAndKeysOfTheSameCell() throws {
        let period = try #require(Period("2026-11"))
        let dims = Dims(["sex": "K"])
        let a = [Cell(table: .new, period: period, dims: dims, n: 2, ck: 4_000_000_000), Cell(table: .contacted, period: period, dims: dims, n: 1, ck: 7)]
        let b = [Cell(table: .new, period: period, dims: dims, n: 3, ck: 500_000_000)]
        let merged = CellCalculator.merge([a, b])
        #expect(merged.count == 2)
        #expect(merged.first { $0.table == .new } == Cell(table: .new, period: period, dims: dims, n: 5, ck: 4_000_000_000 &+ 500_000_000))
        #expect(merged.first { $0.table == .contacted }?.n == 1)
    }
}

@Suite struct IdentifyPopulationTests {
    @Test func populationCellsSumTheCellKeysOfEveryoneAged16To19() throws {
        let fixture = RegisterFixture()
        let register = try fixture.create()
        let today = TestDates.today
        // More people than fit one bucket, born across the age limits.
        let people = ([2005, 2006, 2007, 2008, 2009, 2010, 2011].flatMap { TestPeople.born(in: $0).prefix(150) })
        let path = fixture.directory.file("fb.csv")
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: people.map { CSVFixture.person($0.digits) })
        let report = try register.identify(on: today, folkbokforing: path, enrolment: [], dryRun: false)
        let counted = people.filter { (16...19).contains($0.birthDate.age(on: today)) }
        #expect(report.population == counted.count)
        for period in [Period.month(of: today), Period.half(of: today)] {
            let kind = period == Period.month(of: today) ? "month" : "half"
            let stored = try register.database.query("SELECT sex, age, n, ck FROM population_cell WHERE extract_on = ? AND period_kind = ?",
                                                     [.text(today.description), .text(kind)])
            let total = try stored.map { try $0.int(2) }.reduce(0, +)
            #expect(total == Int64(counted.count))
            for row in stored {
                let sex = try row.text(0), age = Int(try row.int(1))
                let members = counted.filter { $0.sex.rawValue == sex && $0.birthDate.age(on: today) == age }
                let n = Int(try row.int(2)), ck = UInt32(truncatingIfNeeded: try row.int(3))
                #expect(n == members.count, "\(kind) \(sex) \(age)")
                let expected = members.reduce(UInt32(0)) { $0 &+ register.periodKey($1, period) }
                #expect(ck == expected, "\(kind) \(sex) \(age): ck")
            }
        }
    }
}

/// Entrants are written on a second thread while the first decides (`EntrantWriter`).
@Suite struct IdentifyWriterTests {
    /// People aged 16–19 on the test date who all enter KAA: more than three batches of the writer.
    static func entrants() -> [PersonalIdentityNumber] {
        [2008, 2009].flatMap { TestPeople.born(in: $0).prefix(450) }
    }

    static func count(_ register: Register, _ sql: String) throws -> Int64 {
        try register.database.queryOne(sql)?.int(0) ?? -1
    }

    @Test func aWriteThatFailsMidwayLeavesNothingAndTheNextRunWritesEveryone() throws {
        let fixture = RegisterFixture()
        let register = try fixture.create()
        let people = Self.entrants()
        #expect(people.count > 3 * EntrantWriter.batchSize)
        let path = fixture.directory.file("fb.csv")
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: people.map { CSVFixture.person($0.digits) })
        let auditBefore = try Self.count(register, "SELECT count(*) FROM audit_log")
        // The disk "fills" at the 600th person, in the writer's third batch.
        try register.database.execute(script: """
            CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON main.person WHEN (SELECT count(*) FROM main.person) >= 599
            BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END;
            """)
        do {
            _ = try register.identify(on: TestDates.today, folkbokforing: path, enrolment: [], dryRun: false)
            Issue.record("the run succeeded although a write failed")
        } catch {
            #expect("\(error)".contains("disk is full (test)"), "the writer's own failure is reported: \(error)")
        }
        #expect(try Self.count(register, "SELECT count(*) FROM person") == 0)
        #expect(try Self.count(register, "SELECT count(*) FROM episode") == 0)
        #expect(try Self.count(register, "SELECT count(*) FROM audit_log") == auditBefore)
        #expect(try Self.count(register, "SELECT count(*) FROM population_extract") == 0)
        #expect(!register.database.isInTransaction)

        try register.database.execute(script: "DROP TRIGGER temp.fail_midway;")
        let report = try register.identify(on: TestDates.today, folkbokforing: path, enrolment: [], dryRun: false)
        #expect(report.new.count == people.count)
        #expect(Set(report.new.map(\.personnummer)) == Set(people))
        #expect(try Self.count(register, "SELECT count(*) FROM person") == Int64(people.count))
        #expect(try Self.count(register, "SELECT count(*) FROM episode WHERE deregistered_on IS NULL AND registration_reason = 'EJ_PABORJAT'")
            == Int64(people.count))
        #expect(try Self.count(register, "SELECT count(*) FROM audit_log WHERE action = 'register'") == Int64(people.count))
        // Each audit row names its own person's episode.
        #expect(try Self.count(register, """
            SELECT count(*) FROM audit_log a JOIN episode e ON e.person_id = a.person_id
            WHERE a.action = 'register' AND a.detail = 'episode=' || e.id || ' reason=EJ_PABORJAT'
            """) == Int64(people.count))
    }

    @Test func aDryRunWritesNothingHoweverManyEnter() throws {
        let fixture = RegisterFixture()
        let register = try fixture.create()
        let people = Self.entrants()
        let path = fixture.directory.file("fb.csv")
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: people.map { CSVFixture.person($0.digits) })
        let report = try register.identify(on: TestDates.today, folkbokforing: path, enrolment: [], dryRun: true)
        #expect(report.new.count == people.count)
        #expect(try Self.count(register, "SELECT count(*) FROM person") == 0)
    }
}
