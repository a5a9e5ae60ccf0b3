import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Inställningar in the browser (issue 16): admin only, each value with its source and range,
/// strict Swedish errors naming the field, one audit row per change, in force without a restart.
@Suite struct SettingsPageTests {
    let harness: WebHarness

    init() throws {
        harness = try WebHarness()
    }

    func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The digest the page's form of `key` carries (the value it was made from).
    func digest(_ client: WebClient, _ key: RegisterSettingKey) throws -> String {
        let html = client.get("/installningar").text
        let form = try #require(html.range(of: "name=\"key\" value=\"\(key.rawValue)\""))
        let rest = String(html[form.upperBound...])
        return try #require(hidden("fran", in: rest))
    }

    func change(_ client: WebClient, _ key: RegisterSettingKey, _ value: String, extra: [(String, String)] = []) throws -> HTTPResponseProbe {
        let fran = try digest(client, key)
        return HTTPResponseProbe(client.post("/installningar", [("key", key.rawValue), ("fran", fran), (key.rawValue, value)] + extra))
    }

    func stored() throws -> Int64 {
        try #require(try harness.register.database.queryOne("SELECT count(*) FROM register_setting")).int(0)
    }

    @Test func onlyAnAdminReachesItAndEveryOtherRoleIsRefusedAndLogged() throws {
        for login in ["hanna", "sara", "greta"] {
            let client = try harness.loggedIn(login)
            #expect(client.get("/installningar").status == 403, "\(login)")
            #expect(!client.get("/").text.contains("href=\"/installningar\""), "\(login)")
            let posted = client.post("/installningar", [("key", "sessionIdleMinutes"), ("fran", String(repeating: "a", count: 64)),
                                                        ("sessionIdleMinutes", "5")])
            #expect(posted.status == 403, "\(login)")
        }
        #expect(try stored() == 0)
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM audit_log WHERE action = 'denied' AND detail LIKE '%/installningar%'")?.int(0) == 6)
        let adam = try harness.loggedIn("adam")
        #expect(adam.get("/personal").text.contains("href=\"/installningar\""))
        #expect(adam.get("/installningar").status == 200)
    }

    @Test func thePageShowsEachValueItsSourceAndItsRange() throws {
        let adam = try harness.loggedIn("adam")
        let page = adam.get("/installningar").text
        for key in RegisterSettingKey.allCases {
            #expect(page.contains("name=\"key\" value=\"\(key.rawValue)\""), "\(key)")
            #expect(page.contains(key.label), "\(key)")
        }
        #expect(page.contains("<dd>30 minuter</dd>") && page.contains("<dd>5–120 minuter</dd>"))
        #expect(page.contains("<dd>19456–1048576 KiB</dd>"))
        #expect(page.contains("<dd>standardvärde</dd>"))
        #expect(page.contains("href=\"/brev/mallar\""), "letter templates are edited on their own page")
        #expect(page.contains("<textarea name=\"scbMapping\""))
    }

    @Test func aChangeIsSavedAuditedAndShownWithWhoAndWhen() throws {
        let adam = try harness.loggedIn("adam")
        let response = try change(adam, .sessionAbsoluteHours, "8")
        #expect(response.status == 303 && response.location == "/installningar?klart=sessionAbsoluteHours")
        let page = adam.get("/installningar", query: ["klart": "sessionAbsoluteHours"]).text
        #expect(page.contains("Längsta sessionstid är ändrad"))
        #expect(!adam.get("/installningar", query: ["klart": "<b>x</b>"]).text.contains("är ändrad"), "only a known key is confirmed")
        #expect(page.contains("<dd>8 timmar</dd>"))
        #expect(page.contains("<dd>ändrad här av adam 2026-"))
        #expect(page.contains("Återställ till 10"))
        let row = try #require(try harness.register.database.queryOne(
            "SELECT staff, changes, via FROM audit_log WHERE action = 'settings.change' ORDER BY id DESC"))
        #expect(try row.text(0) == "adam" && row.text(1) == "sessionAbsoluteHours: 10 → 8" && row.text(2) == "web")

        // Back to the default through the reset form.
        let fran = try digest(adam, .sessionAbsoluteHours)
        #expect(adam.post("/installningar/aterstall", [("key", "sessionAbsoluteHours"), ("fran", fran)]).status == 303)
        #expect(try stored() == 0)
        #expect(try harness.register.database.queryOne("SELECT changes FROM audit_log WHERE action = 'settings.reset'")?.text(0) == "sessionAbsoluteHours: 8 → 10")
    }

    @Test(arguments: ["", "abc", "4", "121", "-10", "1e2", "15 minuter", "<script>alert(1)</script>", String(repeating: "7", count: 60_000)])
    func aBadValueIsRefusedNextToItsFieldAndNothingIsSaved(_ value: String) throws {
        let adam = try harness.loggedIn("adam")
        let response = try change(adam, .sessionIdleMinutes, value)
        #expect(response.status == 400)
        let text = response.text
        #expect(text.contains("Utloggning efter inaktivitet sparades inte"))
        #expect(text.contains("id=\"e-sessionIdleMinutes\"") && text.contains("aria-invalid=\"true\""))
        #expect(text.contains("5 till 120 minuter"))
        #expect(!text.contains("<script>alert"), "escaped")
        #expect(text.utf8.count < 60_000, "a huge value is not echoed whole")
        #expect(try stored() == 0)
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM audit_log WHERE action LIKE 'settings.%'")?.int(0) == 0)
    }

    @Test func hostileFormsAreRefused() throws {
        let adam = try harness.loggedIn("adam")
        let fran = try digest(adam, .sessionIdleMinutes)
        // Unknown or missing key, missing or malformed digest.
        for fields in [[("key", "webThreads"), ("fran", fran), ("webThreads", "64")],
                       [("key", "timeZone"), ("fran", fran), ("timeZone", "UTC")],
                       [("key", "../etc"), ("fran", fran)],
                       [("fran", fran), ("sessionIdleMinutes", "10")],
                       [("key", "sessionIdleMinutes"), ("sessionIdleMinutes", "10")],
                       [("key", "sessionIdleMinutes"), ("fran", "x"), ("sessionIdleMinutes", "10")],
                       [("key", "sessionIdleMinutes"), ("fran", String(repeating: "G", count: 64)), ("sessionIdleMinutes", "10")]] {
            #expect(adam.post("/installningar", fields).status == 400, "\(fields)")
        }
        // A field given twice with different values (FormData refuses it).
        #expect(adam.post("/installningar", [("key", "sessionIdleMinutes"), ("fran", fran), ("sessionIdleMinutes", "10"), ("sessionIdleMinutes", "11")]).status == 400)
        // Forged: no CSRF token, a foreign origin.
        #expect(adam.post("/installningar", [("key", "sessionIdleMinutes"), ("fran", fran), ("sessionIdleMinutes", "10")], csrf: "x").status == 403)
        #expect(adam.post("/installningar", [("key", "sessionIdleMinutes"), ("fran", fran), ("sessionIdleMinutes", "10")], origin: "http://evil.test").status == 403)
        #expect(adam.post("/installningar/aterstall", [("key", "sessionIdleMinutes"), ("fran", fran)], csrf: "x").status == 403)
        #expect(try stored() == 0)
        // A GET cannot change anything.
        #expect(adam.get("/installningar/aterstall").status == 405)
    }

    @Test func aFormOvertakenByAnotherAdminSavesNothing() throws {
        let adam = try harness.loggedIn("adam")
        let fran = try digest(adam, .sessionIdleMinutes)
        _ = try harness.register.changeSetting(.sessionIdleMinutes, to: "45")
        let late = adam.post("/installningar", [("key", "sessionIdleMinutes"), ("fran", fran), ("sessionIdleMinutes", "10")])
        #expect(late.status == 409 && late.text.contains("har ändrats av någon annan"))
        #expect(try harness.register.effectiveSettings().sessionIdleMinutes == 45)
    }

    @Test func aShorterIdleTimeoutEndsAnIdleSessionOnItsNextRequest() throws {
        let hugo = try harness.loggedIn("hugo")
        let adam = try harness.loggedIn("adam")
        harness.clock.advance(seconds: 11 * 60)
        #expect(hugo.get("/").status == 200, "11 minutes idle is within the default 30")
        #expect(try change(adam, .sessionIdleMinutes, "10").status == 303)
        harness.clock.advance(seconds: 11 * 60)
        let refused = hugo.get("/")
        #expect(refused.status == 303 && refused.header("Location") == "/login?utloggad=1")
        #expect(try harness.register.database.queryOne(
            "SELECT count(*) FROM audit_log WHERE action = 'session_end' AND detail = 'login=hugo reason=idle_timeout'")?.int(0) == 1)
    }

    @Test func aShorterAbsoluteTimeoutEndsOlderSessions() throws {
        let hugo = try harness.loggedIn("hugo")
        let adam = try harness.loggedIn("adam")
        for _ in 0..<5 {
            harness.clock.advance(seconds: 25 * 60)
            #expect(hugo.get("/").status == 200)
            #expect(adam.get("/installningar").status == 200)
        }
        // About two hours after login: a limit of 1 hour ends both at their next request.
        #expect(try change(adam, .sessionAbsoluteHours, "1").status == 303)
        #expect(hugo.get("/").header("Location") == "/login?utloggad=1")
    }

    @Test func existingPasswordsStillWorkAfterTheArgon2CostChanges() throws {
        let adam = try harness.loggedIn("adam")
        #expect(try change(adam, .argon2MemoryKiB, "24576").status == 303)
        #expect(try change(adam, .argon2Iterations, "3").status == 303)
        // hanna's hash has the old parameters and still logs her in.
        let hanna = try harness.loggedIn("hanna")
        #expect(hanna.get("/").status == 200)
        // A below-OWASP value is refused with the reason.
        let low = try change(adam, .argon2Iterations, "1")
        #expect(low.status == 400 && low.text.contains("OWASP"))
    }

    @Test func shorteningTheAuditRetentionAsksForAConfirmationShowingHowMuchGoes() throws {
        try harness.register.database.execute("INSERT INTO audit_log (at, staff, action) VALUES ('2025-06-01T10:00:00Z', 'x', 'show')")
        let adam = try harness.loggedIn("adam")
        let first = try change(adam, .auditRetentionMonths, "12")
        #expect(first.status == 200 && first.text.contains("Bekräfta ändring"))
        #expect(first.text.contains("med nuvarande frist 0") && first.text.contains("rader ur granskningsloggen"))
        #expect(try stored() == 0, "the confirmation page saves nothing")
        let fran = try #require(hidden("fran", in: first.text))
        let unticked = adam.post("/installningar", [("key", "auditRetentionMonths"), ("fran", fran), ("steg", "bekrafta"), ("auditRetentionMonths", "12")])
        #expect(unticked.status == 400 && unticked.text.contains("Kryssa i rutan"))
        #expect(try stored() == 0)
        let done = adam.post("/installningar", [("key", "auditRetentionMonths"), ("fran", fran), ("steg", "bekrafta"), ("auditRetentionMonths", "12"),
                                                ("confirm", "on")])
        #expect(done.status == 303)
        #expect(try harness.register.effectiveSettings().auditRetentionMonths == 12)
        // The gallring page says the new frist.
        let sara = try harness.loggedIn("sara")
        #expect(sara.get("/gallring").text.contains("äldre än 12 månader"))
    }

    @Test func theSCBMappingIsCheckedWithErrorsNamingTheKey() throws {
        let adam = try harness.loggedIn("adam")
        let bad = try change(adam, .scbMapping, "{\"columns\": {\"blok\": \"Block\"}}")
        #expect(bad.status == 400)
        #expect(bad.text.contains("SCB-mappning sparades inte") && bad.text.contains("\"columns\" har okänd nyckel \"blok\""))
        #expect(bad.text.contains(">{\"columns\": {\"blok\": \"Block\"}}</textarea>"), "the typed text is kept in the field")
        let broken = try change(adam, .scbMapping, "{\"columns\": ")
        #expect(broken.status == 400 && broken.text.contains("JSON-objekt"))
        #expect(try stored() == 0)
        let good = try change(adam, .scbMapping, "{\"columns\": {\"block\": \"Block\"}, \"blocks\": {\"kontakt\": \"2\"}}")
        #expect(good.status == 303)
        let mapping = try harness.register.scbMapping(default: SCBMapping())
        #expect(mapping.columns == ["block": "Block"] && mapping.blocks == ["kontakt": "2"])
    }
}

/// A response with its status, `Location` and text.
struct HTTPResponseProbe {
    let status: Int
    let location: String?
    let text: String

    init(_ response: HTTPResponse) {
        status = response.status
        location = response.header("Location")
        text = response.text
    }
}
