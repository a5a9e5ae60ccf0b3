import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// One item of `kaa review list --json`.
struct ReviewJSON: Decodable {
    let id: Int
    let personnummer: String
    let name: String
    let kind: String
    let message: String
    let resolved: Bool
    let decision: String?
}

extension IdentifyFixture {
    func reviewItems(all: Bool = false) throws -> [ReviewJSON] {
        let result = kaa.run(["review", "list", "--json"] + (all ? ["--all"] : []))
        #expect(result.exitCode == 0, "\(result)")
        return try JSONDecoder().decode([ReviewJSON].self, from: Data(result.stdout.utf8))
    }

    /// Episodes that begin and end on the same day (none may exist, FELREGISTRERAD apart).
    func zeroDayEpisodes() throws -> Int64 {
        let db = try KAASQLiteAccess.open(kaa.databasePath)
        return try db.queryOne("SELECT count(*) FROM episode WHERE deregistered_on = registered_on AND deregistration_reason <> 'FELREGISTRERAD'")?.int(0) ?? -1
    }
}

/// Design §12 "identify proposes, the coordinator decides" (issue 13).
@Suite struct IdentifyProposesTests {
    let fixture = IdentifyFixture()

    @Test func aDropoutRegisteredByHandIsNotClosedByTheNextIdentify() throws {
        // The school's dropout notice (15 kap. 15 § skollagen) comes before its enrolment list catches up.
        let pnr = born("2008-03-03")
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-11-16", "--reason", "AVBROTT_NP", "--first-name", "Måns", "--last-name", "Åkesson"]), 0)
        let stale = [CSVFixture.enrolment(pnr, "NP", "STUDERAR", "2024-08-20")]
        let first = try fixture.run("2026-11-16", people: [CSVFixture.person(pnr, first: "Måns", last: "Åkesson")], enrolment: stale)
        #expect(first.left.isEmpty, "a manual registration is a decision")
        #expect(first.review.count == 1)
        #expect(try fixture.episodes().map(\.deregistered_on) == [nil])
        let items = try fixture.reviewItems()
        let item = try #require(items.first)
        #expect(items.count == 1)
        #expect(item.personnummer == pnr && item.name == "Måns Åkesson")
        #expect(item.message.contains("en-2026-11-16.csv rad 2"), "names the file row that disagrees: \(item.message)")
        #expect(item.message.contains("2024-08-20"))

        // A second run that still disagrees neither closes it nor repeats the item.
        let second = try fixture.run("2026-11-20", people: [CSVFixture.person(pnr, first: "Måns", last: "Åkesson")], enrolment: stale)
        #expect(second.left.isEmpty)
        #expect(try fixture.reviewItems().count == 1)
        #expect(try fixture.episodes().map(\.deregistered_on) == [nil])

        // Resolved, it stays resolved for the same evidence.
        expectExit(fixture.kaa.run(["review", "resolve", String(item.id), "--decision", "behall"]), 0)
        let third = try fixture.run("2026-11-21", people: [CSVFixture.person(pnr, first: "Måns", last: "Åkesson")], enrolment: stale)
        #expect(third.review.isEmpty && third.left.isEmpty)
        let dry = try fixture.run("2026-11-22", people: [CSVFixture.person(pnr, first: "Måns", last: "Åkesson")], enrolment: stale, extra: ["--dry-run"])
        #expect(dry.review.isEmpty, "a dry run does not bring a resolved item back either")
        #expect(try fixture.reviewItems().isEmpty)
        #expect(try fixture.reviewItems(all: true).map(\.decision) == ["BEHALL"])
        #expect(try fixture.zeroDayEpisodes() == 0)
        // The zero-day episode made new and in_kaa disagree; counted by hand: one person, new and in KAA in November.
        let cells = try JSONDecoder().decode([StatsCell].self, from: Data(fixture.kaa.output(["stats", "--period", "2026-11", "--json"]).utf8))
        #expect(cells.filter { $0.table == "new" }.map(\.n).reduce(0, +) == 1)
        #expect(cells.filter { $0.table == "in_kaa" }.map(\.n).reduce(0, +) == 1)
        #expect(cells.filter { $0.table == "in_kaa_reason" } .map(\.dims) == [["reason": "AVBROTT_NP"]])
        let audit = fixture.kaa.output(["audit", "--action", "review"])
        #expect(audit.contains("review.resolve"), "\(audit)")
    }

    @Test func aReopenedEpisodeIsADecisionToo() throws {
        let pnr = born("2008-04-04")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)])
        let studying = [CSVFixture.enrolment(pnr, "NP", "STUDERAR", "2026-09-15")]
        let closed = try fixture.run("2026-10-01", people: [CSVFixture.person(pnr)], enrolment: studying)
        #expect(closed.left.count == 1, "identify closes what identify opened")
        expectExit(fixture.kaa.run(["episode", "correct", "1", "--reopen"]), 0)
        let again = try fixture.run("2026-10-02", people: [CSVFixture.person(pnr)], enrolment: studying)
        #expect(again.left.isEmpty)
        #expect(again.review.count == 1)
        #expect(try fixture.episodes().map(\.deregistered_on) == [nil])
    }

    @Test func aManualDeregistrationIsNotUndoneByAStaleList() throws {
        let pnr = born("2008-05-05")
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-09-01", "--reason", "EJ_PABORJAT"]), 0)
        expectExit(fixture.kaa.run(["deregister", pnr, "--date", "2026-10-05", "--reason", "FLYTTAT"]), 0)
        let report = try fixture.run("2026-10-10", people: [CSVFixture.person(pnr)])
        #expect(report.new == 0, "moved by a coordinator's decision: identify proposes, it does not re-register")
        #expect(report.review.count == 1)
        #expect(try fixture.episodes().count == 1)
    }

    @Test func noZeroDayEpisodeWhenTheFilesPredateTheRegistration() throws {
        let pnr = born("2007-02-02")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)])
        let report = try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)], enrolment: [CSVFixture.enrolment(pnr, "NP", "STUDERAR", "2026-08-20")])
        #expect(report.left.isEmpty)
        #expect(report.review.count == 1)
        #expect(try fixture.zeroDayEpisodes() == 0)
        // Nor may a coordinator make one, except to say the registration was wrong.
        let sameDay = fixture.kaa.run(["deregister", pnr, "--date", "2026-09-01", "--reason", "BORJAT_STUDERA"])
        expectExit(sameDay, 65)
        #expect(sameDay.stderr.contains("samma dag"), "\(sameDay)")
        expectExit(fixture.kaa.run(["deregister", pnr, "--date", "2026-09-01", "--reason", "FELREGISTRERAD"]), 0)
    }

    @Test func someoneMissingFromTheExtractLeavesAndIsNamedForReview() throws {
        let stays = born("2008-01-02"), moves = born("2008-01-03")
        try fixture.run("2026-09-01", people: [CSVFixture.person(stays), CSVFixture.person(moves, first: "Greta", last: "Flytt")])
        let report = try fixture.run("2026-10-01", people: [CSVFixture.person(stays)])
        #expect(report.left_people.map { $0["personnummer"] } == [moves])
        #expect(report.left_people.first?["reason"] == "FLYTTAT")
        let item = try #require(try fixture.reviewItems().first)
        #expect(item.personnummer == moves && item.name == "Greta Flytt" && item.kind == "SAKNAS_I_UTTAGET")
        let text = fixture.kaa.run(["review", "list"])
        #expect(text.stdout.contains("Greta Flytt"), "\(text)")

        // The coordinator knows better: emigrated. One audited step.
        let wrong = fixture.kaa.run(["review", "resolve", String(item.id), "--decision", "andra", "--reason", "NOPE"])
        expectExit(wrong, 65)
        #expect(try fixture.episodes().first { $0.personnummer == moves }?.deregistration_reason == "FLYTTAT", "a failed resolve changes nothing")
        #expect(try fixture.reviewItems().count == 1)
        let resolved = fixture.kaa.run(["review", "resolve", String(item.id), "--decision", "ÄNDRA", "--reason", "UTVANDRAT"])
        expectExit(resolved, 0)
        #expect(resolved.stdout.contains("Greta Flytt"), "\(resolved)")
        #expect(try fixture.episodes().first { $0.personnummer == moves }?.deregistration_reason == "UTVANDRAT")
        #expect(try fixture.reviewItems().isEmpty)
        expectExit(fixture.kaa.run(["review", "resolve", String(item.id), "--decision", "behall"]), 65)
        // The same files again: nothing new to review.
        let again = try fixture.run("2026-10-01", people: [CSVFixture.person(stays)])
        #expect(again.review.isEmpty && again.left.isEmpty)
    }

    @Test func reviewRefusesBadInput() throws {
        expectExit(fixture.kaa.run(["review", "resolve", "99", "--decision", "behall"]), 65)
        expectExit(fixture.kaa.run(["review", "resolve", "abc", "--decision", "behall"]), 65)
        expectExit(fixture.kaa.run(["review", "resolve", "1"]), 64)
        let pnr = born("2008-01-03")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)])
        // Someone else in the extract: one with no data rows is refused outright (issue 14).
        try fixture.run("2026-10-01", people: [CSVFixture.person(TestPeople.person(born: 2007).digits)])
        let unknown = fixture.kaa.run(["review", "resolve", "1", "--decision", "'; DROP TABLE person; --"])
        expectExit(unknown, 65)
        #expect(unknown.stderr.contains("behall"), "lists the decisions: \(unknown)")
        #expect(try fixture.reviewItems().count == 1)
    }
}

/// Contact details keep their source; an extract never overwrites what a coordinator entered.
@Suite struct ContactDetailSourceTests {
    let fixture = IdentifyFixture()

    @Test func aPhoneNumberEnteredByHandIsNotOverwrittenByTheExtract() throws {
        let pnr = born("2008-09-09")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr, phone: "070-111 11 11")])
        var show = fixture.kaa.output(["show", pnr])
        #expect(show.contains("+46701111111"), "\(show)")
        #expect(show.contains("folkbokföringsuttaget 2026-09-01"), "\(show)")
        expectExit(fixture.kaa.run(["person", "update", pnr, "--phone", "070-123 45 67"]), 0)
        let report = try fixture.run("2026-10-01", people: [CSVFixture.person(pnr, address: "Nya gatan 5", phone: "070-999 99 99")])
        show = fixture.kaa.output(["show", pnr])
        #expect(show.contains("Telefon: +46701234567"), "\(show)")
        #expect(show.contains("inmatad av handlaggare1"), "\(show)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["show", pnr, "--json"]).utf8)) as? [String: Any])
        let sources = try #require(json["sources"] as? [String: [String: String]])
        #expect(sources["phone"]?["source"] == "staff" && sources["phone"]?["entered_by"] == "handlaggare1")
        #expect(sources["address"] == ["source": "extract", "date": "2026-10-01"])
        #expect(show.contains("Adress: Nya gatan 5"), "a detail that came from the extract follows it: \(show)")
        #expect(report.review.count == 1)
        let item = try #require(try fixture.reviewItems().first)
        #expect(item.kind == "UPPGIFT_SKILJER" && item.message.contains("+46709999999"), "\(item)")
        let text = fixture.kaa.run(["identify", "--date", "2026-10-01", "--folkbokforing", fixture.file("fb-2026-10-01.csv"), "--dry-run"])
        #expect(text.stdout.contains("Testperson Testsson"), "\(text)")
        #expect(text.stdout.contains("Telefon"), "\(text)")
        // Accepting the extract's number is one audited step; the source follows.
        expectExit(fixture.kaa.run(["review", "resolve", String(item.id), "--decision", "andra"]), 0)
        show = fixture.kaa.output(["show", pnr])
        #expect(show.contains("Telefon: +46709999999"), "\(show)")
        #expect(show.contains("folkbokföringsuttaget 2026-10-01"), "\(show)")
    }

    @Test func aProtectionMarkedByHandIsNotLiftedByTheExtract() throws {
        let pnr = born("2008-09-09")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)])
        expectExit(fixture.kaa.run(["person", "update", pnr, "--protected"]), 0)
        let report = try fixture.run("2026-10-01", people: [CSVFixture.person(pnr, address: "Storgatan 1", protected: "N")])
        let show = fixture.kaa.output(["show", pnr])
        #expect(show.contains("SKYDDAD IDENTITET") && !show.contains("Storgatan"), "\(show)")
        #expect(report.review.map(\.kind) == ["REGEL"] && report.review.first?.reason.contains("skyddad identitet") == true)
    }

    @Test(arguments: [
        ("070-123 45 67", "+46701234567"), ("+46 70 123 45 67", "+46701234567"), ("08-123 456 78", "+46812345678"),
        ("0046 8 123 456 78", "+46812345678"), ("+46 (0)70-123 45 67", "+46701234567"), ("+358 40 123 4567", "+358401234567"),
        ("018-12 34 56", "+4618123456"),
    ])
    func phoneNumbersAreStoredAsE164(_ given: String, _ stored: String) throws {
        let pnr = born("2008-02-02")
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND", "--phone", given]), 0)
        #expect(fixture.kaa.output(["show", pnr]).contains("Telefon: \(stored)"))
    }

    @Test(arguments: ["abc", "070", "1234567", "+46 70 123 45 67 89 00 11 22", "070-123 45 67 ring efter 5", "+0 70 123", "++46701234567", "070\u{0}1234567"])
    func badPhoneNumbersAreRefusedNamingTheField(_ given: String) throws {
        let pnr = born("2008-02-02")
        let result = fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND", "--phone", given])
        expectExit(result, 65)
        #expect(result.stderr.contains("--phone") && result.stderr.contains("telefonnummer"), "\(result)")
        #expect(try fixture.episodes().isEmpty, "nothing half-done")
    }

    @Test(arguments: [("Anna.Berg@Example.SE", "Anna.Berg@example.se"), ("  a+b@skola.uppsala.se ", "a+b@skola.uppsala.se")])
    func emailAddressesAreStoredNormalised(_ given: String, _ stored: String) throws {
        let pnr = born("2008-02-02")
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND", "--email", given]), 0)
        #expect(fixture.kaa.output(["show", pnr]).contains("E-post: \(stored)"))
    }

    @Test(arguments: ["anna@", "@example.se", "a b@example.se", "anna@example", "anna@@example.se", "anna@exa_mple.se", "<script>@x.se", "anna@.se"])
    func badEmailAddressesAreRefusedNamingTheField(_ given: String) throws {
        let pnr = born("2008-02-02")
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND"]), 0)
        let result = fixture.kaa.run(["person", "update", pnr, "--phone", "070-123 45 67", "--email", given])
        expectExit(result, 65)
        #expect(result.stderr.contains("--email") && result.stderr.contains("e-postadress"), "\(result)")
        #expect(!fixture.kaa.output(["show", pnr]).contains("+46701234567"), "a failure midway leaves the phone as it was")
    }

    @Test func aBadPhoneInTheExtractFailsTheRunWithItsLine() throws {
        let good = born("2008-02-02"), bad = born("2008-03-03")
        try CSVFixture.write(fixture.file("fb.csv"), header: CSVFixture.folkbokforingHeader,
                             rows: [CSVFixture.person(good, phone: "070-123 45 67"), CSVFixture.person(bad, phone: "ring mamma")])
        let before = try DatabaseDump.dump(fixture.kaa.databasePath)
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", fixture.file("fb.csv")])
        expectExit(result, 65)
        #expect(result.stderr.contains("fb.csv:3: telefon"), "\(result)")
        #expect(try DatabaseDump.dump(fixture.kaa.databasePath) == before)
    }

    @Test(arguments: ["inte en adress", "a@b", "<img src=x>@x.se", "a@b.se;DROP TABLE person"])
    func aBadEmailInTheExtractFailsTheRunWithItsLine(_ email: String) throws {
        let pnr = born("2008-02-02")
        try CSVFixture.write(fixture.file("fb.csv"), header: ["personnummer", "fornamn", "efternamn", "adress", "postnummer", "postort", "epost"],
                             rows: [[pnr, "A", "B", "C", "75320", "Uppsala", email]])
        let before = try DatabaseDump.dump(fixture.kaa.databasePath)
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", fixture.file("fb.csv")])
        expectExit(result, 65)
        #expect(result.stderr.contains("fb.csv:2: epost: ogiltig e-postadress"), "\(result)")
        #expect(try DatabaseDump.dump(fixture.kaa.databasePath) == before)
    }

    @Test func aBadEmailInAHistoryImportIsRefusedWithItsLine() throws {
        let pnr = born("2008-02-02")
        try CSVFixture.writeRaw(fixture.file("episodes.csv"), "personnummer;registrerad;registreringsorsak;telefon;epost\n\(pnr);2026-09-01;OKAND;070-1234567;inte en adress\n")
        let result = fixture.kaa.run(["import", "history", "--episodes", fixture.file("episodes.csv")])
        expectExit(result, 65)
        #expect(result.stderr.contains("episodes.csv:2: epost"), "\(result)")
        try CSVFixture.writeRaw(fixture.file("episodes.csv"), "personnummer;registrerad;registreringsorsak;telefon;epost\n\(pnr);2026-09-01;OKAND;070-1234567;a@b.se\n")
        expectExit(fixture.kaa.run(["import", "history", "--episodes", fixture.file("episodes.csv")]), 0)
        let show = fixture.kaa.output(["show", pnr])
        #expect(show.contains("+46701234567") && show.contains("historikimport"), "\(show)")
    }
}

/// `kaa identify` names the people it is about.
@Suite struct IdentifyNamesPeopleTests {
    let fixture = IdentifyFixture()

    @Test func theReportNamesWhoEntersAndWhoLeavesWithReasons() throws {
        let enters = born("2008-03-03"), leaves = born("2008-04-04")
        try fixture.run("2026-09-01", people: [CSVFixture.person(leaves, first: "Lena", last: "Lämnar")])
        try CSVFixture.write(fixture.file("fb.csv"), header: CSVFixture.folkbokforingHeader,
                             rows: [CSVFixture.person(enters, first: "Erik", last: "Kommer"), CSVFixture.person(leaves, first: "Lena", last: "Lämnar")])
        try CSVFixture.write(fixture.file("en.csv"), header: CSVFixture.enrolmentHeader,
                             rows: [CSVFixture.enrolment(enters, "NP", "AVBROTT", "2026-09-20"), CSVFixture.enrolment(leaves, "NP", "STUDERAR", "2026-09-15")])
        let json = fixture.kaa.run(["identify", "--date", "2026-10-01", "--folkbokforing", fixture.file("fb.csv"), "--enrolment", fixture.file("en.csv"), "--json", "--dry-run"])
        #expect(json.stdout.contains("\"name\" : \"Erik Kommer\""), "\(json)")
        #expect(json.stdout.contains("\"name\" : \"Lena Lämnar\""), "\(json)")
        for extra in [["--dry-run"], []] {
            let result = fixture.kaa.run(["identify", "--date", "2026-10-01", "--folkbokforing", fixture.file("fb.csv"), "--enrolment", fixture.file("en.csv")] + extra)
            expectExit(result, 0)
            #expect(result.stdout.contains("Erik Kommer") && result.stdout.contains("Avbrutit nationellt program"), "\(result)")
            #expect(result.stdout.contains("Lena Lämnar") && result.stdout.contains("Har börjat studera på gymnasienivå"), "\(result)")
            #expect(result.stdout.contains(PersonalIdentityNumberFormatted.of(enters)), "\(result)")
        }
    }
}

/// The occupation list of issue 13.
@Suite struct OccupationCodeTests {
    let fixture = IdentifyFixture()

    @Test func theNewOccupationCodesExistAndTheOldKomvuxCodeIsRetired() throws {
        let codes = fixture.kaa.output(["codes", "occupation"])
        for code in ["STUDIER_GYMNASIUM_NP", "STUDIER_GYMNASIUM_IM", "STUDIER_KOMVUX_GRUND", "STUDIER_KOMVUX_GY"] {
            #expect(codes.contains(code), "\(codes)")
        }
        let pnr = born("2008-02-02")
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND"]), 0)
        let old = fixture.kaa.run(["occupation", "set", pnr, "--date", "2026-11-03", "--code", "STUDIER_KOMVUX"])
        expectExit(old, 65)
        #expect(old.stderr.contains("STUDIER_KOMVUX_GRUND"), "\(old)")
        expectExit(fixture.kaa.run(["occupation", "set", pnr, "--date", "2026-11-03", "--code", "STUDIER_KOMVUX_GRUND"]), 0)
    }
}

/// The formatted personnummer as `show` and reports print it.
enum PersonalIdentityNumberFormatted {
    static func of(_ digits: String) -> String {
        (try? PersonalIdentityNumber(digits, today: TestDates.today).formatted) ?? digits
    }
}
