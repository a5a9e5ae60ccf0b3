import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

@Suite struct HistoryImportTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }
    let p1 = born("2008-03-15"), p2 = born("2009-06-20", .male), p3 = born("2007-09-09")

    /// A small history in another system's codes for one reason ("Avbrott NP"), mapped by a file.
    func writeHistory() throws {
        try CSVFixture.write(fixture.directory.file("episodes.csv"),
            header: ["personnummer", "registrerad", "registreringsorsak", "avregistrerad", "avregistreringsorsak", "fornamn", "efternamn", "adress",
                     "postnummer", "postort", "telefon", "epost", "skyddad"],
            rows: [
                [p1, "2025-09-01", "Avbrott NP", "2026-02-01", "BORJAT_STUDERA", "Åsa", "Öberg", "Gatan 1; lgh 3", "75320", "Uppsala", "", "", "N"],
                [p1, "2026-05-01", "AVBROTT_NP", "", "", "Åsa", "Öberg", "Gatan 1; lgh 3", "75320", "Uppsala", "", "", "N"],
                [p2, "2025-10-10", "EJ_PABORJAT", "", "", "Bo", "Test", "", "", "", "070-123 45 67", "bo@example.org", "J"],
                [p3, "2026-03-01", "studiebevis", "2026-04-01", "FELREGISTRERAD", "", "", "", "", "", "", "", ""],
            ], format: CSVFixture.Format(delimiter: ";", encoding: .windowsCP1252, crlf: true))
        try CSVFixture.write(fixture.directory.file("contacts.csv"), header: ["personnummer", "datum", "kontaktsätt", "nådd", "sysselsättning"], rows: [
            [p1, "2025-09-03", "TELEFON", "J", "ARBETSSOKANDE"], [p1, "2026-05-02", "SMS", "N", ""], [p2, "2025-11-01", "BREV", "nej", ""],
        ])
        try CSVFixture.write(fixture.directory.file("measures.csv"),
            header: ["personnummer", "typ", "erbjuden", "beslut", "start", "slut", "avslutsorsak", "sysselsattning_efter", "ansvarig", "plan", "uppfoljning"],
            rows: [
                [p1, "SYV", "2025-09-10", "ACCEPTERAD", "2025-09-15", "2025-12-01", "GENOMFORD", "STUDIER_KOMVUX_GRUND", "SYV-teamet", "Mål: \"behörighet\"", ""],
                [p2, "PRAKTIK", "2025-11-05", "AVBOJD", "", "", "", "", "", "", "2025-12-01"],
            ])
        try CSVFixture.writeRaw(fixture.directory.file("mapping.json"), #"{"registration_reason": {"Avbrott NP": "AVBROTT_NP", "studiebevis": "STUDIEBEVIS"}}"#)
    }

    func importArguments() -> [String] {
        ["import", "history", "--episodes", fixture.directory.file("episodes.csv"), "--contacts", fixture.directory.file("contacts.csv"),
         "--measures", fixture.directory.file("measures.csv"), "--mapping", fixture.directory.file("mapping.json")]
    }

    @Test func importsThenExportsTheSameHistory() throws {
        try writeHistory()
        let result = kaa.run(importArguments())
        expectExit(result, 0)
        #expect(result.stdout.contains("3 personer, 4 inskrivningar, 3 kontaktförsök, 2 åtgärder"))
        let show = kaa.output(["show", p1])
        #expect(show.contains("Åsa Öberg") && show.contains("Gatan 1; lgh 3"))
        #expect(show.contains("avslutad 2025-12-01 (Genomförd), därefter: Studier på komvux"))
        #expect(kaa.output(["show", p2]).contains("SKYDDAD IDENTITET"))

        // Export, then import the export into a fresh register: the same files come out again.
        let out1 = fixture.directory.file("export1")
        expectExit(kaa.run(["export", "history", "--out", out1]), 0)
        let second = CLIFixture()
        expectExit(second.kaa.run(["import", "history", "--episodes", out1 + "/episodes.csv", "--contacts", out1 + "/contacts.csv",
                                   "--measures", out1 + "/measures.csv"]), 0)
        let out2 = second.directory.file("export2")
        expectExit(second.kaa.run(["export", "history", "--out", out2]), 0)
        for name in ["episodes.csv", "contacts.csv", "measures.csv"] {
            let a = try String(contentsOfFile: out1 + "/" + name, encoding: .utf8)
            let b = try String(contentsOfFile: out2 + "/" + name, encoding: .utf8)
            #expect(a == b, "\(name) differs after a round trip")
        }
        let episodes = try String(contentsOfFile: out1 + "/episodes.csv", encoding: .utf8)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out1 + "/episodes.csv"))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with BOM, for Excel")
        #expect(episodes.hasPrefix("personnummer;registrerad;registreringsorsak"))
        #expect(episodes.contains("\(p1);2025-09-01;AVBROTT_NP;2026-02-01;BORJAT_STUDERA;Åsa;Öberg;\"Gatan 1; lgh 3\""))
        #expect(try String(contentsOfFile: out1 + "/measures.csv", encoding: .utf8).contains("\"Mål: \"\"behörighet\"\"\""))
        // The figures agree, for an open and for a frozen period.
        for period in ["2026-H1", "2025-H2", "2025-10"] {
            #expect(kaa.output(["stats", "--period", period, "--json"]) == second.kaa.output(["stats", "--period", period, "--json"]), "\(period)")
        }
        #expect(kaa.output(["stats", "--period", "2025-H2"]).contains("declined"))
    }

    @Test func aNightSeesTheWholeHistoryOfEveryoneStillInAnOpenPeriod() throws {
        // p1's first episode ended in 2025 (frozen); the second began in May 2026 (open). A night
        // reads only people who reach into the open periods, but with their whole history, so p1
        // is not "new" in 2026-05 while p2, first registered then, is.
        try CSVFixture.write(fixture.directory.file("episodes.csv"),
            header: ["personnummer", "registrerad", "registreringsorsak", "avregistrerad", "avregistreringsorsak"],
            rows: [[p1, "2025-09-01", "AVBROTT_NP", "2025-12-01", "BORJAT_STUDERA"], [p1, "2026-05-04", "AVBROTT_NP", "", ""],
                   [p2, "2026-05-06", "EJ_PABORJAT", "", ""], [p3, "2025-03-01", "EJ_PABORJAT", "2025-06-01", "FLYTTAT"]])
        expectExit(kaa.run(["import", "history", "--episodes", fixture.directory.file("episodes.csv")]), 0)
        struct StatsCell: Decodable { let table: String; let n: Int }
        func cells(_ period: String) throws -> [StatsCell] {
            try JSONDecoder().decode([StatsCell].self, from: Data(kaa.output(["stats", "--period", period, "--json"]).utf8))
        }
        let may = try cells("2026-05")
        #expect(may.filter { $0.table == "in_kaa" }.map(\.n).reduce(0, +) == 2, "\(may)")
        #expect(may.filter { $0.table == "new" }.map(\.n).reduce(0, +) == 1, "only p2 is new: \(may)")
        #expect(try cells("2025-H1").filter { $0.table == "new" }.map(\.n).reduce(0, +) == 1, "p3, from a frozen period")
    }

    @Test(arguments: [
        ("episodes", "\(born("2008-01-20"));2026-01-01;NOPE;;", "registreringsorsak"),
        ("episodes", "\(born("2008-03-15"));2026-04-01;OKAND;;", "överlappar"),
        ("episodes", "\(born("2008-01-20"));2026-13-01;OKAND;;", "ogiltigt datum"),
        ("episodes", "\(born("2008-01-20"));2026-12-01;OKAND;;", "efter dagens datum"),
        ("episodes", "\(born("2008-01-20"));2026-02-01;OKAND;2026-01-01;FLYTTAT", "ligger före"),
        ("episodes", "\(born("2008-01-20"));2026-02-01;OKAND;;FLYTTAT", "utan avregistreringsdatum"),
        ("episodes", "\(born("2012-01-20"));2026-02-01;OKAND;;", "omfattas inte"),
        ("contacts", "\(born("2008-03-15"));2026-03-01;SMS;N;", "ingen av personens inskrivningar"),
        ("contacts", "\(born("2008-01-20"));2026-03-01;SMS;N;", "finns inte i inskrivningsfilen"),
        ("contacts", "\(born("2008-03-15"));2026-05-03;SMS;N;ARBETE", "nåddes"),
        ("measures", "\(born("2008-03-15"));SYV;2026-05-05;AVBOJD;2026-05-06;;;;;;", "avböjd"),
        ("measures", "\(born("2008-03-15"));SYV;2026-05-05;;;2026-05-06;;;;;", "tillsammans"),
    ])
    func aBadRowAnywhereImportsNothing(_ file: String, _ badRow: String, _ message: String) throws {
        try writeHistory()
        let path = fixture.directory.file("\(file).csv")
        // Append the bad row to the (Windows-1252 or UTF-8) file as plain ASCII.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((badRow + (file == "episodes" ? ";;;;;;;;" : "") + "\r\n").utf8))
        try handle.close()
        let before = try DatabaseDump.dump(kaa.databasePath)
        let result = kaa.run(importArguments())
        expectExit(result, 65)
        #expect(result.stderr.contains("\(file).csv:"), "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(try DatabaseDump.dump(kaa.databasePath) == before)
    }

    @Test func refusesPeopleAlreadyInTheRegisterAndStoredPeriods() throws {
        try writeHistory()
        expectExit(kaa.run(["register", p1, "--date", "2026-10-01", "--reason", "OKAND"]), 0)
        let existing = kaa.run(importArguments())
        expectExit(existing, 65)
        #expect(existing.stderr.contains("finns redan i registret"))

        let other = CLIFixture()
        expectExit(other.kaa.run(["register", TestPeople.person(born: 2008, 9).digits, "--date", "2026-01-05", "--reason", "OKAND"]), 0)
        // Store 2025-H2's figures (frozen on 2026-11-23), then try to import into it.
        let db = try KAASQLiteAccess.open(other.kaa.databasePath)
        try db.execute("INSERT INTO frozen_period (period, frozen_on, catalogue_version) VALUES ('2025-H2', '2026-07-01', 1)")
        let frozen = other.kaa.run(["import", "history", "--episodes", fixture.directory.file("episodes.csv"), "--mapping", fixture.directory.file("mapping.json")])
        expectExit(frozen, 65)
        #expect(frozen.stderr.contains("redan är fastställda"))
    }

    @Test(arguments: [
        (#"{"registration_reason": {"X": "NOT_A_CODE"}}"#, "inte är en kod"),
        (#"{"colours": {"X": "Y"}}"#, "okänd kodlista"),
        (#"{"registration_reason": ["X"]}"#, "objekt"),
        ("not json", "JSON-objekt"),
    ])
    func refusesABadMappingFile(_ json: String, _ message: String) throws {
        try writeHistory()
        try CSVFixture.writeRaw(fixture.directory.file("mapping.json"), json)
        let result = kaa.run(importArguments())
        expectExit(result, 65)
        #expect(result.stderr.contains("--mapping") && result.stderr.contains(message), "\(result)")
    }

    @Test func aDryRunChecksButWritesNothing() throws {
        try writeHistory()
        let before = try DatabaseDump.dump(kaa.databasePath)
        let result = kaa.run(importArguments() + ["--dry-run"])
        expectExit(result, 0)
        #expect(result.stdout.contains("Provkörning"))
        #expect(try DatabaseDump.dump(kaa.databasePath) == before)
    }
}
