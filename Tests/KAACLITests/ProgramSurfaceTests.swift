import Foundation
@testable import KAACLIKit
@testable import KAAKommunCLI
import KAACLITestKit
import KAATestFixtures
import Testing

/// Runs `executable` with exactly `arguments` and `environment`, returning its exit code and outputs.
private func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> KAAResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return KAAResult(exitCode: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// The program's files in a folder, by name.
private func files(in directory: String) throws -> [String: String] {
    var found: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
        found[name] = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }
    return found
}

@Suite struct VersionTests {
    @Test func theVersionIsOneLineWithoutSpaces() {
        #expect(!ProgramVersion.current.isEmpty)
        let hasSpace = ProgramVersion.current.contains { $0.isWhitespace }
        #expect(!hasSpace)
    }

    @Test func versionIsPrintedBeforeAnythingIsOpened() {
        let directory = TemporaryDirectory()
        let database = directory.file("never.sqlite")
        var kaa = KAARunner(databasePath: database, environment: ["KAA_DB": database, "KAA_CONFIG": directory.file("missing.json"), "KAA_TODAY": "not a date"])
        kaa.answer = nil
        let result = kaa.runRaw(["--version"])
        expectExit(result, 0)
        #expect(result.stdout == "kaa \(ProgramVersion.current)\n" && result.stderr.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: database), "--version must not create or open a register")

        let hub = runHub(["--version"], environment: ["KAA_HUB_CONFIG": directory.file("missing.json"), "KAA_HUB_DB": database])
        expectExit(hub, 0)
        #expect(hub.stdout == "kaa-hub \(ProgramVersion.current)\n" && hub.stderr.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    // `--version` stands alone: anything after it, or before it, is a usage error, not ignored.
    @Test(arguments: [["--version", "extra"], ["--version", "--version"], ["--version", "--help"], ["--version", "list"], ["--db", "x.sqlite", "--version"]])
    func versionWithOtherWordsIsAUsageError(_ arguments: [String]) {
        let result = CLIFixture(initialise: false).kaa.runRaw(arguments)
        expectExit(result, 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("--version") && result.stderr.contains("Användning:"), "\(result)")
        expectExit(runHub(arguments), 64)
    }

    @Test func helpListsVersion() {
        #expect(CLIFixture(initialise: false).kaa.runRaw(["--help"]).stdout.contains("  --version "))
        #expect(runHub(["--help"]).stdout.contains("  --version "))
    }

    @Test func theBuiltProgramsPrintTheirVersionWithAnEmptyEnvironment() throws {
        for program in ["kaa", "kaa-hub"] {
            let result = try runProcess(executable(program), ["--version"])
            expectExit(result, 0)
            #expect(result.stdout == "\(program) \(ProgramVersion.current)\n" && result.stderr.isEmpty)
        }
    }
}

@Suite struct ManualPageTests {
    func generate(environment: [String: String] = [:]) throws -> [String: String] {
        let directory = TemporaryDirectory()
        expectExit(KAARunner(databasePath: directory.file("x"), environment: environment).runRaw(["help", "--man", directory.path]), 0)
        expectExit(runHub(["help", "--man", directory.path], environment: environment), 0)
        return try files(in: directory.path)
    }

    @Test func docsManIsWhatTheProgramsGenerate() throws {
        let generated = try generate()
        let committed = try files(in: TestPeople.packageRoot + "/docs/man")
        #expect(committed.keys.sorted() == generated.keys.sorted(), "docs/man/ is stale: run 'bash scripts/commands-doc.sh'")
        for (name, text) in generated {
            #expect(committed[name] == text, "docs/man/\(name) is stale: run 'bash scripts/commands-doc.sh'")
        }
    }

    @Test func thereIsAPagePerProgramAndPerCommandFamily() throws {
        let pages = try generate()
        for name in ["kaa.1", "kaa-hub.1", "kaa-staff.1", "kaa-web.1", "kaa-sync.1", "kaa-backup.1", "kaa-init.1", "kaa-hub-init.1", "kaa-hub-site.1", "kaa-hub-serve.1"] {
            #expect(pages[name] != nil, "\(name) missing among \(pages.keys.sorted())")
        }
        let staff = try #require(pages["kaa-staff.1"])
        #expect(staff.hasPrefix(".\\\" ") && staff.contains("\n.TH KAA\\-STAFF 1 2026\\-12\\-01 "))
        for sub in ["add", "list", "disable", "reset"] {
            #expect(staff.contains(".SS \"kaa staff \(sub)\""))
        }
        #expect(staff.contains("\\fB\\-\\-role\\fR \\fIroll\\fR"))
        let main = try #require(pages["kaa.1"])
        for needle in ["\n.SH NAMN\nkaa \\- ", "\n.SH SYNOPSIS\n", "\n.SH MILJ\\(:O\n", "\\fBKAA_DB\\fR", "\\fBKAA_CONFIG\\fR", "\\fBKAA_SYNC_TOKEN\\fR",
                       "\\fBKAA_TODAY\\fR", "\\fBCREDENTIALS_DIRECTORY\\fR", "\n.SH SLUTSTATUS\n", "\\fB64\\fR", "\\fB65\\fR", "\\fB75\\fR",
                       "\\fI/etc/kaa/kaa.json\\fR", "\\fI/var/lib/kaa\\fR", "\n.SH SE \\(:AVEN\n",
                       "\\fBkaa\\-staff\\fR(1)", "\\fBkaa\\-hub\\fR(1)", "\\fB\\-\\-version\\fR"] {
            #expect(main.contains(needle), "kaa.1 lacks \(needle)")
        }
        // Every command is listed on the program's page and described on its family's page.
        for command in KAACommandLineSpecs.kaa {
            #expect(main.contains(".TP\n\\fB\(Roff.escape(command))\\fR\n"), "kaa.1 does not list \(command)")
        }
        let hub = try #require(pages["kaa-hub.1"])
        // 75 since issue 20: `kaa-hub forward` is a nightly job that may meet an unreachable hub above.
        #expect(hub.contains("\\fI/etc/kaa\\-hub/hub.json\\fR") && hub.contains("\\fBKAA_HUB_DB\\fR") && hub.contains("\\fB75\\fR"))
    }

    /// Pages are ASCII roff: every control line a request this generator uses, no bare hyphen.
    @Test func everyPageIsPlainRoff() throws {
        let requests: Set<String> = [".TH", ".SH", ".SS", ".TP", ".PP", ".br", ".nf", ".fi"]
        for (name, text) in try generate() {
            #expect(text.utf8.allSatisfy { $0 < 0x80 }, "\(name) is not ASCII")
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix(".\\\"") {
                if line.hasPrefix(".") || line.hasPrefix("'") {
                    #expect(requests.contains(String(line.prefix { $0 != " " })), "\(name): unexpected control line \(line)")
                }
                let hyphens = line.indices.filter { line[$0] == "-" }
                #expect(hyphens.allSatisfy { $0 > line.startIndex && line[line.index(before: $0)] == "\\" }, "\(name): bare hyphen in \(line)")
            }
        }
    }

    @Test func groffFormatsEveryPageWithoutAWarning() throws {
        let groff = "/usr/bin/groff"
        try #require(FileManager.default.isExecutableFile(atPath: groff), "groff is missing (scripts/lib.sh installs it)")
        let directory = TestPeople.packageRoot + "/docs/man"
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let result = try runProcess(groff, ["-man", "-Tutf8", "-ww", "-z", directory + "/" + name], environment: ["PATH": "/usr/bin:/bin"])
            #expect(result.exitCode == 0 && result.stderr.isEmpty, "\(name): \(result)")
        }
    }

    @Test func hostileHelpTextCannotBecomeARequest() {
        #expect(Roff.escape(".TH evil") == "\\&.TH evil")
        #expect(Roff.escape("'br") == "\\(aqbr")
        #expect(Roff.escape("a\\fB-b") == "a\\efB\\-b")
        #expect(Roff.escape("rad ett\nrad två") == "rad ett rad tv\\(oa")
        #expect(Roff.escape("bell\u{07}\u{1B}[31m") == "bell[31m")
        #expect(Roff.escape("ǅ → ✓") == "\\[u01C5] \\[u2192] \\[u2713]")
        #expect(Roff.paragraphs("första\n.TH x\n\nandra") == ".PP\nf\\(:orsta\n\\&.TH x\n.PP\nandra\n")
    }

    @Test func sourceDateEpochSetsTheDate() throws {
        let pages = try generate(environment: ["SOURCE_DATE_EPOCH": "86400"])
        #expect(pages["kaa.1"]?.contains("\n.TH KAA 1 1970\\-01\\-02 ") == true)
        #expect(pages["kaa-hub-site.1"]?.contains("\n.TH KAA\\-HUB\\-SITE 1 1970\\-01\\-02 ") == true)
    }

    @Test(arguments: ["abc", "-1", "1e9", "99999999999999999999", "１２"])
    func aBadSourceDateEpochIsRefused(_ value: String) {
        let directory = TemporaryDirectory()
        let result = KAARunner(databasePath: directory.file("x"), environment: ["SOURCE_DATE_EPOCH": value]).runRaw(["help", "--man", directory.path])
        expectExit(result, 65)
        #expect(result.stderr.contains("SOURCE_DATE_EPOCH"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) == [])
    }

    @Test(arguments: [["help", "--man"], ["help", "--man", "/tmp", "/tmp"], ["help", "--bash-completion", "x"]])
    func helpOutputsWithWrongWordsAreUsageErrors(_ arguments: [String]) {
        let result = CLIFixture(initialise: false).kaa.runRaw(arguments)
        expectExit(result, 64)
        #expect(result.stdout.isEmpty && result.stderr.contains("Användning:"))
    }

    @Test func aMissingOrNonFolderTargetIsRefusedInSwedish() throws {
        let directory = TemporaryDirectory()
        let kaa = CLIFixture(initialise: false).kaa
        let missing = kaa.runRaw(["help", "--man", directory.file("saknas")])
        expectExit(missing, 65)
        #expect(missing.stderr.contains("Fel: --man: katalogen '\(directory.file("saknas"))' finns inte"), "\(missing)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("saknas")))
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory.file("fil")))
        let file = kaa.runRaw(["help", "--man", directory.file("fil")])
        expectExit(file, 65)
        #expect(file.stderr.contains("är ingen katalog"))
    }

    @Test func aFailureLeavesTheFolderAsItWas() throws {
        let directory = TemporaryDirectory()
        // kaa.1 is the first page moved into place; a folder in its way makes the move fail.
        try FileManager.default.createDirectory(atPath: directory.file("kaa.1"), withIntermediateDirectories: false)
        let result = CLIFixture(initialise: false).kaa.runRaw(["help", "--man", directory.path])
        expectExit(result, 1)
        #expect(result.stderr.contains("Fel: kan inte flytta manualsidan 'kaa.1'"), "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["kaa.1"], "no page and no staging folder may be left")
    }

    @Test func anUnwritableFolderIsRefusedAndLeftEmpty() throws {
        let directory = TemporaryDirectory()
        let locked = directory.file("låst")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
        #expect(chmod(locked, 0o555) == 0)
        defer { chmod(locked, 0o755) }
        let result = CLIFixture(initialise: false).kaa.runRaw(["help", "--man", locked])
        if geteuid() == 0 {
            // root writes anyway; then the pages must be whole.
            expectExit(result, 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: locked).contains("kaa-staff.1"))
        } else {
            expectExit(result, 1)
            #expect(result.stderr.contains("kan inte skriva manualsidorna i katalogen '\(locked)'"), "\(result)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: locked).isEmpty)
        }
    }
}

/// The command paths of `kaa`, as its help lists them.
enum KAACommandLineSpecs {
    static var kaa: [String] { KAACommandLine.tool.commands.map(\.spec.path) }
}

@Suite struct BashCompletionTests {
    var committedKaa: String { TestPeople.packageRoot + "/config/bash-completion/kaa" }
    var committedHub: String { TestPeople.packageRoot + "/config/bash-completion/kaa-hub" }

    @Test func theCommittedCompletionsAreWhatTheProgramsGenerate() throws {
        let kaa = CLIFixture(initialise: false).kaa.runRaw(["help", "--bash-completion"])
        expectExit(kaa, 0)
        #expect(try String(contentsOfFile: committedKaa, encoding: .utf8) == kaa.stdout, "config/bash-completion/kaa is stale: run 'bash scripts/commands-doc.sh'")
        let hub = runHub(["help", "--bash-completion"])
        expectExit(hub, 0)
        #expect(try String(contentsOfFile: committedHub, encoding: .utf8) == hub.stdout, "config/bash-completion/kaa-hub is stale: run 'bash scripts/commands-doc.sh'")
    }

    /// What bash offers after sourcing `file` and completing `words` (the last one being typed).
    func complete(_ file: String, _ function: String, _ words: [String]) throws -> Set<String> {
        let script = #"source "$1" || exit 9; f=$2; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); "$f"; printf '%s\n' "${COMPREPLY[@]}""#
        let result = try runProcess("/bin/bash", ["--norc", "--noprofile", "-c", script, "bash", file, function] + words, environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.exitCode == 0 && result.stderr.isEmpty, "\(words): \(result)")
        return Set(result.stdout.split(separator: "\n").map(String.init))
    }

    @Test func bashCompletesCommandsSubcommandsAndOptions() throws {
        #expect(try complete(committedKaa, "_kaa", ["kaa", "sta"]) == ["staff", "stats"])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "staff", ""]) == ["add", "list", "disable", "rename", "reset"])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "--db", "x.sqlite", "staff", "d"]) == ["disable"])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "staff", "add", "--r"]) == ["--role"])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "--v"]) == ["--version"])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "help", "sy"]) == ["sync"])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "staff", "add", "--login", ""]).isEmpty)
        #expect(try complete(committedKaa, "_kaa", ["kaa", "nosuch", ""]).isEmpty)
        #expect(try complete(committedKaa, "_kaa", ["kaa", "staff", "nosuch", ""]).isEmpty)
        #expect(try complete(committedHub, "_kaa_hub", ["kaa-hub", "si"]) == ["site"])
        #expect(try complete(committedHub, "_kaa_hub", ["kaa-hub", "site", ""]) == ["add", "rotate", "revoke", "list"])
        #expect(try complete(committedHub, "_kaa_hub", ["kaa-hub", "--"]).isSuperset(of: ["--db", "--config", "--help", "--version"]))
    }

    @Test func bashCompletesFilesForPaths() throws {
        let directory = TemporaryDirectory()
        try Data().write(to: URL(fileURLWithPath: directory.file("register.sqlite")))
        let prefix = directory.file("reg")
        #expect(try complete(committedKaa, "_kaa", ["kaa", "--db", prefix]) == [directory.file("register.sqlite")])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "backup", prefix]) == [directory.file("register.sqlite")])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "web", "--tls-cert", prefix]) == [directory.file("register.sqlite")])
        #expect(try complete(committedKaa, "_kaa", ["kaa", "web", "--listen", prefix]).isEmpty)
        #expect(try complete(committedHub, "_kaa_hub", ["kaa-hub", "--config", prefix]) == [directory.file("register.sqlite")])
    }
}
