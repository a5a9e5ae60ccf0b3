import Foundation
import KAACrypto
import KAACryptoTestKit
import KAAHTTP
import KAAOIDC

/// An OpenID provider for tests, in process: its back channel as an `HTTPResponder` (discovery,
/// JWKS, token endpoint) and its front channel (the browser at the authorization endpoint and the
/// person logging in) as `authorize(url:user:)`.
///
/// Use it as the responder of an `InProcessHTTPClient` (KAAHTTPTestKit) that the relying party sends
/// through:
/// ```swift
/// let provider = TestProvider()
/// let rp = RelyingParty(settings: provider.settings(), clientSecret: provider.clientSecret,
///                       client: InProcessHTTPClient(responder: provider))
/// let start = try rp.begin(now: provider.now)
/// let callback = TestProvider.parameters(of: provider.authorize(url: start.authorizationURL, user: .anna))
/// let token = try rp.finish(query: callback, binding: start.binding, now: provider.now)
/// ```
/// Served, under the issuer's path: `GET /.well-known/openid-configuration`, `GET /jwks` (an RS256
/// key and an ES256 key, each with a kid), `POST /token` (client_secret_basic, grant_type,
/// redirect_uri, a code it issued, used once, and the PKCE verifier against the S256 challenge).
/// `nextToken` makes the next ID token misbehave; `rotate()` replaces the RS256 key. The counters
/// say how often the relying party fetched the discovery document and the keys.
///
/// The provider's clock is `now` (the tokens' `iat`); pass the same `now` to the relying party, and
/// move it forward to test time limits.
///
/// For the web flow: `GET /login/oidc` answers 302 to an authorization URL; hand its `Location` to
/// `authorize(url:user:)` and send the answer as the query of `GET /login/oidc/callback` with the
/// `kaa_oidc` cookie. Users for the refusals: `TestUser(groups: ["Alla"])` (no mapped role),
/// `TestUser(preferredUsername: nil)` (no login claim), `TestUser(deniesAccess: true)`.
///
/// `@unchecked Sendable`: every mutable member is read and written under `lock`; the signing keys are
/// themselves Sendable.
public final class TestProvider: HTTPResponder, @unchecked Sendable {
    /// What is wrong with the next ID token (one token only; then `nextToken` is nil again).
    public enum Misbehaviour: Sendable, Equatable, CaseIterable {
        /// `aud` names another client.
        case wrongAudience
        /// `exp` two minutes ago (beyond the relying party's 60 s skew); `iat` 7 minutes ago.
        case expired
        /// The nonce of the login before this one (or a made-up one when there was none).
        case replayedNonce
        /// No `nonce`.
        case noNonce
        /// Signed by a key the JWKS does not hold, under the current RS256 key's kid.
        case otherKey
        /// Signed by a key the JWKS does not hold, under a kid the JWKS does not name.
        case unknownKid
        /// `alg: none` and an empty signature.
        case algNone
        /// `alg: HS256`, "signed" with HMAC keyed by the RS256 public key's JWK text (the key confusion attack).
        case hs256
        /// The right key, one bit of the signature flipped.
        case badSignature
        /// No `acr` (the user's `acr` left out).
        case noACR
        /// `acr` of one factor only (`http://id.elegnamnden.se/loa/1.0/loa1`).
        case wrongACR
        /// `iss` is another provider.
        case wrongIssuer
        /// Signed with the ES256 key (a valid token).
        case es256
        /// `aud` names this client and another, and there is no `azp`.
        case extraAudienceWithoutAzp
        /// `aud` names this client and another, with `azp` this client (a valid token).
        case extraAudienceWithAzp
        /// `azp` is another client.
        case wrongAzp
        /// `iat` five minutes ahead.
        case futureIat
        /// `iat` fifteen minutes ago (`exp` still ahead).
        case oldIat
        /// No `sub`.
        case noSub
        /// `exp` is the JSON boolean `true`.
        case booleanExp
    }

    /// The provider's issuer (`https://idp.test`), as in its discovery document and tokens.
    public let issuer: String
    /// The client the relying party is registered as.
    public let clientID: String
    /// That client's secret (client_secret_basic).
    public let clientSecret: String
    /// The one redirect URI registered for the client.
    public let redirectURI: String

    private let lock = NSLock()
    private var state: State

    private struct Grant {
        let redirectURI: String
        let challenge: String
        let nonce: String
        let user: TestUser
    }

    private struct State {
        var now = Date()
        var authorizationEndpoint: String
        var publishesEndSession = true
        var nextToken: Misbehaviour?
        var callbackIssuer: String?
        var rsaKey = TestSigningKey(.rs256)
        var rsaKid = "rsa-1"
        var rotations = 1
        let ecKey = TestSigningKey(.es256)
        let ecKid = "ec-1"
        var grants: [String: Grant] = [:]
        var nonces: [String] = []
        var discoveryFetches = 0
        var jwksFetches = 0
        var tokenRequests = 0
        var issuedTokens: [String] = []
        var refusals: [String] = []
        var lastAuthorization: [String: String]?
    }

    /// A provider for `issuer` (https, or http on a loopback host; a path is allowed), knowing one client.
    public init(issuer: String = "https://idp.test", clientID: String = "kaa", clientSecret: String = "hemlig:klient&nyckel",
                redirectURI: String = "https://kaa.test/login/oidc/callback") {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        state = State(authorizationEndpoint: issuer + "/authorize")
    }

    private func locked<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    // MARK: - Knobs

    /// The provider's clock: the `iat` of its tokens.
    public var now: Date {
        get { locked { $0.now } }
        set { locked { $0.now = newValue } }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(_ seconds: Double) {
        locked { $0.now = $0.now.addingTimeInterval(seconds) }
    }

    /// The `authorization_endpoint` the discovery document names (default `<issuer>/authorize`; it may
    /// carry a query of its own, which the authorization URL must keep).
    public var authorizationEndpoint: String {
        get { locked { $0.authorizationEndpoint } }
        set { locked { $0.authorizationEndpoint = newValue } }
    }

    /// `end_session_endpoint` (`<issuer>/logout`), or none when false.
    public var publishesEndSession: Bool {
        get { locked { $0.publishesEndSession } }
        set { locked { $0.publishesEndSession = newValue } }
    }

    /// The `end_session_endpoint` when published.
    public var endSessionEndpoint: String { issuer + "/logout" }

    /// The token endpoint's URL.
    public var tokenEndpoint: String { issuer + "/token" }

    /// The JWKS URL.
    public var jwksURI: String { issuer + "/jwks" }

    /// What is wrong with the next ID token the token endpoint issues.
    public var nextToken: Misbehaviour? {
        get { locked { $0.nextToken } }
        set { locked { $0.nextToken = newValue } }
    }

    /// An `iss` parameter the callback carries (RFC 9207), or none when nil.
    public var callbackIssuer: String? {
        get { locked { $0.callbackIssuer } }
        set { locked { $0.callbackIssuer = newValue } }
    }

    /// Replaces the RS256 key with a fresh one under a new kid (`rsa-2`, `rsa-3`, …); the old one is
    /// no longer published. Returns the new kid.
    @discardableResult
    public func rotate() -> String {
        locked { state in
            state.rotations += 1
            state.rsaKey = TestSigningKey(.rs256)
            state.rsaKid = "rsa-\(state.rotations)"
            return state.rsaKid
        }
    }

    /// The kid of the current RS256 key.
    public var rsaKid: String { locked { $0.rsaKid } }
    /// The kid of the ES256 key.
    public var ecKid: String { locked { $0.ecKid } }

    // MARK: - Counters and records

    /// How many times the discovery document was fetched.
    public var discoveryFetches: Int { locked { $0.discoveryFetches } }
    /// How many times the JWKS was fetched.
    public var jwksFetches: Int { locked { $0.jwksFetches } }
    /// How many requests reached the token endpoint (accepted or not).
    public var tokenRequests: Int { locked { $0.tokenRequests } }
    /// The ID tokens issued, in order.
    public var issuedTokens: [String] { locked { $0.issuedTokens } }
    /// Why the provider refused requests, in order (`token: invalid_client`, `authorize: redirect_uri …`).
    public var refusals: [String] { locked { $0.refusals } }
    /// The query parameters of the last authorization request `authorize(url:user:)` saw.
    public var lastAuthorization: [String: String]? { locked { $0.lastAuthorization } }

    /// Settings for a relying party that is this provider's client (secret in no file: pass
    /// `clientSecret` to the relying party directly).
    public func settings(requiredACR: String? = nil, loginClaim: String = "preferred_username",
                         roles: [String: String] = ["KAA-Handlaggare": "handlaggare", "KAA-Samordnare": "samordnare",
                                                    "KAA-Granskare": "granskare", "KAA-Admin": "admin"]) -> OIDCSettings {
        OIDCSettings(issuer: issuer, clientID: clientID, redirectURI: redirectURI, loginClaim: loginClaim, roleClaim: "groups", roles: roles,
                     requiredACR: requiredACR)
    }

    // MARK: - Front channel

    /// Plays the browser and the person at the authorization endpoint: checks the authorization URL
    /// the relying party made (the endpoint, `response_type=code`, `client_id`, `redirect_uri`, `scope`
    /// with `openid`, `state`, `nonce`, an S256 `code_challenge`), remembers the nonce and challenge,
    /// and returns the query of the callback: `code=…&state=…` (with `iss=…` when `callbackIssuer` is
    /// set), `error=access_denied&state=…` when the user cancels, or `error=invalid_request&…` when the
    /// URL is wrong (also recorded in `refusals`).
    public func authorize(url: String, user: TestUser) -> String {
        locked { state in
            let endpoint = state.authorizationEndpoint
            func refuse(_ why: String, _ givenState: String?) -> String {
                state.refusals.append("authorize: \(why)")
                return Self.query([("error", "invalid_request"), ("error_description", why)] + (givenState.map { [("state", $0)] } ?? []))
            }
            guard let components = URLComponents(string: url), let items = components.queryItems else { return refuse("no query", nil) }
            var parameters: [String: String] = [:]
            for item in items {
                guard parameters[item.name] == nil else { return refuse("\(item.name) given twice", nil) }
                parameters[item.name] = item.value ?? ""
            }
            state.lastAuthorization = parameters
            let givenState = parameters["state"]
            guard url.split(separator: "?", maxSplits: 1).first == endpoint.split(separator: "?", maxSplits: 1).first else {
                return refuse("not the authorization endpoint \(endpoint)", givenState)
            }
            for item in URLComponents(string: endpoint)?.queryItems ?? [] where parameters[item.name] != (item.value ?? "") {
                return refuse("the endpoint's own parameter \(item.name) is lost", givenState)
            }
            guard parameters["response_type"] == "code" else { return refuse("response_type is not code", givenState) }
            guard parameters["client_id"] == clientID else { return refuse("client_id is not \(clientID)", givenState) }
            guard parameters["redirect_uri"] == redirectURI else { return refuse("redirect_uri is not the registered one", givenState) }
            guard let scope = parameters["scope"], scope.split(separator: " ").contains("openid") else { return refuse("scope has no openid", givenState) }
            guard parameters["code_challenge_method"] == "S256" else { return refuse("code_challenge_method is not S256", givenState) }
            guard let challenge = parameters["code_challenge"], challenge.utf8.count == 43 else { return refuse("no S256 code_challenge", givenState) }
            guard let givenState, !givenState.isEmpty else { return refuse("no state", nil) }
            guard let nonce = parameters["nonce"], !nonce.isEmpty else { return refuse("no nonce", givenState) }
            state.nonces.append(nonce)
            if user.deniesAccess {
                return Self.query([("error", "access_denied"), ("state", givenState)])
            }
            let code = UUID().uuidString
            state.grants[code] = Grant(redirectURI: redirectURI, challenge: challenge, nonce: nonce, user: user)
            var answer = [("code", code), ("state", givenState)]
            if let iss = state.callbackIssuer { answer.append(("iss", iss)) }
            return Self.query(answer)
        }
    }

    /// The parameters of a query (`a=1&b=2`, percent-decoded; `+` as a space).
    public static func parameters(of query: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text) }
            parameters[decode(parts[0])] = parts.count == 2 ? decode(parts[1]) : ""
        }
        return parameters
    }

    static func query(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    // MARK: - Back channel

    /// Where the discovery document is (OpenID Connect Discovery §4: the issuer, then `/.well-known/openid-configuration`).
    public var discoveryURL: String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        func path(_ url: String) -> String? { URLComponents(string: url)?.percentEncodedPath }
        switch request.method {
        case "GET" where request.path == path(discoveryURL): return discovery()
        case "GET" where request.path == path(jwksURI): return jwks()
        case "POST" where request.path == path(tokenEndpoint): return token(request)
        default: return .json(404, #"{"error":"not_found"}"#)
        }
    }

    private func discovery() -> HTTPResponse {
        let document: [String: Any] = locked { state in
            state.discoveryFetches += 1
            var document: [String: Any] = [
                "issuer": issuer, "authorization_endpoint": state.authorizationEndpoint, "token_endpoint": tokenEndpoint, "jwks_uri": jwksURI,
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"], "code_challenge_methods_supported": ["plain", "S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"], "scopes_supported": ["openid", "profile", "email"],
            ]
            if state.publishesEndSession { document["end_session_endpoint"] = endSessionEndpoint }
            return document
        }
        return .json(200, Self.json(document))
    }

    private func jwks() -> HTTPResponse {
        let keys = locked { state in
            state.jwksFetches += 1
            return [state.rsaKey.jwk(kid: state.rsaKid), state.ecKey.jwk(kid: state.ecKid)]
        }
        return .json(200, Self.json(["keys": keys]))
    }

    private func token(_ request: HTTPRequest) -> HTTPResponse {
        locked { state in
            state.tokenRequests += 1
            func refuse(_ status: Int, _ error: String, _ why: String) -> HTTPResponse {
                state.refusals.append("token: \(error): \(why)")
                return .json(status, Self.json(["error": error, "error_description": why]))
            }
            guard let authorization = request.header("authorization"), authorization.hasPrefix("Basic "),
                  let decoded = Data(base64Encoded: String(authorization.dropFirst(6))).flatMap({ String(data: $0, encoding: .utf8) }),
                  let colon = decoded.firstIndex(of: ":") else {
                return refuse(401, "invalid_client", "no client_secret_basic authorization")
            }
            let form = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard form(decoded[..<colon]) == clientID, form(decoded[decoded.index(after: colon)...]) == clientSecret else {
                return refuse(401, "invalid_client", "wrong client id or secret")
            }
            guard request.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true else {
                return refuse(400, "invalid_request", "the body is not application/x-www-form-urlencoded")
            }
            let body = Self.parameters(of: String(decoding: request.body, as: UTF8.self))
            guard body["grant_type"] == "authorization_code" else { return refuse(400, "unsupported_grant_type", "grant_type is not authorization_code") }
            guard let code = body["code"], let grant = state.grants.removeValue(forKey: code) else {
                return refuse(400, "invalid_grant", "the code is unknown or was used already")
            }
            guard body["redirect_uri"] == grant.redirectURI else { return refuse(400, "invalid_grant", "redirect_uri is not the authorization request's") }
            guard let verifier = body["code_verifier"], (43...128).contains(verifier.utf8.count),
                  Base64URL.encode(Crypto.sha256(Array(verifier.utf8))) == grant.challenge else {
                return refuse(400, "invalid_grant", "the code_verifier does not match the code_challenge")
            }
            let misbehaviour = state.nextToken
            state.nextToken = nil
            let idToken = Self.idToken(for: grant, misbehaviour: misbehaviour, state: state, issuer: issuer, clientID: clientID)
            state.issuedTokens.append(idToken)
            return .json(200, Self.json(["access_token": UUID().uuidString, "token_type": "Bearer", "expires_in": 300, "id_token": idToken]))
        }
    }

    private static func idToken(for grant: Grant, misbehaviour: Misbehaviour?, state: State, issuer: String, clientID: String) -> String {
        let now = Int(state.now.timeIntervalSince1970)
        var claims: [String: Any] = ["iss": issuer, "aud": clientID, "iat": now, "exp": now + 300, "auth_time": now - 5, "nonce": grant.nonce]
        let user = grant.user
        claims["sub"] = user.subject
        claims["preferred_username"] = user.preferredUsername
        claims["name"] = user.name
        claims["email"] = user.email
        claims["groups"] = user.groups
        claims["acr"] = user.acr
        var header: [String: Any] = ["alg": "RS256", "kid": state.rsaKid, "typ": "JWT"]
        var key = state.rsaKey
        switch misbehaviour {
        case nil: break
        case .wrongAudience?: claims["aud"] = "another-client"
        case .expired?:
            claims["exp"] = now - 120
            claims["iat"] = now - 420
            claims["auth_time"] = now - 425
        case .replayedNonce?: claims["nonce"] = state.nonces.dropLast().last ?? "a-nonce-of-an-earlier-login"
        case .noNonce?: claims["nonce"] = nil
        case .otherKey?: key = TestSigningKey(.rs256)
        case .unknownKid?:
            key = TestSigningKey(.rs256)
            header["kid"] = "unknown-\(UUID().uuidString.prefix(8))"
        case .algNone?:
            header["alg"] = "none"
            return TestSigningKey.signingInput(header: header, claims: claims) + "."
        case .hs256?:
            header["alg"] = "HS256"
            let input = TestSigningKey.signingInput(header: header, claims: claims)
            let secret = Array(json(state.rsaKey.jwk(kid: state.rsaKid)).utf8)
            return input + "." + Base64URL.encode(Crypto.hmacSHA256(key: secret, message: Array(input.utf8)))
        case .badSignature?:
            let input = TestSigningKey.signingInput(header: header, claims: claims)
            var signature = key.sign(Array(input.utf8), algorithm: .rs256)
            signature[signature.count / 2] ^= 0x01
            return input + "." + Base64URL.encode(signature)
        case .noACR?: claims["acr"] = nil
        case .wrongACR?: claims["acr"] = "http://id.elegnamnden.se/loa/1.0/loa1"
        case .wrongIssuer?: claims["iss"] = "https://evil.test"
        case .es256?:
            key = state.ecKey
            header["alg"] = "ES256"
            header["kid"] = state.ecKid
        case .extraAudienceWithoutAzp?: claims["aud"] = [clientID, "another-client"]
        case .extraAudienceWithAzp?:
            claims["aud"] = [clientID, "another-client"]
            claims["azp"] = clientID
        case .wrongAzp?: claims["azp"] = "another-client"
        case .futureIat?:
            claims["iat"] = now + 300
            claims["exp"] = now + 600
        case .oldIat?:
            claims["iat"] = now - 900
            claims["auth_time"] = now - 905
        case .noSub?: claims["sub"] = nil
        case .booleanExp?: claims["exp"] = true
        }
        return key.compactJWT(header: header, claims: claims, algorithm: key.algorithm)
    }

    static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            preconditionFailure("TestProvider: not JSON: \(object)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
