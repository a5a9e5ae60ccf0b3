import Foundation
import KAACore
@testable import KAAKommunCLI
import KAACLIKit
import KAARegister
import KAASQLite
import KAASync
import KAASystem
import KAATestFixtures
import KAACLITestKit
import Testing

/// Issue 14, the register: personal-data files private from the first byte, exports whole or not
/// at all, CSV cells that a spreadsheet cannot run, and system failures reported as such.
@Suite(.serialized) struct PrivateOutputTests {
    let fixture = CLIFixture()

    /// Registers a person whose name is a spreadsheet formula (an attack through the extract or a typist).
    func registerFormulaPerson() {
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND", "--first-name", "=HYPERLINK(\"http://x\";\"y\")",
                                    "--last-name", "@SUM(1)", "--address", "-2+3", "--postal-code", "75320", "--city", "+Uppsala",
                                    "--phone", "070-123 45 67"]), 0)
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    static func entries(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func aLettersFileIsNeverVisibleWithBitsForOthersWhileItIsWritten() throws {
        registerFormulaPerson()
        let previous = umask(0o022)
        defer { umask(previous) }
        let path = fixture.directory.file("brev.csv")
        // A reader polling the target as a local user would: any moment it exists with group or
        // other bits is a file someone else could have opened.
        let stop = Atomic(false), seenOpen = Atomic(0), seenHalf = Atomic(0)
        let poller = Thread {
            while !stop.value {
                var info = stat()
                if lstat(path, &info) == 0 {
                    if info.st_mode & 0o077 != 0 { seenOpen.add(1) }
                    if info.st_size < 10 { seenHalf.add(1) }
                }
            }
        }
        poller.start()
        for _ in 0..<60 { expectExit(fixture.kaa.run(["letters", "--worklist", "ej-nadda", "--out", path, "--force"]), 0) }
        stop.set(true)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(seenOpen.value == 0, "the letters file was seen \(seenOpen.value) times with permissions for others")
        #expect(seenHalf.value == 0, "the letters file was seen half-written \(seenHalf.value) times")
        #expect(Self.mode(path) == 0o600)
        #expect(Self.entries(fixture.directory.path).allSatisfy { !$0.hasPrefix(".kaa-write") }, "\(Self.entries(fixture.directory.path))")
    }

    @Test func everyPersonalDataAndReportFileIsMadeOwnerOnly() throws {
        buildHandCountedRegister(fixture.kaa)
        let previous = umask(0o022)
        defer { umask(previous) }
        let d = fixture.directory
        expectExit(fixture.kaa.run(["show", anna, "--subject-access", d.file("utdrag.json")]), 0)
        expectExit(fixture.kaa.run(["letters", "--worklist", "ej-nadda", "--out", d.file("brev.csv")]), 0)
        expectExit(fixture.kaa.run(["export", "history", "--out", d.file("export")]), 0)
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", d.file("scb.csv"), "--draft"]), 0)
        expectExit(fixture.kaa.run(["report", "period", "--period", "2026-11", "--html", d.file("rapport.html")]), 0)
        expectExit(fixture.kaa.run(["audit", "--export", d.file("logg.csv")]), 0)
        for file in ["utdrag.json", "utdrag.html", "brev.csv", "export/episodes.csv", "export/contacts.csv", "export/measures.csv",
                     "scb-DRAFT.csv", "rapport.html", "logg.csv"] {
            #expect(Self.mode(d.file(file)) == 0o600, "\(file): \(String(Self.mode(d.file(file)) ?? 0, radix: 8))")
        }
        #expect(Self.mode(d.file("export")) == 0o700)
        #expect((Self.entries(d.path) + Self.entries(d.file("export"))).allSatisfy { !$0.hasPrefix(".kaa-write") })
    }

    @Test func aHistoryExportThatFailsMidwayLeavesNothingOfItself() throws {
        buildHandCountedRegister(fixture.kaa)
        let folder = fixture.directory.file("export")
        try FileManager.default.createDirectory(atPath: folder + "/measures.csv", withIntermediateDirectories: true)
        // A directory where the last file goes: its rename fails after the first two have been made.
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder + "/measures.csv/inside"))
        try Data("old export".utf8).write(to: URL(fileURLWithPath: folder + "/episodes.csv"))
        let result = fixture.kaa.run(["export", "history", "--out", folder, "--force"])
        expectExit(result, 1)
        #expect(result.stderr.contains("measures.csv"), "\(result)")
        #expect(try String(contentsOfFile: folder + "/episodes.csv", encoding: .utf8) == "old export", "the earlier export was replaced")
        #expect(!FileManager.default.fileExists(atPath: folder + "/contacts.csv"), "a half export was left")
        #expect(Self.entries(folder) == ["episodes.csv", "measures.csv"], "\(Self.entries(folder))")
        #expect(Self.entries(folder + "/measures.csv") == ["inside"])
        #expect(!fixture.kaa.output(["audit", "--json"]).contains("export.history"), "a failed export was logged as a read")
    }

    @Test func cellsASpreadsheetWouldRunAreNeutralisedInEveryCSV() throws {
        registerFormulaPerson()
        let d = fixture.directory
        func text(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(3), as: UTF8.self) }
        expectExit(fixture.kaa.run(["letters", "--worklist", "ej-nadda", "--out", d.file("brev.csv")]), 0)
        let letters = try text(d.file("brev.csv"))
        #expect(letters.contains("\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";'@SUM(1);'-2+3;75320;'+Uppsala\r\n"), "\(letters)")
        expectExit(fixture.kaa.run(["export", "history", "--out", d.file("export")]), 0)
        let episodes = try text(d.file("export/episodes.csv"))
        #expect(episodes.contains(";'@SUM(1);'-2+3;75320;'+Uppsala;'+46701234567;"), "\(episodes)")
        var other = fixture.kaa
        other.staff = "=cmd|' /C calc'!A0"
        expectExit(other.run(["show", anna]), 0)
        expectExit(fixture.kaa.run(["audit", "--export", d.file("logg.csv")]), 0)
        let log = try text(d.file("logg.csv"))
        #expect(log.contains(";'=cmd|' /C calc'!A0;"), "\(log)")
        try Data(#"{"columns": {"block": "=Block", "personnummer": "@Pnr"}}"#.utf8).write(to: URL(fileURLWithPath: d.file("scb.json")))
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", d.file("scb.csv"), "--mapping", d.file("scb.json"), "--draft"]), 0)
        let scb = try text(d.file("scb-DRAFT.csv"))
        #expect(scb.contains("'=Block;'@Pnr;"), "\(scb)")
        #expect(!scb.contains(";=") && !scb.contains("\n="))
    }

    @Test func aHistoryExportWithFormulaCellsImportsBackExactly() throws {
        registerFormulaPerson()
        expectExit(fixture.kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-11-02", "--responsible", "'=quoted",
                                    "--plan", "''två citattecken"]), 0)
        let out1 = fixture.directory.file("export1")
        expectExit(fixture.kaa.run(["export", "history", "--out", out1]), 0)
        let second = CLIFixture()
        let imported = second.kaa.run(["import", "history", "--episodes", out1 + "/episodes.csv", "--contacts", out1 + "/contacts.csv",
                                       "--measures", out1 + "/measures.csv"])
        expectExit(imported, 0)
        let shown = second.kaa.output(["show", anna])
        #expect(shown.contains("=HYPERLINK(\"http://x\";\"y\") @SUM(1)") && shown.contains("-2+3") && shown.contains("+Uppsala"), "\(shown)")
        #expect(shown.contains("'=quoted") && shown.contains("''två citattecken"), "\(shown)")
        let out2 = second.directory.file("export2")
        expectExit(second.kaa.run(["export", "history", "--out", out2]), 0)
        for name in ["episodes.csv", "contacts.csv", "measures.csv"] {
            let first = try String(contentsOfFile: out1 + "/" + name, encoding: .utf8)
            let again = try String(contentsOfFile: out2 + "/" + name, encoding: .utf8)
            #expect(first == again, "\(name)")
        }
    }

    @Test func anOutputFileThatCannotBeMadeExitsOneWithTheSystemsReason() throws {
        buildHandCountedRegister(fixture.kaa)
        let d = fixture.directory
        try Data("a file".utf8).write(to: URL(fileURLWithPath: d.file("file")))
        let notADirectory = String(cString: strerror(ENOTDIR))
        for arguments in [["letters", "--worklist", "ej-nadda", "--out", d.file("file/out.csv")],
                          ["report", "period", "--period", "2026-11", "--html", d.file("file/out.html")],
                          ["audit", "--export", d.file("file/out.csv")],
                          ["show", anna, "--subject-access", d.file("file/out.json")],
                          ["report", "scb", "--period", "2026-H2", "--out", d.file("file/out.csv"), "--draft"]] {
            let result = fixture.kaa.run(arguments)
            expectExit(result, 1)
            #expect(result.stderr.contains(notADirectory) && result.stderr.contains(d.file("file")), "\(arguments): \(result)")
        }
    }
}

/// A value shared with a polling thread (a lock, since the test reads it while the thread writes).
final class Atomic<Value: Sendable>: @unchecked Sendable {
    // Invariant: `stored` is only touched with `lock` held.
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func set(_ value: Value) { lock.lock(); stored = value; lock.unlock() }
}

extension Atomic where Value == Int {
    func add(_ count: Int) { lock.lock(); stored += count; lock.unlock() }
}

/// Issue 14: the sync's token file must be private, and a full register disk is temporary.
@Suite struct SyncSystemTroubleTests {
    let fixture = CLIFixture()

    @Test func aTokenFileOthersCanReadIsRefusedWithHowToFixIt() throws {
        let path = fixture.directory.file("token")
        try Data("kaa_x".utf8).write(to: URL(fileURLWithPath: path))
        for mode: mode_t in [0o644, 0o640, 0o604] {
            #expect(chmod(path, mode) == 0)
            let result = fixture.kaa.run(["sync", "--hub", "http://127.0.0.1:9", "--token-file", path, "--deadline", "1"])
            expectExit(result, 65)
            #expect(result.stderr.contains("chmod 600 \(path)"), "\(String(mode, radix: 8)): \(result)")
        }
        #expect(chmod(path, 0o600) == 0)
        // Private: read, and the run goes on to the (unreachable) hub.
        expectExit(fixture.kaa.run(["sync", "--hub", "http://127.0.0.1:9", "--token-file", path, "--deadline", "1"]), 75)
        // systemd's credential (LoadCredential=): the service's own copy, whatever its group bits show (an ACL on newer systemd).
        let credentials = fixture.directory.file("credentials")
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try Data("kaa_x".utf8).write(to: URL(fileURLWithPath: credentials + "/hub-token"))
        #expect(chmod(credentials + "/hub-token", 0o440) == 0)
        var runner = fixture.kaa
        runner.environment["CREDENTIALS_DIRECTORY"] = credentials
        expectExit(runner.run(["sync", "--hub", "http://127.0.0.1:9", "--token-file", credentials + "/hub-token", "--deadline", "1"]), 75)
    }

    @Test func aFullRegisterDiskDuringSyncExits75AndSaysTheDiskIsFull() throws {
        let full = RegisterError.database(SQLiteError(.full, message: "database or disk is full", sql: "INSERT INTO outbox"))
        let mapped = SyncCommand.exitError(for: SyncError.register(full))
        let error = try #require(mapped as? any ExitCodeError)
        #expect(error.exitCode == 75)
        #expect(error.message.contains("disken är full") && error.message.contains("utkorgen är orörd"), "\(error.message)")
        let spill = RegisterError.system(SystemError(call: "pwrite", path: "/var/tmp", errno: ENOSPC))
        #expect((SyncCommand.exitError(for: SyncError.register(spill)) as? any ExitCodeError)?.exitCode == 75)
        // Outside sync, a full disk under identify's spill or an output file is the system's failure (exit 1), said as such.
        #expect(spill.exitCode == 1 && spill.description.contains("disken är full") && spill.description.contains("pwrite /var/tmp"), "\(spill)")
        #expect(full.exitCode == 1 && full.description.hasPrefix("disken är full"), "\(full)")
        // Anything else keeps its own code.
        let other = SyncCommand.exitError(for: SyncError.register(.database(SQLiteError(.constraint, message: "x"))))
        #expect((other as? any ExitCodeError)?.exitCode == 1)
    }
}
