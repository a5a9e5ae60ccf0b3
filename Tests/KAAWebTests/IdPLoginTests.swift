import Foundation
import KAACore
import KAAHTTP
import KAAHTTPTestKit
import KAAOIDC
import KAAOIDCTestKit
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing
@testable import KAAWeb

/// Issue 18 in the web UI: signing in with the kommun's IdP, in process (the real provider and a
/// real browser are in scripts/oidc-check.sh). The provider's back channel is `TestProvider`; the
/// browser is `WebClient`, following the redirect to the provider and back by hand.
@Suite struct IdPLoginTests {
    let provider: TestProvider
    let harness: WebHarness

    init(provider: TestProvider, harness: WebHarness) {
        self.provider = provider
        self.harness = harness
    }

    init(localAccounts: Bool = true, requiredACR: String? = nil) throws {
        provider = TestProvider(redirectURI: "http://kaa.test/login/oidc/callback")
        var settings = provider.settings(requiredACR: requiredACR)
        settings.localAccounts = localAccounts
        let party = try RelyingParty(settings: settings, clientSecret: provider.clientSecret, client: InProcessHTTPClient(responder: provider))
        harness = try WebHarness(relyingParty: party)
        provider.now = harness.clock.now
    }

    /// Begins at /login/oidc, lets `user` log in at the provider, and comes back to the callback.
    @discardableResult
    func signIn(_ client: WebClient, as user: TestUser = .anna) throws -> HTTPResponse {
        let begin = client.get("/login/oidc")
        guard begin.status == 302, let location = begin.header("Location") else {
            throw HarnessError("GET /login/oidc answered \(begin.status): \(begin.text.prefix(300))")
        }
        let answer = provider.authorize(url: location, user: user)
        return client.get("/login/oidc/callback", query: TestProvider.parameters(of: answer))
    }

    func user(_ login: String, groups: [String], subject: String? = nil) -> TestUser {
        TestUser(subject: subject ?? "sub-\(login)", preferredUsername: login, name: login.capitalized, email: "\(login)@kommun.test", groups: groups)
    }

    @Test func aHandlaggareSignsInWithTheIdPAndWorksOnIdag() throws {
        let client = harness.client()
        let login = client.get("/login")
        #expect(login.text.contains("id=\"login-oidc\"") && login.text.contains("name=\"password\""))
        let begin = client.get("/login/oidc")
        #expect(begin.status == 302)
        let cookie = try #require(client.lastSetCookie)
        #expect(cookie.hasPrefix("kaa_oidc_") && cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly") && cookie.contains("Max-Age=600"))
        let location = try #require(begin.header("Location"))
        let query = TestProvider.parameters(of: String(location.split(separator: "?", maxSplits: 1).last ?? ""))
        #expect(query["code_challenge_method"] == "S256" && query["response_type"] == "code" && query["scope"] == "openid profile email")
        #expect(query["redirect_uri"] == "http://kaa.test/login/oidc/callback" && query["state"] != nil && query["nonce"] != nil)

        let callback = client.get("/login/oidc/callback", query: TestProvider.parameters(of: provider.authorize(url: location, user: .anna)))
        #expect(callback.status == 200 && callback.header("Refresh") == "0; url=/")
        #expect(callback.text.contains("Du är inloggad"))
        #expect(client.cookies["kaa_session"] != nil)
        let idag = client.get("/")
        #expect(idag.status == 200 && idag.text.contains("<h1>Idag</h1>"))
        // No password of hers to change here.
        #expect(!idag.text.contains("href=\"/losenord\"") && client.get("/losenord").status == 404)
        let account = try #require(try harness.register.listStaff().first { $0.login == "anna.handlaggare" })
        #expect(account.signsInWithIdP && account.role == .handlaggare && account.name == "Anna Handläggare")
    }

    @Test func theGroupsDecideTheRoleAtEveryLogin() throws {
        try signIn(harness.client(), as: user("bo", groups: ["Personal", "KAA-Handlaggare"]))
        #expect(try harness.register.listStaff().first { $0.login == "bo" }?.role == .handlaggare)
        provider.advance(5)
        harness.clock.advance(seconds: 5)
        // Two KAA groups: the one that reaches more.
        try signIn(harness.client(), as: user("bo", groups: ["KAA-Handlaggare", "KAA-Samordnare"]))
        #expect(try harness.register.listStaff().first { $0.login == "bo" }?.role == .samordnare)
        // An admin sees the account under Personal, marked as the IdP's, with no reset.
        try signIn(harness.client(), as: user("ada", groups: ["KAA-Admin"]))
        let admin = harness.client()
        try signIn(admin, as: user("ada", groups: ["KAA-Admin"]))
        let staff = admin.get("/personal")
        #expect(staff.status == 200 && staff.text.contains("bo") && staff.text.contains("loggar in med kommunens konto"))
    }

    @Test func noMappedGroupIsRefusedWithWhomToAskAndNoAccount() throws {
        let client = harness.client()
        let refused = try signIn(client, as: user("olle", groups: ["Personal"]))
        #expect(refused.status == 403 && refused.text.contains("Ingen behörighet i KAA-registret") && refused.text.contains("Felkod: no-role"))
        #expect(refused.text.contains("KAA-Handlaggare"))
        #expect(client.cookies["kaa_session"] == nil)
        #expect(try harness.register.listStaff().allSatisfy { $0.login != "olle" })
        #expect(try harness.register.auditEntries().contains { $0.action == "login_refused" && $0.detail?.contains("code=no-role") == true })
    }

    @Test(arguments: [
        (TestProvider.Misbehaviour.wrongAudience, "oidc-aud"), (.expired, "oidc-exp"), (.replayedNonce, "oidc-nonce"), (.otherKey, "oidc-signature"),
        (.algNone, "oidc-alg"), (.hs256, "oidc-alg"), (.wrongIssuer, "oidc-iss"), (.wrongAzp, "oidc-azp"), (.futureIat, "oidc-iat"), (.noSub, "oidc-token"),
    ])
    func aBadTokenIsRefusedWithItsCodeAndNoSession(misbehaviour: TestProvider.Misbehaviour, code: String) throws {
        // A good login first, so that a replayed nonce has one to replay.
        try signIn(harness.client())
        provider.nextToken = misbehaviour
        let client = harness.client()
        let refused = try signIn(client)
        #expect(refused.status == 403 && refused.text.contains("Felkod: \(code)"), "\(refused.text.prefix(400))")
        #expect(refused.text.contains("Inloggningen nekades"))
        #expect(client.cookies["kaa_session"] == nil && client.get("/").header("Location") == "/login")
        #expect(try harness.register.auditEntries().contains { $0.action == "login_refused" && $0.detail?.contains("code=\(code)") == true })
    }

    @Test func someoneTakenOutOfEveryGroupIsShutOutAtOnce() throws {
        let client = harness.client()
        try signIn(client, as: user("bo", groups: ["KAA-Handlaggare"]))
        #expect(client.get("/").status == 200)
        provider.advance(5)
        let refused = try signIn(harness.client(), as: user("bo", groups: ["Personal"]))
        #expect(refused.status == 403 && refused.text.contains("Felkod: no-role"))
        // The session of the first browser is gone too.
        #expect(client.get("/").header("Location") == "/login?utloggad=1")
        #expect(try harness.register.auditEntries().contains { $0.action == "staff_access_revoked" })
    }

    @Test func aNewLoginInABrowserEndsTheSessionItHadBefore() throws {
        let client = try harness.loggedIn("sara")
        let old = try #require(client.cookies["kaa_session"])
        try signIn(client)
        let stale = harness.client()
        stale.cookies["kaa_session"] = old
        #expect(stale.get("/").header("Location") == "/login?utloggad=1")
        #expect(client.get("/").status == 200)
    }

    @Test func aLocalSessionEndsWhenLocalAccountsAreSwitchedOff() throws {
        // The same register first served with local accounts, then without.
        let client = try harness.loggedIn("sara")
        #expect(client.get("/").status == 200)
        var settings = provider.settings()
        settings.localAccounts = false
        let strict = try RelyingParty(settings: settings, clientSecret: provider.clientSecret, client: InProcessHTTPClient(responder: provider))
        let pool = try RegisterPool.open(path: harness.path, count: 1, clock: FixedDateClock(today: TestDates.today), staff: "web",
                                         configuration: RegisterConfiguration())
        let clock = harness.clock
        let app = WebApp(pool: pool, relyingParty: strict, now: { clock.now })
        let again = WebClient(app: app)
        again.cookies = client.cookies
        #expect(again.get("/").header("Location") == "/login?utloggad=1")
    }

    @Test func noGroupsClaimAtAllIsNoRole() throws {
        let refused = try signIn(harness.client(), as: TestUser(subject: "sub-many", preferredUsername: "many", groups: nil))
        #expect(refused.status == 403 && refused.text.contains("Felkod: no-role"))
    }

    @Test func aCallbackIsUsedOnceAndOnlyByTheBrowserThatBegan() throws {
        let client = harness.client()
        let begin = client.get("/login/oidc")
        let answer = TestProvider.parameters(of: provider.authorize(url: begin.header("Location") ?? "", user: .anna))
        // Another browser (no binding cookie) with the same answer: refused, without spoiling the real one's login.
        let stranger = harness.client()
        let stolen = stranger.get("/login/oidc/callback", query: answer)
        #expect(stolen.status == 400 && stolen.text.contains("Felkod: oidc-state"))
        #expect(stranger.cookies["kaa_session"] == nil)
        // Nor with the first browser's cookie copied but another login's state.
        let otherBegin = stranger.get("/login/oidc")
        let otherAnswer = TestProvider.parameters(of: provider.authorize(url: otherBegin.header("Location") ?? "", user: .anna))
        let copied = harness.client()
        copied.cookies = client.cookies
        #expect(copied.get("/login/oidc/callback", query: otherAnswer).status == 400)
        // The browser that began gets in, once.
        #expect(client.get("/login/oidc/callback", query: answer).status == 200)
        #expect(client.get("/login/oidc/callback", query: answer).status == 400)
        // A repeated parameter is not guessed at.
        let repeated = HTTPRequest(method: "GET", path: "/login/oidc/callback", queryItems: [("state", "a"), ("state", "b"), ("code", "c")],
                                   headers: ["Host": WebHarness.host])
        #expect(harness.app.respond(to: repeated).status == 400)
    }

    @Test func aCancelledLoginAndAnUnreachableProviderSaySo() throws {
        let cancelled = try signIn(harness.client(), as: TestUser(deniesAccess: true))
        #expect(cancelled.status == 403 && cancelled.text.contains("Inloggningen avbröts") && cancelled.text.contains("Felkod: oidc-idp-error"))
        // The provider answers nothing at all: the metadata cannot be fetched.
        let party = try RelyingParty(settings: provider.settings(), clientSecret: "x", client: FailingClient())
        let offline = try WebHarness(relyingParty: party)
        let answer = offline.client().get("/login/oidc")
        #expect(answer.status == 502 && answer.text.contains("Felkod: oidc-provider"))
    }

    @Test func disablingHereWinsAndEndsTheSession() throws {
        let client = harness.client()
        try signIn(client)
        #expect(client.get("/").status == 200)
        try harness.register.disableStaff(login: "anna.handlaggare")
        #expect(client.get("/").header("Location") == "/login?utloggad=1")
        provider.advance(5)
        let again = try signIn(harness.client())
        #expect(again.status == 403 && again.text.contains("Kontot är avstängt") && again.text.contains("Felkod: disabled"))
    }

    @Test func aLocalAccountsNameIsNotTakenOver() throws {
        let refused = try signIn(harness.client(), as: user("hanna", groups: ["KAA-Admin"]))
        #expect(refused.status == 403 && refused.text.contains("Felkod: local-conflict"))
        #expect(try harness.register.listStaff().first { $0.login == "hanna" }?.role == .handlaggare)
    }

    @Test func logoutEndsTheSessionHereAndAtTheProvider() throws {
        let client = harness.client()
        try signIn(client)
        let idag = client.get("/")
        // The pages let the logout form's answer go on to the provider's logout.
        #expect(idag.header("Content-Security-Policy")?.contains("form-action 'self' https://idp.test") == true)
        let logout = client.post("/logout", [])
        #expect(logout.status == 303)
        let location = try #require(logout.header("Location"))
        #expect(location.hasPrefix(provider.endSessionEndpoint + "?"))
        let query = TestProvider.parameters(of: String(location.split(separator: "?", maxSplits: 1).last ?? ""))
        #expect(query["id_token_hint"] == provider.issuedTokens.last && query["client_id"] == "kaa")
        #expect(query["post_logout_redirect_uri"] == "http://kaa.test/login?utloggad=0")
        #expect(client.get("/").header("Location") == "/login")
        // A local account's logout stays here.
        let sara = try harness.loggedIn("sara")
        sara.get("/")
        #expect(sara.post("/logout", []).header("Location") == "/login?utloggad=0")
    }

    @Test func withoutLocalAccountsThereIsNoPasswordFormAndNoPasswordLogin() throws {
        let tests = try IdPLoginTests(localAccounts: false)
        let client = tests.harness.client()
        let page = client.get("/login")
        #expect(page.text.contains("id=\"login-oidc\"") && !page.text.contains("name=\"password\""))
        let post = client.post("/login", [("username", "sara"), ("password", WebHarness.password), ("otp", try tests.harness.code("sara"))])
        #expect(post.status == 403 && client.cookies["kaa_session"] == nil)
        #expect(try tests.signIn(client).status == 200)
    }

    @Test func aRequiredACRRefusesALoginWithoutTheSecondFactor() throws {
        let tests = try IdPLoginTests(requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2")
        let begin = tests.harness.client().get("/login/oidc")
        #expect(begin.header("Location")?.contains("acr_values=http%3A%2F%2Fid.elegnamnden.se%2Floa%2F1.0%2Floa2") == true)
        let weak = try tests.signIn(tests.harness.client(), as: TestUser(acr: "http://id.elegnamnden.se/loa/1.0/loa1"))
        #expect(weak.status == 403 && weak.text.contains("Tvåfaktorsinloggning krävs") && weak.text.contains("Felkod: oidc-acr"))
        #expect(try tests.signIn(tests.harness.client(), as: TestUser(acr: "http://id.elegnamnden.se/loa/1.0/loa2")).status == 200)
    }

    @Test func aListOfAcceptedACRsLetsAStrongerEIDIn() throws {
        let provider = TestProvider(redirectURI: "http://kaa.test/login/oidc/callback")
        var settings = provider.settings(requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2")
        settings.alsoAcceptedACRs = ["http://id.elegnamnden.se/loa/1.0/loa3"]
        let harness = try WebHarness(relyingParty: try RelyingParty(settings: settings, clientSecret: provider.clientSecret,
                                                                    client: InProcessHTTPClient(responder: provider)))
        provider.now = harness.clock.now
        let tests = IdPLoginTests(provider: provider, harness: harness)
        let begin = harness.client().get("/login/oidc")
        #expect(begin.header("Location")?.contains("acr_values=http%3A%2F%2Fid.elegnamnden.se%2Floa%2F1.0%2Floa2%20http%3A%2F%2Fid.elegnamnden.se%2Floa%2F1.0%2Floa3") == true)
        #expect(try tests.signIn(harness.client(), as: TestUser(acr: "http://id.elegnamnden.se/loa/1.0/loa3")).status == 200)
        #expect(try tests.signIn(harness.client(), as: TestUser(acr: "http://id.elegnamnden.se/loa/1.0/loa1")).status == 403)
    }

    @Test func aKeyRotatedDuringASessionIsPickedUp() throws {
        let client = harness.client()
        try signIn(client)
        _ = provider.rotate()
        provider.advance(5)
        harness.clock.advance(seconds: 5)
        #expect(client.get("/").status == 200)
        let other = try signIn(harness.client(), as: user("cecilia", groups: ["KAA-Granskare"]))
        #expect(other.status == 200)
        #expect(provider.jwksFetches == 2)
    }
}

/// An HTTP client with no network at all.
struct FailingClient: HTTPClient {
    func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse {
        throw HTTPClientError("no route to \(request.url)")
    }
}
