import Foundation
import KAACLIKit
import KAACLITestKit
import KAACore
@testable import KAAKommunCLI
import KAARegister
import KAATestFixtures
import Testing

/// A clock at a fixed instant, so the dated copy's name is known.
private struct InstantClock: RegisterClock {
    let today = TestDates.today
    let now: String
}

/// `kaa backup --dir DIR --keep N` (issue 19): the nightly copies and their rotation.
@Suite struct BackupRotationTests {
    let fixture = CLIFixture()
    var folder: String { fixture.directory.file("backups") }

    /// Runs `kaa --db REGISTER ARGUMENTS` with the clock at `now`.
    func run(_ arguments: [String], at now: String = "2026-11-23T01:30:05Z") -> KAAResult {
        let output = CapturedOutput(), errors = CapturedOutput()
        let console = Console(output: output, errorOutput: errors, environment: [:], user: "kaa")
        let code = KAACommandLine.main(arguments: ["--db", fixture.kaa.databasePath] + arguments,
                                       context: KommunContext(console: console, clock: InstantClock(now: now)))
        return KAAResult(exitCode: code, stdout: output.text, stderr: errors.text)
    }

    func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// A stand-in for an older night's copy (its content does not matter to the rotation).
    func plant(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("old copy".utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
    }

    @Test func writesADatedCopyInANewPrivateFolder() throws {
        let result = run(["backup", "--dir", folder])
        expectExit(result, 0)
        #expect(names() == ["register-20261123-013005.sqlite"])
        let path = folder + "/register-20261123-013005.sqlite"
        #expect(result.stdout.contains(path))
        var info = stat()
        #expect(stat(folder, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // A real register: the copy answers like the original.
        let copy = KAARunner(databasePath: path)
        expectExit(copy.run(["stats", "--period", "2026-11"]), 0)
        #expect(copy.output(["stats", "--period", "2026-11"]) == fixture.kaa.output(["stats", "--period", "2026-11"]))
    }

    @Test func keepsTheNewestAndRemovesOnlyOlderDatedCopies() throws {
        for day in 18...22 { try plant("register-202611\(day)-013000.sqlite") }
        // Not the pattern: never removed, whatever their age.
        for other in ["register-före-uppgradering.sqlite", "register-20261101-013000.sqlite.bak", "register-2026110-013000.sqlite",
                      "notes.txt", ".register-20261101-013000.sqlite.kaa-ny-1"] {
            try plant(other)
        }
        // A folder with the pattern's name is not a copy and stays.
        try FileManager.default.createDirectory(atPath: folder + "/register-20261001-000000.sqlite", withIntermediateDirectories: false)
        let result = run(["backup", "--dir", folder, "--keep", "3"])
        expectExit(result, 0)
        #expect(names() == [".register-20261101-013000.sqlite.kaa-ny-1", "notes.txt", "register-20261001-000000.sqlite",
                            "register-2026110-013000.sqlite", "register-20261101-013000.sqlite.bak",
                            "register-20261121-013000.sqlite", "register-20261122-013000.sqlite", "register-20261123-013005.sqlite",
                            "register-före-uppgradering.sqlite"])
        #expect(result.stdout.contains("(3 behålls): register-20261120-013000.sqlite, register-20261119-013000.sqlite, register-20261118-013000.sqlite."))
    }

    @Test func theNewCopyIsKeptEvenWhenTheClockWentBack() throws {
        try plant("register-20301231-000000.sqlite")
        try plant("register-20301230-000000.sqlite")
        expectExit(run(["backup", "--dir", folder, "--keep", "1"]), 0)
        #expect(names() == ["register-20261123-013005.sqlite"])
    }

    @Test func keepOneNightAfterNight() throws {
        expectExit(run(["backup", "--dir", folder, "--keep", "2"], at: "2026-11-21T01:00:00Z"), 0)
        expectExit(run(["backup", "--dir", folder, "--keep", "2"], at: "2026-11-22T01:00:00Z"), 0)
        expectExit(run(["backup", "--dir", folder, "--keep", "2"], at: "2026-11-23T01:00:00Z"), 0)
        #expect(names() == ["register-20261122-010000.sqlite", "register-20261123-010000.sqlite"])
    }

    @Test func withoutKeepNothingIsRemoved() throws {
        for day in 10...20 { try plant("register-202611\(day)-013000.sqlite") }
        expectExit(run(["backup", "--dir", folder]), 0)
        #expect(names().count == 12)
    }

    @Test func aFailedCopyRemovesNothing() throws {
        for day in 20...22 { try plant("register-202611\(day)-013000.sqlite") }
        // The register cannot be opened: no copy, and every old one stays.
        let output = CapturedOutput(), errors = CapturedOutput()
        let console = Console(output: output, errorOutput: errors, environment: [:], user: "kaa")
        let code = KAACommandLine.main(arguments: ["--db", fixture.directory.file("saknas.sqlite"), "backup", "--dir", folder, "--keep", "1"],
                                       context: KommunContext(console: console, clock: InstantClock(now: "2026-11-23T01:30:05Z")))
        #expect(code != 0)
        #expect(names() == ["register-20261120-013000.sqlite", "register-20261121-013000.sqlite", "register-20261122-013000.sqlite"])
    }

    @Test func aNameAlreadyTakenRemovesNothing() throws {
        for day in 20...22 { try plant("register-202611\(day)-013000.sqlite") }
        // Something already has tonight's name: refused before copying; nothing replaced or removed.
        try plant("register-20261123-013005.sqlite")
        let result = run(["backup", "--dir", folder, "--keep", "1"])
        expectExit(result, 1)
        #expect(result.stderr.contains("finns redan"))
        #expect(names().count == 4)
        #expect(try String(contentsOfFile: folder + "/register-20261123-013005.sqlite", encoding: .utf8) == "old copy")
        #expect(!names().contains { $0.hasPrefix(".") })
    }

    @Test func aFileWhereTheFolderShouldBeIsRefused() throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder))
        let result = run(["backup", "--dir", folder, "--keep", "2"])
        expectExit(result, 65)
        #expect(result.stderr.contains("ingen mapp"))
        #expect(try String(contentsOfFile: folder, encoding: .utf8) == "x")
    }

    @Test(arguments: ["0", "-1", "abc", "", "1.5", "10001", "99999999999999999999"])
    func aBadKeepIsRefusedAndWritesNothing(_ value: String) {
        let result = run(["backup", "--dir", folder, "--keep", value])
        expectExit(result, 65)
        #expect(result.stderr.contains("--keep"))
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test(arguments: [
        (["backup", "--keep", "3"], "--dir"),
        (["backup"], "FIL"),
        (["backup", "--dir", "X", "copy.sqlite"], "inte båda"),
        (["backup", "--dir", "X", "--force"], "--force"),
    ])
    func combinationsThatMeanNothingAreUsageErrors(_ arguments: [String], _ message: String) {
        let result = run(arguments)
        expectExit(result, 64)
        #expect(result.stderr.contains(message))
        #expect(!FileManager.default.fileExists(atPath: "X"))
    }

    @Test(arguments: [
        ("2026-11-23T01:30:05Z", "register-20261123-013005.sqlite"),
        ("2026-11-23 01:30:05", nil),
        ("2026-11-23T01:30:0xZ", nil),
        ("", nil),
    ] as [(String, String?)])
    func theNameComesFromTheUTCInstant(_ now: String, _ expected: String?) {
        #expect(BackupCommand.fileName(forUTC: now) == expected)
    }
}
