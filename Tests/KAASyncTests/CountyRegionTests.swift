import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAAProtocol
@testable import KAASync
import KAATestFixtures
import Testing

/// On a hub of several län (issue #20) the region endpoint still gives `kaa sync` the whole hub's
/// figures only: no county figure can be read as the region's.
@Suite struct CountyRegionTests {
    @Test func theSyncClientReadsOnlyTheRegionsFiguresFromAHubOfSeveralLän() throws {
        let directory = TemporaryDirectory()
        let hub = try Hub(path: directory.file("hub.sqlite"), scope: HubScope(counties: ["03", "04"], kommuner: []))
        let responder = HubResponder(hub: hub, externalChangeDelay: 0)
        var tokens: [String: String] = [:]
        let period = try #require(Period("2026-11"))
        for (index, kommun) in ["0380", "0480"].enumerated() {
            tokens[kommun] = try hub.addSite(kommun: kommun, name: nil, actor: "test")
            let cells = [Cell(table: .inKAA, period: period, dims: Dims(["age": "17", "sex": "K"]), n: 5 + index * 20, ck: UInt32(77 + index * 1000))]
            let batch = Batch(kommun: kommun, generation: String(repeating: "a1", count: 16), seq: 1, kind: .snapshot, previousDigest: StateDigest.empty,
                              digest: StateDigest.digest(Set(cells)), sealedAt: "2026-11-20T01:00:00Z", cells: cells)
            let body = batch.encoded()
            let put = responder.respond(to: HTTPRequest(method: "PUT", path: "/v1/sites/\(kommun)/batches/\(batch.generation)/1",
                                                        headers: ["Authorization": "Bearer \(tokens[kommun] ?? "")", "Content-Type": "application/json",
                                                                  "Content-Digest": ContentDigest.header(for: body)], body: body))
            #expect(put.status == 201, "\(String(decoding: put.body, as: UTF8.self))")
        }
        let publication = try hub.publication(period: period, today: TestDates.date("2026-11-20"))
        #expect(publication.hasCountyLevel && !publication.countyFigures.isEmpty)
        let response = responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/region", query: ["period": "2026-11"],
                                                         headers: ["Authorization": "Bearer \(tokens["0380"] ?? "")"]))
        #expect(response.status == 200)
        let figures = try #require(SyncClient.parseRegion(response.body, period: period, fetchedAt: "2026-11-20T02:00:00Z"))
        let region = publication.figures.filter { $0.kommun == nil }
        #expect(figures.values.count == region.count)
        for figure in region {
            #expect(figures.values[CellKey(table: figure.table, period: period, dims: figure.dims)] == figure.value)
        }
        // The same parser given the public body (with its county level) still takes only `cells`.
        let published = responder.respond(to: HTTPRequest(method: "GET", path: "/v1/published", query: ["period": "2026-11"]))
        let fromPublic = try #require(SyncClient.parseRegion(published.body, period: period, fetchedAt: "2026-11-20T02:00:00Z"))
        #expect(fromPublic.values == figures.values)
    }
}
