import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAASQLite
import KAASystem
import KAATestFixtures
import Testing
@testable import KAAWeb

/// Issue 18, "Behind a proxy": `X-Forwarded-For` and `X-Forwarded-Proto` are believed only from
/// the addresses in `trustedProxies`.
@Suite struct ProxyTests {
    static func harness(trusting proxies: [String] = ["127.0.0.1", "10.0.0.0/8"]) throws -> WebHarness {
        var settings = WebSettings()
        settings.trustedProxies = proxies.compactMap { NetworkRange($0) }
        return try WebHarness(settings: settings)
    }

    /// The `client=` of the last session start in the audit log.
    static func lastClient(_ harness: WebHarness) throws -> String? {
        let detail = try harness.register.auditEntries().last { $0.action == "session_start" }?.detail ?? ""
        return detail.split(separator: " ").first { $0.hasPrefix("client=") }.map { String($0.dropFirst(7)) }
    }

    func logIn(_ client: WebClient, _ harness: WebHarness, as login: String = "sara") throws -> HTTPResponse {
        client.get("/login")
        let response = client.post("/login", [("username", login), ("password", WebHarness.password), ("otp", try harness.code(login))])
        harness.clock.advance(seconds: 30)
        return response
    }

    @Test func forwardedHeadersFromAnUntrustedPeerAreIgnored() throws {
        let harness = try Self.harness()
        let client = harness.client()
        client.peer = "127.0.0.2"
        client.extraHeaders = ["X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"]
        client.get("/login")
        let loginCookie = try #require(client.lastSetCookie)
        #expect(loginCookie.hasPrefix("kaa_login=") && !loginCookie.contains("Secure"))
        let response = try logIn(client, harness)
        #expect(response.status == 303)
        #expect(response.header("Strict-Transport-Security") == nil)
        #expect(client.cookies["kaa_session"] != nil && client.cookies["__Host-kaa_session"] == nil)
        #expect(try Self.lastClient(harness) == "127.0.0.2")
    }

    @Test func aTrustedProxySaysWhoTheClientIsAndThatTheBrowserUsesHTTPS() throws {
        let harness = try Self.harness()
        let client = harness.client()
        client.peer = "127.0.0.1"
        client.scheme = "https"
        client.extraHeaders = ["X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"]
        client.get("/login")
        let loginCookie = try #require(client.lastSetCookie)
        #expect(loginCookie.hasPrefix("__Host-kaa_login=") && loginCookie.contains("Secure"))
        let response = try logIn(client, harness)
        #expect(response.status == 303)
        let cookie = try #require(response.header("Set-Cookie"))
        #expect(cookie.hasPrefix("__Host-kaa_session=") && cookie.contains("Secure"))
        #expect(response.header("Strict-Transport-Security") != nil)
        #expect(try Self.lastClient(harness) == "198.51.100.7")
        #expect(client.get("/").status == 200)
        // Behind https the page's own origin is https: a form posted with an http Origin is not ours.
        #expect(client.post("/logout", [], origin: "http://kaa.test").status == 403)
    }

    @Test(arguments: [
        // The right-most entry that is not a trusted proxy is the client; what lies left of it is the client's own say.
        ("203.0.113.5, 10.0.0.2", "203.0.113.5"),
        ("198.51.100.99, 203.0.113.5, 10.1.2.3", "203.0.113.5"),
        ("not-an-address, 203.0.113.5", "203.0.113.5"),
        // A garbage right-most entry: nothing is believed past the proxy itself.
        ("203.0.113.5, garbage", "127.0.0.1"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("2001:db8::7", "2001:db8::7"),
        // A proxy that adds the client's port (Azure Application Gateway does).
        ("203.0.113.5:51234", "203.0.113.5"),
        ("[2001:db8::7]:51234", "2001:db8::7"),
    ])
    func theClientIsTheRightMostUntrustedEntry(header: String, client expected: String) throws {
        let harness = try Self.harness()
        let client = harness.client()
        client.peer = "127.0.0.1"
        client.extraHeaders = ["X-Forwarded-For": header]
        #expect(try logIn(client, harness).status == 303)
        #expect(try Self.lastClient(harness) == expected)
    }

    @Test func withoutTrustedProxiesNothingForwardedIsBelieved() throws {
        let harness = try Self.harness(trusting: [])
        let client = harness.client()
        client.peer = "127.0.0.1"
        client.extraHeaders = ["X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"]
        #expect(try logIn(client, harness).status == 303)
        #expect(try Self.lastClient(harness) == "127.0.0.1")
        #expect(client.cookies["kaa_session"] != nil)
    }
}
