import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAAProtocol
import KAASQLite
import KAATestFixtures
import Testing

/// A small deterministic random source (SplitMix64), so a failing iteration can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Batches a hostile or buggy kommun could send that are valid JSON and pass every catalogue check
/// but carry absurd counts or periods: none may be applied, and none may make a read path trap.
@Suite struct HostileBatchTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 23) ?? CalendarDate(dayNumber: 0)

    /// A hub with two enrolled kommuner, so that region sums add up cells of both.
    struct TwoSites {
        let directory = TemporaryDirectory()
        let hub: Hub
        let responder: HubResponder
        let tokens: [String: String]

        init() throws {
            hub = try Hub(path: directory.file("hub.sqlite"))
            responder = HubResponder(hub: hub, today: { HostileBatchTests.today })
            var tokens: [String: String] = [:]
            for kommun in ["0380", "0381"] { tokens[kommun] = try hub.addSite(kommun: kommun, name: nil, actor: "test") }
            self.tokens = tokens
        }

        func put(_ batch: Batch) -> HTTPResponse {
            let bytes = batch.encoded()
            return responder.respond(to: HTTPRequest(method: "PUT", path: "/v1/sites/\(batch.kommun)/batches/\(batch.generation)/\(batch.seq)",
                                                     headers: ["Authorization": "Bearer \(tokens[batch.kommun] ?? "")", "Content-Type": "application/json",
                                                               "Content-Digest": ContentDigest.header(for: bytes)], body: bytes))
        }

        /// Every read path a stored cell reaches: public JSON, CSV and Excel, the dashboard pages, the
        /// region exchange, metrics. Each must answer (no trap) and never with a 5xx.
        func readEverything(periods: [String]) -> [Int] {
            var statuses: [Int] = []
            func get(_ path: String, _ query: [String: String] = [:], token: String? = nil) {
                let headers = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
                statuses.append(responder.respond(to: HTTPRequest(method: "GET", path: path, query: query, headers: headers)).status)
            }
            for period in periods {
                get("/v1/published", ["period": period])
                get("/v1/published.csv", ["period": period])
                get("/v1/published.xlsx", ["period": period])
                get("/v1/published", ["period": period, "kommun": "0380"])
                get("/", ["period": period])
                get("/kommun/0381", ["period": period])
                get("/v1/sites/0380/region", ["period": period], token: tokens["0380"])
            }
            // /metrics is on a listener of its own (issue #17), over the same hub.
            statuses.append(MetricsResponder(hub: hub, durations: RequestDurations()).respond(to: HTTPRequest(method: "GET", path: "/metrics")).status)
            return statuses
        }
    }

    static func snapshot(_ kommun: String, _ cells: Set<Cell>, generation: String) -> Batch {
        Batch(kommun: kommun, generation: generation, seq: 1, kind: .snapshot, previousDigest: StateDigest.empty,
              digest: StateDigest.digest(cells), sealedAt: "2026-11-23T02:00:00Z", cells: Array(cells))
    }

    @Test(arguments: [1 << 62, Int.max, Int(Int32.max), Hub.defaultMaxCellCount + 1])
    func aSnapshotWithAnAbsurdCountIsRefusedAndEveryReadStillAnswers(n: Int) throws {
        let sites = try TwoSites()
        let cells: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], n), c(.inKAA, "2026-11", ["age": "18", "sex": "K"], n)]
        let response = sites.put(Self.snapshot("0380", cells, generation: HubFixture.generationA))
        #expect(response.status == 400, "n = \(n): \(String(decoding: response.body, as: UTF8.self))")
        #expect(try sites.hub.exactCells().isEmpty)
        #expect(sites.readEverything(periods: ["2026-11"]).allSatisfy { $0 < 500 })
    }

    /// A hub file written before counts were bounded may hold them already: it must still serve.
    @Test func cellsStoredBeforeTheBoundCannotMakeAReadTrap() throws {
        let sites = try TwoSites()
        let database = try Database(path: sites.directory.file("hub.sqlite"))
        for (kommun, dims) in [("0380", "age=17,sex=K"), ("0380", "age=18,sex=K"), ("0381", "age=17,sex=K")] {
            try database.execute("INSERT INTO cell (kommun, table_name, period, dims, n, ck) VALUES (?, 'in_kaa', '2026-11', ?, ?, 7)",
                                 [.text(kommun), .text(dims), .integer(Int64.max)])
        }
        let statuses = sites.readEverything(periods: ["2026-11"])
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        #expect(try PerturbationTable().publish(n: Int.max, ck: UInt32.max) >= Int.max - 2)
    }

    @Test func inKAAFarAbovePopulationIsRefused() throws {
        let sites = try TwoSites()
        let cells: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 900), c(.population, "2026-11", ["age": "17", "sex": "K"], 40)]
        #expect(sites.put(Self.snapshot("0380", cells, generation: HubFixture.generationA)).status == 400)
        // Within the catalogue's allowance (people move in during a period): applied.
        let plausible: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 45), c(.population, "2026-11", ["age": "17", "sex": "K"], 40)]
        #expect(sites.put(Self.snapshot("0380", plausible, generation: HubFixture.generationB)).status == 201)
    }

    @Test(arguments: ["2014-12", "2014-H2", "2027-01", "2027-H1", "2099-01"])
    func aPeriodBeforeTheCatalogueOrMoreThanAMonthAheadIsRefused(period: String) throws {
        let sites = try TwoSites()
        let cells: Set<Cell> = [c(.new, period, ["sex": "K"], 2)]
        let response = sites.put(Self.snapshot("0380", cells, generation: HubFixture.generationA))
        #expect(response.status == 400, "\(period): \(String(decoding: response.body, as: UTF8.self))")
        let published = sites.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/published", query: ["period": period]))
        #expect(published.status == 400)
    }

    @Test(arguments: ["2015-01", "2026-12"])
    func theEdgesOfThePlausiblePeriodsAreAccepted(period: String) throws {
        let sites = try TwoSites()
        let response = sites.put(Self.snapshot("0380", [c(.new, period, ["sex": "K"], 2)], generation: HubFixture.generationA))
        #expect(response.status == 201, "\(period): \(String(decoding: response.body, as: UTF8.self))")
    }

    /// The property: whatever batch is accepted, no read path can trap (an overflow trap would end
    /// this test process) or answer 5xx. 200 generated snapshots, each with up to 40 cells whose
    /// counts mix small values, the bound's edges and the extremes of Int.
    @Test func noAcceptedBatchCanMakeAnyReadPathTrap() throws {
        let sites = try TwoSites()
        var random = SeededRandom(state: 20_261_123)
        let periods = ["2026-10", "2026-11", "2026-H2", "2015-01"]
        let bound = Hub.defaultMaxCellCount
        let extremes = [bound, bound - 1, bound + 1, Int.max, Int.max - 1, 1 << 62, 1 << 32, Int(UInt32.max)]
        let started = Date()
        var accepted = 0
        for iteration in 0..<200 {
            var cells: [CellKey: Cell] = [:]
            for _ in 0..<Int.random(in: 1...40, using: &random) {
                guard let table = CellTable.allCases.randomElement(using: &random) else { continue }
                var dims: [String: String] = [:]
                for (name, values) in table.definition.allowedValues() { dims[name] = values.sorted().randomElement(using: &random) }
                let period = periods.randomElement(using: &random) ?? "2026-11"
                let n: Int
                switch Int.random(in: 0..<40, using: &random) {
                case 0: n = extremes.randomElement(using: &random) ?? 1
                case 1...12: n = Int.random(in: 1...bound, using: &random)
                default: n = Int.random(in: 1...60, using: &random)
                }
                let cell = c(table, period, dims, n, UInt32.random(in: 0...UInt32.max, using: &random))
                cells[cell.key] = cell
            }
            let kommun = iteration.isMultiple(of: 2) ? "0380" : "0381"
            let generation = String(format: "%032x", iteration + 1)
            let status = sites.put(Self.snapshot(kommun, Set(cells.values), generation: generation)).status
            #expect([201, 400].contains(status))
            if status == 201 { accepted += 1 }
            let statuses = sites.readEverything(periods: periods)
            #expect(statuses.allSatisfy { $0 < 500 }, "iteration \(iteration): \(statuses)")
        }
        #expect(try sites.hub.exactCells().allSatisfy { $0.cell.n <= bound })
        #expect(accepted > 20, "the generator also makes plausible batches")
        #expect(Date().timeIntervalSince(started) < 60)
    }
}
