import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// Issue 14: an empty or truncated folkbokföring extract must not de-register the people missing from it.
@Suite struct DepartureGuardTests {
    let fixture = IdentifyFixture()

    func people(_ count: Int) -> [String] { (0..<count).map { TestPeople.person(born: 2008, $0).digits } }

    func open() throws -> Int { try fixture.episodes().filter { $0.deregistered_on == nil }.count }

    func identify(_ date: String, _ rows: [String], extra: [String] = []) throws -> KAAResult {
        try CSVFixture.write(fixture.file("fb-\(date).csv"), header: CSVFixture.folkbokforingHeader, rows: rows.map { CSVFixture.person($0) })
        return fixture.kaa.run(["identify", "--date", date, "--folkbokforing", fixture.file("fb-\(date).csv")] + extra)
    }

    @Test func aHeaderOnlyExtractIsRefusedAlwaysAndChangesNothing() throws {
        let all = people(30)
        expectExit(try identify("2026-11-02", all), 0)
        #expect(try open() == 30)
        for extra in [[], ["--accept-departures"], ["--dry-run"]] {
            let result = try identify("2026-11-09", [], extra: extra)
            expectExit(result, 65)
            #expect(result.stderr.contains("inga datarader"), "\(extra): \(result)")
        }
        #expect(try open() == 30)
    }

    @Test func aTruncatedExtractIsRefusedWithTheNumbersUnlessDeparturesAreAccepted() throws {
        let all = people(40)
        expectExit(try identify("2026-11-02", all), 0)
        // The first 40 % of the file: 24 of 40 open episodes would end for being absent.
        let truncated = Array(all.prefix(16))
        let refused = try identify("2026-11-09", truncated)
        expectExit(refused, 65)
        #expect(refused.stderr.contains("24 av 40") && refused.stderr.contains("--accept-departures"), "\(refused)")
        #expect(try open() == 40)
        expectExit(try identify("2026-11-09", truncated, extra: ["--dry-run"]), 65)
        let accepted = try identify("2026-11-09", truncated, extra: ["--accept-departures"])
        expectExit(accepted, 0)
        #expect(try open() == 16)
    }

    @Test func aSmallKommunWhereTwoOfEightMoveIsNotStopped() throws {
        let all = people(8)
        expectExit(try identify("2026-11-02", all), 0)
        expectExit(try identify("2026-11-09", Array(all.prefix(6))), 0)
        #expect(try open() == 6)
    }

    @Test func manyDeparturesThatAreASmallShareAreNotStopped() throws {
        let all = people(100)
        expectExit(try identify("2026-11-02", all), 0)
        // 22 leave: more than 20 people, but 22 % of the open episodes.
        expectExit(try identify("2026-11-09", Array(all.prefix(78))), 0)
        #expect(try open() == 78)
    }

    @Test func theLimitsComeFromTheConfiguration() throws {
        let all = people(10)
        expectExit(try identify("2026-11-02", all), 0)
        let config = fixture.file("kaa.json")
        try Data(#"{"departureLimitPercent": 10, "departureLimitCount": 1}"#.utf8).write(to: URL(fileURLWithPath: config))
        let result = fixture.kaa.run(["--config", config, "identify", "--date", "2026-11-09", "--folkbokforing", try {
            try CSVFixture.write(fixture.file("fb-short.csv"), header: CSVFixture.folkbokforingHeader, rows: all.prefix(7).map { CSVFixture.person($0) })
            return fixture.file("fb-short.csv")
        }()])
        expectExit(result, 65)
        #expect(result.stderr.contains("3 av 10"), "\(result)")
    }
}
