import Foundation
import KAACore
import KAAHTML
import KAAHTTP
@testable import KAAHub
import KAAProtocol
import KAATestFixtures
import Testing

/// A hub of several län (issue #20): its scope, the county level of its publication, the `lan`
/// filter of the API and the dashboard grouped by län.
struct CountyFixture {
    let fixture: HubFixture
    var hub: Hub { fixture.hub }

    /// Two kommuner of Uppsala län (03) and two of Södermanlands län (04); 0484 sends no population.
    static let kommuner = ["0380", "0381", "0480", "0484"]

    /// The cells a kommun sends for November 2026: different per kommun, the same on every hub.
    static func cells(_ kommun: String) -> Set<Cell> {
        let seed = UInt32(kommun) ?? 1
        var cells: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], Int(seed % 7) + 3, seed &* 2_654_435_761),
                                c(.inKAA, "2026-11", ["age": "18", "sex": "M"], Int(seed % 5) + 1, seed &* 40_503),
                                c(.inKAAReason, "2026-11", ["reason": "OKAND"], Int(seed % 5) + 1, seed &* 40_503),
                                c(.firstContactDays, "2026-11", ["band": "0-7"], 6, seed &* 97),
                                c(.inMeasure, "2026-11", ["measure": "SYV"], 4, seed &* 13)]
        if kommun != "0484" { cells.insert(c(.population, "2026-11", ["age": "17", "sex": "K"], 200 + Int(seed % 50), seed &* 7)) }
        return cells
    }

    /// A hub of `scope` with `kommuner` enrolled, each having sent its cells.
    init(scope: HubScope, kommuner: [String] = CountyFixture.kommuner) throws {
        let directory = TemporaryDirectory()
        let hub = try Hub(path: directory.file("hub.sqlite"), scope: scope)
        var tokens: [String: String] = [:]
        for kommun in kommuner { tokens[kommun] = try hub.addSite(kommun: kommun, name: nil, actor: "test") }
        fixture = HubFixture(directory: directory, hub: hub, token: tokens[kommuner[0]] ?? "")
        for kommun in kommuner {
            #expect(fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: Self.cells(kommun), kommun: kommun), token: tokens[kommun]).status == 201)
        }
    }

    func publication(kommun: String? = nil, county: String? = nil) throws -> Publication {
        try hub.publication(period: #require(Period("2026-11")), kommun: kommun, county: county, today: TestDates.date("2026-11-20"))
    }

    func get(_ path: String, _ query: [(String, String)]) -> HTTPResponse {
        fixture.responder.respond(to: HTTPRequest(method: "GET", path: path, queryItems: query.map { (name: $0.0, value: $0.1) }))
    }
}

/// A figure without its owner, for comparing one level with another.
struct Figure: Hashable {
    let table: CellTable
    let dims: Dims
    let value: Int

    init(_ figure: PublishedFigure) {
        table = figure.table
        dims = figure.dims
        value = figure.value
    }
}

@Suite struct HubScopeTests {
    @Test func everyKommunAcceptsEveryKommunAndAScopeOnlyItsOwn() {
        #expect(HubScope.everyKommun.accepts("0380") && HubScope.everyKommun.accepts("2584"))
        let scope = HubScope(counties: ["03", "04"], kommuner: ["0180"])
        #expect(scope.accepts("0380") && scope.accepts("0484") && scope.accepts("0180"))
        #expect(!scope.accepts("0181") && !scope.accepts("0580") && !scope.accepts("9999") && !scope.accepts("") && !scope.accepts("03"))
        #expect(scope.namedCounties == ["01", "03", "04"] && HubScope.everyKommun.namedCounties.isEmpty)
    }

    @Test func addSiteRefusesAKommunOutsideTheScopeAndNamesIt() throws {
        let directory = TemporaryDirectory()
        let hub = try Hub(path: directory.file("hub.sqlite"), scope: HubScope(counties: ["03"], kommuner: []))
        _ = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        do {
            _ = try hub.addSite(kommun: "0480", name: nil, actor: "test")
            Issue.record("0480 lies in län 04, outside the scope")
        } catch {
            #expect(error.isBadInput && "\(error)".contains("0480") && "\(error)".contains("län 03"), "\(error)")
        }
        #expect(try hub.sites().map(\.kommun) == ["0380"], "nothing was enrolled")
        #expect(hub.scope == HubScope(counties: ["03"], kommuner: []))
        #expect(try Hub(path: directory.file("other.sqlite")).scope == .everyKommun)
    }
}

@Suite struct CountyLevelTests {
    @Test func aLänsFiguresOnAHubOfSeveralEqualTheRegionFiguresOfAHubOfThatLänAlone() throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let all = try both.publication()
        #expect(all.hasCountyLevel && all.counties == ["03", "04"])
        for (county, kommuner) in [("03", ["0380", "0381"]), ("04", ["0480", "0484"])] {
            let alone = try CountyFixture(scope: HubScope(counties: [county], kommuner: []), kommuner: kommuner)
            let own = try alone.publication()
            #expect(!own.hasCountyLevel && own.countyFigures.isEmpty && own.countyShares.isEmpty)
            let region = own.figures.filter { $0.kommun == nil }.map(Figure.init)
            let countyFigures = all.countyFigures.filter { $0.county == county }.map(Figure.init)
            #expect(!region.isEmpty && countyFigures == region, "län \(county): the same figures in the same order")
            for kommun in kommuner {
                #expect(all.figures.filter { $0.kommun == kommun } == own.figures.filter { $0.kommun == kommun }, "\(kommun)")
            }
            let regionShare = try #require(own.shares.first { $0.kommun == nil })
            let countyShare = try #require(all.countyShares.first { $0.county == county })
            #expect(countyShare.share == regionShare.share && countyShare.reason == regionShare.reason && countyShare.kommun == nil)
        }
        // 0484 sent no population: Södermanland's share is not reported, Uppsala's is shown.
        #expect(all.countyShares.map(\.reason) == [nil, .notReported])
        #expect(all.countyFigures.allSatisfy { $0.kommun == nil && $0.county != nil })
        #expect(all.figures.allSatisfy { $0.county == nil }, "the region and kommun figures carry no län")
    }

    @Test func aHubOfOneLänPublishesNoCountyLevelAndAScopeOfTwoLänDoes() throws {
        let one = try CountyFixture(scope: .everyKommun, kommuner: ["0380", "0381"])
        let body = try json(one.get("/v1/published", [("period", "2026-11")]))
        #expect(body["counties"] == nil && body["county_cells"] == nil && body["county_shares"] == nil)
        #expect(!String(decoding: one.get("/v1/published.csv", [("period", "2026-11")]).body, as: UTF8.self).contains("Nivå"))
        // A scope of two län makes the county level even before the second län has a kommun.
        let scoped = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []), kommuner: ["0380"])
        #expect(try scoped.publication().counties == ["03"])
        // Enrolled kommuner of two län make it without a scope.
        #expect(try CountyFixture(scope: .everyKommun).publication().counties == ["03", "04"])
    }

    @Test func theJSONKeepsCountyFiguresApartFromTheRegionsSoTheRegionEndpointServesNone() throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let publication = try both.publication()
        let body = try #require(PublicationResponse(json: both.get("/v1/published", [("period", "2026-11")]).body))
        #expect(body.cells.filter { $0.kommun == nil }.map(\.value) == publication.figures.filter { $0.kommun == nil }.map(\.value))
        #expect(body.countyCells?.count == publication.countyFigures.count && body.countyCells?.map(\.lan).first == "03")
        #expect(body.counties == [PublicationResponse.County(lan: "03", name: "Uppsala län", kommuner: 2, of: 2),
                                  PublicationResponse.County(lan: "04", name: "Södermanlands län", kommuner: 2, of: 2)])
        #expect(body.countyShares?.map(\.lan) == ["03", "04"] && body.countyShares?.last?.reason == "not_reported")
        // What a kommun's sync client reads as the region: the whole hub's figures only.
        let region = both.fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/region", query: ["period": "2026-11"],
                                                                    headers: ["Authorization": "Bearer \(both.fixture.token)"]))
        #expect(region.status == 200)
        let regionBody = try #require(PublicationResponse(json: region.body))
        #expect(regionBody.countyCells == nil && regionBody.counties == nil && regionBody.countyShares == nil)
        #expect(regionBody.cells.allSatisfy { $0.kommun == nil })
        #expect(regionBody.cells.map(\.value) == publication.figures.filter { $0.kommun == nil }.map(\.value))
    }

    @Test func lanNarrowsToTheLänsKommunerAndItsCountyFigures() throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let response = both.get("/v1/published", [("period", "2026-11"), ("lan", "04")])
        #expect(response.status == 200)
        let body = try #require(PublicationResponse(json: response.body))
        #expect(Set(body.cells.compactMap(\.kommun)) == ["0480", "0484"])
        #expect(body.cells.contains { $0.kommun == nil }, "the region's figures come along, as with kommun")
        #expect(Set(body.countyCells?.map(\.lan) ?? []) == ["04"] && body.counties?.map(\.lan) == ["04"])
        // The same figures as without the filter.
        let whole = try both.publication()
        #expect(body.countyCells?.map(\.value) == whole.countyFigures.filter { $0.county == "04" }.map(\.value))
        // A kommun brings its own län's figures.
        let kommun = try #require(PublicationResponse(json: both.get("/v1/published", [("period", "2026-11"), ("kommun", "0381")]).body))
        #expect(Set(kommun.countyCells?.map(\.lan) ?? []) == ["03"])
        #expect(both.get("/v1/published", [("period", "2026-11"), ("kommun", "0381"), ("lan", "03")]).status == 200)
    }

    @Test(arguments: [("0", "malformed-parameter"), ("999", "malformed-parameter"), ("\u{0}", "malformed-parameter"), ("3", "malformed-parameter"),
                      ("０３", "malformed-parameter"), ("٠٣", "malformed-parameter"), ("", "malformed-parameter"), ("03 ", "malformed-parameter"),
                      ("<b>", "malformed-parameter"), ("00", "unknown-value"), ("02", "unknown-value"), ("99", "unknown-value"),
                      ("01", "unknown-value"), ("05", "unknown-value")])
    func refusesABadOrUnservedLän(_ value: String, _ kind: String) throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        for resource in ["/v1/published", "/v1/published.csv", "/v1/published.xlsx"] {
            let response = both.get(resource, [("period", "2026-11"), ("lan", value)])
            #expect(response.status == 400 && response.header("Content-Type") == ProblemResponse.mediaType, "\(resource) lan=\(value.debugDescription)")
            let problem = try json(response)
            #expect(problem["type"] as? String == "tag:kaa-register,2026:problem:\(kind)", "\(value.debugDescription)")
            #expect(!(problem["detail"] as? String ?? "").contains("<b>"), "a malformed value is not echoed")
        }
    }

    @Test func refusesARepeatedLänAndAKommunOutsideTheLän() throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let repeated = both.get("/v1/published", [("period", "2026-11"), ("lan", "03"), ("lan", "04")])
        #expect(repeated.status == 400)
        #expect(try json(repeated)["type"] as? String == "tag:kaa-register,2026:problem:repeated-parameter")
        let outside = both.get("/v1/published.csv", [("period", "2026-11"), ("kommun", "0380"), ("lan", "04")])
        #expect(outside.status == 400)
        #expect(try json(outside)["detail"] as? String == "the kommun '0380' is not in lan '04'")
        // The region endpoint takes no lan (a sync endpoint: its plain error body).
        let region = both.fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/region", query: ["period": "2026-11", "lan": "03"],
                                                                    headers: ["Authorization": "Bearer \(both.fixture.token)"]))
        #expect(region.status == 400)
    }

    @Test func eachLänHasItsOwnValidatorsAndDownloadName() throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let whole = both.get("/v1/published.csv", [("period", "2026-11")])
        let uppsala = both.get("/v1/published.csv", [("period", "2026-11"), ("lan", "03")])
        let sodermanland = both.get("/v1/published.csv", [("period", "2026-11"), ("lan", "04")])
        let tags = [whole, uppsala, sodermanland].compactMap { $0.header("ETag") }
        #expect(Set(tags).count == 3, "\(tags)")
        #expect(uppsala.header("Content-Disposition") == "attachment; filename=\"kaa-2026-11-lan03.csv\"")
        // Asked again with its tag: 304 for the same län only.
        let again = both.fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/published.csv", query: ["period": "2026-11", "lan": "03"],
                                                                   headers: ["If-None-Match": uppsala.header("ETag") ?? ""]))
        #expect(again.status == 304)
        let other = both.fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/published.csv", query: ["period": "2026-11", "lan": "04"],
                                                                   headers: ["If-None-Match": uppsala.header("ETag") ?? ""]))
        #expect(other.status == 200 && other.body == sodermanland.body)
        let xlsx = both.get("/v1/published.xlsx", [("period", "2026-11"), ("lan", "03")])
        #expect(xlsx.status == 200 && xlsx.body.starts(with: [0x50, 0x4B]))
        #expect(xlsx.header("Content-Disposition") == "attachment; filename=\"kaa-2026-11-lan03.xlsx\"")
    }

    @Test func theCSVOfAHubOfSeveralLänSaysEachRowsLevelAndLän() throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let text = String(decoding: both.get("/v1/published.csv", [("period", "2026-11")]).body.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first?.hasPrefix("Period;Nivå;Länskod;Län;Kommunkod;Kommun;Tabellkod;Tabell;") == true)
        let whole = try both.publication()
        let uppsalaTotal = try #require(whole.countyFigures.first { $0.county == "03" && $0.table == .inKAA && $0.dims.pairs.isEmpty })
        #expect(lines.contains { $0.hasPrefix("2026-11;Län;03;Uppsala län;;;in_kaa;I aktivitetsansvaret;") && $0.contains(";Totalt;;;;;\(uppsalaTotal.value);ja") },
                "\(lines.prefix(3))")
        #expect(lines.contains { $0.hasPrefix("2026-11;Kommun;04;Södermanlands län;0484;Eskilstuna;in_kaa;") })
        #expect(lines.contains { $0.hasPrefix("2026-11;Region;;;;Regionen;in_kaa;") })
        // Reading order: the region, then each län before its kommuner.
        let levels = lines.dropFirst().map { $0.split(separator: ";", omittingEmptySubsequences: false).prefix(5).map(String.init) }
        let owners = levels.map { $0[1] == "Region" ? "R" : $0[1] == "Län" ? $0[2] : $0[4] }
        var seen: [String] = []
        for owner in owners where seen.last != owner { seen.append(owner) }
        #expect(seen.prefix(7) == ["R", "03", "0380", "0381", "04", "0480", "0484"], "\(seen)")
        #expect(lines.contains { $0.hasPrefix("2026-11;Län;04;Södermanlands län;;;andel_16_19_i_kaa_procent;") && $0.hasSuffix(";..;ja") })
    }
}

@Suite struct CountyDashboardTests {
    func document(_ county: CountyFixture, kommun: String? = nil) throws -> (html: String, page: Node) {
        let response = county.get(kommun.map { "/kommun/\($0)" } ?? "/", [("period", "2026-11")])
        #expect(response.status == 200)
        let dashboard = try Dashboard(hub: county.hub, today: TestDates.date("2026-11-20")).document(period: "2026-11", kommun: kommun)
        return (String(decoding: response.body, as: UTF8.self), dashboard.document)
    }

    func section(_ page: Node, _ id: String) -> Node {
        page.elements { $0.tag == "section" && $0.attribute("aria-labelledby") == id }.first ?? .empty
    }

    @Test func theOverviewGroupsTheKommunerByLänWithATotalPerLän() throws {
        let county = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let (_, page) = try document(county)
        let overview = section(page, "overview")
        let groups = overview.elements("tbody")
        #expect(groups.count == 2)
        #expect(groups.map { $0.elements { $0.tag == "th" && $0.attribute("scope") == "rowgroup" }.map(\.textContent) }
            == [["Uppsala län"], ["Södermanlands län"]])
        #expect(groups.map { $0.elements { $0.tag == "th" && $0.attribute("scope") == "row" }.map(\.textContent) }
            == [["Uppsala", "Enköping", "Totalt Uppsala län"], ["Nyköping", "Eskilstuna", "Totalt Södermanlands län"]])
        // A län's total is its county figure, not a sum of the kommuner's published ones.
        let publication = try county.publication()
        let uppsala = try #require(publication.countyFigures.first { $0.county == "03" && $0.table == .inKAA && $0.dims.pairs.isEmpty })
        let total = try #require(groups.first?.elements("tr").last)
        #expect(total.elements("td").first?.textContent == "\(uppsala.value)")
        #expect(overview.elements("tfoot").first?.elements("th").map(\.textContent) == ["regionen"])
        // Each kommun keeps its page.
        #expect(overview.elements("a").compactMap { $0.attribute("href") }.contains("/kommun/0484?period=2026-11"))
        #expect(try document(county, kommun: "0484").page.elements("h1").map(\.textContent) == ["Eskilstuna: aktivitetsansvaret november 2026"])
    }

    @Test func theLänAreComparedInATableAndABarChart() throws {
        let county = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let (html, page) = try document(county)
        let comparison = section(page, "counties")
        #expect(comparison.elements("h2").map(\.textContent) == ["Länen jämförda"])
        #expect(comparison.elements("thead").first?.elements("th").allSatisfy { $0.attribute("scope") == "col" } == true)
        let rows = comparison.elements("tbody").first?.elements("tr") ?? []
        #expect(rows.map { $0.elements("th").map(\.textContent) } == [["Uppsala län"], ["Södermanlands län"]])
        let publication = try county.publication()
        let uppsalaShare = try #require(publication.countyShares.first?.share)
        #expect(rows.first?.elements("td").map(\.textContent).prefix(3) == ["2 av 2", "\(publication.countyFigures.first { $0.county == "03" && $0.table == .inKAA && $0.dims.pairs.isEmpty }?.value ?? -1)",
                                                                             SwedishFormat.percent(uppsalaShare)])
        #expect(rows.last?.elements("td").map(\.textContent).dropFirst(2).first == "..", "Södermanland's population is not reported")
        #expect(!comparison.elements { $0.tag == "p" && $0.attribute("class") == "legend" }.isEmpty, "the signs are explained")
        let chart = try #require(section(page, "county-bars").elements("svg").first)
        #expect(chart.attribute("role") == "img" && chart.attribute("aria-labelledby") == "county-title county-desc")
        let box = (chart.attribute("viewBox") ?? "").split(separator: " ").compactMap { Double($0) }
        #expect(box.count == 4 && box[2] == Dashboard.chartWidth)
        #expect(chart.elements { $0.attribute("id") == "county-desc" }.first?.textContent.contains("Södermanlands län ..") == true)
        #expect(chart.elements("rect").count == 5, "three measures for Uppsala, two for Södermanland (its share is not reported)")
        // Headings in order: the page's h1, then only h2 for the sections.
        #expect(page.elements("h1").count == 1 && page.elements("h3").isEmpty)
        #expect(!html.contains("<script"))
    }

    @Test func aHubOfOneLänLooksAsBefore() throws {
        let county = try CountyFixture(scope: .everyKommun, kommuner: ["0380", "0381"])
        let (html, page) = try document(county)
        #expect(section(page, "counties").elements("h2").isEmpty && section(page, "county-bars").elements("svg").isEmpty)
        #expect(section(page, "overview").elements("tbody").count == 1 && !html.contains("scope=\"rowgroup\"") && !html.contains("Totalt Uppsala län"))
        #expect(section(page, "overview").elements("h2").map(\.textContent) == ["Kommunerna i Uppsala län"])
    }
}

@Suite struct CountyOpenAPITests {
    @Test func theDocumentDescribesLanAndTheCountyLevel() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("docs/openapi.json"))) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for path in ["/v1/published", "/v1/published.csv", "/v1/published.xlsx"] {
            let parameters = try #require((paths[path]?["get"] as? [String: Any])?["parameters"] as? [[String: Any]])
            let names = Set(parameters.compactMap { $0["in"] as? String == "query" ? $0["name"] as? String : nil })
            #expect(names == ["period", "table", "kommun", "lan"], "\(path): the parameters the responder takes")
            let lan = try #require(parameters.first { $0["name"] as? String == "lan" })
            #expect((lan["schema"] as? [String: Any])?["pattern"] as? String == "^[0-9]{2}$")
        }
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let publication = try #require((schemas["Publication"] as? [String: Any])?["properties"] as? [String: Any])
        #expect(publication["counties"] != nil && publication["county_cells"] != nil && publication["county_shares"] != nil)
        let required = try #require((schemas["CountyFigure"] as? [String: Any])?["required"] as? [String])
        #expect(Set(required) == ["lan", "dims", "table", "value"])
    }
}

@Suite struct CountyPageTests {
    func page(_ county: CountyFixture, _ path: String) -> (status: Int, html: String) {
        let response = county.get(path, [("period", "2026-11")])
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func aLänsPageShowsWhatAHubOfJustItsKommunerShows() throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let alone = try CountyFixture(scope: HubScope(counties: ["03"], kommuner: []), kommuner: ["0380", "0381"])
        let day = TestDates.date("2026-11-20")
        let lan = try Dashboard(hub: both.hub, today: day).document(period: "2026-11", kommun: nil, county: "03").document
        let own = try Dashboard(hub: alone.hub, today: day).document(period: "2026-11", kommun: nil).document
        #expect(lan.elements("h1").map(\.textContent) == ["Aktivitetsansvaret i Uppsala län, november 2026"])
        func cells(_ page: Node) -> [String] {
            page.elements { $0.tag == "section" && $0.attribute("aria-labelledby") == "overview" }.flatMap { $0.elements("td") }.map(\.textContent)
        }
        #expect(!cells(lan).isEmpty && cells(lan) == cells(own), "the same figures, the län's total in the region's place")
        let (status, html) = page(both, "/lan/03")
        #expect(status == 200 && html.contains("/v1/published.csv?period=2026-11&amp;lan=03") && html.contains("action=\"/lan/03\""))
        #expect(!html.contains("Nyköping"), "only the län's kommuner")
        // The region page links each län's page.
        #expect(page(both, "/").html.contains("href=\"/lan/04?period=2026-11\""))
    }

    @Test(arguments: ["/lan/01", "/lan/99", "/lan/3", "/lan/999", "/lan/%00", "/lan/\u{0}", "/lan/<b>", "/lan/"])
    func anUnknownOrMalformedLänIsNotFound(_ path: String) throws {
        let both = try CountyFixture(scope: HubScope(counties: ["03", "04"], kommuner: []))
        let (status, html) = page(both, path)
        #expect(status == 404, "\(path.debugDescription)")
        #expect(!html.contains("<b>"))
    }

    @Test func aHubOfOneLänHasNoLänPages() throws {
        let one = try CountyFixture(scope: .everyKommun, kommuner: ["0380", "0381"])
        #expect(page(one, "/lan/03").status == 404)
        #expect(!page(one, "/").html.contains("/lan/"))
    }
}
