import Foundation
import KAACore
import KAAResources
import KAASQLite
@testable import KAARegister
import KAATestFixtures
import Testing

@Suite struct ReviewTests {
    let fixture = RegisterFixture()

    static func count(_ register: Register, _ sql: String) throws -> Int64 {
        try register.database.queryOne(sql)?.int(0) ?? -1
    }

    @Test func anIdentifyRunThatFailsAfterRaisingReviewItemsLeavesNoneBehind() throws {
        let register = try fixture.create()
        let moves = TestPeople.person(born: 2008, 0), manual = TestPeople.person(born: 2008, 1)
        let before = try fixture.open(today: TestDates.date("2026-09-01"))
        try before.register(manual, on: TestDates.date("2026-09-01"), reason: "AVBROTT_NP", details: ContactDetails(phone: "070-123 45 67"))
        let path = fixture.directory.file("fb.csv"), enrolment = fixture.directory.file("en.csv")
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: [CSVFixture.person(moves.digits), CSVFixture.person(manual.digits, phone: "+46 70 123 45 67")])
        _ = try register.identify(on: TestDates.date("2026-10-01"), folkbokforing: path, enrolment: [], dryRun: false)
        // Next run: `moves` is missing (de-registered + item), `manual` disagrees with a list and an extract (two items).
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: [CSVFixture.person(manual.digits, phone: "070-999 99 99")])
        try CSVFixture.write(enrolment, header: CSVFixture.enrolmentHeader, rows: [CSVFixture.enrolment(manual.digits, "NP", "STUDERAR", "2024-08-20")])
        let dump = try DatabaseDump.dump(fixture.path)
        // The population is stored last: failing there undoes everything before it.
        try register.database.execute(script: """
            CREATE TEMP TRIGGER fail_midway BEFORE INSERT ON main.population_cell BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;
            """)
        #expect(throws: RegisterError.self) {
            _ = try register.identify(on: TestDates.date("2026-11-02"), folkbokforing: path, enrolment: [enrolment], dryRun: false)
        }
        #expect(try DatabaseDump.dump(fixture.path) == dump)
        try register.database.execute(script: "DROP TRIGGER temp.fail_midway;")
        let report = try register.identify(on: TestDates.date("2026-11-02"), folkbokforing: path, enrolment: [enrolment], dryRun: false)
        #expect(Set(report.review.map(\.kind)) == [.missingFromExtract, .decisionDiffers, .detailDiffers])
        #expect(report.review.allSatisfy { $0.id > 0 })
        #expect(try Self.count(register, "SELECT count(*) FROM review_item") == 3)
        #expect(try register.show(manual).details.phone == "+46701234567")
    }

    @Test func aResolveThatFailsMidwayChangesNothing() throws {
        let register = try fixture.create()
        let moves = TestPeople.person(born: 2008, 0)
        let path = fixture.directory.file("fb.csv")
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: [CSVFixture.person(moves.digits)])
        _ = try register.identify(on: TestDates.date("2026-09-01"), folkbokforing: path, enrolment: [], dryRun: false)
        // Someone else in the extract: one with no data rows is refused outright (issue 14).
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: [CSVFixture.person(TestPeople.person(born: 2007).digits)])
        let report = try register.identify(on: TestDates.date("2026-10-01"), folkbokforing: path, enrolment: [], dryRun: false)
        let item = try #require(report.review.first)
        let dump = try DatabaseDump.dump(fixture.path)
        // The episode is corrected first, then the item is marked: failing at the mark undoes the correction.
        try register.database.execute(script: """
            CREATE TEMP TRIGGER fail_midway BEFORE UPDATE OF decision ON main.review_item BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;
            """)
        #expect(throws: RegisterError.self) { try register.resolveReview(item.id, decision: .change, reason: "AVLIDEN") }
        #expect(try DatabaseDump.dump(fixture.path) == dump)
        try register.database.execute(script: "DROP TRIGGER temp.fail_midway;")
        let resolved = try register.resolveReview(item.id, decision: .change, reason: "AVLIDEN")
        #expect(resolved.decision == .change && resolved.resolvedBy == "handlaggare1")
        #expect(try register.show(moves).history.episodes.first?.deregistrationReason == "AVLIDEN")
        #expect(try register.auditEntries(person: moves).contains { $0.action == "review.resolve" && $0.detail?.contains("reason=AVLIDEN") == true })
    }

    @Test func decisionsAreReadInAnyCaseWithOrWithoutSwedishLetters() {
        #expect(ReviewDecision(text: "behåll") == .keep && ReviewDecision(text: "BEHALL") == .keep && ReviewDecision(text: "Ändra") == .change)
        #expect(ReviewDecision(text: "klar") == .done && ReviewDecision(text: "") == nil && ReviewDecision(text: "behall; DROP") == nil)
    }

    @Test func migrationFourMapsKomvuxToTheGrundVariantWithAnItemPerPerson() throws {
        // A register as version 3 left it, with the old code on a contact, a fact and a measure.
        let all = EmbeddedFiles.files(under: "migrations/register")
        let old = try Migrator(files: all.filter { file in (file.path.split(separator: "/").last?.prefix(4)).flatMap { Int($0) }.map { $0 <= 3 } ?? false })
        #expect(old.latestVersion == 3)
        let latest = try Migrator(files: all).latestVersion
        do {
            let database = try Database(path: fixture.path, options: Database.Options(create: true))
            _ = try old.migrate(database, now: "2026-11-01T00:00:00Z")
            try database.write {
                try Register.seed(database)
                try database.execute("DELETE FROM occupation WHERE code IN ('STUDIER_KOMVUX_GRUND', 'STUDIER_KOMVUX_GY', 'STUDIER_GYMNASIUM_NP', 'STUDIER_GYMNASIUM_IM')")
                try database.execute(script: """
                    INSERT INTO setting (key, value) VALUES ('kommun', '0380'), ('audit_retention_months', '24');
                    INSERT INTO secret (name, value) VALUES ('cell_key', zeroblob(32));
                    INSERT INTO person (id, personnummer) VALUES (1, '\(TestPeople.person(born: 2008, 0).digits)'), (2, '\(TestPeople.person(born: 2008, 1).digits)'),
                                                                 (3, '\(TestPeople.person(born: 2008, 2).digits)');
                    INSERT INTO episode (id, person_id, registered_on, registration_reason) VALUES (1, 1, '2026-09-01', 'OKAND'), (2, 2, '2026-09-01', 'OKAND'),
                                                                                                    (3, 3, '2026-09-01', 'OKAND');
                    INSERT INTO contact (episode_id, contacted_on, channel, is_reached, occupation) VALUES (1, '2026-09-02', 'SMS', 1, 'STUDIER_KOMVUX');
                    INSERT INTO occupation_fact (episode_id, noted_on, occupation) VALUES (1, '2026-09-03', 'STUDIER_KOMVUX'), (3, '2026-09-03', 'ARBETE');
                    INSERT INTO measure (episode_id, measure_type, offered_on, started_on, ended_on, end_reason, occupation_after)
                        VALUES (2, 'SYV', '2026-09-02', '2026-09-02', '2026-09-10', 'GENOMFORD', 'STUDIER_KOMVUX');
                    """)
            }
        }
        let register = try fixture.open()
        #expect(try Self.count(register, "SELECT max(version) FROM schema_migration") == latest)
        let remaining = try Self.count(register, """
            SELECT (SELECT count(*) FROM contact WHERE occupation = 'STUDIER_KOMVUX') + (SELECT count(*) FROM occupation_fact WHERE occupation = 'STUDIER_KOMVUX')
                 + (SELECT count(*) FROM measure WHERE occupation_after = 'STUDIER_KOMVUX')
            """)
        #expect(remaining == 0)
        #expect(try Self.count(register, "SELECT count(*) FROM occupation_fact WHERE occupation = 'STUDIER_KOMVUX_GRUND'") == 1)
        let items = try register.reviewItems()
        #expect(items.map(\.personID) == [1, 2], "one item per person whose occupation was mapped, none for the third")
        #expect(items.allSatisfy { $0.kind == .occupationMapped })
        #expect(throws: RegisterError.self) { try register.resolveReview(items[0].id, decision: .change) }
        try register.resolveReview(items[0].id, decision: .done)
        #expect(try register.reviewItems().count == 1)
        #expect(try register.database.queryOne("PRAGMA foreign_key_check") == nil)
    }
}
