import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

/// What the person tests share: a harness with people, and the checks every response passes.
extension WebHarness {
    /// Anna (hanna's caseload) and Bo (hugo's), both registered 2026-09-01.
    func twoPeople() throws -> (anna: Int64, bo: Int64) {
        (try person(PersonTests.anna, first: "Anna", last: "Andersson", caseload: "hanna"),
         try person(PersonTests.bo, first: "Bo", last: "Berg", caseload: "hugo"))
    }

    /// The person's version now.
    func version(_ id: Int64) throws -> String { String(try register.version(ofPerson: id)) }

    /// The person's record as the register holds it (read as the CLI, not through the app).
    func history(_ pnr: PersonalIdentityNumber) throws -> PersonHistory { try register.show(pnr).history }

    /// The audit rows with `action`.
    func audits(_ action: String) throws -> [AuditEntry] { try register.auditEntries().filter { $0.action == action } }
}

/// Shared values and checks of the person tests.
enum PersonTests {
    static let anna = TestPeople.person(born: 2008, 0)
    static let bo = TestPeople.person(born: 2008, 1)
    static let cleo = TestPeople.person(born: 2009, 0)

    /// A response's `Location` never holds a personnummer, in any of its spellings.
    static func expectNoPersonnummer(_ response: HTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        let location = response.header("Location") ?? ""
        for pnr in [anna, bo, cleo] {
            for spelling in [pnr.digits, String(pnr.digits.dropFirst(2)), pnr.formatted] {
                #expect(!location.contains(spelling), "Location \(location) holds a personnummer", sourceLocation: sourceLocation)
            }
        }
    }

    /// 400 with the message next to `field` (its `e-` paragraph and `aria-invalid`).
    static func expectFieldError(_ response: HTTPResponse, _ field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == 400, "status \(response.status) for \(field)", sourceLocation: sourceLocation)
        #expect(response.text.contains("id=\"e-\(field)\""), "no error next to \(field)", sourceLocation: sourceLocation)
        expectNoPersonnummer(response, sourceLocation: sourceLocation)
    }
}

@Suite struct PersonCardTests {
    @Test func theCardShowsOverviewSourcesCaseworkerTimelineAndTheContactForm() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        try harness.register.updatePerson(PersonTests.anna, details: ContactDetails(phone: "070-123 45 67"))
        let client = try harness.loggedIn("sara")
        let page = client.get("/personer/\(anna)")
        #expect(page.status == 200)
        #expect(page.header("Cache-Control") == "no-store")
        let html = page.text
        #expect(html.contains("<h1>Anna Andersson</h1>"))
        #expect(html.contains(PersonTests.anna.formatted))
        #expect(html.contains("Fyller 20"))
        #expect(html.contains(SwedishFormat.longDate(KAAAgeRule.endDay(birthDate: PersonTests.anna.birthDate))))
        #expect(html.contains("Hanna Handläggare (hanna)"))
        #expect(html.contains("källa: inmatad av test"))
        #expect(html.contains("Registrerad i aktivitetsansvaret"))
        #expect(html.contains("Har inte påbörjat gymnasieutbildning"))
        #expect(html.contains("Varför personen finns i aktivitetsansvaret"))
        // The contact form of the issue, exactly.
        #expect(html.contains("action=\"/personer/\(anna)/kontakt\""))
        #expect(html.contains("type=\"date\" name=\"date\" id=\"f-date\" value=\"\(TestDates.today)\""))
        #expect(html.contains("name=\"channel\""))
        #expect(html.contains("<option value=\"TELEFON\">Telefon</option>"))
        #expect(html.contains("type=\"checkbox\" name=\"reached\""))
        #expect(html.contains("name=\"occupation\""))
        #expect(html.contains("name=\"next_contact\""))
        #expect(html.contains("name=\"version\" value=\"\(try harness.version(anna))\""))
        #expect(html.contains("Spara kontakten"))
        #expect(html.contains(">Erbjud en åtgärd</a>"))
        #expect(html.contains(">Avregistrera</a>"))
        // A samordnare assigns from the card.
        #expect(html.contains("action=\"/personer/\(anna)/handlaggare\""))
        // The read is audited with its context, as sara.
        let shows = try harness.audits("show").filter { $0.personID == anna }
        #expect(shows.count == 1)
        #expect(shows.first?.staff == "sara")
        #expect(shows.first?.context == .person)
    }

    @Test func aHandlaggareSeesTheirOwnPeopleOnlyAndARefusalIsAudited() throws {
        let harness = try WebHarness()
        let (anna, bo) = try harness.twoPeople()
        let hanna = try harness.loggedIn("hanna")
        #expect(hanna.get("/personer/\(anna)").status == 200)
        // No assignment form for a handläggare.
        #expect(!hanna.get("/personer/\(anna)").text.contains("/handlaggare\""))
        let refused = hanna.get("/personer/\(bo)")
        #expect(refused.status == 403)
        #expect(!refused.text.contains("Berg"))
        let denied = try harness.audits("denied")
        #expect(denied.contains { $0.personID == bo && $0.staff == "hanna" })
        #expect(try harness.audits("show").allSatisfy { $0.personID != bo })
    }

    @Test(arguments: ["greta", "adam"])
    func aGranskareOrAnAdminCannotOpenACard(login: String) throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn(login)
        #expect(client.get("/personer/\(anna)").status == 403)
        #expect(try harness.audits("denied").contains { $0.staff == login })
    }

    @Test(arguments: ["/personer/999999", "/personer/0", "/personer/-1", "/personer/abc", "/personer/1x", "/personer/99999999999999999999",
                      "/personer/%31"])
    func anUnknownOrMalformedIDIsNotFound(path: String) throws {
        let harness = try WebHarness()
        _ = try harness.twoPeople()
        let client = try harness.loggedIn("sara")
        #expect(client.get(path).status == 404)
    }

    @Test func aProtectedPersonHasTheBannerAndNoAddressLines() throws {
        let harness = try WebHarness()
        let id = try harness.person(PersonTests.cleo, first: "Cleo", last: "Ceder")
        try harness.register.updatePerson(PersonTests.cleo, details: ContactDetails(isProtected: true))
        let html = try harness.loggedIn("sara").get("/personer/\(id)").text
        #expect(html.contains("Skyddad identitet."))
        #expect(!html.contains("<dt>Adress</dt>"))
    }

    @Test func hostileNamesAreEscapedEverywhere() throws {
        let harness = try WebHarness()
        let id = try harness.person(PersonTests.cleo, first: "<script>alert(1)</script>", last: "\"><img src=x onerror=alert(1)>")
        let html = try harness.loggedIn("sara").get("/personer/\(id)").text
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;script&gt;"))
    }

    @Test func measuresShowPlanResponsiblePlannedStartFollowUpsAndTheirActions() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let measure = try harness.register.addMeasure(PersonTests.anna, NewMeasure(
            type: "SYV", offeredOn: TestDates.date("2026-10-01"), responsible: "Vägledningscentrum", plan: "Träffa SYV varannan vecka.\nMål: välja program.",
            followUpOn: TestDates.date("2026-10-15"), plannedStartOn: TestDates.date("2026-12-01")))
        try harness.register.addFollowUp(measure: measure, on: TestDates.date("2026-10-15"), next: TestDates.date("2026-12-15"), note: "Går bra")
        let html = try harness.loggedIn("hanna").get("/personer/\(anna)").text
        #expect(html.contains("Studie- och yrkesvägledning"))
        #expect(html.contains("Vägledningscentrum"))
        #expect(html.contains("Träffa SYV varannan vecka.\nMål: välja program."))
        #expect(html.contains(PersonForms.sensitiveReminder))
        #expect(html.contains("2026-12-01"))
        #expect(html.contains("2026-12-15"))
        #expect(html.contains("Går bra"))
        for link in ["beslut\">Beslut", "start\">Registrera start", "uppfoljning\">Uppföljning", "avsluta\">Avsluta"] {
            #expect(html.contains("/personer/\(anna)/atgarder/\(measure)/\(link)</a>"))
        }
    }

    @Test func theTimelineShowsWhoAndWhenAndCorrectionsAsBeforeAndAfter() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let contact = try harness.register.addContact(PersonTests.anna, on: TestDates.date("2026-11-02"), channel: "TELEFON", isReached: false)
        try harness.register.correctContact(contact, ContactCorrection(channel: "SMS"), reason: "fel_datum")
        let html = try harness.loggedIn("hanna").get("/personer/\(anna)").text
        #expect(html.contains("Kontaktförsök rättat"))
        #expect(html.contains("kontaktsätt: Telefon → Sms"))
        #expect(html.contains("orsak: fel datum"))
        #expect(html.contains(" · test</p>"))
    }
}
