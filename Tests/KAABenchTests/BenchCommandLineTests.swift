@testable import kaa_bench
import KAACore
import KAATestFixtures
import Testing

@Suite struct BenchCommandLineTests {
    @Test(arguments: [
        (["national-prepare", "--hub-db", "h.sqlite"], "missing --dir"),
        (["national-prepare", "--dir", "d", "--hub-db", "h.sqlite", "--kommuner", "291"], "too many kommuner"),
        (["national-prepare", "--dir", "d", "--hub-db", "h.sqlite", "--people", "x"], "people not a number"),
        (["national-upload", "--dir"], "option without a value"),
        (["null-server", "--listen", "localhost"], "no port"),
        (["static-server", "--listen", "127.0.0.1:0"], "missing --file"),
        (["frobnicate"], "unknown command"),
        (["national-upload", "stray"], "stray argument"),
    ])
    func badArgumentsExit64(_ arguments: [String], _ why: String) {
        #expect(BenchCommandLine.main(arguments: arguments, environment: [:]) == 64, "\(why)")
    }

    @Test func aBadDateExits64AndAMissingManifestIsNamed() {
        #expect(BenchCommandLine.main(arguments: ["national-upload", "--dir", "d", "--hub", "http://x"], environment: ["KAA_TODAY": "2026-13-01"]) == 64)
        let directory = TemporaryDirectory()
        #expect(BenchCommandLine.main(arguments: ["national-upload", "--dir", directory.path, "--hub", "http://127.0.0.1:1"],
                                      environment: ["KAA_TODAY": "2026-11-23"]) == 64)
    }

    @Test func syntheticNumbersAreValidDistinctAndOfKAAAge() throws {
        let today = try #require(CalendarDate(iso: "2026-11-23"))
        let numbers = try (1...3000).map { try NationalNight.syntheticPersonnummer($0, today: today) }
        #expect(Set(numbers.map(\.digits)).count == numbers.count)
        #expect(numbers.allSatisfy { (17...19).contains($0.birthDate.age(on: today)) })
    }

    @Test func percentilesAreNearestRank() {
        let values = (1...100).map(Double.init)
        #expect(BenchCommandLine.percentile(values, 0.5) == 50)
        #expect(BenchCommandLine.percentile(values, 0.99) == 99)
        #expect(BenchCommandLine.percentile([3], 0.99) == 3)
        #expect(BenchCommandLine.percentile([], 0.5) == 0)
    }
}
