import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

struct IdentifyReportJSON: Decodable {
    let date: String
    let dry_run: Bool
    let rows: Int
    let population: Int
    let new: Int
    let left: [String: Int]
    let unchanged: Int
    let new_people: [String]
    let left_people: [[String: String]]
    let review: [Review]

    /// One "Att granska" item of the run.
    struct Review: Decodable {
        let id: Int
        let personnummer: String
        let name: String
        let kind: String
        let reason: String
    }
}

/// A register plus the files of one identification run.
struct IdentifyFixture {
    let base = CLIFixture()
    var kaa: KAARunner { base.kaa }

    func file(_ name: String) -> String { base.directory.file(name) }

    /// Runs identify on `date` with a folkbokföring extract and one enrolment list; expects success.
    @discardableResult
    func run(_ date: String, people: [[String]], enrolment: [[String]] = [], extra: [String] = [],
             sourceLocation: SourceLocation = #_sourceLocation) throws -> IdentifyReportJSON {
        try CSVFixture.write(file("fb-\(date).csv"), header: CSVFixture.folkbokforingHeader, rows: people)
        try CSVFixture.write(file("en-\(date).csv"), header: CSVFixture.enrolmentHeader, rows: enrolment)
        let result = kaa.run(["identify", "--date", date, "--folkbokforing", file("fb-\(date).csv"),
                              "--enrolment", file("en-\(date).csv"), "--json"] + extra)
        #expect(result.exitCode == 0, "\(result)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(IdentifyReportJSON.self, from: Data(result.stdout.utf8))
    }

    struct Listed: Decodable {
        let personnummer: String
        let registered_on: String
        let registration_reason: String
        let deregistered_on: String?
        let deregistration_reason: String?
    }

    func episodes() throws -> [Listed] {
        try JSONDecoder().decode([Listed].self, from: Data(kaa.output(["list", "--all", "--json"]).utf8))
    }
}

func born(_ date: String, _ sex: Sex? = nil) -> String {
    TestPeople.person(bornOn: TestDates.date(date), sex: sex)?.digits ?? "missing test person born \(date)"
}

@Suite struct IdentifyRuleTests {
    let fixture = IdentifyFixture()

    @Test func theAgeRuleStartsOnFirstJulyOfTheYearOneTurnsSixteen() throws {
        let december2010 = born("2010-12-31"), january2011 = born("2011-01-01"), january2010 = born("2010-01-01")
        let people = [december2010, january2011, january2010].map { CSVFixture.person($0) }
        let june = try fixture.run("2026-06-30", people: people)
        #expect(june.new == 0)
        let july = try fixture.run("2026-07-01", people: people)
        #expect(Set(july.new_people) == [december2010, january2010])
        #expect(july.population == 1, "only the one born 2010-01-01 is 16 on 2026-07-01")
    }

    // Issue 13 changed who ends it: the register closes an episode open on the 20th birthday itself,
    // on that day, when any command opens it (here identify, on today 2026-11-23, after both birthdays),
    // audited as "system"; identify then finds both already gone, so its report no longer lists them.
    @Test func turningTwentyEndsItOnTheBirthday() throws {
        let twentyOnD = born("2006-10-01"), twentyTomorrow = born("2006-10-02")
        let before = try fixture.run("2026-09-01", people: [CSVFixture.person(twentyOnD), CSVFixture.person(twentyTomorrow)])
        #expect(Set(before.new_people) == [twentyOnD, twentyTomorrow])
        let after = try fixture.run("2026-10-01", people: [CSVFixture.person(twentyOnD), CSVFixture.person(twentyTomorrow)])
        #expect(after.left_people.isEmpty)
        #expect(after.population == 1)
        let listed = try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["list", "--all", "--json"]).utf8)) as? [[String: Any]] ?? []
        let ends = Dictionary(uniqueKeysWithValues: listed.compactMap { row -> (String, String)? in
            guard let pnr = row["personnummer"] as? String, let end = row["deregistered_on"] as? String,
                  row["deregistration_reason"] as? String == "FYLLT_20" else { return nil }
            return (pnr, end)
        })
        #expect(ends == [twentyOnD: "2026-10-01", twentyTomorrow: "2026-10-02"])
        #expect(fixture.kaa.output(["audit", "--staff", "system"]).contains("automatic=1"))
    }

    @Test func dropoutThenReEnrolment() throws {
        let pnr = born("2008-03-03")
        let first = try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)],
                                    enrolment: [CSVFixture.enrolment(pnr, "NP", "STUDERAR", "2024-08-20"), CSVFixture.enrolment(pnr, "NP", "AVBROTT", "2026-08-25")])
        #expect(first.new_people == [pnr])
        #expect(try fixture.episodes().first?.registration_reason == "AVBROTT_NP")
        let second = try fixture.run("2026-10-01", people: [CSVFixture.person(pnr)],
                                     enrolment: [CSVFixture.enrolment(pnr, "IM", "STUDERAR", "2026-09-15")])
        #expect(second.left_people == [["personnummer": pnr, "name": "Testperson Testsson", "reason": "BORJAT_STUDERA", "date": "2026-09-15"]])
        // Dropping out again later brings a new episode (the new row is newer than the de-registration).
        let third = try fixture.run("2026-11-02", people: [CSVFixture.person(pnr)],
                                    enrolment: [CSVFixture.enrolment(pnr, "IM", "AVBROTT", "2026-10-20")])
        #expect(third.new_people == [pnr])
        #expect(try fixture.episodes().map(\.registration_reason).sorted() == ["AVBROTT_IM", "AVBROTT_NP"])
    }

    @Test func reasonsComeFromTheLatestRow() throws {
        let bevis = born("2008-04-04"), grundskola = born("2010-02-02"), none = born("2008-05-05"), examen = born("2007-06-06")
        let late = born("2008-07-07")
        let report = try fixture.run("2026-10-01", people: [bevis, grundskola, none, examen, late].map { CSVFixture.person($0) }, enrolment: [
            CSVFixture.enrolment(bevis, "NP", "STUDIEBEVIS", "2026-06-15"),
            CSVFixture.enrolment(grundskola, "GRUNDSKOLA", "STUDERAR", "2017-08-20"),
            CSVFixture.enrolment(examen, "NP", "EXAMEN", "2026-06-10"),
            // A row dated after the run's date does not count yet.
            CSVFixture.enrolment(late, "NP", "STUDERAR", "2026-10-15"),
        ])
        #expect(Set(report.new_people) == [bevis, none, late])
        let reasons = Dictionary(uniqueKeysWithValues: try fixture.episodes().map { ($0.personnummer, $0.registration_reason) })
        #expect(reasons == [bevis: "STUDIEBEVIS", none: "EJ_PABORJAT", late: "EJ_PABORJAT"])
    }

    @Test func theLaterFileWinsATieOnDate() throws {
        let pnr = born("2008-08-08")
        try CSVFixture.write(fixture.file("fb.csv"), header: CSVFixture.folkbokforingHeader, rows: [CSVFixture.person(pnr)])
        try CSVFixture.write(fixture.file("a.csv"), header: CSVFixture.enrolmentHeader, rows: [CSVFixture.enrolment(pnr, "NP", "STUDERAR", "2026-08-20")])
        try CSVFixture.write(fixture.file("b.csv"), header: CSVFixture.enrolmentHeader, rows: [CSVFixture.enrolment(pnr, "NP", "AVBROTT", "2026-08-20")])
        let ab = fixture.kaa.run(["identify", "--date", "2026-09-01", "--folkbokforing", fixture.file("fb.csv"),
                                  "--enrolment", fixture.file("a.csv"), "--enrolment", fixture.file("b.csv"), "--dry-run", "--json"])
        #expect(ab.stdout.contains("\"new\" : 1"), "\(ab)")
        let ba = fixture.kaa.run(["identify", "--date", "2026-09-01", "--folkbokforing", fixture.file("fb.csv"),
                                  "--enrolment", fixture.file("b.csv"), "--enrolment", fixture.file("a.csv"), "--dry-run", "--json"])
        #expect(ba.stdout.contains("\"new\" : 0"), "\(ba)")
    }

    @Test func movedOutWhenMissingFromTheExtract() throws {
        let stays = born("2008-01-02"), moves = born("2008-01-03")
        try fixture.run("2026-09-01", people: [CSVFixture.person(stays), CSVFixture.person(moves)])
        let report = try fixture.run("2026-10-01", people: [CSVFixture.person(stays)])
        #expect(report.left_people == [["personnummer": moves, "name": "Testperson Testsson", "reason": "FLYTTAT", "date": "2026-10-01"]])
    }

    @Test func completingBeforeTheRegistrationIsProposedNotAZeroDayEpisode() throws {
        let pnr = born("2007-02-02")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)])
        let report = try fixture.run("2026-10-01", people: [CSVFixture.person(pnr)], enrolment: [CSVFixture.enrolment(pnr, "KOMVUX_GY", "EXAMEN", "2026-06-01")])
        // Ending it on the registration day would leave an episode of no days (issue 13): proposed instead.
        #expect(report.left_people.isEmpty)
        #expect(report.review.map(\.kind) == ["BESLUT_SKILJER"])
        #expect(report.review.first?.reason.contains("KOMVUX_GY EXAMEN från 2026-06-01") == true)
    }

    @Test func completingAfterTheRegistrationEndsItAsFullfoljt() throws {
        let pnr = born("2007-02-02")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)])
        let report = try fixture.run("2026-10-01", people: [CSVFixture.person(pnr)], enrolment: [CSVFixture.enrolment(pnr, "KOMVUX_GY", "EXAMEN", "2026-09-20")])
        #expect(report.left_people == [["personnummer": pnr, "name": "Testperson Testsson", "reason": "FULLFOLJT", "date": "2026-09-20"]])
    }

    @Test func aProtectedIdentityIsStoredWithoutAddressAndContactDataIsRefreshed() throws {
        let pnr = born("2008-09-09")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr, first: "Åke", address: "Hemliga vägen 1", protected: "J")])
        let show = fixture.kaa.output(["show", pnr])
        #expect(show.contains("SKYDDAD IDENTITET"))
        #expect(!show.contains("Hemliga"))
        try fixture.run("2026-10-01", people: [CSVFixture.person(pnr, first: "Åke", address: "Nya gatan 5", phone: "070-1111111", protected: "nej")])
        let refreshed = fixture.kaa.output(["show", pnr])
        #expect(refreshed.contains("Adress: Nya gatan 5, 75320 Uppsala"))
        #expect(refreshed.contains("Telefon: +46701111111"), "stored as E.164")
        try fixture.run("2026-10-02", people: [CSVFixture.person(pnr, first: "Åke", address: "Nya gatan 5", protected: "1")])
        #expect(!fixture.kaa.output(["show", pnr]).contains("Nya gatan"))
    }

    @Test func felregistreradIsRespectedAndListedForReview() throws {
        let pnr = born("2008-10-10")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)])
        expectExit(fixture.kaa.run(["episode", "correct", "1", "--deregistered", "2026-09-01", "--deregistration-reason", "FELREGISTRERAD"]), 0)
        let again = try fixture.run("2026-10-01", people: [CSVFixture.person(pnr)])
        #expect(again.new == 0)
        #expect(again.review.first?.personnummer == pnr)
        #expect(try fixture.episodes().count == 1)
        let text = fixture.kaa.run(["identify", "--date", "2026-10-01", "--folkbokforing", fixture.file("fb-2026-10-01.csv")])
        #expect(text.stdout.contains("Att granska:                   1"))
        #expect(text.stdout.contains("felregistrerad"))
    }

    @Test func folkhogskolaIsRecordedAsOccupation() throws {
        let pnr = born("2008-11-11")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr)], enrolment: [CSVFixture.enrolment(pnr, "FOLKHOGSKOLA", "STUDERAR", "2026-08-25")])
        #expect(fixture.kaa.output(["show", pnr]).contains("Studier på folkhögskola"))
        #expect(fixture.kaa.output(["stats", "--period", "2026-09"]).contains("occupation=STUDIER_FOLKHOGSKOLA"))
    }

    @Test func onlyPeopleWhoEnterKAAAreStoredButEveryoneCountsInPopulation() throws {
        let people = (0..<20).map { TestPeople.person(born: 2008, $0).digits }
        let enrolment = people.prefix(15).map { CSVFixture.enrolment($0, "NP", "STUDERAR", "2024-08-20") }
        let report = try fixture.run("2026-11-02", people: people.map { CSVFixture.person($0) }, enrolment: Array(enrolment))
        #expect(report.new == 5)
        #expect(report.population == 20)
        let db = try KAASQLiteAccess.open(fixture.kaa.databasePath)
        #expect(try db.queryOne("SELECT count(*) FROM person")?.int(0) == 5)
        let stats = fixture.kaa.output(["stats", "--period", "2026-11", "--json"])
        let cells = try JSONDecoder().decode([StatsCell].self, from: Data(stats.utf8)).filter { $0.table == "population" }
        #expect(cells.map(\.n).reduce(0, +) == 20)
    }
}

@Suite struct IdentifyFileTests {
    let fixture = IdentifyFixture()

    @Test(arguments: [
        CSVFixture.Format(delimiter: ";", encoding: .utf8), CSVFixture.Format(delimiter: ",", encoding: .utf8, byteOrderMark: true),
        CSVFixture.Format(delimiter: ";", encoding: .windowsCP1252, crlf: true), CSVFixture.Format(delimiter: ",", encoding: .isoLatin1, crlf: true),
        CSVFixture.Format(delimiter: ";", encoding: .utf8, byteOrderMark: true, crlf: true), CSVFixture.Format(delimiter: ",", encoding: .windowsCP1252),
    ])
    func readsEveryEncodingAndDelimiter(_ format: CSVFixture.Format) throws {
        let plain = (0..<300).map { TestPeople.person(born: 2009, $0).digits }
        let swedish = born("2008-12-12")
        // The only non-ASCII bytes come last, so the encoding must be decided from the whole file.
        let rows = plain.map { CSVFixture.person($0, first: "Plain") } + [CSVFixture.person(swedish, first: "Åsa-Märta", last: "Öhlén", address: "Gränd 1, lgh 2")]
        try CSVFixture.write(fixture.file("fb.csv"), header: ["Personnummer", "FÖRNAMN", "Efternamn", "Adress", "Postnummer", "Ort", "Telefon", "Sekretessmarkering"],
                             rows: rows, format: format, trailingEmptyLines: 2)
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", fixture.file("fb.csv")])
        expectExit(result, 0)
        let show = fixture.kaa.output(["show", swedish])
        #expect(show.contains("Namn: Åsa-Märta Öhlén"), "\(format): \(show)")
        #expect(show.contains("Adress: Gränd 1, lgh 2, 75320 Uppsala"))
    }

    @Test(arguments: [
        // 200801012387: the test number 200801012386 with a wrong check digit, invalid on purpose.
        ("fb", "200801012387;A;B;C;75320;Uppsala;;N", "kontrollsiffra"),
        ("fb", "20000101-T220;A;B;C;75320;Uppsala;;N", "interimsnummer"),
        ("fb", ";A;B;C;75320;Uppsala;;N", "personnummer saknas"),
        ("fb", "\(TestPeople.person(born: 2008, 40).digits);A;B;C;75320;Uppsala;;kanske", "skyddad"),
        ("fb", "\(TestPeople.person(born: 2008, 41).digits);A;B", "fält"),
        ("fb", "\(TestPeople.person(born: 2008, 42).digits);\"An\nna\";B;C;75320;Uppsala;;N", "radbrytningar"),
        ("fb", "\(TestPeople.person(born: 2008, 43).digits);A;\(String(repeating: "ö", count: 201));C;75320;Uppsala;;N", "högst 200 tecken"),
        ("fb", "\(TestPeople.person(born: 2008, 0).digits);A;B;C;75320;Uppsala;;N", "finns redan på rad 2"),
        // The same person written with ten digits and a dash.
        ("fb", "\(TestPeople.person(born: 2008, 0).digits.dropFirst(2).prefix(6))-\(TestPeople.person(born: 2008, 0).digits.suffix(4));A;B;C;75320;Uppsala;;N", "finns redan på rad 2"),
        ("en", "\(TestPeople.person(born: 2008, 0).digits);Skola;HM;GYMNASIUM;STUDERAR;2026-08-20", "okänd utbildning"),
        ("en", "\(TestPeople.person(born: 2008, 0).digits);Skola;HM;NP;GLAD;2026-08-20", "okänd status"),
        ("en", "\(TestPeople.person(born: 2008, 0).digits);Skola;HM;NP;STUDERAR;20/08/2026", "ogiltigt datum"),
        ("en", "\(TestPeople.person(born: 2008, 0).digits);;HM;NP;STUDERAR;2026-08-20", "skola saknas"),
        ("en", "\"\(TestPeople.person(born: 2008, 0).digits);Skola;HM;NP;STUDERAR;2026-08-20", "citattecknet"),
    ])
    func aBadRowOnTheLastLineLeavesTheRegisterUntouched(_ file: String, _ badLine: String, _ message: String) throws {
        // A register with history, so that "untouched" means something.
        let earlier = (0..<3).map { TestPeople.person(born: 2008, 20 + $0).digits }
        try fixture.run("2026-10-01", people: earlier.map { CSVFixture.person($0) })
        let before = try DatabaseDump.dump(fixture.kaa.databasePath, excluding: ["audit_log"])
        let auditBefore = try DatabaseDump.dump(fixture.kaa.databasePath)

        let good = (0..<10).map { TestPeople.person(born: 2008, $0).digits }
        let fbRows = good.map { CSVFixture.person($0).joined(separator: ";") } + (file == "fb" ? [badLine] : [])
        let enRows = [CSVFixture.enrolment(good[1], "NP", "AVBROTT", "2026-08-01").joined(separator: ";")] + (file == "en" ? [badLine] : [])
        try CSVFixture.writeRaw(fixture.file("fb.csv"), ([CSVFixture.folkbokforingHeader.joined(separator: ";")] + fbRows).joined(separator: "\n") + "\n")
        try CSVFixture.writeRaw(fixture.file("en.csv"), ([CSVFixture.enrolmentHeader.joined(separator: ";")] + enRows).joined(separator: "\n") + "\n")
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", fixture.file("fb.csv"), "--enrolment", fixture.file("en.csv")])
        expectExit(result, 65)
        let lineNumber = file == "fb" ? fbRows.count + 1 : enRows.count + 1
        #expect(result.stderr.contains("\(file).csv:\(lineNumber): "), "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stderr.contains("ingenting har ändrats"))
        #expect(try DatabaseDump.dump(fixture.kaa.databasePath, excluding: ["audit_log"]) == before)
        #expect(try DatabaseDump.dump(fixture.kaa.databasePath) == auditBefore, "not even an audit row")
    }

    @Test func twoHundredCharactersAreAllowedHoweverManyBytesTheyTake() throws {
        let pnr = born("2008-03-03")
        let name = String(repeating: "Ö", count: 200) // 400 bytes in UTF-8
        let report = try fixture.run("2026-11-02", people: [CSVFixture.person(pnr, first: name)])
        #expect(report.new == 1)
        #expect(fixture.kaa.output(["show", pnr]).contains(name))
    }

    @Test func reportsEveryBadRowNotJustTheFirst() throws {
        try CSVFixture.writeRaw(fixture.file("fb.csv"), CSVFixture.folkbokforingHeader.joined(separator: ";") + "\nx;A;B;C;1;O;;N\ny;A;B;C;1;O;;N\n")
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", fixture.file("fb.csv")])
        expectExit(result, 65)
        #expect(result.stderr.contains("fb.csv:2:") && result.stderr.contains("fb.csv:3:"))
    }

    @Test(arguments: [
        ("personnummer;fornamn;efternamn;adress;postnummer\n", "postort"),
        ("", "tom"),
        ("namn;ort\n", "personnummer"),
    ])
    func badFilesAreRefusedWithTheirProblem(_ content: String, _ message: String) throws {
        try CSVFixture.writeRaw(fixture.file("fb.csv"), content)
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", fixture.file("fb.csv")])
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
    }

    @Test func refusesBadArguments() {
        expectExit(fixture.kaa.run(["identify", "--date", "2026-11-02"]), 64)
        expectExit(fixture.kaa.run(["identify", "--date", "2026-12-02", "--folkbokforing", "x.csv"]), 65)
        expectExit(fixture.kaa.run(["identify", "--date", "2025-11-02", "--folkbokforing", "x.csv"]), 65)
        let missing = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", fixture.file("nope.csv")])
        expectExit(missing, 65)
        #expect(missing.stderr.contains("nope.csv") && missing.stderr.contains("kan inte läsa"))
    }

    @Test func runningTwiceWithTheSameFilesChangesNothing() throws {
        let people = (0..<30).map { TestPeople.person(born: 2008, $0).digits }
        let enrolment = [CSVFixture.enrolment(people[0], "NP", "AVBROTT", "2026-08-01"), CSVFixture.enrolment(people[1], "FOLKHOGSKOLA", "STUDERAR", "2026-08-15"),
                         CSVFixture.enrolment(people[2], "NP", "STUDERAR", "2025-08-15")]
        let rows = people.map { CSVFixture.person($0, protected: $0 == people[3] ? "J" : "N") }
        let first = try fixture.run("2026-11-02", people: rows, enrolment: enrolment)
        #expect(first.new == 29)
        let before = try DatabaseDump.dump(fixture.kaa.databasePath, excluding: ["audit_log"])
        let second = try fixture.run("2026-11-02", people: rows, enrolment: enrolment)
        #expect(second.new == 0 && second.left.isEmpty && second.unchanged == 29)
        #expect(try DatabaseDump.dump(fixture.kaa.databasePath, excluding: ["audit_log"]) == before)
    }

    @Test func aDryRunReportsButChangesNothing() throws {
        let before = try DatabaseDump.dump(fixture.kaa.databasePath)
        let report = try fixture.run("2026-11-02", people: [CSVFixture.person(born("2008-02-02"))], extra: ["--dry-run"])
        #expect(report.dry_run && report.new == 1)
        #expect(try DatabaseDump.dump(fixture.kaa.databasePath) == before)
    }
}
