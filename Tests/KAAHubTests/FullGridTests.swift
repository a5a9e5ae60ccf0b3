import Foundation
import KAACore
import KAAHTTP
@testable import KAAHub
import KAAProtocol
import KAATestFixtures
import Testing

/// A hub of three kommuner for November 2026: 0380 reports a few cells of several tables, 0381
/// only `in_kaa` (no folkbokföring extract, so no `population`), 0382 nothing at all.
struct GridFixture {
    let directory = TemporaryDirectory()
    let hub: Hub
    let responder: HubResponder
    static let november = Period.month(year: 2026, month: 11)

    init(shareMinimumDenominator: Int = Hub.defaultShareMinimumDenominator, regionName: String? = nil,
         population: Int = 40, extra: Set<Cell> = [], extraB: Set<Cell> = []) throws {
        let hub = try Hub(path: directory.file("hub.sqlite"), shareMinimumDenominator: shareMinimumDenominator, regionName: regionName)
        let responder = HubResponder(hub: hub)
        self.hub = hub
        self.responder = responder
        let tokenA = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        let tokenB = try hub.addSite(kommun: "0381", name: nil, actor: "test")
        _ = try hub.addSite(kommun: "0382", name: nil, actor: "test")
        let a: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 3, 1_000_000_000), c(.inKAA, "2026-11", ["age": "18", "sex": "M"], 2, 3_500_000_000),
                            c(.population, "2026-11", ["age": "17", "sex": "K"], population, 77), c(.deregistered, "2026-11", ["reason": "FLYTTAT"], 1, 5)]
        let b: Set<Cell> = [c(.inKAA, "2026-11", ["age": "16", "sex": "M"], 30, 123_456)]
        let put = { (batch: Batch, token: String) in
            let bytes = batch.encoded()
            return responder.respond(to: HTTPRequest(method: "PUT", path: "/v1/sites/\(batch.kommun)/batches/\(batch.generation)/\(batch.seq)",
                                                                  headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json",
                                                                            "Content-Digest": ContentDigest.header(for: bytes)], body: bytes)).status
        }
        #expect(put(makeBatch(HubFixture.generationA, 1, from: [], to: a.union(extra)), tokenA) == 201)
        #expect(put(makeBatch(HubFixture.generationB, 1, from: [], to: b.union(extraB), kommun: "0381"), tokenB) == 201)
    }

    func publication(table: CellTable? = nil, kommun: String? = nil) throws -> Publication {
        try hub.publication(period: Self.november, table: table, kommun: kommun, today: TestDates.today)
    }
}

@Suite struct FullGridTests {
    /// The leak of issue #17, simulated: cells as they really come (an empty cell has `ck = 0`, a
    /// cell of n people the sum of n random period keys), published; a value "distinguishes" when
    /// the method's table says that among the counts 0–2 only 0, or only 1–2, can give it.
    @Test(arguments: [(2, 1.0), (2, 0.5), (3, 2.0), (5, 4.0)])
    func aPublishedValueNeverTellsNoOneFromOneOrTwoPeople(_ noise: Int, _ variance: Double) throws {
        let table = try PerturbationTable(maximumNoise: noise, variance: variance)
        var generator = SystemRandomNumberGenerator()
        var published: [Int: Set<Int>] = [:] // exact count → values seen
        var distinguishing = 0, cells = 0
        for _ in 0..<2000 { // periods
            for _ in 0..<12 { // cells of one small kommun's tables in a period
                let n = Int.random(in: 0...6, using: &generator)
                var ck: UInt32 = 0
                for _ in 0..<n { ck = ck &+ UInt32.random(in: 0...UInt32.max, using: &generator) }
                let value = table.publish(n: n, ck: ck)
                published[n, default: []].insert(value)
                guard n <= 2 else { continue }
                cells += 1
                let small = Set(table.counts(publishing: value)).intersection([0, 1, 2])
                if small == [0] || (!small.contains(0) && Set(table.counts(publishing: value)).isSubset(of: [1, 2])) { distinguishing += 1 }
            }
        }
        print("zero leak (D \(noise), V \(variance)): \(distinguishing) of \(cells) cells with exact 0–2 published a distinguishing value; "
              + "seen for 0: \(published[0, default: []].sorted()), 1: \(published[1, default: []].sorted()), 2: \(published[2, default: []].sorted())")
        #expect(distinguishing == 0)
        #expect(table.keepsSmallCountsAmbiguous)
        // Seen, not just allowed: what exact 0 was published as, exact 1 and 2 were too …
        #expect(published[0, default: []].isSubset(of: published[1, default: []].intersection(published[2, default: []])))
        // … and every value exact 1–2 gave, exact 0 or counts of 3 and more gave too.
        let others = published.filter { $0.key == 0 || $0.key >= 3 }.values.reduce(into: Set<Int>()) { $0.formUnion($1) }
        #expect(published[1, default: []].union(published[2, default: []]).isSubset(of: others))
    }

    @Test func aTableWithNoiseOfOneWouldTellOneOrTwoPeopleApart() throws {
        let table = try PerturbationTable(maximumNoise: 1, variance: 0.5)
        #expect(!table.keepsSmallCountsAmbiguous, "a published 1 could only be 1 or 2 people")
        #expect(table.counts(publishing: 1) == [1, 2])
        #expect(try PerturbationTable().counts(publishing: 0) == [0, 1, 2])
        #expect(try PerturbationTable().counts(publishing: -1).isEmpty)
    }

    @Test func everyCellOfEveryTableIsPublishedForEachReportingKommunAndNoneForTheOthers() throws {
        let fixture = try GridFixture()
        let publication = try fixture.publication()
        #expect(publication.reported == ["0380", "0381"] && publication.notReported == ["0382"])
        #expect(publication.populationNotReported == ["0381"])
        let published = Set(publication.figures.map { "\($0.kommun ?? "-")|\($0.table.rawValue)|\($0.dims.encoded)" })
        #expect(published.count == publication.figures.count, "each figure once")
        let sorted = publication.figures.sorted { ($0.kommun ?? "", $0.table.rawValue, $0.dims.encoded) < ($1.kommun ?? "", $1.table.rawValue, $1.dims.encoded) }
        #expect(publication.figures == sorted, "region first, then kommun, table and dims")
        for owner in [nil, "0380", "0381"] as [String?] {
            for table in CellTable.allCases {
                let expected = table == .population && owner == "0381" ? [] : table.grid + (table.definition.hasPeopleTotal ? [Dims([:])] : [])
                let got = publication.figures.filter { $0.kommun == owner && $0.table == table }.map(\.dims)
                #expect(Set(got) == Set(expected), "\(owner ?? "region") \(table)")
            }
        }
        #expect(!publication.figures.contains { $0.kommun == "0382" })
        // The grids are the catalogue's: 2 × 4 for sex × age, every code, every band.
        #expect(CellTable.inKAA.grid.count == 8 && CellTable.firstContactDays.grid.count == 5)
        #expect(CellTable.deregistered.grid.count == CodeCatalog.builtIn.codes(in: .deregistrationReason).count - 1)
        // A true zero is published: 0381 has no one aged 17 in KAA, and n = 0 is published as 0.
        let zero = try #require(publication.figures.first { $0.kommun == "0381" && $0.table == .inKAA && $0.dims == Dims(["age": "17", "sex": "K"]) })
        #expect(zero.value == 0)
        // The region's cell sums both kommuner; its total sums every cell of the grid.
        let region = try #require(publication.figures.first { $0.kommun == nil && $0.table == .inKAA && $0.dims.pairs.isEmpty })
        #expect(region.value == fixture.hub.perturbation.publish(n: 35, ck: 1_000_000_000 &+ 3_500_000_000 &+ 123_456))
        // Filters narrow the grid, never the reporting.
        let one = try fixture.publication(table: .new, kommun: "0381")
        #expect(Set(one.figures.map { $0.kommun ?? "-" }) == ["-", "0381"] && one.figures.allSatisfy { $0.table == .new })
        #expect(one.figures.count == 2 * (2 + 1) && one.reported == ["0380", "0381"])
    }

    @Test func theJSONNamesWhoHasNotReportedAndKeepsItsFields() throws {
        let fixture = try GridFixture()
        let response = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/published", query: ["period": "2026-11"]))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let reporting = try #require(body["reporting"] as? [String: Any])
        #expect(reporting["kommuner"] as? Int == 2 && reporting["of"] as? Int == 3)
        #expect(reporting["not_reported"] as? [String] == ["0382"])
        #expect(reporting["population_not_reported"] as? [String] == ["0381"])
        #expect(body["share_minimum_denominator"] as? Int == 10)
        // A sync client (before or after this change) still reads it.
        let decoded = try #require(PublicationResponse(json: response.body))
        #expect(decoded.reporting.kommuner == 2 && decoded.cells.contains { $0.kommun == nil && $0.table == .deregistered && $0.value >= 0 })
        // An older hub's body, without the new fields, still decodes.
        let old = #"{"cells":[],"period":"2026-11","preliminary":true,"reporting":{"kommuner":1,"of":2},"shares":[{"kommun":null,"share":0.25}]}"#
        let oldBody = try #require(PublicationResponse(json: Array(old.utf8)))
        #expect(oldBody.reporting.notReported == nil && oldBody.shares.first?.reason == nil && oldBody.shareMinimumDenominator == nil)
    }

    @Test func aSmallDenominatorGivesNoShareAndSaysWhy() throws {
        // 0380's population is 6: below the default minimum of 10 published people.
        let small = try GridFixture(population: 6).publication()
        let share = try #require(small.shares.first { $0.kommun == "0380" })
        #expect(share.share == nil && share.reason == .smallDenominator)
        // 0381 sent no population: not reported, and the region's share would mix them, so none.
        #expect(small.shares.first { $0.kommun == "0381" } == PublishedShare(kommun: "0381", share: nil, reason: .notReported))
        #expect(small.shares.first { $0.kommun == nil } == PublishedShare(kommun: nil, share: nil, reason: .notReported))
        #expect(!small.shares.contains { $0.kommun == "0382" })
        // A large one gives a share from the same grid's totals.
        let large = try GridFixture(population: 40).publication()
        let inKAA = try #require(large.figures.first { $0.kommun == "0380" && $0.table == .inKAA && $0.dims.pairs.isEmpty }).value
        let population = try #require(large.figures.first { $0.kommun == "0380" && $0.table == .population && $0.dims.pairs.isEmpty }).value
        #expect(large.shares.first { $0.kommun == "0380" }?.share == Double(inKAA) / Double(population))
        // The minimum is the hub's setting.
        let strict = try GridFixture(shareMinimumDenominator: 1000, population: 40).publication()
        #expect(strict.shares.first { $0.kommun == "0380" }?.reason == .smallDenominator)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(small.response.json)) as? [String: Any])
        let shares = try #require(body["shares"] as? [[String: Any]])
        #expect(shares.contains { $0["kommun"] as? String == "0380" && $0["share"] is NSNull && $0["reason"] as? String == "small_denominator" })
    }

    @Test func anEmptyPeriodHasNoGridAndNamesEveryKommunAsNotReported() throws {
        let fixture = try GridFixture()
        let empty = try fixture.hub.publication(period: .month(year: 2025, month: 3), today: TestDates.today)
        #expect(empty.figures.isEmpty && empty.reported.isEmpty && empty.notReported == ["0380", "0381", "0382"])
        #expect(empty.shares.isEmpty)
    }
}
