import Foundation
@testable import KAAHubCLI
import KAACLIKit
import KAACLITestKit
import KAAHub
import KAATestFixtures
import Testing

/// The hub's `lan` and `kommuner` (issue #20): the kommuner it accepts, read strictly.
@Suite struct HubScopeSettingsTests {
    func load(_ json: String) throws -> HubSettings {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return try HubSettings.load(path)
    }

    @Test func readsTheLänAndKommunerAndDefaultsToEveryKommun() throws {
        #expect(try load(#"{"lan": ["03", "04", "05", "18", "19"]}"#).scope == HubScope(counties: ["03", "04", "05", "18", "19"], kommuner: []))
        #expect(try load(#"{"lan": ["03"], "kommuner": ["0180", "0480"]}"#).scope == HubScope(counties: ["03"], kommuner: ["0180", "0480"]))
        #expect(try load(#"{"kommuner": ["0180"]}"#).scope == HubScope(counties: [], kommuner: ["0180"]))
        #expect(try load("{}").scope == .everyKommun && HubSettings().scope == .everyKommun)
        let example = try HubSettings.load(TestPeople.packageRoot + "/config/hub.example.json")
        #expect(example.scope == HubScope(counties: ["01"], kommuner: []), "the example's Stockholms län")
    }

    @Test(arguments: [
        (#"{"lan": "03"}"#, "lan"), (#"{"lan": [3]}"#, "lan"), (#"{"lan": [null]}"#, "lan"), (#"{"lan": [["03"]]}"#, "lan"),
        (#"{"lan": {"03": true}}"#, "lan"), (#"{"lan": []}"#, "lan"), (#"{"lan": [""]}"#, "lan"), (#"{"lan": ["3"]}"#, "lan"),
        (#"{"lan": ["003"]}"#, "lan"), (#"{"lan": ["00"]}"#, "lan"), (#"{"lan": ["02"]}"#, "lan"), (#"{"lan": ["99"]}"#, "lan"),
        (#"{"lan": ["03", "03"]}"#, "lan"), (#"{"lan": ["0\u0000"]}"#, "lan"), (#"{"lan": ["٠٣"]}"#, "lan"), (#"{"lan": ["０３"]}"#, "lan"),
        (#"{"lan": ["03\n"]}"#, "lan"), (#"{"lan": ["\u001b[31m"]}"#, "lan"), (#"{"lan": [true]}"#, "lan"),
        (#"{"kommuner": "0380"}"#, "kommuner"), (#"{"kommuner": [380]}"#, "kommuner"), (#"{"kommuner": []}"#, "kommuner"),
        (#"{"kommuner": ["9999"]}"#, "kommuner"), (#"{"kommuner": ["038"]}"#, "kommuner"), (#"{"kommuner": ["0380", "0380"]}"#, "kommuner"),
        (#"{"kommuner": ["03800"]}"#, "kommuner"), (#"{"kommuner": ["0380\u0000"]}"#, "kommuner"),
        (#"{"lan": ["03"], "kommuner": ["0380"]}"#, "kommuner"),
    ])
    func refusesABadValueAndNamesTheKey(_ json: String, _ key: String) throws {
        do {
            _ = try load(json)
            Issue.record("\(json) was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains("\"\(key)\""), "\(message)")
            #expect(!message.contains("\u{0}") && !message.contains("\u{1b}") && !message.dropLast().contains("\n"), "shown escaped: \(message.debugDescription)")
        }
    }

    @Test func theOpenedHubGetsTheScopeAndRefusesAKommunOutsideIt() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.json")
        try Data(#"{"lan": ["03", "04"], "kommuner": ["0180"]}"#.utf8).write(to: URL(fileURLWithPath: path))
        let context = HubContext(console: Console(output: CapturedOutput(), errorOutput: CapturedOutput(), environment: [:], user: "t"))
        context.configurationPath = path
        context.databaseOption = directory.file("hub.sqlite")
        let hub = try context.openHub(create: true)
        #expect(hub.scope == HubScope(counties: ["03", "04"], kommuner: ["0180"]))
        #expect(throws: HubError.self) { try hub.addSite(kommun: "0181", name: nil, actor: "t") }
        #expect(try !hub.addSite(kommun: "0180", name: nil, actor: "t").isEmpty)
    }

    @Test func siteAddOutsideTheScopeExits65NamingTheKommunAndTheLän() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.json")
        try Data(#"{"lan": ["03"]}"#.utf8).write(to: URL(fileURLWithPath: path))
        let database = directory.file("hub.sqlite")
        #expect(runHub(["--config", path, "init"], database: database).exitCode == 0)
        let refused = runHub(["--config", path, "site", "add", "0480"], database: database)
        #expect(refused.exitCode == 65 && refused.stdout.isEmpty, "\(refused.stderr)")
        #expect(refused.stderr.contains("0480") && refused.stderr.contains("län 03"), "\(refused.stderr)")
        let accepted = runHub(["--config", path, "site", "add", "0380"], database: database)
        #expect(accepted.exitCode == 0 && accepted.stdout.hasPrefix("kaa_"))
    }
}
