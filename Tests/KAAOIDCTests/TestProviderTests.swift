import Foundation
import KAACrypto
import KAAHTTP
import KAAOIDCTestKit
import Testing

/// The test provider itself: its token endpoint and its authorization check refuse what a real
/// provider refuses, so a relying party that sends the wrong thing fails its tests.
@Suite struct TestProviderTests {
    let provider = TestProvider()
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = Base64URL.encode(Crypto.sha256(Array(verifier.utf8)))

    static func authorizationURL(_ change: (inout [String: String]) -> Void = { _ in }) -> String {
        var parameters = ["response_type": "code", "client_id": "kaa", "redirect_uri": "https://kaa.test/login/oidc/callback",
                          "scope": "openid profile", "state": "st", "nonce": "no", "code_challenge": challenge, "code_challenge_method": "S256"]
        change(&parameters)
        var components = URLComponents(string: "https://idp.test/authorize")
        components?.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components?.string ?? ""
    }

    func code() throws -> String {
        try #require(TestProvider.parameters(of: provider.authorize(url: Self.authorizationURL(), user: .anna))["code"])
    }

    func tokenRequest(code: String, verifier: String = verifier, redirect: String = "https://kaa.test/login/oidc/callback",
                      grant: String = "authorization_code", authorization: String? = nil) -> HTTPResponse {
        let basic = authorization ?? "Basic " + Data("kaa:hemlig%3Aklient%26nyckel".utf8).base64EncodedString()
        let body = "grant_type=\(grant)&code=\(code)&redirect_uri=\(redirect.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&code_verifier=\(verifier)"
        return provider.respond(to: HTTPRequest(method: "POST", path: "/token",
                                                headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": basic], body: Array(body.utf8)))
    }

    static func error(_ response: HTTPResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["error"] as? String
    }

    @Test func aGoodCodeIsRedeemedOnce() throws {
        let code = try code()
        let first = tokenRequest(code: code)
        #expect(first.status == 200)
        #expect(provider.issuedTokens.count == 1)
        let second = tokenRequest(code: code)
        #expect(second.status == 400)
        #expect(Self.error(second) == "invalid_grant")
    }

    @Test func theTokenEndpointChecksClientVerifierRedirectAndGrant() throws {
        #expect(Self.error(tokenRequest(code: try code(), verifier: String(repeating: "a", count: 43))) == "invalid_grant")
        #expect(Self.error(tokenRequest(code: try code(), redirect: "https://evil.test/login/oidc/callback")) == "invalid_grant")
        #expect(Self.error(tokenRequest(code: try code(), grant: "client_credentials")) == "unsupported_grant_type")
        let wrongSecret = "Basic " + Data("kaa:fel".utf8).base64EncodedString()
        let refused = tokenRequest(code: try code(), authorization: wrongSecret)
        #expect(refused.status == 401)
        #expect(Self.error(refused) == "invalid_client")
        #expect(Self.error(tokenRequest(code: try code(), authorization: "Basic " + Data("kaa".utf8).base64EncodedString())) == "invalid_client")
        #expect(Self.error(tokenRequest(code: try code(), authorization: "Basic !!!")) == "invalid_client")
        #expect(Self.error(tokenRequest(code: try code(), authorization: "Bearer x")) == "invalid_client")
        #expect(provider.issuedTokens.isEmpty)
    }

    @Test func theAuthorizationCheckRefusesAWrongRequest() {
        let wrong: [(String, String?)] = [("response_type", "token"), ("client_id", "other"), ("redirect_uri", "https://evil.test/login/oidc/callback"),
                                          ("scope", "profile email"), ("code_challenge_method", "plain"), ("code_challenge", nil), ("nonce", nil)]
        for (name, value) in wrong {
            let answer = TestProvider.parameters(of: provider.authorize(url: Self.authorizationURL { $0[name] = value }, user: .anna))
            #expect(answer["error"] == "invalid_request", "\(name)")
            #expect(answer["code"] == nil)
        }
        #expect(provider.refusals.count == wrong.count)
        #expect(TestProvider.parameters(of: provider.authorize(url: "https://other.test/authorize?" + (Self.authorizationURL().split(separator: "?").last ?? ""),
                                                               user: .anna))["error"] == "invalid_request")
    }

    @Test func theDiscoveryDocumentAndKeysAreCounted() throws {
        let discovery = provider.respond(to: HTTPRequest(method: "GET", path: "/.well-known/openid-configuration"))
        #expect(discovery.status == 200)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(discovery.body)) as? [String: Any])
        #expect(document["issuer"] as? String == "https://idp.test")
        #expect(document["end_session_endpoint"] as? String == "https://idp.test/logout")
        let keys = provider.respond(to: HTTPRequest(method: "GET", path: "/jwks"))
        let set = try #require(try JSONSerialization.jsonObject(with: Data(keys.body)) as? [String: Any])
        #expect((set["keys"] as? [[String: String]])?.compactMap { $0["kid"] } == ["rsa-1", "ec-1"])
        provider.rotate()
        let rotated = try #require(try JSONSerialization.jsonObject(with: Data(provider.respond(to: HTTPRequest(method: "GET", path: "/jwks")).body)) as? [String: Any])
        #expect((rotated["keys"] as? [[String: String]])?.compactMap { $0["kid"] } == ["rsa-2", "ec-1"])
        #expect(provider.discoveryFetches == 1)
        #expect(provider.jwksFetches == 2)
        #expect(provider.respond(to: HTTPRequest(method: "GET", path: "/token")).status == 404)
    }
}
