import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing
@testable import KAAWeb

/// Logins, sessions, CSRF and the headers every response carries (issue 15, "Accounts", "Sessions").
@Suite struct SessionAndSecurityTests {
    @Test func theFirstLoginWithAOneTimePasswordMustChooseANewOneAndTheSessionIsRotated() throws {
        let harness = try WebHarness()
        let credentials = try harness.register.addStaff(login: "nora", name: "Nora Ny", role: .handlaggare)
        let client = harness.client()
        let code = try KAAAuthCode.totp(credentials.totpSecret, harness.clock.now)
        let login = try client.login("nora", password: credentials.password, otp: code)
        #expect(login.status == 303)
        #expect(login.header("Location") == "/losenord")
        let firstCookie = try #require(client.cookies["kaa_session"])
        // Until a password is chosen every page leads back to the form.
        #expect(client.get("/").header("Location") == "/losenord")
        let form = client.get("/losenord")
        #expect(form.text.contains("name=\"new_password\"") && form.text.contains("name=\"new_password_repeat\""))
        // A common password and two that differ are refused next to their fields.
        #expect(client.post("/losenord", [("new_password", "password1234"), ("new_password_repeat", "password1234")]).status == 400)
        let differ = client.post("/losenord", [("new_password", "Blåbär i skogen 7"), ("new_password_repeat", "Blåbär i skogen 8")])
        #expect(differ.status == 400 && differ.text.contains("Lösenorden är inte likadana"))
        let done = client.post("/losenord", [("new_password", "Blåbär i skogen 7"), ("new_password_repeat", "Blåbär i skogen 7")])
        #expect(done.status == 303 && done.header("Location") == "/")
        let secondCookie = try #require(client.cookies["kaa_session"])
        #expect(secondCookie != firstCookie)
        #expect(client.get("/").status == 200)
        // The cookie from before the change no longer names a session.
        let old = harness.client()
        old.cookies["kaa_session"] = firstCookie
        #expect(old.get("/").header("Location") == "/login?utloggad=1")
    }

    @Test func aWrongPasswordOrCodeSaysTheSameAndFiveLockTheAccountWithoutTellingWhichWasRight() throws {
        let harness = try WebHarness()
        let client = harness.client()
        let wrongPassword = try client.login("hanna", password: "inte rätt lösenord", otp: try harness.code("hanna"))
        let wrongCode = try client.login("hanna", password: WebHarness.password, otp: "000000")
        let unknown = try client.login("ingen", password: WebHarness.password, otp: "123456")
        #expect(wrongPassword.status == 401 && wrongCode.status == 401 && unknown.status == 401)
        let message = "Fel inloggningsnamn, lösenord eller engångskod."
        #expect(wrongPassword.text.contains(message) && wrongCode.text.contains(message) && unknown.text.contains(message))
        for _ in 0..<3 { try client.login("hanna", password: "fel", otp: "000000") }
        // Locked now: even the right password and code get the lockout message, not a session.
        let locked = try client.login("hanna", password: WebHarness.password, otp: try harness.code("hanna"))
        #expect(locked.status == 423)
        #expect(locked.text.contains("Kontot är låst"))
        #expect(client.cookies["kaa_session"] == nil)
        let actions = try harness.register.auditEntries().map(\.action)
        #expect(actions.filter { $0 == "login_failed" }.count == 6)
        #expect(actions.contains("login_locked"))
    }

    @Test func aCodeIsNeverAcceptedTwice() throws {
        let harness = try WebHarness()
        let code = try harness.code("sara")
        #expect(try harness.client().login("sara", password: WebHarness.password, otp: code).status == 303)
        #expect(try harness.client().login("sara", password: WebHarness.password, otp: code).status == 401)
    }

    @Test func everyResponseCarriesTheSecurityHeadersAndPagesAreNotStored() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("sara")
        let responses = [client.get("/login"), client.get("/"), client.get("/finns-inte"), client.get("/static/kaa.css"),
                         client.post("/", []), harness.client().get("/")]
        for response in responses {
            #expect(response.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
            #expect(response.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(response.header("Content-Security-Policy")?.contains("unsafe-inline") == false)
            #expect(response.header("X-Content-Type-Options") == "nosniff")
            #expect(response.header("Referrer-Policy") == "same-origin")
        }
        #expect(client.get("/").header("Cache-Control") == "no-store")
        #expect(client.get("/static/kaa.css").header("Cache-Control")?.hasPrefix("public") == true)
        #expect(client.get("/finns-inte").status == 404)
        #expect(client.get("/").text.contains("<style") == false)
        #expect(client.get("/").text.contains("<script") == false)
    }

    @Test func aPostWithoutTheSessionsTokenOrFromAnotherOriginIsRefused() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("sara")
        client.get("/")
        let token = try #require(client.csrf)
        #expect(client.post("/logout", [], csrf: "fel-token").status == 403)
        #expect(client.post("/logout", [], csrf: token, origin: "http://evil.example").status == 403)
        #expect(client.post("/logout", [], csrf: token, origin: nil).status == 403)
        #expect(client.post("/logout", [], csrf: token, origin: "null").status == 403)
        // Still logged in after all of them; then the real logout works.
        #expect(client.get("/").status == 200)
        #expect(client.post("/logout", [], csrf: token).header("Location") == "/login?utloggad=0")
        // The login form itself needs its double-submit token.
        let stranger = harness.client()
        let forged = stranger.post("/login", [("username", "sara"), ("password", WebHarness.password), ("otp", try harness.code("sara"))],
                                   csrf: "gissad")
        #expect(forged.status == 403)
    }

    @Test func aPasswordChangeEndsTheAccountsOtherSessions() throws {
        let harness = try WebHarness()
        let laptop = try harness.loggedIn("hanna")
        let stolen = try harness.loggedIn("hanna")
        #expect(stolen.get("/").status == 200)
        laptop.get("/losenord")
        let changed = laptop.post("/losenord", [("password", WebHarness.password), ("new_password", "Lingon och gräddfil 9"),
                                                ("new_password_repeat", "Lingon och gräddfil 9")])
        #expect(changed.status == 303)
        #expect(laptop.get("/").status == 200)
        #expect(stolen.get("/").header("Location") == "/login?utloggad=1")
    }

    @Test func aFormSentAfterTheSessionEndedLeadsToTheLoginAndChangesNothing() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("sara")
        client.get("/")
        harness.clock.advance(seconds: 31 * 60)
        let before = try harness.register.database.queryOne("SELECT count(*) FROM web_session")?.int(0)
        let late = client.post("/logout", [])
        #expect(late.status == 303 && late.header("Location") == "/login?utloggad=1")
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM web_session")?.int(0) == (before ?? 1) - 1)
        // Without any session cookie a POST is still refused as not from these pages.
        #expect(harness.client().post("/logout", [], csrf: "x").status == 403)
    }

    @Test func idagSaysWhetherADateIsPastOrComing() {
        let today = TestDates.today
        #expect(TodayPage.relative(today.adding(days: -3), today: today) == "3 dagar sedan")
        #expect(TodayPage.relative(today.adding(days: 5), today: today) == "om 5 dagar")
        #expect(TodayPage.relative(today, today: today) == "idag")
        #expect(TodayPage.relative(today.adding(days: -1), today: today) == "igår")
    }

    @Test func theOldCookieIsDeadAfterLogout() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("hanna")
        let cookie = try #require(client.cookies["kaa_session"])
        client.get("/")
        #expect(client.post("/logout", []).status == 303)
        let replay = harness.client()
        replay.cookies["kaa_session"] = cookie
        #expect(replay.get("/").status == 303)
        #expect(try harness.register.auditEntries().contains { $0.action == "logout" && $0.staff == "hanna" })
    }

    @Test func sessionsEndAfterTheIdleAndTheAbsoluteTimeoutAndTheEndIsAudited() throws {
        let harness = try WebHarness()
        let idle = try harness.loggedIn("hanna")
        harness.clock.advance(seconds: 29 * 60)
        #expect(idle.get("/").status == 200)
        harness.clock.advance(seconds: 29 * 60)
        #expect(idle.get("/").status == 200)  // used within 30 minutes: still alive, 58 minutes after login
        harness.clock.advance(seconds: 31 * 60)
        #expect(idle.get("/").header("Location") == "/login?utloggad=1")

        let busy = try harness.loggedIn("sara")
        var minutes = 0
        var ended: HTTPResponse?
        while minutes < 12 * 60, ended == nil {
            harness.clock.advance(seconds: 29 * 60)
            minutes += 29
            let response = busy.get("/")
            if response.status != 200 { ended = response }
        }
        // Never idle for 30 minutes, yet ended by the absolute timeout: the first request past 10 h.
        #expect(ended?.header("Location") == "/login?utloggad=1")
        #expect(minutes > 600 - 29 && minutes <= 600 + 29)
        let ends = try harness.register.auditEntries().filter { $0.action == "session_end" }.compactMap(\.detail)
        #expect(ends.contains { $0.contains("login=hanna") && $0.contains("idle_timeout") })
        #expect(ends.contains { $0.contains("login=sara") && $0.contains("absolute_timeout") })
    }

    @Test func theSessionIdIsStoredOnlyHashed() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("sara")
        let token = try #require(client.cookies["kaa_session"])
        #expect(token.utf8.count == 43)
        let dump = try DatabaseDump.dump(harness.path)
        #expect(!dump.contains(token))
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM web_session")?.int(0) == 1)
    }

    @Test func underTLSTheCookieIsSecureAndHostPrefixed() throws {
        var settings = WebSettings()
        settings.isTLS = true
        let harness = try WebHarness(settings: settings)
        let client = harness.client()
        client.get("/login")
        let response = client.post("/login", [("username", "sara"), ("password", WebHarness.password), ("otp", try harness.code("sara"))],
                                   origin: "https://kaa.test")
        let cookie = try #require(response.header("Set-Cookie"))
        #expect(cookie.hasPrefix("__Host-kaa_session="))
        #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
        #expect(response.header("Strict-Transport-Security") != nil)
    }

    @Test func disablingAnAccountEndsItsSessions() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("hugo")
        try harness.register.disableStaff(login: "hugo")
        #expect(client.get("/").status == 303)
    }

    @Test func bodiesAreOnlyReadForFormPostsOfBoundedSize() throws {
        let harness = try WebHarness()
        let app = harness.app
        let get = HTTPRequest(method: "GET", path: "/", headers: ["Host": WebHarness.host, "Content-Length": "10"])
        #expect(app.admit(get)?.status == 400)
        let big = HTTPRequest(method: "POST", path: "/sok", headers: ["Host": WebHarness.host, "Content-Length": "999999",
                                                                      "Content-Type": "application/x-www-form-urlencoded"])
        #expect(app.admit(big)?.status == 413)
        let json = HTTPRequest(method: "POST", path: "/sok", headers: ["Host": WebHarness.host, "Content-Length": "2", "Content-Type": "application/json"])
        #expect(app.admit(json)?.status == 415)
        let form = HTTPRequest(method: "POST", path: "/sok", headers: ["Host": WebHarness.host, "Content-Length": "3",
                                                                       "Content-Type": "application/x-www-form-urlencoded"])
        #expect(app.admit(form) == nil)
    }

    @Test(arguments: ["q=%ZZ", "a=1&a=2", "q=%00"])
    func aHostileFormIsA400AndChangesNothing(_ body: String) throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("sara")
        client.get("/")
        let before = try harness.register.auditEntries().count
        let request = HTTPRequest(method: "POST", path: "/logout",
                                  headers: ["Host": WebHarness.host, "Origin": WebHarness.origin, "Cookie": "kaa_session=\(client.cookies["kaa_session"] ?? "")",
                                            "Content-Type": "application/x-www-form-urlencoded"],
                                  body: Array(body.utf8))
        #expect(harness.app.respond(to: request).status == 400)
        #expect(client.get("/").status == 200)
        #expect(try harness.register.auditEntries().count >= before)
    }

    @Test func aHandlaggaresIdagShowsOnlyTheirCaseloadAndASamordnaresEveryone() throws {
        let harness = try WebHarness()
        try harness.person(TestPeople.person(born: 2008, 0), first: "Alva", last: "Mine", caseload: "hanna")
        try harness.person(TestPeople.person(born: 2008, 1), first: "Bo", last: "Others", caseload: "hugo")
        try harness.person(TestPeople.person(born: 2008, 2), first: "Cleo", last: "Nobodys")
        let hanna = try harness.loggedIn("hanna").get("/").text
        #expect(hanna.contains("Alva Mine") && !hanna.contains("Bo Others") && !hanna.contains("Cleo Nobodys"))
        #expect(!hanna.contains("Ej tilldelade"))
        let sara = try harness.loggedIn("sara").get("/").text
        #expect(sara.contains("Alva Mine") && sara.contains("Bo Others") && sara.contains("Cleo Nobodys"))
        #expect(sara.contains("Ej tilldelade (1)"))
        // Idag's read is one audit row attributed to the login, via the web.
        let rows = try harness.register.database.query("SELECT staff, via FROM audit_log WHERE action = 'today' ORDER BY id")
        #expect(try rows.map { try $0.text(0) } == ["hanna", "sara"])
        #expect(try rows.allSatisfy { try $0.text(1) == "web" })
    }

    @Test func loginsAndSessionRowsFromTheWebSayWebAndReservedLoginsAreRefused() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("hugo")
        client.get("/")
        client.post("/logout", [])
        _ = try harness.client().login("hugo", password: "fel", otp: "000000")
        let rows = try harness.register.database.query(
            "SELECT action, via FROM audit_log WHERE action IN ('login', 'session_start', 'logout', 'login_failed') AND staff = 'hugo'")
        #expect(Set(try rows.map { try $0.text(0) }) == ["login", "session_start", "logout", "login_failed"])
        #expect(try rows.allSatisfy { try $0.text(1) == "web" })
        for reserved in ["ingen", "system", "okand"] {
            #expect(throws: RegisterError.self) { try harness.register.addStaff(login: reserved, name: "X", role: .handlaggare) }
        }
    }

    @Test func granskareAndAdminLandOnTheirOwnPages() throws {
        let harness = try WebHarness()
        #expect(try harness.loggedIn("greta").get("/").header("Location") == "/logg")
        #expect(try harness.loggedIn("adam").get("/").header("Location") == "/personal")
    }
}

/// TOTP codes for accounts made in a test.
enum KAAAuthCode {
    static func totp(_ secret: [UInt8], _ now: Date) throws -> String {
        try OneTimeCodeBridge.totp(secret, Int64(now.timeIntervalSince1970))
    }
}

/// A form shown again after an error names the person: that read is audited too.
@Suite struct ResubmittedFormAuditTests {
    @Test func aRejectedFormAndAnUnconfirmedRemovalAreAuditedReads() throws {
        let harness = try WebHarness()
        let pnr = TestPeople.person(born: 2008, 0)
        let id = try harness.person(pnr, first: "Alva", last: "Test", caseload: "hanna")
        let contact = try harness.register.addContact(pnr, on: TestDates.date("2026-10-01"), channel: "TELEFON", isReached: false)
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(id)/sysselsattning")
        let version = String(try harness.register.version(ofPerson: id))
        func shows() throws -> [String] {
            try harness.register.database.query("SELECT detail FROM audit_log WHERE action = 'show' AND person_id = ? AND staff = 'hanna' ORDER BY id",
                                                [.integer(id)]).map { try $0.optionalText(0) ?? "" }
        }
        let before = try shows().count
        #expect(client.post("/personer/\(id)/sysselsattning", [("date", "inte ett datum"), ("version", version)]).status == 400)
        #expect(try shows().count == before + 1)
        #expect(try shows().last == "form=resubmitted")
        #expect(client.post("/personer/\(id)/kontakter/\(contact)/ta-bort", [("reason", "dubblett"), ("version", version)]).status == 200)
        #expect(try shows().last == "form=removal_unconfirmed")
    }
}

/// Idag shows the oldest lines of a long list, counts them all, and audits only those shown.
@Suite struct TodayLimitTests {
    @Test func aLongListShowsItsOldestLinesAndVisaAllaShowsAll() throws {
        let harness = try WebHarness()
        let people = Array(TestPeople.born(in: 2008).prefix(TodayPage.linesPerList + 5))
        for (index, pnr) in people.enumerated() {
            try harness.person(pnr, first: "Person\(index)", last: "Test", registeredOn: TestDates.date("2026-09-01").adding(days: index % 20))
        }
        let sara = try harness.loggedIn("sara")
        let page = sara.get("/").text
        #expect(page.contains("Ej nådda (\(people.count))"))
        #expect(page.contains("Visa alla \(people.count)"))
        let shown = try #require(try harness.register.database.queryOne(
            "SELECT count(*) FROM audit_shown_person WHERE set_id = (SELECT shown_set FROM audit_log WHERE action = 'today' ORDER BY id DESC LIMIT 1)")?.int(0))
        #expect(shown <= Int64(TodayPage.linesPerList * 3), "only the lines shown are audited")
        let all = sara.get("/", query: ["visa": "ej-nadda"])
        #expect(all.status == 200)
        #expect(people.indices.allSatisfy { all.text.contains("Person\($0) Test") })
        #expect(sara.get("/", query: ["visa": "<script>"]).status == 400)
    }
}
