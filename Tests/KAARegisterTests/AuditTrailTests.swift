import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Issue 13, "The log and the data subject": what changed, in what context, one row per listing.
@Suite struct AuditTrailTests {
    let fixture = RegisterFixture()
    let anna = TestPeople.person(born: 2008, sex: .female)
    let bertil = TestPeople.person(born: 2009, sex: .male)
    let d = TestDates.date

    func changes(_ register: Register, _ action: String) throws -> [String] {
        try register.auditEntries().filter { $0.action == action }.map { $0.changes ?? "" }
    }

    @Test func everyWriteRecordsWhatChangedWithCodesAndDatesButNoPersonalData() throws {
        let register = try fixture.create()
        let episode = try register.register(anna, on: d("2026-09-01"), reason: "OKAND",
                                            details: ContactDetails(firstName: "Astrid", lastName: "Testsson", phone: "070-1234567"))
        #expect(try changes(register, "register") == ["first_name: tillagd; last_name: tillagd; phone: tillagd; registered_on: – → 2026-09-01; registration_reason: – → OKAND"])
        try register.correctEpisode(episode, EpisodeCorrection(registrationReason: "AVBROTT_NP"))
        #expect(try changes(register, "episode.correct") == ["registration_reason: OKAND → AVBROTT_NP"])
        try register.updatePerson(anna, details: ContactDetails(phone: "073-7654321", email: "a@example.org"))
        #expect(try changes(register, "person.update") == ["phone: ändrad; email: tillagd"])
        let contact = try register.addContact(anna, on: d("2026-09-02"), channel: "SMS", isReached: true, occupation: "ARBETE")
        try register.correctContact(contact, ContactCorrection(channel: "TELEFON"))
        #expect(try changes(register, "contact.correct") == ["channel: SMS → TELEFON"])
        let measure = try register.addMeasure(anna, NewMeasure(type: "SYV", offeredOn: d("2026-09-03"), plan: "Träffa SYV om Astrids planer"))
        #expect(try changes(register, "measure.add") == ["measure_type: – → SYV; offered_on: – → 2026-09-03; plan: tillagd"])
        var correction = MeasureCorrection()
        correction.decision = .declined
        correction.plan = "Ny plan för Astrid"
        try register.correctMeasure(measure, correction)
        #expect(try changes(register, "measure.correct") == ["decision: – → AVBOJD; plan: ändrad"])
        try register.removeContact(contact)
        #expect(try changes(register, "contact.remove") == ["contacted_on: 2026-09-02 → –; channel: TELEFON → –; is_reached: 1 → –; occupation: ARBETE → –"])
        try register.deregister(anna, on: d("2026-10-01"), reason: "BORJAT_STUDERA")
        #expect(try changes(register, "deregister") == ["deregistered_on: – → 2026-10-01; deregistration_reason: – → BORJAT_STUDERA; åtgärder avslutade: 1 (AVREGISTRERAD)"])

        let text = try register.database.query("SELECT coalesce(changes, '') || ' ' || coalesce(detail, '') FROM audit_log").map { try $0.text(0) }.joined(separator: "\n")
        for forbidden in [anna.digits, anna.formatted, "Astrid", "Testsson", "070-1234567", "073-7654321", "a@example.org", "Träffa", "Ny plan"] {
            #expect(!text.contains(forbidden), "the audit log holds \(forbidden)")
        }
    }

    @Test func aChangedSettingRecordsItsOldAndNewValue() throws {
        _ = try fixture.create()
        var configuration = RegisterConfiguration()
        configuration.auditRetentionMonths = 36
        let register = try Register.open(at: fixture.path, clock: FixedDateClock(today: TestDates.today), staff: "it", configuration: configuration)
        #expect(try changes(register, "settings") == ["audit_retention_months: 24 → 36"])
    }

    @Test func everyReadRecordsItsContext() throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "OKAND", details: ContactDetails(address: "Gatan 1", postalCode: "75320", city: "Uppsala"))
        _ = try register.show(anna)
        _ = try register.list()
        _ = try register.worklist(.notReached)
        _ = try register.letterRecipients(.notReached)
        let contexts = Dictionary(try register.auditEntries().compactMap { entry in entry.context.map { (entry.action, $0) } }, uniquingKeysWith: { a, _ in a })
        #expect(contexts["show"] == .person)
        #expect(contexts["list"] == .list)
        #expect(contexts["worklist.ej-nadda"] == .worklist)
        #expect(contexts["letters.ej-nadda"] == .letter)
        #expect(try register.auditEntries().filter { $0.action == "register" }.allSatisfy { $0.context == nil })
    }

    @Test func aWorklistRunIsOneEntryAndThePersonFilterFindsEachPersonItShowed() throws {
        let register = try fixture.create()
        let people = (0..<30).map { TestPeople.person(born: 2008, $0) }
        for person in people { try register.register(person, on: d("2026-09-01"), reason: "OKAND") }
        for _ in 0..<3 { _ = try register.worklist(.notReached) }
        let runs = try register.auditEntries().filter { $0.action == "worklist.ej-nadda" }
        #expect(runs.count == 3)
        #expect(runs.allSatisfy { $0.personID == nil && $0.shownPersonIDs.count == 30 && $0.detail == "shown=30" })
        let forOne = try register.auditEntries(person: people[17])
        #expect(forOne.map(\.action) == ["register", "worklist.ej-nadda", "worklist.ej-nadda", "worklist.ej-nadda"])
        #expect(try count(register, "SELECT count(*) FROM audit_log") == 1 + 30 + 3)
    }

    @Test func oldPerPersonListingRowsAreGroupedOnDisplay() throws {
        let register = try fixture.create()
        for id in [4, 5, 6] {
            try register.database.execute("INSERT INTO audit_log (at, staff, action, person_id) VALUES ('2026-11-01T13:00:00Z', 'kalle', 'worklist.ej-nadda', ?)", [.integer(Int64(id))])
        }
        try register.database.execute("INSERT INTO audit_log (at, staff, action, person_id) VALUES ('2026-11-01T13:00:00Z', 'kalle', 'show', 4)")
        let entries = try register.auditEntries().filter { $0.at == "2026-11-01T13:00:00Z" }
        #expect(entries.map(\.action) == ["worklist.ej-nadda", "show"])
        #expect(entries.first?.shownPersonIDs == [4, 5, 6])
    }

    @Test func theListingsPeopleCannotBeChangedOrDeletedInsideTheRetention() throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "OKAND")
        _ = try register.list()
        #expect(throws: SQLiteError.self) { try register.database.execute("UPDATE audit_shown_person SET person_id = 99") }
        #expect(throws: SQLiteError.self) { try register.database.execute("UPDATE audit_shown_set SET size = 5") }
        #expect(throws: SQLiteError.self) { try register.database.execute("DELETE FROM audit_shown_person") }
        // A set named by a row cannot go (the foreign key), and the row cannot drop it.
        #expect(throws: SQLiteError.self) { try register.database.execute("DELETE FROM audit_shown_set") }
        #expect(throws: SQLiteError.self) { try register.database.execute("UPDATE audit_log SET shown_set = NULL") }
        #expect(try count(register, "SELECT count(*) FROM audit_shown_person") == 1)
        // Past the retention the row goes, and then its set with its people (the cascade).
        try register.database.execute("INSERT INTO audit_shown_set (id, digest, size) VALUES (1000, NULL, 1)")
        try register.database.execute("INSERT INTO audit_shown_person (set_id, person_id) VALUES (1000, 1)")
        try register.database.execute("INSERT INTO audit_log (id, at, staff, action, shown_set) VALUES (1000, '2020-01-01T00:00:00Z', 'x', 'list', 1000)")
        #expect(throws: SQLiteError.self) { try register.database.execute("DELETE FROM audit_shown_set WHERE id = 1000") }
        try register.database.execute("DELETE FROM audit_log WHERE id = 1000")
        try register.database.execute("DELETE FROM audit_shown_set WHERE id = 1000")
        #expect(try count(register, "SELECT count(*) FROM audit_shown_person WHERE set_id = 1000") == 0)
        #expect(try count(register, "SELECT count(*) FROM audit_shown_person") == 1)
    }

    @Test func aListingWhoseAuditFailsMidwayLeavesNoRowBehind() throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "OKAND")
        try register.register(bertil, on: d("2026-09-01"), reason: "OKAND")
        let before = try count(register, "SELECT count(*) FROM audit_log")
        try register.database.execute(script: """
            CREATE TEMP TRIGGER fail_second BEFORE INSERT ON audit_shown_person WHEN NEW.person_id = 2
            BEGIN SELECT RAISE(ABORT, 'disk full'); END;
            """)
        #expect(throws: RegisterError.self) { _ = try register.worklist(.notReached) }
        #expect(try count(register, "SELECT count(*) FROM audit_log") == before)
        #expect(try count(register, "SELECT count(*) FROM audit_shown_person") == 0)
        #expect(try count(register, "SELECT count(*) FROM audit_shown_set") == 0)
    }

    @Test func thePersonkortsEventsAreReadByTheirOwnIndexNotPastEveryTimeTheCardWasOpened() throws {
        let register = try fixture.create()
        let plan = try register.database.query(
            "EXPLAIN QUERY PLAN SELECT id, at, staff, action, person_id, detail, changes FROM audit_log WHERE person_id = ? AND context IS NULL ORDER BY id",
            [.integer(1)]).map { try $0.text(3) }.joined(separator: " | ")
        #expect(plan.contains("audit_log_events_by_person"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func theDateFilterTakesCalendarDatesInTheKommunsTimeZone() throws {
        let register = try fixture.create()
        // 22:30 UTC on 30 June is 00:30 on 1 July in Stockholm (summer time).
        try register.database.execute("INSERT INTO audit_log (at, staff, action) VALUES ('2026-06-30T22:30:00Z', 'kalle', 'midnight')")
        let july = try register.auditEntries(AuditFilter(action: "midnight", from: d("2026-07-01"), through: d("2026-07-01")))
        #expect(july.count == 1)
        #expect(try register.auditEntries(AuditFilter(action: "midnight", through: d("2026-06-30"))).isEmpty)
    }

    @Test(arguments: ["%", "_", "contact%", "'", "\\"])
    func anActionFilterWithWildcardsMatchesOnlyThoseCharacters(_ hostile: String) throws {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "OKAND")
        try register.addContact(anna, on: d("2026-09-02"), channel: "SMS", isReached: false)
        #expect(try register.auditEntries(AuditFilter(action: hostile)).isEmpty)
        #expect(try register.auditEntries(AuditFilter(staff: hostile)).isEmpty)
    }

    @Test func timesAreShownInTheKommunsTimeZone() throws {
        let register = try fixture.create()
        #expect(register.localTime("2026-07-01T10:00:00Z") == "2026-07-01 12:00:00")
        #expect(register.localTime("2026-12-31T23:30:00Z") == "2027-01-01 00:30:00")
        #expect(register.localTime("not a time") == "not a time")
    }
}
