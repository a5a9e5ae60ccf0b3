import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

@Suite struct PurgeTests {
    let fixture = RegisterFixture()
    let d = TestDates.date
    let dayBefore = TestPeople.person(born: 2008, sex: .female, 0)   // last episode ended 2025-11-22: purged
    let onTheDay = TestPeople.person(born: 2008, sex: .female, 1)    // ended 2025-11-23, exactly 12 months: kept
    let stillIn = TestPeople.person(born: 2008, sex: .male, 0)       // open episode: kept
    let openPeriod = TestPeople.person(born: 2008, sex: .male, 1)    // ended 2026-03-01, in an open period: kept

    /// Builds the register in mid-2026 (when 2025-H2 was still open), then reopens it on 2026-11-23.
    func build(retentionMonths: Int = 12) throws -> Register {
        let early = try fixture.create(today: d("2026-06-15"))
        try early.register(dayBefore, on: d("2025-10-01"), reason: "AVBROTT_NP", details: ContactDetails(firstName: "Gallrasdottir", address: "Raderagatan 1"))
        try early.addContact(dayBefore, on: d("2025-10-02"), channel: "SMS", isReached: true, occupation: "ARBETE")
        try early.addMeasure(dayBefore, NewMeasure(type: "SYV", offeredOn: d("2025-10-03"), plan: "Plan"))
        try early.deregister(dayBefore, on: d("2025-11-22"), reason: "BORJAT_STUDERA")
        try early.register(onTheDay, on: d("2025-10-01"), reason: "OKAND")
        try early.deregister(onTheDay, on: d("2025-11-23"), reason: "FLYTTAT")
        try early.register(stillIn, on: d("2025-10-01"), reason: "OKAND")
        try early.register(openPeriod, on: d("2026-02-01"), reason: "OKAND")
        try early.deregister(openPeriod, on: d("2026-03-01"), reason: "FLYTTAT")
        var configuration = RegisterConfiguration()
        configuration.retentionMonths = retentionMonths
        return try Register.open(at: fixture.path, clock: FixedDateClock(today: TestDates.today), staff: "gallrare", configuration: configuration)
    }

    func remaining(_ register: Register) throws -> Set<String> {
        Set(try register.database.query("SELECT personnummer FROM person").map { try $0.text(0) })
    }

    @Test func purgesOnlyPastTheRetentionAndOnlyInFrozenPeriods() throws {
        let register = try build()
        let report = try register.purge(dryRun: false)
        #expect(report.people.map(\.personnummer) == [dayBefore])
        #expect(report.cutoff == d("2025-11-23"))
        #expect(try remaining(register) == [onTheDay.digits, stillIn.digits, openPeriod.digits])
        #expect(try register.auditEntries(AuditFilter(action: "purge")).first?.detail?.contains("people=1") == true)

        // A one-month retention reaches the person of 2026-03-01, but that period is still open.
        let short = try Register.open(at: fixture.path, clock: FixedDateClock(today: TestDates.today), staff: "gallrare",
                                      configuration: { var c = RegisterConfiguration(); c.retentionMonths = 1; return c }())
        let second = try short.purge(dryRun: false)
        #expect(second.people.map(\.personnummer) == [onTheDay], "2026-03-01 lies in 2026-H1, open until 2026-12-31")
        #expect(try remaining(short) == [stillIn.digits, openPeriod.digits])
    }

    @Test func frozenFiguresAreTheSameBeforeAndAfter() throws {
        let register = try build()
        let periods = ["2025-H2", "2025-10", "2025-11", "2025-12"].compactMap(Period.init)
        let before = try periods.map { try register.cells(for: $0) }
        _ = try register.purge(dryRun: false)
        let after = try periods.map { try register.cells(for: $0) }
        #expect(before == after)
        #expect(before[0].contains { $0.table == .deregistered && $0.dims.encoded == "reason=BORJAT_STUDERA" })
    }

    @Test func nothingPurgedStaysInTheDatabaseFiles() throws {
        let register = try build()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: fixture.path + "-wal"))) ?? Data())
        #expect(before.range(of: Data(dayBefore.digits.utf8)) != nil, "the test would notice the number")
        _ = try register.purge(dryRun: false)
        for suffix in ["", "-wal", "-shm"] {
            guard let data = FileManager.default.contents(atPath: fixture.path + suffix) else { continue }
            for needle in [dayBefore.digits, "Gallrasdottir", "Raderagatan"] {
                #expect(data.range(of: Data(needle.utf8)) == nil, "\(needle) is still in kaa.sqlite\(suffix)")
            }
        }
        let wal = (try? FileManager.default.attributesOfItem(atPath: fixture.path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
        #expect(wal == 0, "the WAL is truncated")
    }

    @Test func aPurgedPersonsIDIsNeverGivenToSomeoneNew() throws {
        let register = try build()
        let newest = try count(register, "SELECT max(id) FROM person")
        // The newest person goes (as a purge would delete them); the next one registered gets a new id.
        try register.database.execute("DELETE FROM person WHERE id = ?", [.integer(newest)])
        let next = TestPeople.person(born: 2009, 0)
        try register.register(next, on: d("2026-11-20"), reason: "OKAND")
        #expect(try count(register, "SELECT id FROM person WHERE personnummer = '\(next.digits)'") == newest + 1)
        try register.database.execute("DELETE FROM person WHERE id = ?", [.integer(newest + 1)])
        try register.register(TestPeople.person(born: 2009, 1), on: d("2026-11-20"), reason: "OKAND")
        #expect(try count(register, "SELECT max(id) FROM person") == newest + 2)
    }

    @Test func aDryRunListsButChangesNothing() throws {
        let register = try build()
        let before = try DatabaseDump.dump(fixture.path, excluding: ["audit_log", "audit_shown_set", "audit_shown_person"])
        let report = try register.purge(dryRun: true)
        #expect(report.isDryRun && report.people.map(\.personnummer) == [dayBefore] && report.people.first?.name == "Gallrasdottir")
        #expect(try DatabaseDump.dump(fixture.path, excluding: ["audit_log", "audit_shown_set", "audit_shown_person"]) == before)
    }

    @Test func oldAuditRowsGoAndYoungOnesStay() throws {
        let register = try build()
        try register.database.execute("INSERT INTO audit_log (at, staff, action) VALUES ('2020-01-01T00:00:00Z', 'x', 'ancient')")
        let young = try register.auditEntries(AuditFilter()).count
        let report = try register.purge(dryRun: false)
        #expect(report.auditRows == 1)
        #expect(try register.auditEntries(AuditFilter(action: "ancient")).isEmpty)
        #expect(try register.auditEntries(AuditFilter()).count >= young - 1)
    }

    @Test func aFailureMidwayLeavesEverythingAsItWas() throws {
        let register = try build(retentionMonths: 1)
        try register.database.execute(script: """
            CREATE TEMP TRIGGER fail_second_delete BEFORE DELETE ON main.person
            WHEN (SELECT count(*) FROM main.person) < 4
            BEGIN SELECT RAISE(ABORT, 'disk full'); END;
            """)
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) { try register.purge(dryRun: false) }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }
}
