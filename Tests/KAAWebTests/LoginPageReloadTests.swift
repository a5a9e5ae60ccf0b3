import Foundation
import Testing
@testable import KAAWeb

/// What the real-browser run (Tests/Browser) found: a browser fetches `/favicon.ico` behind the
/// login form, is redirected to `/login`, and that second login page used to set a new
/// double-submit cookie, so the form on screen was refused as forged. The login page now keeps a
/// token the browser already has, when it is one of ours in shape.
@Suite struct LoginPageReloadTests {
    @Test func theLoginFormOnScreenStillWorksAfterTheLoginPageLoadsAgainBehindIt() throws {
        let harness = try WebHarness()
        let client = harness.client()
        client.get("/login")
        let onScreen = try #require(client.csrf)
        // The favicon request without a session is redirected to /login, which the browser loads.
        #expect(client.get("/favicon.ico").header("Location") == "/login")
        client.get("/login")
        #expect(client.cookies["kaa_login"] == onScreen)
        let login = client.post("/login", [("username", "hanna"), ("password", WebHarness.password), ("otp", try harness.code("hanna"))],
                                csrf: onScreen)
        #expect(login.status == 303)
        #expect(login.header("Location") == "/")
    }

    @Test(arguments: ["", "kort", "<script>alert(1)</script>aaaaaaaaaaaaaaaaaaaaaaaaa", "a\"b" + String(repeating: "c", count: 40),
                      String(repeating: "A", count: 65), "åäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäöåäö", String(repeating: "-", count: 40)])
    func aLoginCookieThatIsNotOneOfOursIsReplacedNotEchoed(cookie: String) throws {
        let harness = try WebHarness()
        let client = harness.client()
        client.cookies["kaa_login"] = cookie
        let page = client.get("/login")
        let token = try #require(client.csrf)
        #expect(token != cookie)
        #expect(token.utf8.count >= 32 && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(client.cookies["kaa_login"] == token)
        #expect(!page.text.contains("<script>"))
    }

    @Test func aReusedTokenStillHasToMatchTheForm() throws {
        let harness = try WebHarness()
        let client = harness.client()
        client.get("/login")
        let onScreen = try #require(client.csrf)
        client.get("/login")
        #expect(client.csrf == onScreen)
        let forged = client.post("/login", [("username", "hanna"), ("password", WebHarness.password), ("otp", try harness.code("hanna"))],
                                 csrf: String(onScreen.reversed()))
        #expect(forged.status == 403)
        #expect(client.cookies["kaa_session"] == nil)
    }
}
