import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing
@testable import KAAWeb

/// Loggkontroll in the browser (issue 16): the search by person (POST only, logged), the risk views
/// and the monthly sample-and-sign-off.
@Suite struct LogReviewPageTests {
    let harness: WebHarness
    let pnr = TestPeople.person(born: 2008, 0)
    let id: Int64
    let greta: WebClient

    init() throws {
        harness = try WebHarness()
        id = try harness.person(pnr, first: "Alva", last: "Andersson", caseload: "hanna")
        let sara = try harness.loggedIn("sara")
        sara.get("/personer")
        sara.post("/sok", [("q", pnr.digits)])
        greta = try harness.loggedIn("greta")
        greta.get("/logg")
    }

    @discardableResult
    func plant(at: String, staff: String, action: String = "show", person: Int64?, context: String? = "person") throws -> Int64 {
        try harness.register.database.execute("INSERT INTO audit_log (at, staff, action, person_id, context, via) VALUES (?, ?, ?, ?, ?, 'web')",
                                              [.text(at), .text(staff), .text(action), SQLValue(person), SQLValue(context)])
        return harness.register.database.lastInsertRowID
    }

    func count(_ sql: String) throws -> Int64 {
        try #require(try harness.register.database.queryOne(sql)).int(0)
    }

    // MARK: - Search by person

    @Test func theSearchByPersonIsAPostAndTheLookupIsLogged() throws {
        let page = greta.get("/logg")
        #expect(page.text.contains("action=\"/logg/person\"") && page.text.contains("name=\"personnummer\""))
        // Two forms with the same filter names on one page: every id once, so each label names its field.
        let ids = page.text.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(ids.count == Set(ids).count && ids.contains("fp-staff") && ids.contains("f-staff"))
        let result = greta.post("/logg/person", [("personnummer", pnr.formatted)])
        #expect(result.status == 200)
        #expect(result.text.contains("Loggen för person #\(id)") && result.text.contains("<code>find</code>") && result.text.contains("<code>register</code>"))
        #expect(!result.text.contains("Alva") && !result.text.contains("Andersson"))
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'audit.person' AND staff = 'greta' AND person_id = \(id) AND context = 'log_review'") == 1)
        // The staff member and action filters narrow it.
        let bySara = greta.post("/logg/person", [("personnummer", pnr.digits), ("staff", "sara"), ("action", "find")])
        #expect(bySara.status == 200 && bySara.text.contains("<code>find</code>") && !bySara.text.contains("<code>register</code>"))
        #expect(bySara.text.contains("1 händelse, nyast först"))
        let none = greta.post("/logg/person", [("personnummer", pnr.digits), ("through", "2020-01-01")])
        #expect(none.text.contains("Inga händelser om personen matchar filtret."))
        #expect(greta.post("/logg/person", [("personnummer", pnr.digits), ("staff", "mallory")]).status == 400)
    }

    @Test(arguments: [["personnummer"], ["pnr"], ["person"]])
    func aPersonnummerInTheQueryStringIsRefused(fields: [String]) throws {
        for path in ["/logg", "/logg/risker"] {
            let response = greta.get(path, query: [fields[0]: pnr.digits])
            #expect(response.status == 400, "\(path)")
            #expect(!response.text.contains(pnr.digits) && !response.text.contains(pnr.formatted))
        }
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'audit.person'") == 0)
    }

    @Test(arguments: ["", "abc", "20080101-0000", "19000101-1234", String(repeating: "1", count: 400), "<script>alert(1)</script>", "' OR 1=1 --"])
    func anInvalidPersonnummerIsAskedAgainWithNothingLooked(typed: String) throws {
        let response = greta.post("/logg/person", [("personnummer", typed)])
        #expect(response.status == 400)
        #expect(response.text.contains("aria-invalid=\"true\""))
        #expect(!response.text.contains("<script>alert"))
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'audit.person'") == 0)
    }

    @Test func aPersonnummerTheRegisterDoesNotHoldIsLoggedToo() throws {
        let stranger = TestPeople.person(born: 2007, 5)
        let response = greta.post("/logg/person", [("personnummer", stranger.digits)])
        #expect(response.status == 404 && response.text.contains("finns inte i registret"))
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'audit.person' AND staff = 'greta' AND person_id IS NULL") == 1)
    }

    @Test(arguments: ["hanna", "sara", "adam"])
    func onlyAGranskareReachesLoggkontroll(login: String) throws {
        let client = try harness.loggedIn(login)
        #expect(client.get("/logg/risker").status == 403)
        #expect(client.get("/logg/stickprov").status == 403)
        #expect(client.post("/logg/person", [("personnummer", pnr.digits)]).status == 403)
        #expect(client.post("/logg/stickprov", [("month", "2026-10")]).status == 403)
        #expect(try count("SELECT count(*) FROM audit_log WHERE action = 'audit.person'") == 0)
        #expect(try count("SELECT count(*) FROM log_review") == 0)
    }

    @Test func changesAreShownWithSwedishLabels() throws {
        try harness.register.database.execute("""
            INSERT INTO audit_log (at, staff, action, person_id, changes, via)
            VALUES ('2026-10-06T08:00:00Z', 'hanna', 'episode.correct', \(id), 'registration_reason: OKAND → AVBROTT_NP; phone: ändrad; is_reached: 0 → 1', 'web')
            """)
        let text = greta.post("/logg/person", [("personnummer", pnr.digits), ("action", "episode")]).text
        #expect(text.contains("<span class=\"field\">Registreringsorsak</span>: OKAND → AVBROTT_NP"))
        #expect(text.contains("<span class=\"field\">Telefon</span>: ändrad") && text.contains("<span class=\"field\">Nådd</span>: nej → ja"))
        #expect(LogChanges.items("contact: <b>x</b>; note") == [LogChanges.Item(label: "contact", text: "<b>x</b>"), LogChanges.Item(label: nil, text: "note")])
    }

    // MARK: - Risk views

    @Test func aRiskViewListsThePlantedEventWithALinkIntoTheLog() throws {
        let evening = try plant(at: "2026-10-07T17:30:00Z", staff: "hanna", person: id)
        let office = try plant(at: "2026-10-07T08:00:00Z", staff: "hanna", person: id)
        let page = greta.get("/logg/risker", query: ["view": "after-hours", "from": "2026-10-01", "through": "2026-10-31"])
        #expect(page.status == 200)
        let link = "/logg?staff=hanna&amp;until=\(evening)#h\(evening)"
        #expect(page.text.contains("href=\"\(link)\""))
        #expect(!page.text.contains("until=\(office)#"))
        #expect(page.text.contains("aria-current=\"page\">Utanför kontorstid"))
        let log = greta.get("/logg", query: ["staff": "hanna", "until": String(evening)])
        #expect(log.status == 200 && log.text.contains("id=\"h\(evening)\""))
        #expect(!log.text.contains("login=greta"), "only hanna's rows up to the event")
        for view in LogRisk.allCases {
            #expect(greta.get("/logg/risker", query: ["view": view.rawValue]).status == 200, "\(view)")
        }
        #expect(greta.get("/logg/risker").text.contains("Utanför ärendelistan"))
    }

    @Test(arguments: [["view": "<script>"], ["from": "2026-13-01"], ["through": "igår"], ["from": "2026-10-02", "through": "2026-10-01"],
                      ["from": "2020-01-01", "through": "2026-10-01"]])
    func aBadRiskViewQueryIsRefused(query: [String: String]) throws {
        let response = greta.get("/logg/risker", query: query)
        #expect(response.status == 400)
        #expect(!response.text.contains("<script>"))
    }

    // MARK: - The sample

    @Test func drawJudgeSignAndExportASample() throws {
        for index in 0..<30 {
            try plant(at: String(format: "2026-10-%02dT09:%02d:00Z", index % 28 + 1, index), staff: index % 2 == 0 ? "hanna" : "sara", person: id)
        }
        let list = greta.get("/logg/stickprov")
        #expect(list.status == 200 && list.text.contains("<option value=\"2026-10\" selected>2026-10</option>") && list.text.contains("Inga stickprov än."))
        let drawn = greta.post("/logg/stickprov", [("month", "2026-10")])
        #expect(drawn.status == 303)
        let location = try #require(drawn.header("Location"))
        let reviewID = try #require(Int64(location.split(separator: "/").last ?? ""))
        let page = greta.get(location)
        #expect(page.status == 200 && page.text.contains("20 av månadens 30 läsningar"))
        #expect(page.text.contains("name=\"verdict-20\"") && !page.text.contains("name=\"verdict-21\""))
        #expect(page.text.contains("action=\"/logg/personer/\(id)\"") == false, "no reason forms inside the judgement form")
        // Drawn once per month.
        #expect(!greta.get("/logg/stickprov").text.contains("<option value=\"2026-10\""))
        #expect(greta.post("/logg/stickprov", [("month", "2026-10")]).status == 409)

        // Not justified without a comment: asked again, nothing saved, what was typed kept.
        let missing = greta.post(location + "/bedom", [("verdict-1", "unjustified"), ("comment-1", " "), ("verdict-2", "justified"), ("comment-2", "Planerad kontakt")])
        #expect(missing.status == 400 && missing.text.contains("Skriv varför läsningen inte var befogad.") && missing.text.contains("Planerad kontakt"))
        #expect(try count("SELECT count(verdict) FROM log_review_item WHERE review_id = \(reviewID)") == 0)
        // Forged fields are refused.
        #expect(greta.post(location + "/bedom", [("verdict-21", "justified")]).status == 400)
        #expect(greta.post(location + "/bedom", [("verdict-1", "maybe")]).status == 400)
        #expect(greta.post("/logg/stickprov/9999/bedom", [("verdict-1", "justified")]).status == 404)
        #expect(greta.get("/logg/stickprov/9999").status == 404)

        var fields = (2...20).map { ("verdict-\($0)", "justified") }
        fields += [("verdict-1", "unjustified"), ("comment-1", "<script>alert(1)</script> ingen kontakt")]
        let saved = greta.post(location + "/bedom", fields)
        #expect(saved.status == 303)
        let judged = greta.get(location, query: ["sparat": "1"]).text
        #expect(judged.contains("Bedömningarna är sparade.") && judged.contains("20 av 20 bedömda"))
        #expect(judged.contains("&lt;script&gt;alert(1)&lt;/script&gt; ingen kontakt") && !judged.contains("<script>alert"))

        let shown = Self.judgementsDigest(judged)
        // A judgement changed after the page was read: the sign-off is refused (it would sign what was not seen).
        #expect(greta.post(location + "/bedom", [("verdict-3", "unjustified"), ("comment-3", "omprövat")]).status == 303)
        #expect(greta.post(location + "/signera", [("bedomningar", shown)]).status == 409)
        #expect(greta.post(location + "/signera", []).status == 400, "no digest, no sign-off")
        #expect(greta.post(location + "/bedom", [("verdict-3", "justified"), ("comment-3", "")]).status == 303)
        let signed = greta.post(location + "/signera", [("bedomningar", Self.judgementsDigest(greta.get(location).text))])
        #expect(signed.status == 303)
        let final = greta.get(location).text
        #expect(final.contains("Signerad") && final.contains("av greta") && !final.contains("name=\"verdict-1\""))
        #expect(greta.post(location + "/signera", [("bedomningar", shown)]).status == 409)
        #expect(greta.post(location + "/bedom", [("verdict-2", "unjustified"), ("comment-2", "ändrat mig")]).status == 409)
        #expect(try count("SELECT count(*) FROM log_review_item WHERE review_id = \(reviewID) AND verdict = 'unjustified'") == 1)

        let export = greta.get(location + "/export")
        #expect(export.status == 200 && export.header("Content-Type") == "text/csv; charset=utf-8")
        let csv = String(decoding: export.body, as: UTF8.self)
        #expect(csv.split(whereSeparator: \.isNewline).count == 21, "\(csv)")
        #expect(csv.contains("inte befogad") && csv.contains("2026-10"))
        #expect(!csv.contains("Alva") && !csv.contains(pnr.digits))
        #expect(greta.get("/logg/stickprov").text.contains("href=\"\(location)\""))
        for (action, times) in [("log_review.draw", 1), ("log_review.judge", 3), ("log_review.sign", 1), ("log_review.export", 1)] {
            #expect(try count("SELECT count(*) FROM audit_log WHERE action = '\(action)' AND staff = 'greta'") == times, "\(action)")
        }
    }

    @Test(arguments: ["2026-08", "2026-13", "2026-11", "abc", ""])
    func anEmptyBadOrUnendedMonthDrawsNothing(month: String) throws {
        let response = greta.post("/logg/stickprov", [("month", month)])
        #expect(response.status == 400)
        #expect(response.text.contains("aria-invalid=\"true\""))
        #expect(try count("SELECT count(*) FROM log_review") == 0)
    }

    /// The judgements' digest the sample's sign-off form carries.
    static func judgementsDigest(_ page: String) -> String {
        page.range(of: "name=\"bedomningar\" value=\"").map { String(page[$0.upperBound...].prefix(64)) } ?? ""
    }

    @Test func signingBeforeEveryReadIsJudgedIsRefused() throws {
        try plant(at: "2026-10-05T09:00:00Z", staff: "hanna", person: id)
        let location = try #require(greta.post("/logg/stickprov", [("month", "2026-10")]).header("Location"))
        let response = greta.post(location + "/signera", [("bedomningar", Self.judgementsDigest(greta.get(location).text))])
        #expect(response.status == 400 && response.text.contains("1 av 1 läsningar är inte bedömda"))
        #expect(try count("SELECT count(*) FROM log_review WHERE signed_at IS NOT NULL") == 0)
    }
}
