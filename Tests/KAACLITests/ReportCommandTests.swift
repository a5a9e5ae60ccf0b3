import Foundation
import KAACore
import KAARegister
import KAATestFixtures
import KAACLITestKit
import Testing

@Suite struct SCBReportTests {
    let fixture = CLIFixture()
    var mapping: String { TestPeople.packageRoot + "/config/scb-mapping.example.json" }

    func file(_ path: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        return String(decoding: data.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    @Test func writesEveryBlockFieldByFieldWithTheMappingApplied() throws {
        buildHandCountedRegister(fixture.kaa)
        expectExit(fixture.kaa.run(["measure", "end", "1", "--date", "2026-10-30", "--reason", "GENOMFORD"]), 0)
        let path = fixture.directory.file("scb.csv")
        let result = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", mapping])
        expectExit(result, 0)
        #expect(try file(path) == [
            "Block;Personnummer;Kommun;Datum;Kod;Kod2",
            "1;\(cecilia);0380;2026-10-01;3;",        // STUDIEBEVIS
            "5;\(cecilia);0380;2026-10-10;4;",        // FLYTTAT
            "1;\(cecilia);0380;2026-10-20;5;",        // INFLYTTAD
            "3;\(cecilia);0380;2026-10-21;3;N",       // issue 13: the declined PRAKTIK, on its offer date, kod2 AVBOJD
            "1;\(anna);0380;2026-08-10;1;",           // AVBROTT_NP
            "2;\(anna);0380;2026-08-12;31;J",         // reached, ARBETSSOKANDE
            "3;\(anna);0380;2026-09-05;2;",           // SYV started
            "4;\(anna);0380;2026-10-30;2;1",          // SYV ended, GENOMFORD
            "1;\(bertil);0380;2026-10-05;4;",         // EJ_PABORJAT
            "2;\(bertil);0380;2026-10-06;;N",
            "2;\(bertil);0380;2026-10-20;;J",
            "5;\(bertil);0380;2026-10-25;2;",         // BORJAT_STUDERA; David (FELREGISTRERAD) is not reported
        ])
        #expect(result.stdout.contains("SCB-rapport 2026-H2: 3 personer, 12 rader."))
        #expect(result.stdout.contains("inget kontaktförsök alls: 2"), "both of Cecilia's episodes")
        #expect(!result.stdout.contains("översättning"), "every code and column is mapped")
    }

    @Test func reportsEachCheckAndStrictRefusesToWrite() throws {
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-10-01", "--reason", "OKAND"]), 0)
        let path = fixture.directory.file("scb.csv")
        // Issue 13: without a mapping nothing is mapped, so only a draft is written (was: the file itself).
        let result = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--draft"])
        expectExit(result, 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: fixture.directory.file("scb-DRAFT.csv")))
        #expect(result.stdout.contains("registreringsorsak saknas (OKAND): 1"))
        #expect(result.stdout.contains("inget kontaktförsök alls: 1"))
        #expect(result.stdout.contains("kod utan översättning i SCB-mappningen: 1") && result.stdout.contains("registration_reason: OKAND"))
        #expect(result.stdout.contains("kolumn utan namn i SCB-mappningen: 6"))
        let strict = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", mapping, "--strict"])
        expectExit(strict, 65)
        #expect(!FileManager.default.fileExists(atPath: path))
        expectExit(fixture.kaa.run(["contact", "add", anna, "--date", "2026-10-02", "--channel", "SMS"]), 0)
        expectExit(fixture.kaa.run(["episode", "correct", "1", "--reason", "EJ_PABORJAT"]), 0)
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", mapping, "--strict"]), 0)
    }

    @Test(arguments: [
        (#"{"colour": 1}"#, "colour"), (#"{"codes": {"occupation": {"SJUK": "1"}}}"#, "SJUK"),
        (#"{"codes": {"people": {}}}"#, "people"), (#"{"measure_status": {"KANSKE": "1"}}"#, "KANSKE"), (#"{"measure_status": ["N"]}"#, "measure_status"), (#"{"columns": {"namn": "Namn"}}"#, "namn"), ("nope", "JSON-objekt"),
    ])
    func refusesABadMappingNamingTheKey(_ json: String, _ message: String) throws {
        let path = fixture.directory.file("map.json")
        try CSVFixture.writeRaw(path, json)
        let result = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", fixture.directory.file("x.csv"), "--mapping", path])
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
    }

    @Test func refusesToWriteWhileACodeLacksAMappingUnlessDraft() throws {
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-10-01", "--reason", "OKAND"]), 0)
        let partial = fixture.directory.file("map.json")
        try CSVFixture.writeRaw(partial, #"{"columns": {"block": "B", "personnummer": "P", "kommun": "K", "datum": "D", "kod": "C", "kod2": "C2"}, "blocks": {"registrering": "1"}}"#)
        let path = fixture.directory.file("scb.csv")
        let refused = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", partial])
        expectExit(refused, 65)
        #expect(refused.stderr.contains("registration_reason: OKAND") && refused.stderr.contains("--draft"))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("scb-DRAFT.csv")))

        let draft = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", partial, "--draft"])
        expectExit(draft, 0)
        #expect(draft.stdout.contains("scb-DRAFT.csv"))
        #expect(!FileManager.default.fileExists(atPath: path))
        let lines = try file(fixture.directory.file("scb-DRAFT.csv"))
        #expect(lines.first?.hasPrefix("DRAFT;") == true)
        #expect(lines.dropFirst().first == "B;P;K;D;C;C2")
        #expect(lines.contains("1;\(anna);0380;2026-10-01;OKAND;"))
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--draft", "--strict"]), 64)
        // With every code mapped no draft is needed, even when --draft is given: the real file is written.
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", mapping]), 0)
        #expect(try file(path).first == "Block;Personnummer;Kommun;Datum;Kod;Kod2")
    }

    @Test(arguments: [("scb.csv", "scb-DRAFT.csv"), ("ut/scb.2026.csv", "ut/scb.2026-DRAFT.csv"), ("scb", "scb-DRAFT"),
                      ("a.b/scb", "a.b/scb-DRAFT"), (".scb", ".scb-DRAFT")])
    func aDraftSaysDraftBeforeTheExtension(_ path: String, _ expected: String) {
        #expect(SCBReport.draftPath(path) == expected)
    }

    @Test func aDeclinedAndAnUndecidedOfferAppearInBlockThree() throws {
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-10-01", "--reason", "AVBROTT_NP"]), 0)
        expectExit(fixture.kaa.run(["contact", "add", anna, "--date", "2026-10-02", "--channel", "SMS"]), 0)
        expectExit(fixture.kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-10-03", "--declined"]), 0)
        expectExit(fixture.kaa.run(["measure", "add", anna, "--type", "PRAKTIK", "--offered", "2026-10-04"]), 0)
        expectExit(fixture.kaa.run(["measure", "add", anna, "--type", "MOTIVATION", "--offered", "2026-10-05", "--accepted", "--start", "2026-10-06"]), 0)
        let path = fixture.directory.file("scb.csv")
        let result = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", mapping])
        expectExit(result, 0)
        #expect(try file(path).filter { $0.hasPrefix("3;") } == [
            "3;\(anna);0380;2026-10-03;2;N",   // SYV declined (the first measure)
            "3;\(anna);0380;2026-10-04;3;E",   // PRAKTIK offered, no decision yet
            "3;\(anna);0380;2026-10-06;1;",    // MOTIVATION started
        ])
        #expect(result.stdout.contains("åtgärd erbjuden utan beslut: 1"))
    }

    @Test func theMappingExampleSaysItsCodesArePlaceholders() throws {
        let text = try String(contentsOfFile: mapping, encoding: .utf8)
        #expect(text.contains("PLACEHOLDER") && text.contains("kodförteckning"))
    }

    @Test func refusesAMonthOrAFuturePeriod() {
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-11", "--out", fixture.directory.file("x.csv")]), 65)
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2027-H1", "--out", fixture.directory.file("x.csv")]), 65)
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2"]), 64)
    }
}

@Suite struct PeriodReportTests {
    let fixture = CLIFixture()

    @Test func comparesWithThePreviousPeriodAsTextAndHTML() throws {
        buildHandCountedRegister(fixture.kaa)
        let path = fixture.directory.file("rapport.html")
        let result = fixture.kaa.run(["report", "period", "--period", "2026-10", "--html", path])
        expectExit(result, 0)
        #expect(result.stdout.contains("jämfört med 2026-09"))
        #expect(result.stdout.range(of: #"I aktivitetsansvaret\s+3\s+1\s+\+2"#, options: .regularExpression) != nil, "\(result.stdout)")
        #expect(result.stdout.range(of: #"Andel nådda inom 30 dagar\s+50,0 %"#, options: .regularExpression) != nil)
        #expect(result.stdout.range(of: #"Har flyttat från kommunen\s+1\s+0"#, options: .regularExpression) != nil)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg role=\"img\"") && !html.contains("http") && !html.contains("<script"))
        #expect(!html.contains(anna) && !html.contains("Anna"))
        let half = fixture.kaa.run(["report", "period", "--period", "2026-H2"])
        expectExit(half, 0)
        #expect(half.stdout.contains("jämfört med 2026-H1"))
        expectExit(fixture.kaa.run(["report", "period", "--period", "x"]), 65)
    }
}
