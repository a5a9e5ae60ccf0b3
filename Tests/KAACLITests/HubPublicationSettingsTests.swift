import Foundation
@testable import KAAHubCLI
import KAACLIKit
import KAACLITestKit
import KAAHub
import KAATestFixtures
import Testing

/// The hub's publication settings of issue #17: `shareMinimumDenominator`, `regionName`, and the
/// noise parameters a full grid of published zeros needs.
@Suite struct HubPublicationSettingsTests {
    func load(_ json: String) throws -> HubSettings {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return try HubSettings.load(path)
    }

    func refusal(_ json: String) -> String? {
        do {
            _ = try load(json)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func theExampleAndTheDefaultsAgree() throws {
        let example = try HubSettings.load(TestPeople.packageRoot + "/config/hub.example.json")
        #expect(example.shareMinimumDenominator == Hub.defaultShareMinimumDenominator && HubSettings().shareMinimumDenominator == 10)
        #expect(example.regionName == "Stockholms län" && HubSettings().regionName == nil)
        #expect(try load(#"{"shareMinimumDenominator": 25, "regionName": "Region Gävleborg"}"#).shareMinimumDenominator == 25)
    }

    @Test func theOpenedHubGetsThePublicationSettings() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.json")
        try Data(#"{"shareMinimumDenominator": 25, "regionName": "Region Gävleborg"}"#.utf8).write(to: URL(fileURLWithPath: path))
        let context = HubContext(console: Console(output: CapturedOutput(), errorOutput: CapturedOutput(), environment: [:], user: "t"))
        context.configurationPath = path
        context.databaseOption = directory.file("hub.sqlite")
        let hub = try context.openHub(create: true)
        #expect(hub.shareMinimumDenominator == 25 && hub.regionName == "Region Gävleborg")
    }

    @Test(arguments: [
        #"{"shareMinimumDenominator": 0}"#, #"{"shareMinimumDenominator": -5}"#, #"{"shareMinimumDenominator": "10"}"#,
        #"{"shareMinimumDenominator": 1e12}"#, #"{"regionName": ""}"#, #"{"regionName": 7}"#,
        #"{"regionName": "Län\nX-Injected: 1"}"#, #"{"regionName": "\u001b[31mröd"}"#,
        "{\"regionName\": \"" + String(repeating: "å", count: 81) + "\"}",
    ])
    func refusesABadValueAndNamesTheKey(_ json: String) throws {
        let message = try #require(refusal(json))
        #expect(message.contains("shareMinimumDenominator") || message.contains("regionName"), "\(message)")
    }

    @Test func refusesNoiseUnderWhichAPublishedValueTellsNoOneFromOneOrTwo() throws {
        let message = try #require(refusal(#"{"noiseMaximum": 1, "noiseVariance": 0.5}"#))
        #expect(message.contains("noiseMaximum") && message.contains("D must be at least 2"), "\(message)")
        #expect(refusal(#"{"noiseMaximum": 3, "noiseVariance": 2}"#) == nil)
    }
}
