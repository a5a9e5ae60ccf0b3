import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Opens registers on temp files with a fixed date.
struct RegisterFixture {
    let directory = TemporaryDirectory()
    var path: String { directory.file("kaa.sqlite") }

    func create(today: CalendarDate = TestDates.today, staff: String = "handlaggare1") throws -> Register {
        try Register.create(at: path, kommun: "0380", clock: FixedDateClock(today: today), staff: staff)
    }

    func open(today: CalendarDate = TestDates.today, staff: String = "handlaggare1") throws -> Register {
        try Register.open(at: path, clock: FixedDateClock(today: today), staff: staff)
    }
}

func count(_ register: Register, _ sql: String) throws -> Int64 {
    try #require(try register.database.queryOne(sql)).int(0)
}

@Suite struct RegisterCreationTests {
    @Test func createsARegisterWithSeedsSecretAndMode0600() throws {
        let fixture = RegisterFixture()
        let register = try fixture.create()
        #expect(register.kommun == "0380")
        #expect(try count(register, "SELECT count(*) FROM kommun") == 290)
        #expect(try count(register, "SELECT count(*) FROM contact_channel") == 9)
        #expect(try count(register, "SELECT length(value) FROM secret WHERE name = 'cell_key'") == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func twoRegistersGetDifferentSecrets() throws {
        let a = RegisterFixture(), b = RegisterFixture()
        let first = try a.create().database.queryOne("SELECT value FROM secret")?.blob(0)
        let second = try b.create().database.queryOne("SELECT value FROM secret")?.blob(0)
        #expect(first != nil && first != second)
    }

    @Test func anUnknownKommunLeavesNoFile() throws {
        let fixture = RegisterFixture()
        #expect(throws: RegisterError.self) {
            try Register.create(at: fixture.path, kommun: "9999", clock: FixedDateClock(today: TestDates.today), staff: "x")
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path))
    }

    @Test func aFailedCreateLeavesNoFile() throws {
        let fixture = RegisterFixture()
        let path = fixture.directory.file("no/such/folder/kaa.sqlite")
        #expect(throws: RegisterError.self) {
            try Register.create(at: path, kommun: "0380", clock: FixedDateClock(today: TestDates.today), staff: "x")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func refusesToOverwriteAnExistingRegister() throws {
        let fixture = RegisterFixture()
        _ = try fixture.create()
        #expect(throws: RegisterError.self) { try fixture.create() }
    }

    @Test func refusesADatabaseNewerThanTheProgram() throws {
        let fixture = RegisterFixture()
        let register = try fixture.create()
        try register.database.execute("INSERT INTO schema_migration (version, name, applied_at) VALUES (9999, 'future', 't')")
        #expect {
            _ = try fixture.open()
        } throws: { error in
            guard let error = error as? RegisterError, case let .migration(migrationError) = error,
                  case let .databaseIsNewer(databaseVersion, _) = migrationError else { return false }
            return databaseVersion == 9999
        }
    }

    @Test func refusesAFileThatIsNoRegister() throws {
        let fixture = RegisterFixture()
        let other = try Database(path: fixture.path, options: Database.Options(create: true))
        try other.execute(script: "CREATE TABLE x (y INTEGER);")
        #expect(throws: RegisterError.self) { try fixture.open() }
    }
}

@Suite struct AuditLogTests {
    let fixture = RegisterFixture()
    let anna = TestPeople.person(born: 2008, sex: .female)

    @Test func aReadOfAPersonIsLoggedWithTheStaffMember() throws {
        let register = try fixture.create(staff: "kalle")
        try register.register(anna, on: TestDates.date("2026-09-01"), reason: "AVBROTT_NP")
        _ = try register.show(anna)
        let entries = try register.auditEntries(person: anna)
        #expect(entries.map(\.action) == ["register", "show"])
        #expect(entries.allSatisfy { $0.staff == "kalle" && $0.personID != nil })
    }

    // Issue 13: a listing is one audit row naming every person it showed (was: one row per person).
    @Test func listingsLogOneReadPerRunNamingEveryPersonShown() throws {
        let register = try fixture.create()
        try register.register(anna, on: TestDates.date("2026-09-01"), reason: "AVBROTT_NP")
        try register.register(TestPeople.person(born: 2009), on: TestDates.date("2026-09-01"), reason: "OKAND")
        _ = try register.list()
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'list'") == 1)
        #expect(try count(register, "SELECT count(*) FROM audit_shown_person p JOIN audit_log a ON a.shown_set = p.set_id WHERE a.action = 'list'") == 2)
        _ = try register.worklist(.notReached)
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'worklist.ej-nadda'") == 1)
        #expect(try count(register, "SELECT count(*) FROM audit_shown_person p JOIN audit_log a ON a.shown_set = p.set_id WHERE a.action = 'worklist.ej-nadda'") == 2)
    }

    @Test func updateOnTheAuditLogIsRefused() throws {
        let register = try fixture.create()
        #expect(throws: SQLiteError.self) { try register.database.execute("UPDATE audit_log SET staff = 'someone else'") }
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE staff = 'someone else'") == 0)
    }

    @Test func deleteIsRefusedInsideTheRetentionAndAllowedPastIt() throws {
        let register = try fixture.create()
        #expect(throws: SQLiteError.self) { try register.database.execute("DELETE FROM audit_log") }
        #expect(try count(register, "SELECT count(*) FROM audit_log") == 1)
        try register.database.execute("INSERT INTO audit_log (at, staff, action) VALUES ('2020-01-01T00:00:00Z', 'x', 'old')")
        try register.database.execute("DELETE FROM audit_log WHERE action = 'old'")
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'old'") == 0)
    }

    @Test func theLogNeverHoldsAPersonnummerOrAName() throws {
        let register = try fixture.create()
        try register.register(anna, on: TestDates.date("2026-09-01"), reason: "AVBROTT_NP",
                              details: ContactDetails(firstName: "Astrid", lastName: "Testsson", phone: "070-1234567"))
        let contact = try register.addContact(anna, on: TestDates.date("2026-09-02"), channel: "SMS", isReached: true, occupation: "ARBETE")
        try register.correctContact(contact, ContactCorrection(channel: "TELEFON"))
        try register.addMeasure(anna, NewMeasure(type: "SYV", offeredOn: TestDates.date("2026-09-03"), plan: "Plan"))
        _ = try register.show(anna)
        try register.deregister(anna, on: TestDates.date("2026-10-01"), reason: "BORJAT_STUDERA")
        let rows = try register.database.query("SELECT at, staff, action, coalesce(person_id, ''), coalesce(detail, '') FROM audit_log")
        let text = try rows.map { row in try (0..<5).map { index -> String in
            if case let .integer(value) = row[index] { return String(value) }
            return try row.text(index)
        }.joined(separator: "|") }.joined(separator: "\n")
        for forbidden in [anna.digits, String(anna.digits.dropFirst(2)), anna.formatted, "Astrid", "Testsson", "070-1234567", "2008-01-01"] {
            #expect(!text.contains(forbidden), "audit log contains \(forbidden)")
        }
        #expect(rows.count >= 7)
    }
}

@Suite struct WriteSafetyTests {
    let fixture = RegisterFixture()
    let anna = TestPeople.person(born: 2008, sex: .female)
    let d = TestDates.date

    @Test func aDeregistrationThatFailsMidwayChangesNothing() throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "AVBROTT_NP")
        try register.addMeasure(anna, NewMeasure(type: "SYV", offeredOn: d("2026-09-05")))
        try register.addContact(anna, on: d("2026-10-10"), channel: "SMS", isReached: false)
        // The episode is updated first, then found to end before the contact: all is rolled back.
        #expect(throws: RegisterError.self) { try register.deregister(anna, on: d("2026-10-01"), reason: "FLYTTAT") }
        #expect(try count(register, "SELECT count(*) FROM episode WHERE deregistered_on IS NULL") == 1)
        #expect(try count(register, "SELECT count(*) FROM measure WHERE ended_on IS NULL") == 1)
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'deregister'") == 0)
    }

    @Test func aRefusedRegistrationStoresNoPerson() throws {
        let register = try fixture.create()
        #expect(throws: RegisterError.self) {
            try register.register(anna, on: d("2026-09-01"), reason: "NO_SUCH_REASON", details: ContactDetails(firstName: "A"))
        }
        #expect(try count(register, "SELECT count(*) FROM person") == 0)
    }

    @Test func deregistrationEndsOpenMeasures() throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "AVBROTT_NP")
        let id = try register.addMeasure(anna, NewMeasure(type: "PRAKTIK", offeredOn: d("2026-09-05"), decision: .accepted, startedOn: d("2026-09-10")))
        try register.deregister(anna, on: d("2026-10-01"), reason: "BORJAT_STUDERA")
        let row = try #require(try register.database.queryOne("SELECT ended_on, end_reason FROM measure WHERE id = ?", [.integer(id)]))
        #expect(try row.text(0) == "2026-10-01")
        #expect(try row.text(1) == "AVREGISTRERAD")
    }

    @Test func aProtectedIdentityIsStoredWithoutAddress() throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "OKAND", details: ContactDetails(address: "Gatan 1", city: "Uppsala"))
        try register.updatePerson(anna, details: ContactDetails(isProtected: true))
        let record = try register.show(anna)
        #expect(record.isProtected)
        #expect(record.details.address == nil && record.details.city == nil)
        #expect(throws: RegisterError.self) { try register.updatePerson(anna, details: ContactDetails(address: "Ny gata 2")) }
    }

    @Test func episodesOfOnePersonCannotOverlap() throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-03-01"), reason: "OKAND")
        try register.deregister(anna, on: d("2026-05-01"), reason: "FLYTTAT")
        #expect(throws: RegisterError.self) { try register.register(anna, on: d("2026-04-01"), reason: "INFLYTTAD") }
        let second = try register.register(anna, on: d("2026-05-01"), reason: "INFLYTTAD")
        let first = try #require(try register.database.queryOne("SELECT min(id) FROM episode")?.int(0))
        #expect(throws: RegisterError.self) { try register.correctEpisode(first, EpisodeCorrection(reopen: true)) }
        #expect(throws: RegisterError.self) { try register.correctEpisode(second, EpisodeCorrection(registeredOn: d("2026-04-15"))) }
        #expect(try count(register, "SELECT count(*) FROM episode WHERE registered_on = '2026-05-01'") == 1)
    }
}

@Suite struct FreezingTests {
    let fixture = RegisterFixture()
    let anna = TestPeople.person(born: 2008, sex: .female)
    let bertil = TestPeople.person(born: 2009, sex: .male)
    let d = TestDates.date

    @Test func aFrozenPeriodIsStoredAndReadFromTheStore() throws {
        // Mid-2026, 2025-H2 is still open: write into it.
        let early = try fixture.create(today: d("2026-06-15"))
        try early.register(anna, on: d("2025-10-01"), reason: "AVBROTT_NP")
        try early.addContact(anna, on: d("2025-10-03"), channel: "TELEFON", isReached: true)
        let openCells = try early.cells(for: #require(Period("2025-H2")))
        #expect(try count(early, "SELECT count(*) FROM frozen_period") == 0)

        // On 2026-11-23, 2025-H2 is frozen: its cells are stored, equal to what was computed.
        let late = try fixture.open(today: TestDates.today)
        let frozenCells = try late.cells(for: #require(Period("2025-H2")))
        #expect(frozenCells == openCells.map { Cell(table: $0.table, period: $0.period, dims: $0.dims, n: $0.n, ck: $0.ck) })
        #expect(try count(late, "SELECT count(*) FROM frozen_period WHERE period = '2025-H2'") == 1)
        #expect(try count(late, "SELECT count(*) FROM frozen_period WHERE period = '2025-10'") == 1)

        // Even if the underlying rows change, the frozen figures do not.
        try late.database.execute("DELETE FROM contact")
        #expect(try late.cells(for: #require(Period("2025-H2"))) == frozenCells)
        #expect(try late.cells(for: #require(Period("2025-10"))).contains { $0.table == .contacted && $0.n == 1 })
    }

    @Test func writesDatedInAFrozenPeriodAreRefused() throws {
        let early = try fixture.create(today: d("2026-06-15"))
        try early.register(anna, on: d("2025-10-01"), reason: "AVBROTT_NP")
        let contact = try early.addContact(anna, on: d("2025-10-03"), channel: "TELEFON", isReached: true)
        let late = try fixture.open(today: TestDates.today)
        #expect(throws: RegisterError.self) { try late.addContact(anna, on: d("2025-12-31"), channel: "SMS", isReached: false) }
        #expect(throws: RegisterError.self) { try late.register(bertil, on: d("2025-12-01"), reason: "OKAND") }
        #expect(throws: RegisterError.self) { try late.correctContact(contact, ContactCorrection(channel: "SMS")) }
        #expect(throws: RegisterError.self) { try late.removeContact(contact) }
        #expect(throws: RegisterError.self) {
            try late.correctEpisode(try #require(try late.database.queryOne("SELECT id FROM episode")?.int(0)), EpisodeCorrection(registrationReason: "OKAND"))
        }
        // The first open day is fine.
        try late.addContact(anna, on: d("2026-01-01"), channel: "SMS", isReached: false)
        #expect(try count(late, "SELECT count(*) FROM contact") == 2)
    }

    @Test func populationIsStoredAsCountsOnly() throws {
        let register = try fixture.create()
        let people = [anna, bertil, TestPeople.person(born: 2008, sex: .female, 1), TestPeople.person(born: 2012)]
        try register.recordPopulation(extractOn: d("2026-11-02"), people: people)
        let cells = try register.cells(for: #require(Period("2026-11"))).filter { $0.table == .population }
        #expect(cells.map { "\($0.dims.encoded)=\($0.n)" }.sorted() == ["age=17,sex=M=1", "age=18,sex=K=2"])
        #expect(try count(register, "SELECT count(*) FROM person") == 0)
        // A month without its own extract carries the latest earlier one.
        #expect(try register.cells(for: #require(Period("2026-H2"))).filter { $0.table == .population }.map(\.n).reduce(0, +) == 3)
        #expect(try register.cells(for: #require(Period("2026-10"))).filter { $0.table == .population }.isEmpty)
    }
}
