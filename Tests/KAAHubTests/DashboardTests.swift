import Foundation
import KAACore
import KAAHTML
import KAAHTTP
@testable import KAAHub
import KAATestFixtures
import Testing

@Suite struct DashboardTests {
    func page(_ fixture: HubFixture, _ path: String, _ query: [String: String] = [:]) -> (Int, String) {
        let response = fixture.responder.respond(to: HTTPRequest(method: "GET", path: path, query: query))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// The page as served and as nodes: the assertions read the nodes' structure, and the served
    /// bytes must be exactly those nodes rendered, so what is asserted is what a browser gets.
    func document(_ fixture: HubFixture, period: String, kommun: String? = nil) throws -> (status: Int, html: String, page: Node) {
        let (status, html) = page(fixture, kommun.map { "/kommun/\($0)" } ?? "/", ["period": period])
        let dashboard = try Dashboard(hub: fixture.hub, today: fixture.responder.today()).document(period: period, kommun: kommun)
        #expect(status == dashboard.status && html == dashboard.document.renderDocument(), "the responder serves the rendered document")
        return (status, html, dashboard.document)
    }

    /// The section a heading id names (`aria-labelledby`), or an empty node if there is none.
    func section(_ page: Node, _ id: String) -> Node {
        page.elements { $0.tag == "section" && $0.attribute("aria-labelledby") == id }.first ?? .empty
    }

    func elements(_ page: Node, _ tag: String, class name: String) -> [Node] {
        page.elements { $0.tag == tag && ($0.attribute("class") ?? "").split(separator: " ").contains(Substring(name)) }
    }

    /// The row headers of a section's table body: each row's name and, if any, its link.
    func rowHeaders(_ section: Node) -> [(name: String, link: String?)] {
        section.elements("tbody").flatMap { $0.elements { $0.tag == "th" && $0.attribute("scope") == "row" } }
            .map { ($0.textContent, $0.elements("a").first?.attribute("href")) }
    }

    @Test func theRegionPageHasOneRowPerKommunChartsAndNoExactCounts() throws {
        let (fixture, _) = try publishedFixture()
        let (status, html, page) = try document(fixture, period: "2026-11")
        #expect(status == 200)
        #expect(html.hasPrefix("<!DOCTYPE html>") && page.tag == "html" && page.attribute("lang") == "sv")
        #expect(page.elements("head").flatMap { $0.elements("title") }.map(\.textContent) == ["Aktivitetsansvaret i Uppsala län, november 2026 – KAA"])
        let rows = rowHeaders(section(page, "overview"))
        #expect(rows.map(\.name) == ["Uppsala", "Enköping"], "one row per kommun")
        #expect(rows.map(\.link) == ["/kommun/0380?period=2026-11", "/kommun/0381?period=2026-11"])
        let statusLine = try #require(elements(page, "p", class: "status").first)
        #expect(elements(statusLine, "strong", class: "prelim").map(\.textContent) == ["Preliminära siffror:"])
        #expect(statusLine.textContent.contains("2 av 2 kommuner har rapporterat"))
        // A bar chart with a text alternative: the ids it is labelled by exist and say something.
        let chart = try #require(page.elements { $0.tag == "svg" && $0.attribute("role") == "img" && $0.attribute("aria-labelledby") == "bar-title bar-desc" }.first)
        #expect(chart.elements { $0.attribute("id") == "bar-title" }.map(\.tag) == ["title"])
        #expect(chart.elements { $0.attribute("id") == "bar-desc" }.first?.textContent.contains("Uppsala") == true)
        let links = section(page, "dl").elements("a").compactMap { $0.attribute("href") }
        #expect(links == ["/v1/published.xlsx?period=2026-11", "/v1/published.csv?period=2026-11", "/v1/published?period=2026-11"])
        #expect(section(page, "about").textContent.contains("cell-nyckelmetoden"))
        #expect(page.elements("script").isEmpty && !html.contains("<script"), "usable without JavaScript")
        #expect(!html.contains("http://") && !html.contains("https://"), "no external assets")
        // The region's in_kaa cell shows the published figure, not the exact 12.
        let published = fixture.hub.perturbation.publish(n: 12, ck: 1_000_000_000 &+ 3_500_000_000 &+ 123_456)
        let total = try #require(section(page, "overview").elements("tfoot").first?.elements("tr").first)
        #expect(total.elements("th").map(\.textContent) == ["Uppsala län"])
        #expect(total.elements("td").first?.textContent == "\(published)")
    }

    @Test func aKommunPageAndAFrozenPeriod() throws {
        let (fixture, _) = try publishedFixture()
        let (status, html, page) = try document(fixture, period: "2026-11", kommun: "0381")
        #expect(status == 200)
        #expect(page.elements("h1").map(\.textContent) == ["Enköping: aktivitetsansvaret november 2026"])
        #expect(section(page, "key").elements("h2").map(\.textContent) == ["Nyckeltal"])
        #expect(!section(page, "key").elements("dd").isEmpty)
        #expect(elements(page, "p", class: "missing").isEmpty && !html.contains("Har inte rapporterat"),
                "the other kommuner are not missing just because this page shows one")
        let (_, _, old) = try document(fixture, period: "2025-03")
        let oldStatus = elements(old, "p", class: "status").map(\.textContent).joined()
        #expect(oldStatus.contains("Slutliga siffror") && oldStatus.contains("0 av 2 kommuner"))
        #expect(elements(old, "p", class: "missing").map(\.textContent) == ["Har inte rapporterat (..): Uppsala, Enköping"])
    }

    /// A site's name is set by an admin and shown in tables, chart labels and the missing list.
    @Test func aHostileSiteNameStaysText() throws {
        let fixture = try HubFixture()
        let name = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> & '</style>"
        _ = try fixture.hub.addSite(kommun: "0381", name: name, actor: "test")
        let (status, html, page) = try document(fixture, period: "2025-03")
        #expect(status == 200)
        #expect(!html.contains("<script") && !html.contains("<img") && html.components(separatedBy: "</style>").count == 2, "\(html)")
        #expect(rowHeaders(section(page, "overview")).map(\.name).contains(name))
        #expect(elements(page, "p", class: "missing").first?.textContent.contains(name) == true)
    }

    @Test func badRequestsGetClearAnswers() throws {
        let (fixture, _) = try publishedFixture()
        #expect(page(fixture, "/", ["period": "2026-13"]).0 == 400)
        #expect(page(fixture, "/", ["colour": "red"]).0 == 400)
        #expect(page(fixture, "/kommun/0999").0 == 404)
        #expect(fixture.responder.respond(to: HTTPRequest(method: "POST", path: "/")).status == 405)
    }
}
