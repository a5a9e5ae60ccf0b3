import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

@Suite struct LogPageTests {
    /// A register with a person, some web activity by sara and a granskare logged in.
    static func setUp(settings: WebSettings = WebSettings()) throws -> (WebHarness, Int64, PersonalIdentityNumber, WebClient) {
        let harness = try WebHarness(settings: settings)
        let pnr = TestPeople.person(born: 2008, 0)
        let id = try harness.person(pnr, first: "Alva", last: "Andersson", caseload: "hanna")
        let sara = try harness.loggedIn("sara")
        sara.get("/personer")
        sara.post("/sok", [("q", pnr.digits)])
        return (harness, id, pnr, try harness.loggedIn("greta"))
    }

    @Test func aGranskareReadsTheLogNewestFirstWithPeopleByIdOnly() throws {
        let (harness, id, pnr, greta) = try Self.setUp()
        let page = greta.get("/logg")
        #expect(page.status == 200)
        let text = page.text
        #expect(!text.contains(pnr.digits) && !text.contains(pnr.formatted) && !text.contains("Alva"))
        #expect(text.contains("#\(id)"))
        #expect(text.contains("webb") && text.contains("kommandorad"))
        #expect(text.contains("sökning") && text.contains("lista över inskrivningar"))
        // Newest first: greta's own login comes before sara's search, which comes before the CLI's register.
        let login = try #require(text.range(of: "login=greta")), search = try #require(text.range(of: "<code>find</code>"))
        let register = try #require(text.range(of: "<code>register</code>"))
        #expect(login.lowerBound < search.lowerBound && search.lowerBound < register.lowerBound)
        #expect(text.contains("action=\"/logg/personer/\(id)\"") && text.contains("Skäl till granskningen") && text.contains("Visa personens uppgifter"))
        #expect(text.contains(harness.register.localTime(try #require(try harness.register.auditEntries().first).at)))
    }

    @Test(arguments: ["hanna", "sara", "adam"])
    func everyOtherRoleIsRefusedAndAudited(login: String) throws {
        let (harness, id, _, _) = try Self.setUp()
        let client = try harness.loggedIn(login)
        let before = try harness.register.auditEntries().count
        #expect(client.get("/logg").status == 403)
        #expect(client.post("/logg/personer/\(id)", [("reason", "Kontroll av behörighet")]).status == 403)
        let after = try harness.register.auditEntries().dropFirst(before)
        #expect(after.count == 2 && after.allSatisfy { $0.action == "denied" })
    }

    @Test func filtersByStaffActionAndDateAndPages() throws {
        var settings = WebSettings()
        settings.pageSize = 2
        let (harness, _, _, greta) = try Self.setUp(settings: settings)
        let bySara = greta.get("/logg", query: ["staff": "sara", "action": "login"])
        #expect(bySara.status == 200)
        #expect(bySara.text.contains("login=sara") && !bySara.text.contains("login=greta"))
        #expect(bySara.text.contains("Visar 1–1 av 1"))
        let all = try harness.register.auditEntries().count
        let first = greta.get("/logg")
        #expect(first.text.contains("Visar 1–2 av \(all)"))
        #expect(first.text.contains("href=\"/logg?page=2\""))
        let filtered = greta.get("/logg", query: ["action": "list", "from": "2026-01-01", "through": "2030-12-31"])
        #expect(filtered.status == 200 && filtered.text.contains("<code>list</code>") && !filtered.text.contains("<code>find</code>"))
        // The harness's clock is in 2026-11; a range before it is empty.
        #expect(greta.get("/logg", query: ["through": "2020-01-01"]).text.contains("Inga händelser matchar filtret."))
    }

    @Test(arguments: [
        ("staff", "<script>alert(1)</script>"), ("staff", "ingen-sådan"), ("action", "login' OR 1=1"), ("action", "<b>x</b>"),
        ("from", "2026-13-01"), ("from", "igår"), ("through", "2026-02-30"), ("page", "-1"), ("page", "99999999999999999999"),
    ])
    func hostileFilterValuesAreRefusedWithoutEcho(name: String, value: String) throws {
        let (_, _, _, greta) = try Self.setUp()
        let response = greta.get("/logg", query: [name: value])
        #expect(response.status == 400)
        if value.count >= 5 { #expect(!response.text.contains(value)) }
    }

    @Test(arguments: ["", "   ", "kort"])
    func withoutAReasonNothingIsShownAndNothingIsRead(reason: String) throws {
        let (harness, id, pnr, greta) = try Self.setUp()
        greta.get("/logg")
        let before = try harness.register.auditEntries().count
        let response = greta.post("/logg/personer/\(id)", [("reason", reason)])
        #expect(response.status == 400)
        #expect(!response.text.contains("Alva") && !response.text.contains(pnr.digits) && !response.text.contains(pnr.formatted))
        #expect(response.text.contains("Skäl till granskningen") && response.text.contains("aria-invalid=\"true\""))
        #expect(try harness.register.auditEntries().count == before)
        #expect(greta.post("/logg/personer/\(id)", []).status == 400)
    }

    @Test func withAReasonOneAuditRowAndTheRecordReadOnly() throws {
        let (harness, id, pnr, greta) = try Self.setUp()
        try harness.register.addContact(pnr, on: TestDates.date("2026-10-02"), channel: "TELEFON", isReached: true)
        greta.get("/logg")
        let before = try harness.register.auditEntries().count
        let reason = "Klagomål från Alva om en felaktig uppgift"
        let response = greta.post("/logg/personer/\(id)", [("reason", reason)])
        #expect(response.status == 200)
        #expect(response.text.contains("Alva Andersson") && response.text.contains(pnr.formatted) && response.text.contains("2026-10-02"))
        #expect(response.text.contains("Visningen är loggad"))
        #expect(!response.text.contains("action=\"/personer/"), "read-only: no forms to change the record")
        let after = Array(try harness.register.auditEntries().dropFirst(before))
        #expect(after.count == 1)
        let row = try #require(after.first)
        #expect(row.action == "review_access" && row.personID == id && row.staff == "greta" && row.context == .person)
        #expect(row.detail == "reason_length=\(reason.count)")
        #expect(!(row.detail ?? "").contains("Alva"))
    }

    @Test func theReviewGrantLastsForTheOneCallOnly() throws {
        let harness = try WebHarness()
        let pnr = TestPeople.person(born: 2008, 0)
        let id = try harness.person(pnr, first: "Alva", last: "Andersson")
        let greta = try #require(try harness.register.staffListings().first { $0.account.login == "greta" })
        let viewer = Viewer(staffID: greta.id, login: "greta", name: greta.account.name, role: .granskare)
        _ = try harness.register.acting(as: viewer) { () throws(RegisterError) in
            #expect(harness.register.reach == .nobody)
            let record = try harness.register.reviewPerson(id, reason: "Kontroll efter klagomål")
            #expect(record.personID == id)
            #expect(harness.register.reach == .nobody, "back to nobody after the request")
            #expect(throws: RegisterError.self) { try harness.register.show(pnr) }
        }
        // Not a granskare: refused, and the refusal audited.
        let sara = try #require(try harness.register.staffListings().first { $0.account.login == "sara" })
        _ = try harness.register.acting(as: Viewer(staffID: sara.id, login: "sara", name: "Sara", role: .samordnare)) { () throws(RegisterError) in
            #expect(throws: RegisterError.self) { try harness.register.reviewPerson(id, reason: "Nyfiken på personen") }
        }
        #expect(try harness.register.auditEntries().last?.action == "denied")
    }

    @Test func anUnknownPersonIsNotFound() throws {
        let (_, _, _, greta) = try Self.setUp()
        greta.get("/logg")
        #expect(greta.post("/logg/personer/999", [("reason", "Kontroll av en rad")]).status == 404)
    }
}
