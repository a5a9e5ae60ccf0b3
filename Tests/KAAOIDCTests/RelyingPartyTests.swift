import Foundation
import KAACrypto
import KAAHTTP
import KAAHTTPTestKit
import KAAOIDC
import KAAOIDCTestKit
import Synchronization
import Testing

/// The relying party end to end against the in-process `TestProvider`: the authorization request,
/// the token request, every misbehaving token, key rotation and its rate limit, an unreachable or
/// refusing provider, the cache, logout.
@Suite struct RelyingPartyTests {
    let provider: TestProvider
    let http: InProcessHTTPClient
    let rp: RelyingParty

    init() throws {
        provider = TestProvider()
        http = InProcessHTTPClient(responder: provider)
        rp = try RelyingParty(settings: provider.settings(), clientSecret: provider.clientSecret, client: http)
    }

    init(provider: TestProvider, requiredACR: String? = nil) throws {
        self.provider = provider
        http = InProcessHTTPClient(responder: provider)
        rp = try RelyingParty(settings: provider.settings(requiredACR: requiredACR), clientSecret: provider.clientSecret, client: http)
    }

    /// One whole login: begin, the provider's login page, finish.
    func login(_ user: TestUser = .anna, rp: RelyingParty? = nil) throws(OIDCError) -> VerifiedIDToken {
        let rp = rp ?? self.rp
        let start = try rp.begin(now: provider.now)
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: user))
        return try rp.finish(query: callback, binding: start.binding, now: provider.now)
    }

    /// The refusal code of a login, or nil when it succeeds.
    func refusal(_ user: TestUser = .anna, rp: RelyingParty? = nil) -> OIDCRefusal? {
        do {
            _ = try login(user, rp: rp)
            return nil
        } catch {
            guard case let .refused(code, _) = error else { return nil }
            return code
        }
    }

    static func parameters(of url: String) -> [String: String] {
        TestProvider.parameters(of: url.split(separator: "?", maxSplits: 1).last.map(String.init) ?? "")
    }

    // MARK: - The authorization request

    @Test func beginsWithEveryParameterOfTheContract() throws {
        let start = try rp.begin(now: provider.now)
        #expect(start.authorizationURL.hasPrefix("https://idp.test/authorize?"))
        let query = Self.parameters(of: start.authorizationURL)
        #expect(query["response_type"] == "code")
        #expect(query["client_id"] == "kaa")
        #expect(query["redirect_uri"] == "https://kaa.test/login/oidc/callback")
        #expect(query["scope"] == "openid profile email")
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["code_challenge"]?.utf8.count == 43)
        #expect((query["state"]?.utf8.count ?? 0) >= 43)
        #expect((query["nonce"]?.utf8.count ?? 0) >= 43)
        #expect(query["acr_values"] == nil)
        #expect(Set(query.keys) == ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method"])
        // Percent-encoded in the URL itself (the redirect URI's ':' and '/', the scope's spaces).
        #expect(start.authorizationURL.contains("redirect_uri=https%3A%2F%2Fkaa.test%2Flogin%2Foidc%2Fcallback"))
        #expect(start.authorizationURL.contains("scope=openid%20profile%20email"))
        #expect(start.binding.utf8.count >= 43)
        #expect(rp.usedStateCount == 0)
        // The provider's check of the same URL agrees.
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        #expect(callback["code"] != nil)
        #expect(callback["state"] == query["state"])
        #expect(provider.refusals.isEmpty)
    }

    @Test func eachLoginHasItsOwnStateNonceVerifierAndBinding() throws {
        let first = try rp.begin(now: provider.now), second = try rp.begin(now: provider.now)
        let one = Self.parameters(of: first.authorizationURL), two = Self.parameters(of: second.authorizationURL)
        #expect(one["state"] != two["state"])
        #expect(one["nonce"] != two["nonce"])
        #expect(one["code_challenge"] != two["code_challenge"])
        #expect(first.binding != second.binding)
        #expect(one["state"] != one["nonce"])
    }

    @Test func aRequiredACRIsAskedFor() throws {
        let suite = try RelyingPartyTests(provider: TestProvider(), requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2")
        let start = try suite.rp.begin(now: suite.provider.now)
        #expect(Self.parameters(of: start.authorizationURL)["acr_values"] == "http://id.elegnamnden.se/loa/1.0/loa2")
    }

    @Test func anAuthorizationEndpointWithAQueryKeepsIt() throws {
        provider.authorizationEndpoint = "https://idp.test/authorize?tenant=kommun"
        let start = try rp.begin(now: provider.now)
        #expect(start.authorizationURL.hasPrefix("https://idp.test/authorize?tenant=kommun&response_type=code&"))
        #expect(Self.parameters(of: start.authorizationURL)["tenant"] == "kommun")
        #expect(try login().subject == TestUser.anna.subject)
    }

    // MARK: - Success

    @Test func finishReturnsTheClaims() throws {
        let user = TestUser(subject: "sub-42", preferredUsername: "Bertil.Samordnare", name: "Bertil Åström", email: "bertil@kommun.test",
                            groups: ["KAA-Samordnare", "Alla"], acr: "http://id.elegnamnden.se/loa/1.0/loa2")
        let token = try login(user)
        #expect(token.issuer == "https://idp.test")
        #expect(token.subject == "sub-42")
        #expect(token.claims["preferred_username"] == .string("Bertil.Samordnare"))
        #expect(token.claims["name"] == .string("Bertil Åström"))
        #expect(token.claims["email"] == .string("bertil@kommun.test"))
        #expect(token.claims["groups"]?.strings == ["KAA-Samordnare", "Alla"])
        #expect(token.claims["acr"] == .string("http://id.elegnamnden.se/loa/1.0/loa2"))
        #expect(token.claims["aud"] == .string("kaa"))
        #expect(token.compact == provider.issuedTokens.last)
        #expect(rp.usedStateCount == 1)
    }

    @Test func theTokenRequestCarriesBasicAuthTheCodeAndTheVerifier() throws {
        let start = try rp.begin(now: provider.now)
        let authorization = Self.parameters(of: start.authorizationURL)
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        _ = try rp.finish(query: callback, binding: start.binding, now: provider.now)
        let request = try #require(http.sent.first { $0.method == "POST" })
        #expect(request.url == "https://idp.test/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        // The secret "hemlig:klient&nyckel" form-urlencoded before base64 (RFC 6749 §2.3.1).
        let expected = Data("kaa:hemlig%3Aklient%26nyckel".utf8).base64EncodedString()
        #expect(request.headers["Authorization"] == "Basic \(expected)")
        let body = TestProvider.parameters(of: String(decoding: request.body, as: UTF8.self))
        #expect(body["grant_type"] == "authorization_code")
        #expect(body["code"] == callback["code"])
        #expect(body["redirect_uri"] == "https://kaa.test/login/oidc/callback")
        let verifier = try #require(body["code_verifier"])
        #expect(Base64URL.encode(Crypto.sha256(Array(verifier.utf8))) == authorization["code_challenge"])
        #expect(body["client_secret"] == nil && body["client_id"] == nil)
        #expect(!String(decoding: request.body, as: UTF8.self).contains("hemlig"))
    }

    @Test(arguments: [TestProvider.Misbehaviour.es256, .extraAudienceWithAzp])
    func aValidVariantOfTheTokenIsAccepted(_ misbehaviour: TestProvider.Misbehaviour) {
        provider.nextToken = misbehaviour
        #expect(refusal() == nil)
    }

    // MARK: - Refused tokens

    static let refused: [(TestProvider.Misbehaviour, OIDCRefusal)] = [
        (.wrongAudience, .audience), (.expired, .expired), (.replayedNonce, .nonce), (.noNonce, .nonce), (.otherKey, .signature),
        (.unknownKid, .signature), (.algNone, .algorithm), (.hs256, .algorithm), (.badSignature, .signature), (.wrongIssuer, .issuer),
        (.extraAudienceWithoutAzp, .authorizedParty), (.wrongAzp, .authorizedParty), (.futureIat, .issuedAt), (.oldIat, .issuedAt),
        (.noSub, .token), (.booleanExp, .expired),
    ]

    @Test(arguments: refused)
    func eachMisbehaviourIsRefusedWithItsCode(_ misbehaviour: TestProvider.Misbehaviour, _ code: OIDCRefusal) throws {
        // A login first, so that a replayed nonce has an earlier one to replay.
        #expect(refusal() == nil)
        provider.nextToken = misbehaviour
        #expect(refusal() == code)
        // The knob spoils one token only.
        #expect(provider.nextToken == nil)
        #expect(refusal() == nil)
    }

    @Test func aWholeTokenReplayedFromAnEarlierLoginIsRefused() throws {
        let earlier = try login()
        // A token endpoint (or a man in the middle) that answers a new login with the earlier login's token.
        let replaying = ReplayingResponder(provider: provider, idToken: earlier.compact)
        let replayRP = try RelyingParty(settings: provider.settings(), clientSecret: provider.clientSecret, client: InProcessHTTPClient(responder: replaying))
        let start = try replayRP.begin(now: provider.now)
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        do {
            _ = try replayRP.finish(query: callback, binding: start.binding, now: provider.now)
            Issue.record("the replayed token was accepted")
        } catch {
            #expect(error == .refused(.nonce, detail: "the nonce is not this login's"))
        }
    }

    @Test func aMissingOrWrongACRIsRefusedWhenRequired() throws {
        let suite = try RelyingPartyTests(provider: TestProvider(), requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2")
        let twoFactor = TestUser(acr: "http://id.elegnamnden.se/loa/1.0/loa2")
        #expect(suite.refusal(twoFactor) == nil)
        suite.provider.nextToken = .noACR
        #expect(suite.refusal(twoFactor) == .authenticationContext)
        suite.provider.nextToken = .wrongACR
        #expect(suite.refusal(twoFactor) == .authenticationContext)
        #expect(suite.refusal(TestUser(acr: nil)) == .authenticationContext)
        // Without requiredAcr, a token without acr is fine.
        provider.nextToken = .noACR
        #expect(refusal(twoFactor) == nil)
    }

    @Test func loginsOnManyThreadsAtOnceEachSucceedWithTheirOwnClaims() {
        let results = Mutex([String: String]())
        DispatchQueue.concurrentPerform(iterations: 40) { index in
            let user = TestUser(subject: "sub-\(index)", preferredUsername: "user\(index)")
            do {
                let token = try login(user)
                results.withLock { $0["sub-\(index)"] = token.claims["preferred_username"]?.string }
            } catch {
                results.withLock { $0["sub-\(index)"] = "\(error)" }
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 40)
        for index in 0..<40 { #expect(all["sub-\(index)"] == "user\(index)") }
        #expect(rp.usedStateCount == 40)
        #expect(provider.tokenRequests == 40)
    }

    // MARK: - The state and the callback

    @Test func aCallbackIsTakenOnce() throws {
        let start = try rp.begin(now: provider.now)
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        _ = try rp.finish(query: callback, binding: start.binding, now: provider.now)
        #expect(throws: OIDCError.refused(.state, detail: "the state is unknown or was used already")) {
            try rp.finish(query: callback, binding: start.binding, now: provider.now)
        }
    }

    @Test func anotherBrowsersBindingIsRefusedAndTheCodeIsNeverRedeemed() throws {
        let start = try rp.begin(now: provider.now)
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        let other = try rp.begin(now: provider.now)
        #expect(throws: OIDCError.refused(.state, detail: "the binding cookie is not the one the login began with")) {
            try rp.finish(query: callback, binding: other.binding, now: provider.now)
        }
        #expect(throws: OIDCError.refused(.state, detail: "the browser sent no binding cookie")) {
            try rp.finish(query: TestProvider.parameters(of: provider.authorize(url: other.authorizationURL, user: .anna)), binding: nil, now: provider.now)
        }
        #expect(provider.tokenRequests == 0)
    }

    @Test func aCallbackWithoutStateOrAfterTenMinutesIsRefused() throws {
        #expect(throws: OIDCError.refused(.state, detail: "the callback has no state")) {
            try rp.finish(query: ["code": "x"], binding: "b", now: provider.now)
        }
        #expect(throws: OIDCError.refused(.state, detail: "the callback has no state")) {
            try rp.finish(query: ["code": "x", "state": String(repeating: "s", count: 513)], binding: "b", now: provider.now)
        }
        let start = try rp.begin(now: provider.now)
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        #expect(throws: OIDCError.refused(.state, detail: "the login began more than 600 s ago")) {
            try rp.finish(query: callback, binding: start.binding, now: provider.now.addingTimeInterval(601))
        }
    }

    @Test func accessDeniedAtTheProviderIsAnIdPError() throws {
        let start = try rp.begin(now: provider.now)
        let answer = provider.authorize(url: start.authorizationURL, user: TestUser(deniesAccess: true))
        #expect(answer.hasPrefix("error=access_denied&state="))
        let callback = TestProvider.parameters(of: answer)
        #expect(throws: OIDCError.refused(.providerError, detail: "the provider answered error=access_denied")) {
            try rp.finish(query: callback, binding: start.binding, now: provider.now)
        }
        #expect(provider.tokenRequests == 0)
    }

    @Test func aHostileErrorValueIsNotCopiedIntoTheDetail() throws {
        let start = try rp.begin(now: provider.now)
        let state = Self.parameters(of: start.authorizationURL)["state"] ?? ""
        do {
            _ = try rp.finish(query: ["state": state, "error": "access_denied\n kaa web: event=login login=admin"], binding: start.binding, now: provider.now)
            Issue.record("accepted")
        } catch {
            #expect(error == .refused(.providerError, detail: "the provider answered error=access_deniedkaawebeventloginloginadmin"))
        }
    }

    @Test func anErrorForALoginThisBrowserNeverBeganIsAStateError() {
        #expect(throws: OIDCError.refused(.state, detail: "the binding cookie is not the one the login began with")) {
            try rp.finish(query: ["state": "forged", "error": "access_denied"], binding: "b", now: provider.now)
        }
    }

    @Test func aCallbackIssOfAnotherProviderIsRefused() {
        provider.callbackIssuer = "https://evil.test"
        #expect(refusal() == .issuer)
        #expect(provider.tokenRequests == 0)
        provider.callbackIssuer = "https://idp.test"
        #expect(refusal() == nil)
    }

    @Test func aCallbackWithoutCodeIsRefused() throws {
        let start = try rp.begin(now: provider.now)
        let state = Self.parameters(of: start.authorizationURL)["state"] ?? ""
        #expect(throws: OIDCError.refused(.token, detail: "the callback has no code")) {
            try rp.finish(query: ["state": state], binding: start.binding, now: provider.now)
        }
    }

    @Test func anOverlongCodeIsRefusedWithoutAskingTheProvider() throws {
        let start = try rp.begin(now: provider.now)
        var callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        callback["code"] = String(repeating: "c", count: 4097)
        #expect(throws: OIDCError.refused(.token, detail: "the callback has no code")) {
            try rp.finish(query: callback, binding: start.binding, now: provider.now)
        }
        #expect(provider.tokenRequests == 0)
    }

    @Test func anErrorBesideACodeIsStillAnError() throws {
        let start = try rp.begin(now: provider.now)
        var callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        callback["error"] = "login_required"
        #expect(throws: OIDCError.refused(.providerError, detail: "the provider answered error=login_required")) {
            try rp.finish(query: callback, binding: start.binding, now: provider.now)
        }
        #expect(provider.tokenRequests == 0)
    }

    // MARK: - The provider failing

    @Test func anUnreachableProviderIsAProviderError() {
        do {
            http.inject(.unreachable)
            _ = try rp.begin(now: provider.now)
        } catch {
            guard case let .refused(code, detail) = error else { Issue.record("\(error)"); return }
            #expect(code == .provider)
            #expect(detail.contains("https://idp.test/.well-known/openid-configuration"))
        }
        // For 15 s the next logins are told at once, without asking (no thread waits a timeout each).
        let asked = http.sent.count
        #expect(throws: OIDCError.self) { try rp.begin(now: provider.now.addingTimeInterval(10)) }
        #expect(http.sent.count == asked)
        // Once it is back and that time is over, the login works.
        provider.advance(16)
        #expect(refusal() == nil)
    }

    @Test func anUnreachableTokenEndpointOrJWKSIsAProviderError() throws {
        _ = try rp.begin(now: provider.now)
        // Metadata cached: the next request of a login is the token request.
        http.inject(.unreachable)
        #expect(refusal() == .provider)
        // The token request passes, the JWKS fetch does not.
        http.inject(.pass, .unreachable)
        #expect(refusal() == .provider)
        #expect(refusal() == nil)
    }

    @Test func aTokenEndpoint400IsAProviderError() throws {
        let start = try rp.begin(now: provider.now)
        var callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        callback["code"] = "a-code-the-provider-never-issued"
        #expect(throws: OIDCError.refused(.provider, detail: "the token endpoint answered 400 (invalid_grant)")) {
            try rp.finish(query: callback, binding: start.binding, now: provider.now)
        }
        #expect(provider.refusals.last?.hasPrefix("token: invalid_grant") == true)
        // A 400 from whatever stands in front of the token endpoint, and a 5xx, are the same to the user.
        for status in [400, 500, 302] {
            let again = try rp.begin(now: provider.now)
            let query = TestProvider.parameters(of: provider.authorize(url: again.authorizationURL, user: .anna))
            http.inject(.status(status, retryAfter: nil))
            #expect(throws: OIDCError.refused(.provider, detail: "the token endpoint answered \(status) (injected)")) {
                try rp.finish(query: query, binding: again.binding, now: provider.now)
            }
        }
    }

    @Test func aWrongClientSecretIsAProviderError() throws {
        let wrong = try RelyingParty(settings: provider.settings(), clientSecret: "fel", client: http)
        #expect(refusal(rp: wrong) == .provider)
        #expect(provider.refusals.last == "token: invalid_client: wrong client id or secret")
    }

    @Test func aDiscoveryDocumentThatIsNotThisIssuersIsAProviderError() throws {
        let other = TestProvider(issuer: "https://other-idp.test")
        let client = InProcessHTTPClient(responder: other)
        let rp = try RelyingParty(settings: provider.settings(), clientSecret: provider.clientSecret, client: client)
        // other answers under any host; its document names https://other-idp.test.
        #expect(throws: OIDCError.self) { try rp.begin(now: provider.now) }
        http.inject(.status(500, retryAfter: nil))
        #expect(throws: OIDCError.refused(.provider, detail: "the discovery document at https://idp.test/.well-known/openid-configuration answered 500")) {
            try self.rp.begin(now: provider.now)
        }
    }

    @Test func aTokenAnswerWithoutIDTokenIsAMalformedToken() throws {
        let start = try rp.begin(now: provider.now)
        let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
        http.inject(.status(200, retryAfter: nil))
        #expect(throws: OIDCError.refused(.token, detail: "the token endpoint's answer has no id_token")) {
            try rp.finish(query: callback, binding: start.binding, now: provider.now)
        }
    }

    // MARK: - Cache and key rotation

    @Test func theMetadataIsFetchedOnceAndThenCached() throws {
        for _ in 0..<3 { #expect(refusal() == nil) }
        #expect(provider.discoveryFetches == 1)
        #expect(provider.jwksFetches == 1)
        _ = rp.logoutURL(idTokenHint: nil, postLogoutRedirect: "https://kaa.test/login?utloggad=0", now: provider.now)
        #expect(provider.discoveryFetches == 1)
        // A day later it is fetched again.
        provider.advance(24 * 3600 + 1)
        #expect(refusal() == nil)
        #expect(provider.discoveryFetches == 2)
    }

    @Test func aRotatedKeyIsFetchedAndTheLoginSucceeds() throws {
        #expect(refusal() == nil)
        #expect(provider.jwksFetches == 1)
        provider.advance(31)
        let kid = provider.rotate()
        #expect(kid == "rsa-2")
        let token = try login()
        #expect(token.compact.hasPrefix(Base64URL.encode(Array(#"{"alg":"RS256","kid":"rsa-2","typ":"JWT"}"#.utf8))))
        #expect(provider.jwksFetches == 2)
        // The new key is cached: no fetch for the next login.
        #expect(refusal() == nil)
        #expect(provider.jwksFetches == 2)
    }

    @Test func aSecondUnknownKidWithin30SecondsDoesNotFetchAgain() throws {
        #expect(refusal() == nil)
        provider.advance(31)
        provider.rotate()
        #expect(refusal() == nil)
        #expect(provider.jwksFetches == 2)
        // Another unknown kid 10 s later: refused without a fetch.
        provider.advance(10)
        provider.nextToken = .unknownKid
        #expect(refusal() == .signature)
        #expect(provider.jwksFetches == 2)
        // A rotation within the 30 s is not seen yet either…
        provider.rotate()
        #expect(refusal() == .signature)
        #expect(provider.jwksFetches == 2)
        // …and is once 30 s have passed since the last fetch.
        provider.advance(21)
        #expect(refusal() == nil)
        #expect(provider.jwksFetches == 3)
    }

    @Test func aBadSignatureByAKnownKeyDoesNotFetchTheKeys() {
        #expect(refusal() == nil)
        provider.advance(31)
        provider.nextToken = .otherKey
        #expect(refusal() == .signature)
        #expect(provider.jwksFetches == 1)
    }

    @Test func anUnknownKidFetchesAtMostOncePer30Seconds() {
        #expect(refusal() == nil)
        for round in 1...3 {
            provider.advance(31)
            provider.nextToken = .unknownKid
            #expect(refusal() == .signature)
            #expect(provider.jwksFetches == 1 + round)
            provider.nextToken = .unknownKid
            #expect(refusal() == .signature)
            #expect(provider.jwksFetches == 1 + round)
        }
    }

    @Test func theKeysAreFetchedAgainAfterAnHour() {
        #expect(refusal() == nil)
        provider.advance(3601)
        #expect(refusal() == nil)
        #expect(provider.jwksFetches == 2)
    }

    // MARK: - Logout

    @Test func theLogoutURLCarriesTheHintTheClientAndWhereToComeBack() throws {
        let token = try login()
        let url = try #require(rp.logoutURL(idTokenHint: token.compact, postLogoutRedirect: "https://kaa.test/login?utloggad=0", now: provider.now))
        #expect(url.hasPrefix("https://idp.test/logout?"))
        let query = Self.parameters(of: url)
        #expect(query["id_token_hint"] == token.compact)
        #expect(query["client_id"] == "kaa")
        #expect(query["post_logout_redirect_uri"] == "https://kaa.test/login?utloggad=0")
        #expect(url.contains("post_logout_redirect_uri=https%3A%2F%2Fkaa.test%2Flogin%3Futloggad%3D0"))
        let withoutHint = try #require(rp.logoutURL(idTokenHint: nil, postLogoutRedirect: "https://kaa.test/login?utloggad=0", now: provider.now))
        #expect(Self.parameters(of: withoutHint)["id_token_hint"] == nil)
    }

    @Test func withoutEndSessionEndpointThereIsNoLogoutURL() throws {
        provider.publishesEndSession = false
        #expect(refusal() == nil)
        #expect(rp.logoutURL(idTokenHint: "x", postLogoutRedirect: "https://kaa.test/login?utloggad=0", now: provider.now) == nil)
        #expect(rp.logoutOrigin == nil)
    }

    @Test func anUnreachableProviderGivesNoLogoutURL() {
        http.inject(.unreachable)
        #expect(rp.logoutURL(idTokenHint: "x", postLogoutRedirect: "https://kaa.test/login?utloggad=0", now: provider.now) == nil)
    }

    @Test func theLogoutOriginIsTheEndpointsOrigin() throws {
        #expect(rp.logoutOrigin == nil)
        #expect(rp.prefetch(now: provider.now) == nil)
        #expect(rp.logoutOrigin == "https://idp.test")
        #expect(provider.jwksFetches == 1)
    }

    @Test func theLogoutOriginKeepsPortAndBracketsAnIPv6Host() throws {
        for (issuer, origin) in [("http://127.0.0.1:8081/realms/kaa", "http://127.0.0.1:8081"), ("http://[::1]:9000", "http://[::1]:9000")] {
            let provider = TestProvider(issuer: issuer)
            let rp = try RelyingParty(settings: provider.settings(), clientSecret: provider.clientSecret, client: InProcessHTTPClient(responder: provider))
            #expect(rp.prefetch(now: provider.now) == nil)
            #expect(rp.logoutOrigin == origin)
        }
    }

    @Test func aPrefetchOfAnUnreachableProviderIsOnlyReported() {
        http.persistentFault = .unreachable
        guard case .refused(.provider, _)? = rp.prefetch(now: provider.now) else {
            Issue.record("no provider error")
            return
        }
        // The provider comes up a moment after the server: the first login asks again at once.
        http.persistentFault = nil
        #expect(refusal() == nil)
    }

    @Test func anIssuerWithATrailingSlashWorks() throws {
        let suite = try RelyingPartyTests(provider: TestProvider(issuer: "https://idp.test/realms/kommun/"))
        #expect(suite.refusal() == nil)
        #expect(suite.http.sent.first?.url == "https://idp.test/realms/kommun/.well-known/openid-configuration")
    }

    @Test func anIssuerWithAPathIsServedUnderIt() throws {
        let suite = try RelyingPartyTests(provider: TestProvider(issuer: "https://idp.test/realms/kommun"))
        #expect(suite.refusal() == nil)
        #expect(suite.http.sent.first?.url == "https://idp.test/realms/kommun/.well-known/openid-configuration")
    }
}

/// A provider whose token endpoint answers with a fixed ID token (a token replayed from an earlier login).
struct ReplayingResponder: HTTPResponder {
    let provider: TestProvider
    let idToken: String

    func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else { return provider.respond(to: request) }
        return .json(200, #"{"token_type":"Bearer","id_token":"\#(idToken)"}"#)
    }
}
