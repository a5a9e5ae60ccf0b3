import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing
@testable import KAAWeb

/// Massutskick in the browser (issue 16): a selection from a worklist, the print view, the CSV,
/// "Registrera som skickade" once, need-to-know, protected identities never in a letter, templates.
@Suite struct LetterPageTests {
    let harness: WebHarness
    let anna = TestPeople.person(born: 2009, sex: .female, 0)
    let bo = TestPeople.person(born: 2008, sex: .male, 0)
    let sigge = TestPeople.person(born: 2008, sex: .male, 1)
    let ulla = TestPeople.person(born: 2008, sex: .female, 1)
    var ids: [String: Int64] = [:]

    init() throws {
        harness = try WebHarness()
        let register = harness.register
        try register.register(anna, on: TestDates.date("2026-09-01"), reason: "OKAND",
                              details: ContactDetails(firstName: "Anna", lastName: "Andersson", address: "Storgatan 1", postalCode: "75320", city: "Uppsala"))
        try register.register(bo, on: TestDates.date("2026-09-01"), reason: "OKAND",
                              details: ContactDetails(firstName: "Bo", lastName: "Berg", address: "Lillgatan 2", postalCode: "75321", city: "Uppsala"))
        try register.register(sigge, on: TestDates.date("2026-09-01"), reason: "OKAND",
                              details: ContactDetails(firstName: "Sigge", lastName: "Skydd", isProtected: true))
        try register.register(ulla, on: TestDates.date("2026-09-01"), reason: "OKAND", details: ContactDetails(firstName: "Ulla", lastName: "Utan"))
        try register.assignCaseload(anna, to: "hanna")
        try register.assignCaseload(bo, to: "hugo")
        for (name, pnr) in [("anna", anna), ("bo", bo), ("sigge", sigge), ("ulla", ulla)] {
            ids[name] = try #require(try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])?.int(0))
        }
    }

    func id(_ name: String) -> Int64 { ids[name] ?? 0 }

    /// A logged-in client that has loaded a page (so its forms carry the session's CSRF token).
    func client(_ login: String) throws -> WebClient {
        let client = try harness.loggedIn(login)
        client.get("/")
        return client
    }

    func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func letters() throws -> Int64 {
        try harness.register.database.queryOne("SELECT count(*) FROM contact WHERE channel = 'BREV' AND is_reached = 0")?.int(0) ?? -1
    }

    func chosen(_ names: [String], kind: String = "general", date: String = "2026-11-20") -> [(String, String)] {
        [("lista", "ej-nadda"), ("mall", kind), ("datum", date)] + names.map { ("p_\(id($0))", "ja") }
    }

    @Test func aSamordnareWritesPrintsDownloadsAndRegistersLettersOnce() throws {
        let sara = try client("sara")
        let today = sara.get("/").text
        #expect(today.contains("href=\"/brev?lista=ej-nadda&amp;dagar="), "Idag's worklist links to Brev")
        let page = sara.get("/brev", query: ["lista": "ej-nadda"])
        #expect(page.status == 200)
        let html = page.text
        #expect(html.contains("name=\"p_\(id("anna"))\" id=\"f-p_\(id("anna"))\" value=\"ja\" checked"))
        #expect(html.contains("name=\"p_\(id("bo"))\""))
        #expect(html.contains("Skickas inte: skyddad identitet (1)") && html.contains("Sigge Skydd"))
        #expect(html.contains("Skickas inte: saknar adress (1)") && html.contains("Ulla Utan"))
        #expect(!html.contains("name=\"p_\(id("sigge"))\""), "a protected person is never a recipient")

        let print = sara.post("/brev/utskrift", chosen(["anna", "bo"]))
        #expect(print.status == 200)
        #expect(print.text.components(separatedBy: "<article class=\"letter\"").count - 1 == 2)
        #expect(print.text.contains("Hej Anna!") && print.text.contains("Storgatan 1") && print.text.contains("20 november 2026"))
        #expect(!print.text.contains("Sigge") && !print.text.contains("Ulla"))

        let csv = sara.post("/brev/adresser", chosen(["bo"]))
        #expect(csv.status == 200 && csv.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(Array(csv.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: csv.body.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("Förnamn;Efternamn;Utdelningsadress;Postnummer;Postort;Handläggare;Brevdatum;Rubrik;Brevtext\r\n"))
        #expect(text.contains("Bo;Berg;Lillgatan 2;75321;Uppsala;Hugo Handläggare;20 november 2026;") && !text.contains("Anna"))

        let confirm = sara.post("/brev/bekrafta", chosen(["anna", "bo"]))
        #expect(confirm.status == 200 && confirm.text.contains("Registrera 2 brev som skickade"))
        #expect(try letters() == 0, "the confirmation writes nothing")
        let fields = ["lista", "mall", "datum", "ids", "kontroll"].compactMap { name in hidden(name, in: confirm.text).map { (name, $0) } }
        #expect(fields.count == 5)
        let sent = sara.post("/brev/skicka", fields)
        #expect(sent.status == 303)
        let location = try #require(sent.header("Location"))
        #expect(location.hasPrefix("/brev/kvitto/") && !location.contains("igen"))
        #expect(try letters() == 2)
        let audit = try harness.register.auditEntries(AuditFilter(action: "letters.sent"))
        #expect(audit.count == 1 && Set(audit[0].shownPersonIDs) == [id("anna"), id("bo")] && audit[0].staff == "sara")

        // Posting again (a reload, a double click) logs nothing more.
        let twice = sara.post("/brev/skicka", fields)
        #expect(twice.status == 303 && twice.header("Location") == location + "?igen=1")
        #expect(try letters() == 2)
        let receipt = sara.get(location)
        #expect(receipt.status == 200 && receipt.text.contains("<th scope=\"row\">Mottagare</th><td>2</td>"))
        #expect(!receipt.text.contains("Anna") && !receipt.text.contains("Berg"), "no personal data in the receipt")
        // The contact attempt is on the Personkort.
        // A handläggare sees only the receipts of their own batches.
        #expect(try client("hugo").get(location).status == 404)
        let card = sara.get("/personer/\(id("anna"))").text
        #expect(!card.contains("Inga kontaktförsök loggade.") && card.contains("2026-11-20"))
    }

    @Test func aHandlaggareWritesOnlyToTheirCaseloadAndAForgedIdIsRefused() throws {
        let hanna = try client("hanna")
        let page = hanna.get("/brev", query: ["lista": "ej-nadda"]).text
        #expect(page.contains("Anna Andersson") && !page.contains("Bo Berg") && !page.contains("Sigge") && !page.contains("Ulla"))
        for path in ["/brev/utskrift", "/brev/adresser", "/brev/bekrafta"] {
            let forged = hanna.post(path, chosen(["anna", "bo"]))
            #expect(forged.status == 403, "\(path)")
            #expect(!forged.text.contains("Lillgatan"))
        }
        let ids = [id("anna"), id("bo")].sorted()
        let digest = LetterBatch.digest(kind: .general, date: TestDates.date("2026-11-20"), personIDs: ids)
        let send = hanna.post("/brev/skicka", [("mall", "general"), ("datum", "2026-11-20"), ("ids", ids.map(String.init).joined(separator: ",")),
                                               ("kontroll", digest)])
        #expect(send.status == 403)
        #expect(try letters() == 0)
        #expect(try harness.register.auditEntries(AuditFilter(action: "denied")).filter { $0.staff == "hanna" && $0.personID == id("bo") }.count == 4)
        // Her own letters she may send.
        #expect(hanna.post("/brev/utskrift", chosen(["anna"])).status == 200)
    }

    @Test(arguments: ["sigge", "ulla"])
    func anIdOfSomeoneWhoCannotGetALetterPostedDirectlyIsRefused(_ who: String) throws {
        let sara = try client("sara")
        for path in ["/brev/utskrift", "/brev/adresser", "/brev/bekrafta"] {
            let response = sara.post(path, chosen(["anna", who]))
            #expect(response.status == 400, "\(path)")
            #expect(!response.text.contains("<article") && !response.text.contains("Storgatan"), "\(path)")
        }
        let ids = [id("anna"), id(who)].sorted()
        let send = sara.post("/brev/skicka", [("mall", "general"), ("datum", "2026-11-20"), ("ids", ids.map(String.init).joined(separator: ",")),
                                              ("kontroll", LetterBatch.digest(kind: .general, date: TestDates.date("2026-11-20"), personIDs: ids))])
        #expect(send.status == 409)
        #expect(try letters() == 0)
    }

    @Test func aSelectionThatChangedBetweenConfirmAndSendWritesNothing() throws {
        let sara = try client("sara")
        let confirm = sara.post("/brev/bekrafta", chosen(["anna", "bo"]))
        let fields = ["lista", "mall", "datum", "ids", "kontroll"].compactMap { name in hidden(name, in: confirm.text).map { (name, $0) } }
        // Bo's address goes meanwhile; a tampered list does not match its digest.
        try harness.register.database.execute("UPDATE person SET address = NULL WHERE id = ?", [.integer(id("bo"))])
        #expect(sara.post("/brev/skicka", fields).status == 409)
        let tampered = fields.map { $0.0 == "ids" ? ("ids", String(id("anna"))) : $0 }
        #expect(sara.post("/brev/skicka", tampered).status == 409)
        #expect(try letters() == 0)
        #expect(try harness.register.auditEntries(AuditFilter(action: "letters.sent")).isEmpty)
    }

    @Test(arguments: [
        (["lista": "nope"], 400), (["lista": "ej-nadda", "dagar": "abc"], 400), (["lista": "ej-nadda", "dagar": "99999"], 400),
        (["kalla": "annat"], 400), (["kalla": "personer", "status": "<script>"], 400), ([:], 200),
    ])
    func aSelectionNoLinkOfOursMakesIsRefused(_ query: [String: String], _ status: Int) throws {
        let sara = try client("sara")
        let response = sara.get("/brev", query: query)
        #expect(response.status == status)
        #expect(!response.text.contains("<script>"))
    }

    @Test func badFormsShowTheSelectionAgainWithWhatIsWrong() throws {
        let sara = try client("sara")
        let noOne = sara.post("/brev/utskrift", [("lista", "ej-nadda"), ("mall", "general"), ("datum", "2026-11-20"), ("p_\(id("anna"))", "nej")])
        #expect(noOne.status == 400 && noOne.text.contains("Välj minst en mottagare."))
        let badDate = sara.post("/brev/utskrift", chosen(["anna"], date: "20 nov"))
        #expect(badDate.status == 400 && badDate.text.contains("ÅÅÅÅ-MM-DD"))
        #expect(sara.post("/brev/utskrift", chosen(["anna"], kind: "kärleksbrev")).status == 400)
        let future = sara.post("/brev/bekrafta", chosen(["anna"], date: "2030-01-01"))
        #expect(future.status == 200, "a letter may be dated ahead for printing")
        let fields = ["lista", "mall", "datum", "ids", "kontroll"].compactMap { name in hidden(name, in: future.text).map { (name, $0) } }
        #expect(sara.post("/brev/skicka", fields).status == 400, "but no contact attempt is logged in the future")
        for ids in ["", "1,x", "-1", "1,,2", String(repeating: "1,", count: 20_001)] {
            // (The longest list is over the server's body limit: 413 before any handler.)
            let status = sara.post("/brev/skicka", [("mall", "general"), ("datum", "2026-11-20"), ("ids", ids), ("kontroll", String(repeating: "a", count: 64))]).status
            #expect(status == 400 || (ids.count > 1000 && status == 413), "\(ids.prefix(10))")
        }
        #expect(sara.post("/brev/skicka", [("mall", "general"), ("datum", "2026-11-20"), ("ids", "1"), ("kontroll", "<x>")]).status == 400)
        #expect(try letters() == 0)
    }

    @Test func theUnder18LetterWarnsAboutRecipientsWhoAreOlder() throws {
        let sara = try client("sara")
        // Anna (born 2009) is under 18 on the harness's today; Olle (2007) is 19.
        let young = sara.post("/brev/utskrift", chosen(["anna"], kind: "under18")).text
        #expect(!young.contains("18 år eller äldre") && young.contains("Till vårdnadshavare till Anna Andersson"))
        let older = TestPeople.person(born: 2007, 0)
        try harness.register.register(older, on: TestDates.date("2026-09-01"), reason: "OKAND",
                                      details: ContactDetails(firstName: "Olle", lastName: "Äldre", address: "Vägen 1", postalCode: "75320", city: "Uppsala"))
        let olle = try #require(try harness.register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(older.digits)])?.int(0))
        let mixed = sara.post("/brev/bekrafta", chosen(["anna"], kind: "under18") + [("p_\(olle)", "ja")]).text
        #expect(mixed.contains("1 av mottagarna är 18 år eller äldre"))
    }

    @Test func theUngdomarFilterLeadsToLettersForTheSameSelection() throws {
        let sara = try client("sara")
        let list = sara.get("/personer", query: ["handlaggare": "hugo"]).text
        #expect(list.contains("href=\"/brev?kalla=personer&amp;handlaggare=hugo\""))
        let page = sara.get("/brev", query: ["kalla": "personer", "handlaggare": "hugo"]).text
        #expect(page.contains("Bo Berg") && !page.contains("Anna Andersson"))
    }

    // MARK: - Templates

    @Test func onlySamordnareAndAdminEditTemplates() throws {
        for login in ["hanna", "greta"] {
            #expect(try harness.loggedIn(login).get("/brev/mallar").status == 403, "\(login)")
        }
        for login in ["sara", "adam"] {
            #expect(try harness.loggedIn(login).get("/brev/mallar").status == 200, "\(login)")
        }
        #expect(try harness.loggedIn("greta").get("/brev").status == 403)
    }

    @Test func aTemplateIsPlainTextAndAnUnknownPlaceholderIsRefused() throws {
        let sara = try client("sara")
        sara.get("/brev/mallar")
        let unknown = sara.post("/brev/mallar", [("kind", "general"), ("title", "Hej"), ("body", "Hej {personnummer} <b>")])
        #expect(unknown.status == 400 && unknown.text.contains("{personnummer} finns inte"))
        #expect(unknown.text.contains("Hej {personnummer} &lt;b&gt;"), "the text as typed, escaped")
        let saved = sara.post("/brev/mallar", [("kind", "general"), ("title", "<i>Rubrik</i>"), ("body", "<script>alert(1)</script> Hej {förnamn}!")])
        #expect(saved.status == 303 && saved.header("Location") == "/brev/mallar?sparat=general")
        let print = sara.post("/brev/utskrift", chosen(["anna"])).text
        #expect(print.contains("&lt;script&gt;alert(1)&lt;/script&gt; Hej Anna!") && print.contains("&lt;i&gt;Rubrik&lt;/i&gt;"))
        #expect(!print.contains("<script>") && !print.contains("<i>"))
        let rows = try harness.register.auditEntries(AuditFilter(action: "letters.template"))
        #expect(rows.count == 1 && rows[0].staff == "sara" && (rows[0].changes ?? "").contains("→ <script>alert(1)</script> Hej {förnamn}!"))
        #expect(sara.post("/brev/mallar", [("kind", "okänd"), ("title", "x"), ("body", "y")]).status == 400)
        let huge = sara.post("/brev/mallar", [("kind", "general"), ("title", "x"), ("body", String(repeating: "å", count: 10_001))])
        #expect(huge.status == 400 && huge.text.contains("högst 10000 tecken"))
    }
}

/// A selection larger than one form's checkboxes goes whole, checked by its digest.
@Suite struct LargeLetterSelectionTests {
    @Test func moreThanOneFormOfCheckboxesGoesWholeAndAChangedSelectionIsRefused() throws {
        let harness = try WebHarness()
        let count = LettersPage.maximumTicks + 1
        for index in 0..<count {
            try harness.register.register(TestPeople.person(born: 2008, index), on: TestDates.date("2026-09-01"), reason: "OKAND",
                                          details: ContactDetails(firstName: "Ung\(index)", lastName: "Person", address: "Gatan \(index)",
                                                                  postalCode: "75320", city: "Uppsala"))
        }
        let sara = try harness.loggedIn("sara")
        let page = sara.get("/brev", query: ["lista": "ej-nadda"]).text
        #expect(!page.contains("type=\"checkbox\" name=\"p_"))
        #expect(page.contains("name=\"alla\" value=\"ja\"") && page.contains("fler än \(LettersPage.maximumTicks) mottagare"))
        guard let range = page.range(of: "name=\"urval\" value=\"") else { Issue.record("no digest"); return }
        let digest = String(page[range.upperBound...].prefix { $0 != "\"" })
        let form = [("lista", "ej-nadda"), ("mall", "general"), ("datum", "2026-11-20"), ("alla", "ja"), ("urval", digest)]
        let print = sara.post("/brev/utskrift", form)
        #expect(print.status == 200 && print.text.components(separatedBy: "<article class=\"letter\"").count - 1 == count)
        // Someone joins the list meanwhile: the old page's digest no longer matches, nothing is printed.
        try harness.register.register(TestPeople.person(born: 2009, 0), on: TestDates.date("2026-09-01"), reason: "OKAND",
                                      details: ContactDetails(firstName: "Ny", lastName: "Person", address: "Gatan 999", postalCode: "75320", city: "Uppsala"))
        let stale = sara.post("/brev/utskrift", form)
        #expect(stale.status == 409 && !stale.text.contains("<article"))
        #expect(sara.post("/brev/utskrift", form.map { $0.0 == "urval" ? ("urval", "x") : $0 }).status == 409)
    }
}
