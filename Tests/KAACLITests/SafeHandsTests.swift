import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

@Suite struct SafeRemovalTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    init() {
        for arguments in [["register", anna, "--date", "2026-09-01", "--reason", "OKAND", "--first-name", "Måns", "--last-name", "Åkesson"],
                          ["contact", "add", anna, "--date", "2026-09-02", "--channel", "SMS"],
                          ["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-03"],
                          ["measure", "follow-up", "1", "--date", "2026-09-10"]] {
            let result = fixture.kaa.run(arguments)
            precondition(result.exitCode == 0, "\(result)")
        }
    }

    @Test func removingTheOnlyEpisodeSaysWhatGoesAndNeedsYes() throws {
        let before = try DatabaseDump.dump(kaa.databasePath)
        let refused = kaa.run(["episode", "remove", "1"])
        expectExit(refused, 64)
        #expect(refused.stderr.contains("Tas bort för Måns Åkesson (20080101-2386): inskrivning 1, 1 kontaktförsök, 1 åtgärd, 1 uppföljning och personen själv"),
                "\(refused)")
        #expect(refused.stderr.contains("--yes"))
        #expect(try DatabaseDump.dump(kaa.databasePath) == before, "nothing is changed")
        let removed = kaa.run(["episode", "remove", "1", "--yes"])
        expectExit(removed, 0)
        #expect(removed.stdout.contains("Borttaget för Måns Åkesson (20080101-2386)"))
        expectExit(kaa.run(["show", anna]), 65)
    }

    @Test func aTerminalConfirmsByTypingJa() throws {
        var no = kaa
        no.answer = "nej"
        let refused = no.run(["episode", "remove", "1"])
        expectExit(refused, 64)
        #expect(refused.stderr.contains("Skriv ja för att ta bort"))
        expectExit(kaa.run(["show", anna]), 0)
        var yes = kaa
        yes.answer = " JA "
        expectExit(yes.run(["episode", "remove", "1"]), 0)
        expectExit(kaa.run(["show", anna]), 65)
    }

    @Test func aMeasureWithFollowUpsNeedsYesAndAPlainOneDoesNot() {
        expectExit(kaa.run(["measure", "add", anna, "--type", "PRAKTIK", "--offered", "2026-09-04"]), 0)
        expectExit(kaa.run(["measure", "remove", "2"]), 0)
        expectExit(kaa.run(["measure", "remove", "1"]), 64)
        #expect(kaa.output(["show", anna]).contains("Uppföljd 2026-09-10"))
        let removed = kaa.run(["measure", "remove", "1", "--yes"])
        expectExit(removed, 0)
        #expect(removed.stdout.contains("åtgärd 1 och 1 uppföljning"))
    }

    @Test func anEpisodeWithNothingElseGoesWithoutYesWhenThePersonStays() {
        expectExit(kaa.run(["deregister", anna, "--date", "2026-09-20", "--reason", "FLYTTAT"]), 0)
        expectExit(kaa.run(["register", anna, "--date", "2026-10-01", "--reason", "INFLYTTAD"]), 0)
        expectExit(kaa.run(["episode", "remove", "2"]), 0)
        expectExit(kaa.run(["show", anna]), 0)
    }
}

@Suite struct NoOverwriteTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    init() {
        let result = fixture.kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND", "--address", "Gatan 1", "--postal-code", "75320", "--city", "Uppsala"])
        precondition(result.exitCode == 0, "\(result)")
    }

    @Test(arguments: [
        // Issue 13 (rules-c): a real SCB file needs every code mapped, so the test gives the example mapping.
        (["report", "scb", "--period", "2026-H2", "--mapping", TestPeople.packageRoot + "/config/scb-mapping.example.json", "--out"], ""),
        (["letters", "--worklist", "ej-nadda", "--out"], ""),
        (["show", anna, "--subject-access"], ""),
        (["audit", "--export"], ""),
        (["report", "period", "--period", "2026-11", "--html"], ""),
        (["backup"], ""),
    ])
    func anExistingFileIsNotOverwrittenWithoutForce(_ arguments: [String], _ unused: String) throws {
        let path = fixture.directory.file("existing.out")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        let refused = kaa.run(arguments + [path])
        expectExit(refused, 64)
        #expect(refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
        let forced = kaa.run(arguments + [path, "--force"])
        expectExit(forced, 0)
        #expect(FileManager.default.contents(atPath: path) != Data("keep me".utf8))
    }

    @Test func aLinkIsNotFollowedWithoutForce() throws {
        let target = fixture.directory.file("target.txt")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: target))
        let link = fixture.directory.file("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        expectExit(kaa.run(["letters", "--worklist", "ej-nadda", "--out", link]), 64)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")
    }

    @Test func exportHistoryRefusesAFolderThatHoldsAnExport() {
        let folder = fixture.directory.file("export")
        expectExit(kaa.run(["export", "history", "--out", folder]), 0)
        expectExit(kaa.run(["export", "history", "--out", folder]), 64)
        expectExit(kaa.run(["export", "history", "--out", folder, "--force"]), 0)
    }
}
