import Foundation
@testable import KAAKommunCLI
@testable import KAAHubCLI
import KAACLIKit
import KAAOIDC
import KAARegister
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

@Suite struct HelpAndUsageTests {
    let fixture = CLIFixture(initialise: false)

    @Test(arguments: [["--help"], ["-h"], ["help"], ["help", "register"], ["register", "--help"], ["contact", "add", "-h"],
                      ["help", "contact", "add"], ["contact", "--help"], ["stats", "--help"]])
    func helpGoesToStdoutWithExitZero(_ arguments: [String]) {
        let result = fixture.kaa.runRaw(arguments)
        expectExit(result, 0)
        #expect(result.stdout.contains("ANVÄNDNING: kaa"))
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
        (["nosuchcommand"], "okänt kommando 'nosuchcommand'"),
        ([], "inget kommando angavs"),
        (["contact"], "'contact' behöver ett underkommando"),
        (["contact", "fly"], "okänt underkommando 'fly' till 'contact'"),
        (["register", anna, "--date", "2026-01-01", "--reason", "OKAND", "--bogus"], "okänt alternativ '--bogus'"),
        (["register", anna, "--reason", "OKAND"], "alternativet '--date' krävs"),
        (["register", "--date", "2026-01-01", "--reason", "OKAND"], "argumentet PNR saknas"),
        (["register", anna, "extra", "--date", "2026-01-01", "--reason", "OKAND"], "oväntat argument 'extra'"),
        (["register", anna, "--date"], "värde saknas för '--date'"),
        (["register", anna, "--date", "2026-01-01", "--date", "2026-01-02", "--reason", "OKAND"], "'--date' angavs mer än en gång"),
        (["--nope", "list"], "okänt alternativ '--nope'"),
        (["--db"], "värde saknas för '--db'"),
        (["list", "--all", "--date", "2026-01-01"], "kan inte kombineras"),
        (["measure", "add", anna, "--type", "SYV", "--offered", "2026-01-01", "--accepted", "--declined"], "kan inte kombineras"),
    ])
    func usageErrorsExit64WithUsageOnStderr(_ arguments: [String], _ message: String) {
        let result = fixture.kaa.run(arguments)
        expectExit(result, 64)
        #expect(result.stderr.hasPrefix("Fel: "), "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        #expect(result.stderr.contains("Användning: kaa"))
        #expect(result.stderr.contains("--help' för mer information."))
        #expect(result.stdout.isEmpty)
    }

    @Test func everyCommandHasHelp() {
        let root = fixture.kaa.runRaw(["--help"]).stdout
        for path in KAACommandLine.tool.commands.map({ $0.spec.path }) {
            #expect(root.contains("  \(path) "), "root help lists \(path)")
            let help = fixture.kaa.runRaw(["help"] + path.split(separator: " ").map(String.init))
            expectExit(help, 0)
            #expect(help.stdout.contains("ANVÄNDNING: kaa \(path)"))
        }
        let hubRoot = runHub(["--help"]).stdout
        for path in KAAHubCommandLine.tool.commands.map({ $0.spec.path }) {
            #expect(hubRoot.contains("  \(path) "), "kaa-hub's help lists \(path)")
            let help = runHub(["help"] + path.split(separator: " ").map(String.init))
            expectExit(help, 0)
            #expect(help.stdout.contains("ANVÄNDNING: kaa-hub \(path)"))
        }
    }

    @Test func usageLinesNameTheRequiredOptions() {
        let result = fixture.kaa.run(["contact", "add", anna])
        expectExit(result, 64)
        #expect(result.stderr.contains("Användning: kaa contact add PNR --date <datum> --channel <kod> [<alternativ>]"), "\(result)")
        #expect(fixture.kaa.runRaw(["help", "init"]).stdout.contains("ANVÄNDNING: kaa init --kommun <kod>\n"))
    }

    /// Flags that contradict each other are refused, never silently resolved one way (exit 64, nothing written).
    @Test(arguments: [
        ["person", "update", anna, "--protected", "--not-protected"],
        ["contact", "correct", "1", "--reached", "--not-reached"],
        ["contact", "correct", "1", "--occupation", "ARBETE", "--no-occupation"],
        ["measure", "correct", "1", "--accepted", "--undecided"],
        ["measure", "correct", "1", "--start", "2026-11-02", "--not-started"],
        ["measure", "correct", "1", "--end", "2026-11-02", "--not-ended"],
        ["episode", "correct", "1", "--reopen", "--deregistered", "2026-11-02"],
        ["show", anna, "--json", "--subject-access", "x.json"],
    ])
    func contradictoryFlagsAreRefused(_ arguments: [String]) throws {
        let fixture = CLIFixture()
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND", "--protected"]), 0)
        expectExit(fixture.kaa.run(["contact", "add", anna, "--date", "2026-11-01", "--channel", "SMS"]), 0)
        expectExit(fixture.kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-11-01"]), 0)
        let before = try DatabaseDump.dump(fixture.kaa.databasePath)
        let result = fixture.kaa.run(arguments)
        expectExit(result, 64)
        #expect(result.stderr.contains("kan inte kombineras"), "\(result)")
        #expect(try DatabaseDump.dump(fixture.kaa.databasePath) == before)
    }

    @Test func hubUsageErrorsAreSwedishToo() {
        let result = runHub(["site", "add"])
        expectExit(result, 64)
        #expect(result.stderr.hasPrefix("Fel: argumentet KOD saknas"), "\(result)")
        #expect(result.stderr.contains("Användning: kaa-hub site add KOD [<alternativ>]"))
        #expect(result.stderr.contains("Se 'kaa-hub site add --help' för mer information."))
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
        #expect(errors[0].hasPrefix("Fel: ") && errors[0].contains("200801012387"))
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
        let context = KommunContext(console: Console(output: output, errorOutput: errors, environment: ["KAA_TODAY": "2026-03-01"], user: "t"))
        let code = KAACommandLine.main(arguments: ["--db", fixture.kaa.databasePath, "register", anna, "--date", "2026-03-02", "--reason", "OKAND"], context: context)
        #expect(code == 65, "2026-03-02 is after KAA_TODAY")
        #expect(errors.text.contains("KAA_TODAY=2026-03-01"))

        let badErrors = CapturedOutput()
        let bad = KommunContext(console: Console(output: CapturedOutput(), errorOutput: badErrors, environment: ["KAA_TODAY": "tomorrow"], user: "t"))
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
        let hub = runHub(["help", "--reference"])
        expectExit(hub, 0)
        let path = TestPeople.packageRoot + "/docs/commands.md"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(committed == generated.stdout + "\n" + hub.stdout, "docs/commands.md is stale: run 'bash scripts/commands-doc.sh'")
    }
}

@Suite struct ExampleConfigurationTests {
    @Test func theExampleRegisterConfigurationIsValidAndHoldsTheDefaults() throws {
        let configuration = try RegisterConfiguration.load(path: TestPeople.packageRoot + "/config/kaa.example.json")
        #expect(configuration == RegisterConfiguration())
    }

    @Test func theExampleOIDCConfigurationIsValid() throws {
        let configuration = try RegisterConfiguration.load(path: TestPeople.packageRoot + "/config/kaa-oidc.example.json")
        let oidc = try #require(configuration.oidc)
        #expect(oidc.issuer == "https://login.microsoftonline.com/TENANT-ID/v2.0" && oidc.roleClaim == "roles" && !oidc.localAccounts)
        #expect(oidc.roles["KAA-Admin"] == "admin" && oidc.redirectOrigin == configuration.webPublicOrigin)
        #expect(configuration.trustedProxies.map(\.description) == ["127.0.0.1/32"])
    }

    @Test func theExampleCodeMappingIsAccepted() throws {
        let mapping = try ImportHistoryCommand.loadMapping(TestPeople.packageRoot + "/config/code-mapping.example.json")
        #expect(mapping.code("Tel", in: .contactChannel) == "TELEFON")
        #expect(mapping.code("sms", in: .contactChannel) == "SMS")
    }
}
