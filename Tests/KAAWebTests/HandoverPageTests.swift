import Foundation
import KAACore
import KAARegister
import KAATestFixtures
import Testing

/// Utslussning on the Personkort (issue 16): the form, its errors next to the fields, the record on
/// the card, need-to-know.
@Suite struct HandoverPageTests {
    let turning = TestPeople.person(bornOn: TestDates.date("2006-12-01")) ?? TestPeople.person(born: 2006, 0)
    let young = TestPeople.person(born: 2008, 3)

    func valid(_ version: String) -> [(String, String)] {
        [("receiver", "ARBETSFORMEDLINGEN"), ("handed_over_on", "2026-11-20"), ("consent", "ja"), ("consent_on", "2026-11-19"),
         ("consent_method", "SKRIFTLIGT"), ("version", version)]
    }

    @Test func aHandlaggareRecordsTheHandoverOfSomeoneTurning20() throws {
        let harness = try WebHarness()
        let id = try harness.person(turning, first: "Tilde", last: "Tjugo", caseload: "hanna")
        let hanna = try harness.loggedIn("hanna")
        let card = hanna.get("/personer/\(id)")
        #expect(card.text.contains("href=\"/personer/\(id)/utslussning\">Registrera utslussning"))
        let form = hanna.get("/personer/\(id)/utslussning")
        #expect(form.status == 200 && form.text.contains(">Spara utslussningen</button>") && form.text.contains("Arbetsförmedlingen"))
        // Missing and hostile answers: errors by the fields, nothing saved.
        let version = try harness.version(id)
        let bad = hanna.post("/personer/\(id)/utslussning", [("receiver", ""), ("handed_over_on", "2026-13-01"), ("consent", "kanske"),
                                                             ("consent_on", "2026-11-19"), ("consent_method", "<script>"), ("version", version)])
        #expect(bad.status == 400)
        #expect(bad.text.contains("Välj vem som tar över.") && bad.text.contains("Skriv datumet som ÅÅÅÅ-MM-DD"))
        let unknown = hanna.post("/personer/\(id)/utslussning", valid(version).map { $0.0 == "receiver" ? ($0.0, "NASA") : $0 })
        #expect(unknown.status == 400)
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM handover")?.int(0) == 0)
        let saved = hanna.post("/personer/\(id)/utslussning", valid(version))
        #expect(saved.status == 303 && saved.header("Location") == "/personer/\(id)?sparat=utslussning")
        let after = hanna.get("/personer/\(id)", query: ["sparat": "utslussning"]).text
        #expect(after.contains("Utslussningen är sparad."))
        #expect(after.contains("2026-11-20 till Arbetsförmedlingen · samtycke att dela uppgifter: ja (2026-11-19, skriftligt)"))
        #expect(after.contains(">Ändra utslussning</a>"))
        // The same form from before the save is stale now.
        #expect(hanna.post("/personer/\(id)/utslussning", valid(version)).status == 409)
    }

    @Test func notBeforeTheTimeAndNotOutsideTheCaseload() throws {
        let harness = try WebHarness()
        let early = try harness.person(young, first: "Unga", last: "Ung", caseload: "hanna")
        let theirs = try harness.person(turning, first: "Tilde", last: "Tjugo", caseload: "hugo")
        let hanna = try harness.loggedIn("hanna")
        #expect(!hanna.get("/personer/\(early)").text.contains("/utslussning"), "no link long before the 20th birthday")
        let refused = hanna.post("/personer/\(early)/utslussning", valid(try harness.version(early)))
        #expect(refused.status == 400 && refused.text.contains("fyller 20"))
        #expect(hanna.get("/personer/\(theirs)/utslussning").status == 403)
        #expect(hanna.post("/personer/\(theirs)/utslussning", valid(try harness.version(theirs))).status == 403)
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM handover")?.int(0) == 0)
    }
}
