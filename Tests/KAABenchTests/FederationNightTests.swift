@testable import kaa_bench
import Foundation
import KAACore
import KAAHub
import KAARegister
import KAATestFixtures
import Testing

/// Case 7's preparation: the national night's batches on a hub per län.
@Suite struct FederationNightTests {
    let clock = FixedDateClock(today: TestDates.today)

    /// The first 27 kommuner by code: Stockholms län's 26 and Håbo (Uppsala län), one person each.
    func nationalNight(_ directory: TemporaryDirectory) throws -> String {
        let national = directory.file("national")
        try NationalNight.prepare(directory: national, hubDatabase: directory.file("hub0.sqlite"), clock: clock, kommuner: 27,
                                  people: { _ in 1 }, progress: { _ in })
        return national
    }

    @Test func eachLänsHubHoldsExactlyItsKommunerWithTheirBatchApplied() throws {
        let directory = TemporaryDirectory()
        let national = try nationalNight(directory)
        let regions = try FederationNight.prepare(national: national, directory: directory.file("federation"), clock: clock)
        let stockholm = Kommuner.inCounty("01").map(\.code)
        #expect(regions.map(\.county) == ["01", "03"])
        #expect(regions.first?.kommuner == stockholm)
        #expect(regions.last?.kommuner == ["0305"])
        let text = try String(contentsOfFile: directory.file("federation/regions.txt"), encoding: .utf8)
        #expect(text == "01 \(stockholm.joined(separator: ","))\n03 0305\n")
        for (county, kommuner) in [("01", stockholm), ("03", ["0305"])] {
            let cells = try Hub(path: directory.file("federation/regions/\(county).sqlite")).exactCells()
            #expect(Set(cells.map(\.kommun)) == Set(kommuner), "län \(county)")
            // One person in KAA per kommun: this month's in_kaa cells of each kommun add up to one.
            for kommun in kommuner {
                let inKAA = cells.filter { $0.kommun == kommun && $0.cell.table == .inKAA && $0.cell.period == Period.month(of: TestDates.today) }
                #expect(inKAA.map(\.cell.n).reduce(0, +) == 1, "\(kommun)")
            }
        }
    }

    @Test func anUnknownKommunInTheManifestIsNamed() throws {
        let directory = TemporaryDirectory()
        let national = try nationalNight(directory)
        let manifest = national + "/manifest.txt"
        let lines = try String(contentsOfFile: manifest, encoding: .utf8)
        try (lines + "9999 0123456789abcdef 1 token\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        var message = ""
        do { _ = try FederationNight.prepare(national: national, directory: directory.file("f"), clock: clock) } catch { message = "\(error)" }
        #expect(message.contains("okänd kommun 9999"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("f/regions.txt")))
    }

    @Test func aMissingOrDamagedBatchFailsNamingTheKommun() throws {
        let directory = TemporaryDirectory()
        let national = try nationalNight(directory)
        try FileManager.default.removeItem(atPath: national + "/batches/0305.json")
        var message = ""
        do { _ = try FederationNight.prepare(national: national, directory: directory.file("a"), clock: clock) } catch { message = "\(error)" }
        #expect(message.contains("0305.json saknas"))

        // A batch whose bytes were changed: the regional hub refuses it (400), and the run says so.
        let body = try Data(contentsOf: URL(fileURLWithPath: national + "/batches/0114.json"))
        try Data(body.prefix(body.count / 2)).write(to: URL(fileURLWithPath: national + "/batches/0305.json"))
        message = ""
        do { _ = try FederationNight.prepare(national: national, directory: directory.file("b"), clock: clock) } catch { message = "\(error)" }
        #expect(message.contains("0305: hubben svarade 400"))
    }

    @Test(arguments: [
        (["federation-prepare", "--dir", "d"], "missing --out"),
        (["federation-prepare", "--out", "o"], "missing --dir"),
        (["federation-prepare", "--dir", "d", "--out", "o", "stray"], "stray argument"),
    ])
    func badArgumentsExit64(_ arguments: [String], _ why: String) {
        #expect(BenchCommandLine.main(arguments: arguments, environment: [:]) == 64, "\(why)")
    }

    @Test func aMissingManifestExits64() {
        let directory = TemporaryDirectory()
        #expect(BenchCommandLine.main(arguments: ["federation-prepare", "--dir", directory.path, "--out", directory.file("o")],
                                      environment: ["KAA_TODAY": "2026-11-23"]) == 64)
    }
}
