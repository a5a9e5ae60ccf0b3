import Foundation
@testable import KAAKommunCLI
@testable import KAAHubCLI
import KAACLIKit
import KAACore
import KAAHTTPServer
import KAAHub
import KAARegister
import KAATestFixtures
import KAACLITestKit
import Testing

/// Runs `kaa-hub` in-process.
/// The built executables, next to the test bundle.
func executable(_ name: String) -> String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return TestPeople.packageRoot + "/.build/debug/" + name
}

@Suite(.serialized) struct SyncCommandTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    func hubServer() throws -> (HTTPServer, String) {
        let hub = try Hub(path: fixture.directory.file("hub.sqlite"))
        let token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        try writeTokenFile(token, to: fixture.directory.file("token"))
        return (try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: hub)), token)
    }

    @Test func syncsWithATokenFileAndSaysWhatItSent() throws {
        let (server, _) = try hubServer()
        expectExit(kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND"]), 0)
        let result = kaa.run(["sync", "--hub", server.baseURL, "--token-file", fixture.directory.file("token")])
        expectExit(result, 0)
        #expect(result.stdout.contains("skickade batch 1"))
        #expect(result.stderr.contains("event=uploaded"))
        #expect(result.stderr.range(of: #"event=sealed .* seconds=[0-9]+\.[0-9]{3}"#, options: .regularExpression) != nil, "how long sealing took: \(result.stderr)")
        #expect(!result.stderr.contains(anna) && !result.stdout.contains(anna))
        let quiet = kaa.run(["sync", "--hub", server.baseURL, "--token-file", fixture.directory.file("token")])
        #expect(quiet.stdout.contains("inget nytt"))
        let hubCells = runHub(["cells", "--exact", "--json"], database: fixture.directory.file("hub.sqlite"))
        #expect(hubCells.stdout.contains("\"table\" : \"in_kaa\""))
    }

    @Test func readsHubAndTokenFromTheConfigFileAndTheTokenFromTheEnvironment() throws {
        let (server, token) = try hubServer()
        expectExit(kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND"]), 0)
        let config = fixture.directory.file("kaa.json")
        try Data("{\"hub\": \"\(server.baseURL)\", \"tokenFile\": \"\(fixture.directory.file("token"))\", \"deadlineSeconds\": 30}".utf8)
            .write(to: URL(fileURLWithPath: config))
        expectExit(kaa.run(["sync", "--config", config]), 0)
        var withEnvironment = kaa
        withEnvironment.environment = ["KAA_SYNC_TOKEN": token]
        expectExit(withEnvironment.run(["sync", "--hub", server.baseURL]), 0)
    }

    @Test(arguments: [
        (["sync", "--token-file", "x"], 64, "ingen hubb"),
        (["sync", "--hub", "http://127.0.0.1:9"], 64, "ingen token"),
        (["sync", "--hub", "ftp://hub", "--token-file", "x"], 65, "https://"),
        (["sync", "--hub", "http://127.0.0.1:9", "--token-file", "/no/such/token"], 65, "kan inte läsa"),
        (["sync", "--hub", "http://127.0.0.1:9", "--token-file", "TOKEN", "--deadline", "soon"], 65, "--deadline"),
    ])
    func refusesBadArguments(_ arguments: [String], _ code: Int32, _ message: String) throws {
        try writeTokenFile("kaa_x", to: fixture.directory.file("token"))
        let result = kaa.run(arguments.map { $0 == "TOKEN" ? fixture.directory.file("token") : $0 })
        expectExit(result, code)
        #expect(result.stderr.contains(message), "\(result)")
    }

    @Test func anUnreachableHubExits75AndAWrongTokenExits65() throws {
        try writeTokenFile("kaa_wrong", to: fixture.directory.file("wrong"))
        expectExit(kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND"]), 0)
        let down = kaa.run(["sync", "--hub", "http://127.0.0.1:9", "--token-file", fixture.directory.file("wrong"), "--deadline", "1"])
        expectExit(down, 75)
        #expect(down.stderr.contains("utkorgen"))
        let (server, _) = try hubServer()
        let refused = kaa.run(["sync", "--hub", server.baseURL, "--token-file", fixture.directory.file("wrong")])
        expectExit(refused, 65)
        #expect(refused.stderr.contains("token"))
        expectExit(kaa.run(["sync", "--hub", server.baseURL, "--token-file", fixture.directory.file("token")]), 0)
    }

    /// `kaa backup --help` promises that a restored register is noticed: restored from last
    /// night's copy (the hub one batch ahead), the next sync starts a new generation instead of
    /// sealing on a seq the hub already holds with another body (which the hub refuses with 422).
    @Test func aRegisterRestoredFromKaaBackupSyncsWithANewGeneration() throws {
        let (server, _) = try hubServer()
        let sync = ["sync", "--hub", server.baseURL, "--token-file", fixture.directory.file("token")]
        expectExit(kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND"]), 0)
        expectExit(kaa.run(sync), 0)
        let backup = fixture.directory.file("backup.sqlite")
        expectExit(kaa.run(["backup", backup]), 0)
        expectExit(kaa.run(["register", bertil, "--date", "2026-11-02", "--reason", "OKAND"]), 0)
        expectExit(kaa.run(sync), 0)
        // The restore: the backup file replaces the register.
        let path = kaa.databasePath
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: path)
        expectExit(kaa.run(["register", cecilia, "--date", "2026-11-03", "--reason", "OKAND"]), 0)
        let restored = kaa.run(sync)
        expectExit(restored, 0)
        #expect(restored.stdout.contains("Ny generation"), "\(restored)")
        let register = try Register.open(at: path, clock: FixedDateClock(today: TestDates.today), staff: "test")
        let hub = try Hub(path: fixture.directory.file("hub.sqlite"))
        let registerCells = Set(try register.allCells().filter { $0.n > 0 })
        #expect(!registerCells.isEmpty)
        #expect(Set(try hub.exactCells(kommun: "0380").map(\.cell)) == registerCells, "the hub holds the restored register's cells")
        #expect(try hub.sites().first?.generation == (try register.syncStatus().generation))
    }

    /// A period that froze since the register was last opened is computed for the dry run, not
    /// stored, and no audit row is written: the dry run writes nothing at all.
    @Test func aDryRunWritesNothingEvenWhenPeriodsAreDueToFreeze() throws {
        let early = CLIFixture(today: TestDates.date("2025-03-03"))
        expectExit(early.kaa.run(["register", anna, "--date", "2025-03-03", "--reason", "OKAND"]), 0)
        let later = early.on("2026-11-23")
        let before = try DatabaseDump.dump(later.databasePath)
        let result = later.run(["sync", "--dry-run"])
        expectExit(result, 0)
        #expect(result.stdout.contains("2025-03") && result.stdout.contains("2025-H1"), "the frozen periods are shown: \(result)")
        #expect(try DatabaseDump.dump(later.databasePath) == before, "no frozen cell, no audit row")
        expectExit(later.run(["sync", "--dry-run"]), 0)
        #expect(try DatabaseDump.dump(later.databasePath) == before)
    }

    @Test func aDryRunShowsEveryCellAndChangesNothing() throws {
        expectExit(kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND"]), 0)
        let before = try DatabaseDump.dump(kaa.databasePath, excluding: ["audit_log"])
        let result = kaa.run(["sync", "--dry-run"])
        expectExit(result, 0)
        #expect(result.stdout.contains("Provkörning"))
        #expect(result.stdout.contains("in_kaa_reason") && result.stdout.contains("reason=OKAND"))
        #expect(!result.stdout.contains(anna) && !result.stdout.contains("2008-01-01"))
        #expect(try DatabaseDump.dump(kaa.databasePath, excluding: ["audit_log"]) == before)
    }
}

@Suite struct HubCommandTests {
    let directory = TemporaryDirectory()
    var database: String { directory.file("hub.sqlite") }

    @Test func sitesAreAddedRotatedRevokedAndListed() {
        expectExit(runHub(["init"], database: database), 0)
        let added = runHub(["site", "add", "0380"], database: database)
        expectExit(added, 0)
        #expect(added.stdout.split(separator: "\n").count == 1 && added.stdout.hasPrefix("kaa_"), "the token is the only line")
        expectExit(runHub(["site", "add", "0380"], database: database), 65)
        expectExit(runHub(["site", "add", "9999"], database: database), 65)
        let rotated = runHub(["site", "rotate", "0380"], database: database)
        expectExit(rotated, 0)
        #expect(rotated.stdout != added.stdout)
        expectExit(runHub(["site", "revoke", "0380"], database: database), 0)
        expectExit(runHub(["site", "revoke", "0381"], database: database), 65)
        let list = runHub(["site", "list"], database: database)
        #expect(list.stdout.contains("Uppsala [spärrad]"))
        #expect(runHub(["site", "list", "--json"], database: database).stdout.contains("\"revoked\" : true"))
        expectExit(runHub(["cells"], database: database), 64)
        expectExit(runHub(["cells", "--exact", "--period", "2026-13"], database: database), 65)
        expectExit(runHub(["--help"], database: database), 0)
        expectExit(runHub(["nonsense"], database: database), 64)
    }

    @Test(arguments: [["site", "add", "0380"], ["site", "rotate", "0380"], ["site", "revoke", "0380"], ["site", "list"],
                      ["cells", "--exact"], ["region", "--exact", "--period", "2026-11"]])
    func noAdminCommandCreatesAHubDatabase(_ arguments: [String]) {
        let result = runHub(arguments, database: database)
        expectExit(result, 65)
        #expect(result.stderr.contains("finns inte") && result.stderr.contains("kaa-hub init"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: database))
        #expect(!FileManager.default.fileExists(atPath: "kaa-hub.sqlite"), "nothing is made in the working directory either")
    }

    /// `--db` > `KAA_HUB_DB` > the configuration's `db`, for every hub command.
    @Test func everyHubCommandFindsTheDatabaseByTheSameRule() throws {
        let configured = directory.file("configured.sqlite"), fromEnvironment = directory.file("environment.sqlite"), given = directory.file("given.sqlite")
        let config = directory.file("hub.json")
        try Data("{\"db\": \"\(configured)\"}".utf8).write(to: URL(fileURLWithPath: config))
        expectExit(runHub(["--config", config, "init"]), 0)
        #expect(FileManager.default.fileExists(atPath: configured))
        let token = runHub(["--config", config, "site", "add", "0380"])
        expectExit(token, 0)
        let hub = try Hub(path: configured)
        #expect(try hub.sites().map(\.kommun) == ["0380"], "the token was minted in the configured hub")
        expectExit(runHub(["--config", config, "site", "rotate", "0380"]), 0)
        #expect(runHub(["--config", config, "site", "list"]).stdout.contains("0380"))
        #expect(runHub(["--config", config, "cells", "--exact"]).exitCode == 0)
        #expect(runHub(["--config", config, "region", "--exact", "--period", "2026-11"]).stdout.contains("Uppsala"))

        let environment = ["KAA_HUB_DB": fromEnvironment, "KAA_HUB_CONFIG": config]
        expectExit(runHub(["init"], environment: environment), 0)
        #expect(FileManager.default.fileExists(atPath: fromEnvironment), "KAA_HUB_DB wins over the configuration")
        expectExit(runHub(["init"], database: given, environment: environment), 0)
        #expect(FileManager.default.fileExists(atPath: given), "--db wins over KAA_HUB_DB")
        #expect(runHub(["site", "list"], database: given, environment: environment).stdout.contains("0380") == false)
    }

    @Test func serveListensPrintsItsAddressAndStopsOnSIGTERM() throws {
        try serve(["--db", database, "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
        #expect(FileManager.default.fileExists(atPath: database), "serve creates the database it is given")
    }

    @Test func serveUsesDbOverTheConfiguration() throws {
        let configured = directory.file("configured.sqlite")
        let config = directory.file("hub.json")
        try Data("{\"db\": \"\(configured)\", \"listen\": \"127.0.0.1:0\", \"metricsListen\": \"127.0.0.1:0\"}".utf8).write(to: URL(fileURLWithPath: config))
        try serve(["--db", database, "--config", config, "serve"])
        #expect(FileManager.default.fileExists(atPath: database))
        #expect(!FileManager.default.fileExists(atPath: configured), "--db wins over the configuration's db")
    }

    /// Starts the built `kaa-hub` with `arguments`, checks it answers /healthz and stops on SIGTERM with exit 0.
    func serve(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable("kaa-hub"))
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += String(decoding: byte, as: UTF8.self)
        }
        #expect(line.hasPrefix("listening on 127.0.0.1:"))
        let port = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").last.map(String.init) ?? ""
        let health = try KAACurlAccess.get("http://127.0.0.1:\(port)/healthz")
        #expect(health == 200)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}

@Suite struct ExampleSyncConfigurationTests {
    @Test func theExampleFilesCarryEveryKeyTheProgramsRead() throws {
        let settings = try SyncSettings.load(TestPeople.packageRoot + "/config/kaa.example.json")
        #expect(settings.hub?.hasPrefix("https://") == true && settings.tokenFile != nil && settings.caFile != nil && settings.deadlineSeconds == 600)
        let context = HubContext(console: Console(output: CapturedOutput(), errorOutput: CapturedOutput(), environment: [:], user: "t"))
        context.configurationPath = TestPeople.packageRoot + "/config/hub.example.json"
        let hub = try context.settings()
        #expect(hub.listen == "0.0.0.0:8443" && hub.maxBodyBytes == 4 << 20 && hub.tlsCert != nil)
        #expect(hub.noiseMaximum == 2 && hub.noiseVariance == 1)
        #expect(hub.threads == HubSettings().threads, "the example shows the default")
        let defaults = HubSettings()
        #expect(hub.maxCellCount == defaults.maxCellCount && hub.perIPConnectionLimit == defaults.perIPConnectionLimit
            && hub.headerTimeoutSeconds == defaults.headerTimeoutSeconds && hub.maxBufferedBodyBytes == defaults.maxBufferedBodyBytes,
            "the example shows the defaults of the hub's limits")
        #expect(try context.databasePath() == "/var/lib/kaa-hub/hub.sqlite")
    }

    @Test func aBadHubConfigurationNamesTheKey() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.json")
        try Data("{\"threads\": 0}".utf8).write(to: URL(fileURLWithPath: path))
        let result = runHub(["--config", path, "serve", "--listen", "127.0.0.1:0"], database: directory.file("h.sqlite"))
        expectExit(result, 65)
        #expect(result.stderr.contains("threads"))
        try Data("{\"colour\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(runHub(["--config", path, "serve"], database: directory.file("h.sqlite")).stderr.contains("colour"))
        try Data("{\"noiseMaximum\": 1, \"noiseVariance\": 3}".utf8).write(to: URL(fileURLWithPath: path))
        let impossible = runHub(["--config", path, "serve"], database: directory.file("h.sqlite"))
        expectExit(impossible, 65)
        #expect(impossible.stderr.contains("noiseVariance"))
    }
}

@Suite(.serialized) struct CompareCommandTests {
    @Test func comparesTheKommunWithTheRegionAfterASync() throws {
        let fixture = CLIFixture()
        let hub = try Hub(path: fixture.directory.file("hub.sqlite"))
        let token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        try writeTokenFile(token, to: fixture.directory.file("token"))
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: hub))
        for index in 0..<12 {
            expectExit(fixture.kaa.run(["register", TestPeople.person(born: 2008, index).digits, "--date", "2026-11-02", "--reason", "OKAND"]), 0)
        }
        let before = fixture.kaa.run(["compare", "--period", "2026-11"])
        expectExit(before, 65)
        #expect(before.stderr.contains("kaa sync"))
        expectExit(fixture.kaa.run(["sync", "--hub", server.baseURL, "--token-file", fixture.directory.file("token")]), 0)
        let result = fixture.kaa.run(["compare", "--period", "2026-11"])
        expectExit(result, 0)
        #expect(result.stdout.contains("I aktivitetsansvaret") && result.stdout.contains("REGIONEN (SKYDDAT)"))
        #expect(result.stdout.contains("1 av 1 kommuner"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["compare", "--period", "2026-11", "--json"]).utf8)) as? [String: Any])
        let first = try #require((json["lines"] as? [[String: Any]])?.first)
        #expect(first["kommun"] as? Double == 12)
        let published = try #require(first["region"] as? Double)
        #expect(abs(published - 12) <= 2, "protected: within D of the exact count")
        expectExit(fixture.kaa.run(["compare", "--period", "2026-14"]), 65)
    }
}

@Suite struct JSONScalarTests {
    @Test func tellsBooleansFromZeroAndOne() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(#"{"t": true, "f": false, "one": 1, "zero": 0, "x": 1.5}"#.utf8)) as? [String: Any])
        #expect(JSONScalar.isBoolean(object["t"] as Any) && JSONScalar.isBoolean(object["f"] as Any))
        #expect(!JSONScalar.isBoolean(object["one"] as Any) && !JSONScalar.isBoolean(object["zero"] as Any) && !JSONScalar.isBoolean(object["x"] as Any))
    }

    @Test func aConfigurationMayUseTheNumberOne() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("kaa.json")
        try Data(#"{"auditRetentionMonths": 1, "retentionMonths": true}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: RegisterError.self) { try RegisterConfiguration.load(path: path) }
        try Data(#"{"auditRetentionMonths": 1}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(try RegisterConfiguration.load(path: path).auditRetentionMonths == 1)
    }
}
