import Foundation
import KAACore
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
            "1;\(cecilia);0380;2026-10-20;5;",        // INFLYTTAD; the declined PRAKTIK never started: no block 3
            "1;\(anna);0380;2026-08-10;1;",           // AVBROTT_NP
            "2;\(anna);0380;2026-08-12;31;J",         // reached, ARBETSSOKANDE
            "3;\(anna);0380;2026-09-05;2;",           // SYV started
            "4;\(anna);0380;2026-10-30;2;1",          // SYV ended, GENOMFORD
            "1;\(bertil);0380;2026-10-05;4;",         // EJ_PABORJAT
            "2;\(bertil);0380;2026-10-06;;N",
            "2;\(bertil);0380;2026-10-20;;J",
            "5;\(bertil);0380;2026-10-25;2;",         // BORJAT_STUDERA; David (FELREGISTRERAD) is not reported
        ])
        #expect(result.stdout.contains("SCB-rapport 2026-H2: 3 personer, 11 rader."))
        #expect(result.stdout.contains("inget kontaktförsök alls: 2"), "both of Cecilia's episodes")
        #expect(!result.stdout.contains("översättning"), "every code and column is mapped")
    }

    @Test func reportsEachCheckAndStrictRefusesToWrite() throws {
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-10-01", "--reason", "OKAND"]), 0)
        let path = fixture.directory.file("scb.csv")
        let result = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path])
        expectExit(result, 0)
        #expect(result.stdout.contains("registreringsorsak saknas (OKAND): 1"))
        #expect(result.stdout.contains("inget kontaktförsök alls: 1"))
        #expect(result.stdout.contains("kod utan översättning i SCB-mappningen: 1") && result.stdout.contains("registration_reason: OKAND"))
        #expect(result.stdout.contains("kolumn utan namn i SCB-mappningen: 6"))
        try FileManager.default.removeItem(atPath: path)
        let strict = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", mapping, "--strict"])
        expectExit(strict, 65)
        #expect(!FileManager.default.fileExists(atPath: path))
        expectExit(fixture.kaa.run(["contact", "add", anna, "--date", "2026-10-02", "--channel", "SMS"]), 0)
        expectExit(fixture.kaa.run(["episode", "correct", "1", "--reason", "EJ_PABORJAT"]), 0)
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", path, "--mapping", mapping, "--strict"]), 0)
    }

    @Test(arguments: [
        (#"{"colour": 1}"#, "colour"), (#"{"codes": {"occupation": {"SJUK": "1"}}}"#, "SJUK"),
        (#"{"codes": {"people": {}}}"#, "people"), (#"{"columns": {"namn": "Namn"}}"#, "namn"), ("nope", "JSON-objekt"),
    ])
    func refusesABadMappingNamingTheKey(_ json: String, _ message: String) throws {
        let path = fixture.directory.file("map.json")
        try CSVFixture.writeRaw(path, json)
        let result = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", fixture.directory.file("x.csv"), "--mapping", path])
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
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
