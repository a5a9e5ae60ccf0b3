import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Gallring in the browser (issue 16): the dry run's list, a confirmation with an explicit tick,
/// exactly the previewed people deleted, a receipt without personal data.
@Suite struct PurgePageTests {
    let harness: WebHarness
    let gone = TestPeople.person(born: 2008, sex: .female, 0)     // left 2025-11-02: purged on 2026-11-23
    let kept = TestPeople.person(born: 2008, sex: .male, 0)       // still in KAA

    init() throws {
        harness = try WebHarness()
        // Written in mid-2026, when 2025-H2 was open; the harness's today is 2026-11-23.
        let early = try Register.open(at: harness.path, clock: FixedDateClock(today: TestDates.date("2026-06-15")), staff: "test")
        try early.register(gone, on: TestDates.date("2025-10-01"), reason: "AVBROTT_NP", details: ContactDetails(firstName: "Gallrid", lastName: "Borta"))
        try early.deregister(gone, on: TestDates.date("2025-11-02"), reason: "BORJAT_STUDERA")
        try early.register(kept, on: TestDates.date("2026-02-01"), reason: "OKAND", details: ContactDetails(firstName: "Kvar", lastName: "Här"))
    }

    func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func people() throws -> Set<String> {
        Set(try harness.register.database.query("SELECT personnummer FROM person").map { try $0.text(0) })
    }

    @Test func onlyASamordnareReachesIt() throws {
        for login in ["hanna", "greta", "adam"] {
            #expect(try harness.loggedIn(login).get("/gallring").status == 403, "\(login)")
        }
        let sara = try harness.loggedIn("sara")
        #expect(sara.get("/").text.contains("href=\"/gallring\""))
        #expect(!(try harness.loggedIn("hanna")).get("/").text.contains("href=\"/gallring\""))
    }

    @Test func previewConfirmPurgeAndReceipt() throws {
        let sara = try harness.loggedIn("sara")
        let preview = sara.get("/gallring")
        #expect(preview.status == 200)
        #expect(preview.text.contains("Gallrid Borta") && preview.text.contains(gone.formatted))
        #expect(!preview.text.contains("Kvar Här"))
        // The preview is a read of the people it lists, audited with them.
        let shown = try harness.register.database.query("""
            SELECT p.person_id FROM audit_log a JOIN audit_shown_person p ON p.set_id = a.shown_set WHERE a.action = 'purge.dry_run' AND a.staff = 'sara'
            """).map { try $0.int(0) }
        #expect(shown.count == 1)
        let digest = try #require(hidden("lista", in: preview.text))

        let confirm = sara.post("/gallring/bekrafta", [("lista", digest)])
        #expect(confirm.status == 200)
        #expect(confirm.text.contains("1 person, 1 inskrivning"))
        #expect(try people().contains(gone.digits), "the confirmation page deletes nothing")

        // Without the tick: asked again, nothing deleted.
        let unticked = sara.post("/gallring/utfor", [("lista", digest)])
        #expect(unticked.status == 400 && unticked.text.contains("Kryssa i rutan"))
        #expect(try people().contains(gone.digits))

        let done = sara.post("/gallring/utfor", [("lista", digest), ("confirm", "ja")])
        #expect(done.status == 303)
        let location = try #require(done.header("Location"))
        #expect(location.hasPrefix("/gallring/kvitto/"))
        #expect(try people() == [kept.digits])
        let receipt = sara.get(location)
        #expect(receipt.status == 200)
        #expect(receipt.text.contains("Kvitto på gallring") && receipt.text.contains("sara"))
        #expect(receipt.text.contains("<th scope=\"row\">Personer</th><td>1</td>"))
        #expect(!receipt.text.contains("Gallrid") && !receipt.text.contains(gone.formatted) && !receipt.text.contains(String(gone.digits.suffix(4))),
                "no personal data in the receipt")
        // Listed among earlier purges; the next preview has nobody.
        let after = sara.get("/gallring").text
        #expect(after.contains("href=\"\(location)\"") && after.contains("Ingenting ska gallras just nu."))
    }

    @Test func aListThatChangedSinceThePreviewDeletesNothing() throws {
        let sara = try harness.loggedIn("sara")
        let digest = try #require(hidden("lista", in: sara.get("/gallring").text))
        // Meanwhile a second person's case comes past the retention (here: written with an early clock).
        let early = try Register.open(at: harness.path, clock: FixedDateClock(today: TestDates.date("2026-06-15")), staff: "test")
        let second = TestPeople.person(born: 2008, sex: .female, 1)
        try early.register(second, on: TestDates.date("2025-10-01"), reason: "OKAND")
        try early.deregister(second, on: TestDates.date("2025-10-20"), reason: "FLYTTAT")
        let refused = sara.post("/gallring/utfor", [("lista", digest), ("confirm", "ja")])
        #expect(refused.status == 409)
        #expect(refused.text.contains("har ändrats sedan förhandsvisningen"))
        #expect(try people().isSuperset(of: [gone.digits, second.digits]))
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM audit_log WHERE action = 'purge'")?.int(0) == 0)
        // The confirmation step refuses the stale list too.
        #expect(sara.post("/gallring/bekrafta", [("lista", digest)]).status == 409)
    }

    @Test func hostileFormsAndReceiptIDsAreRefused() throws {
        let sara = try harness.loggedIn("sara")
        let digest = try #require(hidden("lista", in: sara.get("/gallring").text))
        for bad in ["", "x", String(repeating: "g", count: 64), String(repeating: "A", count: 64), String(repeating: "a", count: 65), "'; DROP TABLE person; --"] {
            #expect(sara.post("/gallring/utfor", [("lista", bad), ("confirm", "ja")]).status == 400, "\(bad)")
            #expect(sara.post("/gallring/bekrafta", [("lista", bad)]).status == 400, "\(bad)")
        }
        #expect(sara.post("/gallring/utfor", [("confirm", "ja")]).status == 400)
        // A forged POST (no CSRF token) deletes nothing.
        #expect(sara.post("/gallring/utfor", [("lista", digest), ("confirm", "ja")], csrf: "x").status == 403)
        #expect(try people().contains(gone.digits))
        // A receipt is only a purge's audit row.
        let show = try #require(try harness.register.database.queryOne("SELECT max(id) FROM audit_log")?.int(0))
        for id in ["\(show)", "0", "999999", "-1", "abc"] {
            #expect(sara.get("/gallring/kvitto/\(id)").status == 404, "\(id)")
        }
    }
}
