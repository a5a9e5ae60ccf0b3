import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAAProtocol
import KAATestFixtures
import Testing

func get(_ fixture: HubFixture, _ path: String, query: [String: String] = [:], token: String? = nil) -> HTTPResponse {
    fixture.responder.respond(to: HTTPRequest(method: "GET", path: path, query: query,
                                              headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:]))
}

/// `reporting`'s two counts (it also names who has not reported).
func reportingCounts(_ body: [String: Any]) -> [String: Int]? {
    (body["reporting"] as? [String: Any])?.compactMapValues { $0 as? Int }
}

func json(_ response: HTTPResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
}

/// Two kommuner whose in_kaa and in_kaa_reason cells count the same people (equal n and ck sums).
func publishedFixture() throws -> (HubFixture, String) {
    let fixture = try HubFixture()
    let tokenB = try fixture.hub.addSite(kommun: "0381", name: nil, actor: "test")
    let a: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 3, 1_000_000_000), c(.inKAA, "2026-11", ["age": "18", "sex": "M"], 2, 3_500_000_000),
                        c(.inKAAReason, "2026-11", ["reason": "AVBROTT_NP"], 4, 2_000_000_000), c(.inKAAReason, "2026-11", ["reason": "OKAND"], 1, 2_500_000_000),
                        c(.population, "2026-11", ["age": "17", "sex": "K"], 40, 77), c(.inMeasure, "2026-11", ["measure": "SYV"], 2, 5)]
    let b: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 7, 123_456), c(.inKAAReason, "2026-11", ["reason": "OKAND"], 7, 123_456),
                        c(.population, "2026-11", ["age": "17", "sex": "K"], 60, 99)]
    #expect(fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: a)).status == 201)
    #expect(fixture.put(makeBatch(HubFixture.generationB, 1, from: [], to: b, kommun: "0381"), token: tokenB).status == 201)
    return (fixture, tokenB)
}

@Suite struct PublicationAPITests {
    @Test func servesProtectedFiguresConsistentlyAcrossTables() throws {
        let (fixture, _) = try publishedFixture()
        let response = get(fixture, "/v1/published", query: ["period": "2026-11"])
        #expect(response.status == 200)
        let body = try json(response)
        #expect(body["preliminary"] as? Bool == true)
        #expect(reportingCounts(body) == ["kommuner": 2, "of": 2])
        let cells = try #require(body["cells"] as? [[String: Any]])
        func value(_ kommun: String?, _ table: String, _ dims: [String: String]) -> Int? {
            cells.first { ($0["kommun"] as? String) == kommun && $0["table"] as? String == table && ($0["dims"] as? [String: String]) == dims }?["value"] as? Int
        }
        // A table's total comes from its cells' summed n and ck, and equals the total of another
        // table over the same people.
        let totalA = fixture.hub.perturbation.publish(n: 5, ck: 1_000_000_000 &+ 3_500_000_000)
        #expect(value("0380", "in_kaa", [:]) == totalA)
        #expect(value("0380", "in_kaa_reason", [:]) == totalA)
        let region = fixture.hub.perturbation.publish(n: 12, ck: 1_000_000_000 &+ 3_500_000_000 &+ 123_456)
        #expect(value(nil, "in_kaa", [:]) == region)
        #expect(value(nil, "in_kaa_reason", [:]) == region)
        #expect(value("0380", "in_measure", [:]) == nil, "in_measure has no people total")
        #expect(value(nil, "in_kaa", ["age": "17", "sex": "K"]) == fixture.hub.perturbation.publish(n: 10, ck: 1_000_000_000 &+ 123_456))
        // Asked twice: the same numbers.
        #expect(get(fixture, "/v1/published", query: ["period": "2026-11"]).body == response.body)
        let shares = try #require(body["shares"] as? [[String: Any]])
        #expect(shares.contains { $0["kommun"] is NSNull && $0["share"] is Double })
    }

    @Test func aCachedPublicationNeverOutlivesAChange() throws {
        let (fixture, tokenB) = try publishedFixture()
        let before = get(fixture, "/v1/published.csv", query: ["period": "2026-11"])
        #expect(get(fixture, "/v1/published.csv", query: ["period": "2026-11"]).body == before.body, "served again unchanged")
        // A batch applied by this hub: the next reader sees it.
        let b: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 7, 123_456), c(.inKAAReason, "2026-11", ["reason": "OKAND"], 7, 123_456),
                            c(.population, "2026-11", ["age": "17", "sex": "K"], 60, 99)]
        let more = b.union([c(.inKAA, "2026-11", ["age": "19", "sex": "M"], 30, 42)])
        #expect(fixture.put(makeBatch(HubFixture.generationB, 2, from: b, to: more, kommun: "0381"), token: tokenB).status == 201)
        let after = get(fixture, "/v1/published.csv", query: ["period": "2026-11"])
        #expect(after.body != before.body)
        #expect(String(decoding: after.body, as: UTF8.self).contains("in_kaa"))
        // A site enrolled by another process (the admin CLI) changes "reporting … of": seen at once.
        let json1 = try json(get(fixture, "/v1/published", query: ["period": "2026-11"]))
        let other = try Hub(path: fixture.directory.file("hub.sqlite"))
        _ = try other.addSite(kommun: "0382", name: nil, actor: "test")
        let json2 = try json(get(fixture, "/v1/published", query: ["period": "2026-11"]))
        #expect(reportingCounts(json1) == ["kommuner": 2, "of": 2])
        #expect(reportingCounts(json2) == ["kommuner": 2, "of": 3], "\(json2)")
        #expect((json2["reporting"] as? [String: Any])?["not_reported"] as? [String] == ["0382"], "the kommun that has not reported is named")
    }

    @Test func everyKommunWithFiguresForThePeriodHasReportedWhateverTableIsAsked() throws {
        // Only 0380 has in_measure cells; 0381 reported for 2026-11 too.
        let (fixture, _) = try publishedFixture()
        let body = try json(get(fixture, "/v1/published", query: ["period": "2026-11", "table": "in_measure"]))
        #expect(reportingCounts(body) == ["kommuner": 2, "of": 2])
        let publication = try fixture.hub.publication(period: Period("2026-11") ?? .month(year: 2026, month: 11), table: .inMeasure, today: TestDates.today)
        #expect(publication.reporting == 2)
    }

    @Test func filtersByTableAndKommunAndAnswersAnEmptyPeriod() throws {
        let (fixture, _) = try publishedFixture()
        let one = try json(get(fixture, "/v1/published", query: ["period": "2026-11", "kommun": "0381", "table": "in_kaa"]))
        let cells = try #require(one["cells"] as? [[String: Any]])
        #expect(!cells.isEmpty && cells.allSatisfy { $0["table"] as? String == "in_kaa" && (($0["kommun"] as? String) == "0381" || $0["kommun"] is NSNull) })
        let empty = try json(get(fixture, "/v1/published", query: ["period": "2025-03"]))
        #expect((empty["cells"] as? [Any])?.isEmpty == true)
        #expect(empty["preliminary"] as? Bool == false)
    }

    @Test(arguments: [
        ([:], "period is required"), (["period": "2026-13"], "malformed period"), (["period": "november"], "malformed period"),
        (["period": "2026-11", "table": "names"], "unknown table"), (["period": "2026-11", "kommun": "9999"], "unknown kommun"),
        (["period": "2026-11", "pnr": "1"], "unknown parameter"),
    ])
    func refusesBadParametersWith400(_ query: [String: String], _ message: String) throws {
        let (fixture, _) = try publishedFixture()
        let response = get(fixture, "/v1/published", query: query)
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains(message))
    }

    @Test func servesCSVForExcel() throws {
        let (fixture, _) = try publishedFixture()
        let response = get(fixture, "/v1/published.csv", query: ["period": "2026-11"])
        #expect(response.status == 200)
        #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: response.body.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("Period;Kommunkod;Kommun;Tabellkod;Tabell;Kön;Ålder;Orsak;Åtgärd;Sysselsättning;Tid till första kontakt;Värde;Preliminär\r\n"))
        #expect(text.contains(";Regionen;in_kaa;I aktivitetsansvaret;Kvinna;17;;;;;"))
        #expect(text.range(of: #"andel_16_19_i_kaa_procent;[^;]+;;;;;;;\d+,\d;ja"#, options: .regularExpression) != nil, "decimal comma")
    }

    @Test func aKommunReadsOnlyItsOwnRegionEndpointAndGetsOnlyRegionFigures() throws {
        let (fixture, tokenB) = try publishedFixture()
        #expect(get(fixture, "/v1/sites/0380/region", query: ["period": "2026-11"]).status == 401)
        #expect(get(fixture, "/v1/sites/0380/region", query: ["period": "2026-11"], token: tokenB).status == 403)
        let own = get(fixture, "/v1/sites/0381/region", query: ["period": "2026-11"], token: tokenB)
        #expect(own.status == 200)
        let cells = try #require(try json(own)["cells"] as? [[String: Any]])
        #expect(!cells.isEmpty && cells.allSatisfy { $0["kommun"] is NSNull })
        #expect(get(fixture, "/v1/sites/0381/region", query: ["period": "x"], token: tokenB).status == 400)
        #expect(get(fixture, "/v1/sites/0381/region", query: ["period": "2026-11", "kommun": "0380"], token: tokenB).status == 400)
    }

    @Test func metricsReportBatchesLatencyAndLastContact() throws {
        let (fixture, _) = try publishedFixture()
        _ = fixture.put(makeBatch(HubFixture.generationA, 9, from: state1, to: state2)) // a 409
        let response = MetricsResponder(hub: fixture.hub, durations: RequestDurations()).respond(to: HTTPRequest(method: "GET", path: "/metrics"))
        #expect(response.status == 200)
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.contains("kaa_hub_batches_applied_total 2"))
        #expect(text.contains("kaa_hub_refusals_total{status=\"409\"} 1"))
        #expect(text.contains("kaa_hub_batch_apply_duration_seconds_count 2"))
        #expect(text.range(of: #"kaa_hub_last_contact_timestamp_seconds\{kommun="0380"\} \d{10}\n"#, options: .regularExpression) != nil)
        #expect(get(fixture, "/metrics").status == 404, "not on the public listener")
    }
}

/// The differencing attack of issue #5: an attacker who knows every other kommun's exact counts
/// subtracts them from the published region total to recover a small kommun's count.
@Suite struct DifferencingAttackTests {
    @Test func recoversTheSmallKommunOnlyAsOftenAsTheNoiseIsZero() throws {
        let table = try PerturbationTable()
        var generator = SystemRandomNumberGenerator()
        let periods = 4000
        var fromExactOthers = 0, fromPublishedOthers = 0, fromOwnFigure = 0
        for _ in 0..<periods {
            // Eight kommuner; each person has a random period key; the small kommun has 0–6 people.
            var exact: [(n: Int, ck: UInt32)] = []
            for kommun in 0..<8 {
                let people = kommun == 0 ? Int.random(in: 0...6, using: &generator) : Int.random(in: 20...300, using: &generator)
                var ck: UInt32 = 0
                for _ in 0..<people { ck = ck &+ UInt32.random(in: 0...UInt32.max, using: &generator) }
                exact.append((people, ck))
            }
            let regionN = exact.reduce(0) { $0 + $1.n }
            let regionCK = exact.reduce(UInt32(0)) { $0 &+ $1.ck }
            let publishedRegion = table.publish(n: regionN, ck: regionCK)
            let others = exact.dropFirst()
            let guessExact = publishedRegion - others.reduce(0) { $0 + $1.n }
            let guessPublished = publishedRegion - others.reduce(0) { $0 + table.publish(n: $1.n, ck: $1.ck) }
            let truth = exact[0].n
            if guessExact == truth { fromExactOthers += 1 }
            if guessPublished == truth { fromPublishedOthers += 1 }
            if table.publish(n: truth, ck: exact[0].ck) == truth { fromOwnFigure += 1 }
        }
        let p0 = table.distribution(for: 10)[table.maximumNoise]
        let rateExact = Double(fromExactOthers) / Double(periods)
        let ratePublished = Double(fromPublishedOthers) / Double(periods)
        print("differencing attack over \(periods) periods: knowing others' exact counts \(String(format: "%.3f", rateExact)), "
              + "knowing only published figures \(String(format: "%.3f", ratePublished)), the small kommun's own figure exact "
              + "\(String(format: "%.3f", Double(fromOwnFigure) / Double(periods))); P(noise = 0) = \(String(format: "%.3f", p0))")
        // The attack succeeds exactly when the region total's noise is 0: no more often than that.
        #expect(abs(rateExact - p0) < 0.04)
        #expect(ratePublished < rateExact, "with only published figures the attacker does worse")
        #expect(rateExact < 0.6, "without the noise the attack would succeed every time")
    }
}
