import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Rapporter in the browser (issue 16): the period report's KPIs with SVG charts and tables, the
/// region beside the kommun, data-quality lines linking to the people to fix, hostile periods.
@Suite struct ReportsPageTests {
    let harness: WebHarness
    let okand = TestPeople.person(born: 2008, sex: .female, 0)   // registered 2026-11-02 without a reason, reached after 3 days
    let silent = TestPeople.person(born: 2008, sex: .male, 0)    // registered 2026-09-01, never contacted, an "annan" measure
    var okandID: Int64 = 0
    var silentID: Int64 = 0

    init() throws {
        harness = try WebHarness()
        try harness.register.register(okand, on: TestDates.date("2026-11-02"), reason: "OKAND", details: ContactDetails(firstName: "Orsak", lastName: "Saknas"))
        _ = try harness.register.addContact(okand, on: TestDates.date("2026-11-05"), channel: "TELEFON", isReached: true)
        silentID = try harness.person(silent, first: "Tyst", last: "Tystnad")
        _ = try harness.register.addMeasure(silent, NewMeasure(type: "ANNAN", offeredOn: TestDates.date("2026-10-01")))
        okandID = try #require(try harness.register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(okand.digits)])?.int(0))
    }

    @Test func onlyASamordnareReachesIt() throws {
        for login in ["hanna", "greta", "adam"] {
            #expect(try harness.loggedIn(login).get("/rapporter").status == 403, "\(login)")
        }
        #expect(try harness.loggedIn("sara").get("/").text.contains("href=\"/rapporter\""))
        #expect(!(try harness.loggedIn("hanna")).get("/").text.contains("href=\"/rapporter\""))
    }

    @Test func showsTheKeyFiguresWithChartsAndTablesAgainstThePreviousMonth() throws {
        let page = try harness.loggedIn("sara").get("/rapporter", query: ["period": "2026-11"])
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("jämfört med 2026-10"))
        #expect(html.contains("Andel nådda") && html.contains("Andel med åtgärd") && html.contains("Tackade nej till åtgärd"))
        // Two in KAA in November, one reached: 50,0 %.
        #expect(html.range(of: #"<th scope="row">Andel nådda</th><td>50,0 %</td>"#, options: .regularExpression) != nil, "\(html)")
        // The median days to first contact and the bands.
        #expect(html.contains("Medianen för dem som registrerades under perioden och nåddes: 3 dagar"))
        #expect(html.contains("<th scope=\"row\">0–7 dagar</th><td>1</td><td>0</td>"))
        // Each chart is an image named by its title and description, with the figures in a table beside it.
        let charts = html.components(separatedBy: "<svg role=\"img\"").count - 1
        #expect(charts == 4)
        #expect(html.contains("<title id=\"c-kontakt-t\">") && html.contains("<desc id=\"c-kontakt-d\">0–7 dagar: 1 (2026-11) mot 0 (2026-10)"))
        #expect(html.contains("Avregistrerade efter orsak") && html.contains("Utslussade"))
        #expect(!html.contains("<script"))
    }

    @Test func dataQualityLinesLinkToThePeopleAndTheReadIsAudited() throws {
        let html = try harness.loggedIn("sara").get("/rapporter", query: ["period": "2026-11"]).text
        #expect(html.contains("Registreringsorsak saknas (OKAND): 1"))
        #expect(html.contains("<a href=\"/personer/\(okandID)\">Orsak Saknas</a>"))
        #expect(html.contains("Åtgärd av typen \"annan\": 1"))
        // Never contacted since 2026-09-01: 83 days on 2026-11-23.
        #expect(html.contains("Inget kontaktförsök på 30 dagar eller mer: 1") && html.contains("Inget kontaktförsök på 60 dagar eller mer: 1"))
        #expect(html.contains("Inget kontaktförsök på 90 dagar eller mer: 0"))
        #expect(html.contains("<a href=\"/personer/\(silentID)\">Tyst Tystnad</a>") && html.contains("(83 dagar)"))
        let shown = try harness.register.database.query("""
            SELECT p.person_id FROM audit_log a JOIN audit_shown_person p ON p.set_id = a.shown_set
            WHERE a.action = 'report.period' AND a.staff = 'sara' AND a.context = 'worklist'
            """).map { try $0.int(0) }
        #expect(Set(shown) == [okandID, silentID])
    }

    @Test func theRegionsProtectedFiguresStandBesideTheKommunsExactOnes() throws {
        let sara = try harness.loggedIn("sara")
        #expect(sara.get("/rapporter", query: ["period": "2026-11"]).text.contains("Inga regionala siffror för 2026-11 är hämtade än"))
        let period = try #require(Period("2026-11"))
        try harness.register.storeRegionFigures(RegionFigures(period: period, fetchedAt: "2026-11-20T02:00:00Z", isPreliminary: true, reporting: 3, enrolled: 4,
                                                              values: [CellKey(table: .inKAA, period: period, dims: Dims([:])): 120,
                                                                       CellKey(table: .contacted, period: period, dims: Dims([:])): 90]))
        let html = sara.get("/rapporter", query: ["period": "2026-11"]).text
        #expect(html.contains("Regionen (skyddat)") && html.contains("3 av 4 kommuner"))
        #expect(html.contains("<th scope=\"row\">Andel nådda</th><td>50,0 %</td><td>75,0 %</td>"), "\(html)")
    }

    @Test(arguments: [
        ("x", "Perioden ska vara en månad"), ("2026-13", "Perioden ska vara en månad"), ("2026-H3", "Perioden ska vara en månad"),
        ("<script>alert(1)</script>", "Perioden ska vara en månad"), ("2027-01", "har inte börjat"), ("2027-H1", "har inte börjat"),
        (String(repeating: "9", count: 5000), "Perioden ska vara en månad"),
    ])
    func refusesABadOrFuturePeriod(value: String, message: String) throws {
        let page = try harness.loggedIn("sara").get("/rapporter", query: ["period": value])
        #expect(page.status == 400)
        #expect(page.text.contains(message))
        #expect(!page.text.contains("<script>alert") && !page.text.contains("Nyckeltal"))
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM audit_log WHERE action = 'report.period'")?.int(0) == 0)
    }

    @Test func refusesARepeatedPeriod() throws {
        let sara = try harness.loggedIn("sara")
        let page = sara.get("/rapporter", items: [("period", "2026-11"), ("period", "2026-10")])
        #expect(page.status == 400 && page.text.contains("Ange en enda period."))
        // No period: this month.
        let plain = sara.get("/rapporter")
        #expect(plain.status == 200 && plain.text.contains("2026-11 (preliminär), jämfört med 2026-10"))
        // A half-year against the one before.
        #expect(sara.get("/rapporter", query: ["period": "2026-H2"]).text.contains("jämfört med 2026-H1"))
    }
}

extension WebClient {
    /// A GET whose query repeats names (the harness's `get` takes a dictionary).
    func get(_ path: String, items: [(String, String)]) -> HTTPResponse {
        var headers = ["Host": WebHarness.host]
        if !cookies.isEmpty { headers["Cookie"] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        return app.respond(to: HTTPRequest(method: "GET", path: path, queryItems: items.map { (name: $0.0, value: $0.1) }, headers: headers))
    }
}
