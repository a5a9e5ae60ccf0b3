import Foundation
import KAACore
import KAAHTML
@testable import KAAHub
import KAATestFixtures
import Testing

/// The dashboard of issue #17: which period it opens on, what its selector offers, the signs and
/// their legend, shares of small denominators, the region's name and charts readable on a phone.
@Suite struct DashboardGridTests {
    static let december1 = TestDates.date("2026-12-01")

    func page(_ fixture: GridFixture, period: String? = nil, kommun: String? = nil, today: CalendarDate = december1) throws -> Node {
        let page = try Dashboard(hub: fixture.hub, today: today).document(period: period, kommun: kommun)
        #expect(page.status == 200)
        return page.document
    }

    func section(_ page: Node, _ id: String) -> Node {
        page.elements { $0.tag == "section" && $0.attribute("aria-labelledby") == id }.first ?? .empty
    }

    func classed(_ node: Node, _ tag: String, _ name: String) -> [Node] {
        node.elements { $0.tag == tag && ($0.attribute("class") ?? "").split(separator: " ").contains(Substring(name)) }
    }

    /// The body row of a section's table whose header is `name`: its cells' text.
    func row(_ section: Node, _ name: String) -> [String]? {
        (section.elements("tbody") + section.elements("tfoot")).flatMap { $0.elements("tr") }
            .first { $0.elements("th").first?.textContent == name }?.elements("td").map(\.textContent)
    }

    static let october: Set<Cell> = [c(.inKAA, "2026-10", ["age": "17", "sex": "K"], 4, 9), c(.population, "2026-10", ["age": "17", "sex": "K"], 40, 8)]

    @Test(arguments: [
        // December has figures a day old from every kommun: November, the latest month that has ended.
        ([("2026-12", 3), ("2026-11", 3), ("2026-10", 3)], "2026-12-01", "2026-11"),
        // November from one kommun of three: October, which most reported for.
        ([("2026-11", 1), ("2026-10", 3)], "2026-12-01", "2026-10"),
        // No ended month with a majority: the ended month with the most.
        ([("2026-11", 1), ("2026-10", 1), ("2026-09", 0)], "2026-12-05", "2026-11"),
        // Only the running month has figures: it; nothing at all: today's month; half-years never.
        ([("2026-12", 1)], "2026-12-05", "2026-12"),
        ([], "2026-12-05", "2026-12"),
        ([("2026-H2", 3)], "2026-12-05", "2026-12"),
    ])
    func opensOnTheLatestEndedMonthMostKommunerReportedFor(_ reported: [(String, Int)], _ today: String, _ expected: String) throws {
        let periods = try reported.map { (period: try #require(Period($0.0)), kommuner: $0.1) }
        #expect(Dashboard.defaultPeriod(periods, enrolled: 3, today: TestDates.date(today)).description == expected)
    }

    @Test func withoutAPeriodTheRegionPageShowsTheDefaultAndTheSelectorOnlyPeriodsWithFigures() throws {
        let fixture = try GridFixture(extra: Self.october)
        let page = try page(fixture)
        // 2026-11: two of three kommuner (0380, 0381); 2026-10: only 0380.
        #expect(page.elements("h1").map(\.textContent) == ["Aktivitetsansvaret i Uppsala län, november 2026"])
        let options = page.elements("option")
        #expect(options.compactMap { $0.attribute("value") } == ["2026-11", "2026-10"], "periods with figures only, newest first")
        #expect(options.filter { $0.attribute("selected") != nil }.compactMap { $0.attribute("value") } == ["2026-11"])
        // A period asked for that has none is shown, and said to have none.
        let empty = try self.page(fixture, period: "2025-03")
        let first = try #require(empty.elements("option").first)
        #expect(first.attribute("value") == "2025-03" && first.attribute("selected") != nil && first.textContent.contains("inga uppgifter"))
        #expect(empty.elements("option").count == 3)
    }

    @Test func theTitleNamesTheConfiguredRegionOrTheLan() throws {
        let named = try page(try GridFixture(regionName: "Region <Test> & co"), period: "2026-11")
        #expect(named.elements("h1").map(\.textContent) == ["Aktivitetsansvaret i Region <Test> & co, november 2026"])
        #expect(Dashboard.regionName(configured: nil, sites: []) == "regionen")
        #expect(named.renderDocument().contains("Region &lt;Test&gt; &amp; co"))
    }

    @Test func aKommunThatHasNotReportedShowsDotsAndEveryTableItsLegend() throws {
        let fixture = try GridFixture(population: 6)
        let page = try page(fixture, period: "2026-11")
        let overview = section(page, "overview")
        // 0382 Östhammar has not reported: every figure "..", never "–" or 0.
        #expect(row(overview, "Östhammar") == Array(repeating: "..", count: 6))
        // Enköping reported but sent no population: its share is not reported; Uppsala's
        // population of 6 is too small for a share.
        #expect(row(overview, "Enköping")?[1] == "..")
        #expect(row(overview, "Uppsala")?[1] == "×")
        #expect(row(overview, "Uppsala län")?[1] == "..", "the region's share needs every reporting kommun's population")
        // A reporting kommun's empty cells are published zeros.
        #expect(row(section(page, "reasons"), "Enköping")?.allSatisfy { $0 == "0" } == true)
        #expect(row(section(page, "reasons"), "Östhammar")?.allSatisfy { $0 == ".." } == true)
        #expect(!page.elements("td").contains { $0.textContent.contains("–") } && !page.elements("dd").contains { $0.textContent.contains("–") },
                "no dash for a missing figure")
        // Every table has the legend of its signs, with the hub's minimum.
        for section in page.elements("section") where !section.elements("table").isEmpty {
            let legend = try #require(classed(section, "p", "legend").first, "\(section.attribute("aria-labelledby") ?? "")")
            #expect(legend.textContent.contains("..") && legend.textContent.contains("×") && legend.textContent.contains("färre än 10"))
        }
        #expect(classed(page, "p", "missing").map(\.textContent) == ["Har inte rapporterat (..): Östhammar"])
        // The measures column says what it counts.
        #expect(overview.elements("th").map(\.textContent).contains("Åtgärder (personer × typer)"))
        #expect(!section(page, "measures").elements("table").isEmpty)
    }

    @Test func aKommunPageOfOneThatHasNotReportedShowsOnlyDots() throws {
        let page = try page(try GridFixture(), period: "2026-11", kommun: "0382")
        #expect(section(page, "key").elements("dd").map(\.textContent).allSatisfy { $0 == ".." })
        #expect(classed(page, "p", "missing").map(\.textContent) == ["Har inte rapporterat (..): Östhammar"])
        let occupations = section(page, "occ").elements("tbody").flatMap { $0.elements("td") }.map(\.textContent)
        #expect(!occupations.isEmpty && stride(from: 0, to: occupations.count, by: 2).allSatisfy { occupations[$0] == ".." })
    }

    @Test func theTrendShowsTheYearAnAxisLabelAndTheRegionBesideTheKommun() throws {
        let octoberB: Set<Cell> = [c(.inKAA, "2026-10", ["age": "16", "sex": "M"], 20, 3), c(.population, "2026-10", ["age": "16", "sex": "M"], 90, 4),
                                   c(.population, "2026-11", ["age": "16", "sex": "M"], 95, 5)]
        let fixture = try GridFixture(extra: Self.october, extraB: octoberB)
        let kommun = section(try page(fixture, period: "2026-11", kommun: "0380"), "trend")
        let texts = kommun.elements("text").map(\.textContent)
        #expect(texts.contains("2026") && texts.contains("okt") && texts.contains("nov"))
        #expect(texts.contains("Andel av 16–19-åringar, %"))
        #expect(classed(kommun, "polyline", "region").count == 1 && classed(kommun, "polyline", "line").count == 2, "the kommun's line and the region's")
        let region = section(try page(fixture, period: "2026-11"), "trend")
        #expect(region.elements("text").map(\.textContent).contains("Antal unga"))
        // The value axis follows the data: its lowest and highest ticks bracket the values closely.
        let ticks = region.elements("text").compactMap { Int($0.textContent) }.filter { $0 != 2026 }
        #expect(!ticks.isEmpty && (ticks.max() ?? 0) < 200, "\(ticks)")
    }

    /// SVG text scales with its `viewBox`: at 375 CSS px the content is 343 px wide, so each
    /// chart's text (16 user units there) must come out at 11 px or more.
    @Test func chartTextIsAtLeast11PixelsOnAPhone() throws {
        let octoberB: Set<Cell> = [c(.population, "2026-10", ["age": "16", "sex": "M"], 90, 4), c(.population, "2026-11", ["age": "16", "sex": "M"], 95, 5)]
        let fixture = try GridFixture(extra: Self.october, extraB: octoberB)
        let css = "\(Stylesheet.css)"
        #expect(css.contains(".dchart text{font-size:\(Int(Dashboard.narrowChartFontSize))px}"))
        #expect(css.contains("@media (max-width:40rem){header.dash,main.dash{padding-left:1rem;padding-right:1rem}"))
        #expect(css.contains(".dash figure{margin:0}"))
        var charts = 0
        for page in [try page(fixture, period: "2026-11"), try page(fixture, period: "2026-11", kommun: "0380")] {
            for svg in page.elements("svg") {
                charts += 1
                #expect((svg.attribute("class") ?? "").contains("dchart"))
                let box = (svg.attribute("viewBox") ?? "").split(separator: " ").compactMap { Double($0) }
                let width = try #require(box.count == 4 ? box[2] : nil)
                #expect(Dashboard.narrowChartFontSize * Dashboard.narrowContentWidth / width >= 11, "viewBox width \(width)")
                #expect(svg.elements("text").allSatisfy { $0.attribute("font-size") == nil && $0.attribute("style") == nil })
            }
        }
        #expect(charts >= 3, "the bars and both trends")
    }
}
