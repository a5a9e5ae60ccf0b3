import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAATestFixtures
import Testing

@Suite struct DashboardTests {
    func page(_ fixture: HubFixture, _ path: String, _ query: [String: String] = [:]) -> (Int, String) {
        let response = fixture.responder.respond(to: HTTPRequest(method: "GET", path: path, query: query))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func theRegionPageHasOneRowPerKommunChartsAndNoExactCounts() throws {
        let (fixture, _) = try publishedFixture()
        let (status, html) = page(fixture, "/", ["period": "2026-11"])
        #expect(status == 200)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<html lang=\"sv\">"))
        #expect(html.contains("<title>Regionens aktivitetsansvar 2026-11 – KAA</title>"))
        #expect(html.contains("<th scope=\"row\"><a href=\"/kommun/0380?period=2026-11\">Uppsala</a></th>"))
        #expect(html.contains("<th scope=\"row\"><a href=\"/kommun/0381?period=2026-11\">Enköping</a></th>"))
        #expect(html.contains("Preliminära siffror"))
        #expect(html.contains("2 av 2 kommuner har rapporterat"))
        #expect(html.contains("<svg role=\"img\" aria-labelledby=\"bar-title bar-desc\""), "a bar chart with a text alternative")
        #expect(html.contains("/v1/published.csv?period=2026-11") && html.contains("cell-nyckelmetoden"))
        #expect(!html.contains("<script"), "usable without JavaScript")
        #expect(!html.contains("http://") && !html.contains("https://"), "no external assets")
        // The region's in_kaa cell shows the published figure, not the exact 12.
        let published = fixture.hub.perturbation.publish(n: 12, ck: 1_000_000_000 &+ 3_500_000_000 &+ 123_456)
        #expect(html.contains("<tfoot><tr><th scope=\"row\">Regionen</th><td>\(published)</td>"))
    }

    @Test func aKommunPageAndAFrozenPeriod() throws {
        let (fixture, _) = try publishedFixture()
        let (status, html) = page(fixture, "/kommun/0381", ["period": "2026-11"])
        #expect(status == 200)
        #expect(html.contains("<h1>Enköping: aktivitetsansvaret 2026-11</h1>"))
        #expect(html.contains("Nyckeltal"))
        #expect(!html.contains("Saknas"), "the other kommuner are not missing just because this page shows one")
        let (_, old) = page(fixture, "/", ["period": "2025-03"])
        #expect(old.contains("Slutliga siffror") && old.contains("0 av 2 kommuner"))
        #expect(old.contains("Saknas: Uppsala, Enköping"))
    }

    @Test func badRequestsGetClearAnswers() throws {
        let (fixture, _) = try publishedFixture()
        #expect(page(fixture, "/", ["period": "2026-13"]).0 == 400)
        #expect(page(fixture, "/", ["colour": "red"]).0 == 400)
        #expect(page(fixture, "/kommun/0999").0 == 404)
        #expect(fixture.responder.respond(to: HTTPRequest(method: "POST", path: "/")).status == 405)
    }
}
