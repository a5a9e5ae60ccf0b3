import Foundation
@testable import KAACLI
import KAARegister
import KAACore
import KAATestSupport
import Testing

@Suite struct HelpAndUsageTests {
    let fixture = CLIFixture(initialise: false)

    @Test(arguments: [["--help"], ["-h"], ["help"], ["help", "register"], ["register", "--help"], ["contact", "add", "-h"],
                      ["help", "contact", "add"], ["contact", "--help"], ["stats", "--help"]])
    func helpGoesToStdoutWithExitZero(_ arguments: [String]) {
        let result = fixture.kaa.runRaw(arguments)
        expectExit(result, 0)
        #expect(result.stdout.contains("USAGE: kaa"))
        #expect(result.stderr.isEmpty)
    }

    @Test func helpOfASubcommandIsTheSameEveryWay() {
        let a = fixture.kaa.runRaw(["help", "measure", "add"]).stdout
        let b = fixture.kaa.runRaw(["measure", "add", "--help"]).stdout
        let c = fixture.kaa.runRaw(["measure", "add", "-h"]).stdout
        #expect(a == b && b == c)
        #expect(a.contains("--offered"))
    }

    @Test(arguments: [
        (["nosuchcommand"], "unknown command 'nosuchcommand'"),
        ([], "no command given"),
        (["contact"], "'contact' needs a subcommand"),
        (["contact", "fly"], "unknown subcommand 'fly' of 'contact'"),
        (["register", anna, "--date", "2026-01-01", "--reason", "OKAND", "--bogus"], "unknown option '--bogus'"),
        (["register", anna, "--reason", "OKAND"], "missing required option '--date'"),
        (["register", "--date", "2026-01-01", "--reason", "OKAND"], "missing expected argument 'PNR'"),
        (["register", anna, "extra", "--date", "2026-01-01", "--reason", "OKAND"], "unexpected argument 'extra'"),
        (["register", anna, "--date"], "missing value for '--date'"),
        (["register", anna, "--date", "2026-01-01", "--date", "2026-01-02", "--reason", "OKAND"], "'--date' given more than once"),
        (["--nope", "list"], "unknown option '--nope'"),
        (["--db"], "missing value for '--db'"),
        (["list", "--all", "--date", "2026-01-01"], "cannot be combined"),
        (["measure", "add", anna, "--type", "SYV", "--offered", "2026-01-01", "--accepted", "--declined"], "cannot be combined"),
    ])
    func usageErrorsExit64WithUsageOnStderr(_ arguments: [String], _ message: String) {
        let result = fixture.kaa.run(arguments)
        expectExit(result, 64)
        #expect(result.stderr.hasPrefix("Error: "), "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stderr.contains("Usage: kaa"))
        #expect(result.stderr.contains("--help' for more information."))
        #expect(result.stdout.isEmpty)
    }

    @Test func everyCommandHasHelp() {
        let root = fixture.kaa.runRaw(["--help"]).stdout
        for path in ["init", "personnummer", "register", "contact add", "contact correct", "contact remove", "occupation set",
                     "measure add", "measure end", "measure correct", "deregister", "show", "list", "worklist", "stats",
                     "audit", "backup", "episode correct", "episode remove", "person update", "codes"] {
            #expect(root.contains("  \(path) "), "root help lists \(path)")
            let help = fixture.kaa.runRaw(["help"] + path.split(separator: " ").map(String.init))
            expectExit(help, 0)
            #expect(help.stdout.contains("USAGE: kaa \(path)"))
        }
    }
}

@Suite struct PersonnummerCommandTests {
    let kaa = CLIFixture(initialise: false).kaa

    // All official test numbers; 100102+9816 is someone born in 1910.
    @Test func printsOneLinePerValidNumber() {
        let result = kaa.run(["personnummer", "20080101-2386", "0801012394", "100102+9816"])
        expectExit(result, 0)
        #expect(result.stdout == """
            200801012386\tK\t2008-01-01\tpersonnummer
            200801012394\tM\t2008-01-01\tpersonnummer
            191001029816\tM\t1910-01-02\tpersonnummer

            """)
    }

    // 200801012387 is the official test number 200801012386 with a wrong check digit: invalid on purpose.
    @Test func namesEachInvalidNumberAndExits65() {
        let result = kaa.run(["personnummer", "200801012386", "200801012387", "20000101-T220", "nonsense"])
        expectExit(result, 65)
        #expect(result.stdout == "200801012386\tK\t2008-01-01\tpersonnummer\n")
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 3)
        #expect(errors[0].hasPrefix("Error: ") && errors[0].contains("200801012387"))
        #expect(errors[1].contains("20000101-T220") && errors[1].contains("interimsnummer"))
        #expect(errors[2].contains("nonsense"))
    }

    // The official test number 200801012386 with 60 added to its day and the check digit recomputed
    // (the test list holds no samordningsnummer); made here, never stored.
    @Test func reportsSamordningsnummer() {
        let number = "20" + withCheckDigit("080161238")
        let result = kaa.run(["personnummer", number])
        expectExit(result, 0)
        #expect(result.stdout == "\(number)\tK\t2008-01-01\tsamordningsnummer\n")
    }
}

@Suite struct InitAndOpenTests {
    @Test func initCreatesTheRegisterOnce() {
        let fixture = CLIFixture(initialise: false)
        let first = fixture.kaa.run(["init", "--kommun", "0381"])
        expectExit(first, 0)
        #expect(first.stdout.contains("Enköping"))
        let second = fixture.kaa.run(["init", "--kommun", "0381"])
        expectExit(second, 1)
        #expect(second.stderr.contains("finns redan"))
    }

    @Test(arguments: ["9999", "381", "abcd", ""])
    func initRefusesAnUnknownKommun(_ code: String) {
        let fixture = CLIFixture(initialise: false)
        let result = fixture.kaa.run(["init", "--kommun", code])
        expectExit(result, 65)
        #expect(result.stderr.contains("--kommun"))
        #expect(!FileManager.default.fileExists(atPath: fixture.kaa.databasePath))
    }

    @Test func commandsOnAMissingRegisterSayWhatToDo() {
        let fixture = CLIFixture(initialise: false)
        let result = fixture.kaa.run(["list"])
        expectExit(result, 1)
        #expect(result.stderr.contains("kaa init"))
    }

    @Test func theDatabaseComesFromKAA_DBWhenNoOptionIsGiven() {
        let fixture = CLIFixture(initialise: false)
        let runner = KAARunner(databasePath: "unused", environment: ["KAA_DB": fixture.directory.file("env.sqlite")])
        expectExit(runner.runRaw(["init", "--kommun", "0380"]), 0)
        #expect(FileManager.default.fileExists(atPath: fixture.directory.file("env.sqlite")))
    }

    @Test func KAA_TODAYSetsTheDateAndSaysSo() {
        let fixture = CLIFixture()
        let output = CapturedOutput(), errors = CapturedOutput()
        let context = CommandContext(output: output, errorOutput: errors, environment: ["KAA_TODAY": "2026-03-01"], staff: "t")
        let code = KAACommandLine.main(arguments: ["--db", fixture.kaa.databasePath, "register", anna, "--date", "2026-03-02", "--reason", "OKAND"], context: context)
        #expect(code == 65, "2026-03-02 is after KAA_TODAY")
        #expect(errors.text.contains("KAA_TODAY=2026-03-01"))

        let badErrors = CapturedOutput()
        let bad = CommandContext(output: CapturedOutput(), errorOutput: badErrors, environment: ["KAA_TODAY": "tomorrow"], staff: "t")
        #expect(KAACommandLine.main(arguments: ["--db", fixture.kaa.databasePath, "list"], context: bad) == 64)
        #expect(badErrors.text.contains("KAA_TODAY"))
    }

    @Test func aConfigurationFileIsValidatedKeyByKey() throws {
        let fixture = CLIFixture()
        let path = fixture.directory.file("kaa.json")
        for (json, message) in [("{\"timeZone\": \"Mars/Olympus\"}", "timeZone"), ("{\"auditRetentionMonths\": 0}", "auditRetentionMonths"),
                                ("{\"colour\": 1}", "colour"), ("[1]", "JSON-objekt"), ("{", "JSON")] {
            try Data(json.utf8).write(to: URL(fileURLWithPath: path))
            let result = fixture.kaa.run(["--config", path, "list"])
            expectExit(result, 65)
            #expect(result.stderr.contains(message), "\(json): \(result)")
        }
        try Data("{\"timeZone\": \"Europe/Stockholm\", \"noContactDays\": 10}".utf8).write(to: URL(fileURLWithPath: path))
        expectExit(fixture.kaa.run(["--config", path, "list"]), 0)
        expectExit(fixture.kaa.run(["--config", fixture.directory.file("missing.json"), "list"]), 65)
    }

    @Test func aRegisterNewerThanTheProgramIsRefused() throws {
        let fixture = CLIFixture()
        let db = try KAASQLiteAccess.open(fixture.kaa.databasePath)
        try db.execute("INSERT INTO schema_migration (version, name, applied_at) VALUES (999, 'future', 'x')")
        let result = fixture.kaa.run(["list"])
        expectExit(result, 1)
        #expect(result.stderr.contains("999"))
    }
}

@Suite struct ReferenceDocumentTests {
    @Test func docsCommandsMdIsTheCommandsOwnHelp() throws {
        let generated = CLIFixture(initialise: false).kaa.runRaw(["help", "--reference"])
        expectExit(generated, 0)
        let path = TestPeople.packageRoot + "/docs/commands.md"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(committed == generated.stdout, "docs/commands.md is stale: run 'swift run kaa help --reference > docs/commands.md'")
    }
}

@Suite struct ExampleConfigurationTests {
    @Test func theExampleRegisterConfigurationIsValidAndHoldsTheDefaults() throws {
        let configuration = try RegisterConfiguration.load(path: TestPeople.packageRoot + "/config/kaa.example.json")
        #expect(configuration == RegisterConfiguration())
    }

    @Test func theExampleCodeMappingIsAccepted() throws {
        let mapping = try ImportHistoryCommand.loadMapping(TestPeople.packageRoot + "/config/code-mapping.example.json")
        #expect(mapping.code("Tel", in: .contactChannel) == "TELEFON")
        #expect(mapping.code("sms", in: .contactChannel) == "SMS")
    }
}
