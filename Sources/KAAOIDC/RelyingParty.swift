import Foundation
import KAACrypto
import KAAHTTP
import Synchronization

/// The start of a login: where to send the browser, and the value of the cookie that binds the
/// login to it.
public struct LoginStart: Sendable {
    /// The provider's authorization URL with this login's parameters.
    public let authorizationURL: String
    /// The browser binding: the value of this login's cookie, its state, nonce and PKCE verifier
    /// sealed under this server's key.
    public let binding: String
    /// The end of this login's cookie name (`kaa_oidc_<suffix>`), from its state.
    public let cookieSuffix: String
}

/// An OpenID Connect relying party (authorization code flow with PKCE S256, `state` and `nonce`)
/// for one provider and one client. The provider's metadata and keys are fetched through the
/// given HTTP client when first needed and cached; the keys again when a token names an unknown
/// `kid` (at most once per `keyRefreshInterval`). Safe to share between the server's threads.
public final class RelyingParty: Sendable {
    public let settings: OIDCSettings
    private let clientSecret: String
    private let client: any HTTPClient
    private let pending: PendingLogins
    private let cache = Mutex(Cache())
    /// How long fetched metadata and keys are used before they are fetched again.
    static let metadataLifetime: Double = 24 * 3600
    static let keysLifetime: Double = 3600
    /// The shortest time between two fetches of the keys for an unknown `kid`.
    public static let keyRefreshInterval: Double = 30
    /// Seconds a failed fetch of the metadata is remembered.
    static let failureMemory: Double = 15

    struct Cache {
        var metadata: ProviderMetadata?
        var metadataAt: Date?
        var keys: KeySet?
        var keysAt: Date?
        /// When fetching the metadata last failed: for a short while the next login is told at once
        /// instead of each holding a server thread for the whole timeout.
        var metadataFailedAt: Date?
        /// When a token's unknown `kid` last made the keys be fetched (the rate limit counts these only,
        /// so the first token after a rotation is never refused for a fetch made just before it).
        var forcedAt: Date?
    }

    public init(settings: OIDCSettings, clientSecret: String, client: any HTTPClient) throws(OIDCError) {
        self.settings = settings
        self.clientSecret = clientSecret
        self.client = client
        self.pending = try PendingLogins()
    }

    /// The end of the cookie name of the login `state` names (the callback's query gives the state).
    public static func cookieSuffix(state: String) -> String { PendingLogins.cookieSuffix(state: state) }

    // MARK: - The flow

    /// Begins a login at `now`: a fresh state, nonce, PKCE verifier and browser binding.
    public func begin(now: Date) throws(OIDCError) -> LoginStart {
        let metadata = try metadata(now: now)
        let state = try Self.random(), nonce = try Self.random(), verifier = try Self.random()
        let binding = pending.seal(PendingLogin(state: state, nonce: nonce, verifier: verifier, createdAt: Int64(now.timeIntervalSince1970.rounded(.down))))
        var parameters = [("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", settings.redirectURI),
                          ("scope", "openid profile email"), ("state", state), ("nonce", nonce),
                          ("code_challenge", Base64URL.encode(Crypto.sha256(Array(verifier.utf8)))), ("code_challenge_method", "S256")]
        if !settings.acceptedACRs.isEmpty { parameters.append(("acr_values", settings.acceptedACRs.joined(separator: " "))) }
        return LoginStart(authorizationURL: FormEncoding.appending(parameters, to: metadata.authorizationEndpoint), binding: binding,
                          cookieSuffix: PendingLogins.cookieSuffix(state: state))
    }

    /// Finishes a login from the callback's query and the browser's binding cookie: checks the
    /// state, redeems the code at the token endpoint and checks the ID token.
    public func finish(query: [String: String], binding: String?, now: Date) throws(OIDCError) -> VerifiedIDToken {
        guard let state = query["state"], (1...512).contains(state.utf8.count) else {
            throw .refused(.state, detail: "the callback has no state")
        }
        // The state first: an error answer for a login this browser never began is not shown as the provider's.
        let login = try pending.take(state: state, sealed: binding, now: now)
        if let error = query["error"] {
            let safe = String(error.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_") }.prefix(64).map(Character.init))
            throw .refused(.providerError, detail: "the provider answered error=\(safe)")
        }
        // RFC 9207: an `iss` in the answer must be this provider's (a mix-up with another one).
        if let iss = query["iss"], iss != settings.issuer { throw .refused(.issuer, detail: "the callback's iss is not the configured issuer") }
        guard let code = query["code"], (1...4096).contains(code.utf8.count) else { throw .refused(.token, detail: "the callback has no code") }
        let metadata = try metadata(now: now)
        let body = FormEncoding.encode([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI),
                                        ("code_verifier", login.verifier)])
        let credentials = Data("\(FormEncoding.encode(settings.clientID)):\(FormEncoding.encode(clientSecret))".utf8).base64EncodedString()
        let response: HTTPResponse
        do {
            response = try client.send(HTTPClientRequest(method: "POST", url: metadata.tokenEndpoint,
                                                         headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                                                                   "Authorization": "Basic \(credentials)"],
                                                         body: Array(body.utf8), timeout: 15))
        } catch {
            throw .refused(.provider, detail: "the token endpoint was not reached: \(error.message)")
        }
        guard response.status == 200 else {
            let reason = JSONValue.object(from: response.body)?["error"]?.string.map { String($0.prefix(64)) } ?? "no error code"
            throw .refused(.provider, detail: "the token endpoint answered \(response.status) (\(reason))")
        }
        guard let object = JSONValue.object(from: response.body), let idToken = object["id_token"]?.string else {
            throw .refused(.token, detail: "the token endpoint's answer has no id_token")
        }
        var expected = IDTokenExpectations(issuer: settings.issuer, clientID: settings.clientID, nonce: login.nonce, requiredACR: settings.requiredACR)
        expected.acceptedACRs = settings.acceptedACRs
        try refreshKeys(now: now, force: false)
        do {
            return try IDTokenValidator.validate(idToken, expecting: expected, now: now) { kid, algorithm in cachedKey(kid: kid, algorithm: algorithm) }
        } catch {
            // A key not known yet (not a bad signature by a known one): the provider may have rotated
            // its keys; fetch them again (rate-limited) and check once more.
            guard case .refused(.signature, _) = error, cachedKey(try? CompactJWS(idToken)) == nil else { throw error }
            // Fetched now, or just before by another login (whose fetch the rate limit let through): check again either way.
            let fetched = try refreshKeys(now: now, force: true)
            guard fetched || cachedKey(try? CompactJWS(idToken)) != nil else { throw error }
            return try IDTokenValidator.validate(idToken, expecting: expected, now: now) { kid, algorithm in cachedKey(kid: kid, algorithm: algorithm) }
        }
    }

    /// Where to send the browser to end the provider's session too (RP-initiated logout), or nil
    /// when the provider offers none (or cannot be reached now).
    public func logoutURL(idTokenHint: String?, postLogoutRedirect: String, now: Date) -> String? {
        guard let endpoint = (try? metadata(now: now))?.endSessionEndpoint else { return nil }
        var parameters = [("client_id", settings.clientID), ("post_logout_redirect_uri", postLogoutRedirect)]
        if let idTokenHint { parameters.insert(("id_token_hint", idTokenHint), at: 0) }
        return FormEncoding.appending(parameters, to: endpoint)
    }

    /// The origin of the provider's logout endpoint, once its metadata is known (for the pages'
    /// `form-action`: the logout form's answer goes there).
    public var logoutOrigin: String? {
        guard let endpoint = cache.withLock({ $0.metadata?.endSessionEndpoint }), let components = URLComponents(string: endpoint),
              let scheme = components.scheme, let host = components.host else { return nil }
        // Foundation on Linux gives an IPv6 host with its brackets, on Darwin without: bracket it once.
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(components.port.map { ":\($0)" } ?? "")"
    }

    /// Used states remembered (for tests).
    public var usedStateCount: Int { pending.usedCount }

    // MARK: - Metadata and keys

    /// The provider's metadata, fetched when missing or older than a day.
    func metadata(now: Date) throws(OIDCError) -> ProviderMetadata {
        if let cached = cache.withLock({ cache in cache.metadataAt.map { now.timeIntervalSince($0) < Self.metadataLifetime } == true ? cache.metadata : nil }) {
            return cached
        }
        let recentFailure = cache.withLock { cache -> (failed: Date, stale: ProviderMetadata?)? in
            guard let failed = cache.metadataFailedAt, now >= failed, now.timeIntervalSince(failed) < Self.failureMemory else { return nil }
            return (failed, cache.metadata)
        }
        if let recentFailure {
            if let stale = recentFailure.stale { return stale }
            throw .refused(.provider, detail: "the discovery document failed \(Int(now.timeIntervalSince(recentFailure.failed))) s ago; asked again after \(Int(Self.failureMemory)) s")
        }
        let url = settings.issuer.hasSuffix("/") ? settings.issuer + ".well-known/openid-configuration" : settings.issuer + "/.well-known/openid-configuration"
        let metadata: ProviderMetadata
        do {
            metadata = try ProviderMetadata(json: try fetch(url, what: "the discovery document"), issuer: settings.issuer)
        } catch {
            // Older metadata is still better than none while the provider has trouble.
            if let stale = cache.withLock({ cache -> ProviderMetadata? in cache.metadataFailedAt = now; return cache.metadata }) { return stale }
            throw error
        }
        cache.withLock { cache in
            if cache.metadata?.jwksURI != metadata.jwksURI { cache.keys = nil; cache.keysAt = nil }
            cache.metadata = metadata
            cache.metadataAt = now
            cache.metadataFailedAt = nil
        }
        return metadata
    }

    /// Fetches the keys when there are none, they are older than an hour, or (`force`) a token named
    /// an unknown kid and no other such token did in the last `keyRefreshInterval`. Whether it fetched.
    @discardableResult
    func refreshKeys(now: Date, force: Bool) throws(OIDCError) -> Bool {
        let due = cache.withLock { cache -> Bool in
            guard let at = cache.keysAt, cache.keys != nil else { return true }
            if now.timeIntervalSince(at) >= Self.keysLifetime { return true }
            guard force else { return false }
            if let forced = cache.forcedAt, now.timeIntervalSince(forced) < Self.keyRefreshInterval { return false }
            cache.forcedAt = now
            return true
        }
        guard due else { return false }
        let metadata = try metadata(now: now)
        let keys: KeySet
        do {
            keys = try KeySet(json: try fetch(metadata.jwksURI, what: "the JWKS"))
        } catch {
            // A scheduled refresh that fails keeps the keys there are; with none, the login cannot go on.
            guard force || cache.withLock({ $0.keys == nil }) else { return false }
            throw error
        }
        cache.withLock { cache in
            cache.keys = keys
            cache.keysAt = now
        }
        return true
    }

    private func cachedKey(kid: String?, algorithm: SignatureAlgorithm) -> PublicKey? {
        cache.withLock { $0.keys?.key(kid: kid, algorithm: algorithm) }
    }

    private func cachedKey(_ jws: CompactJWS?) -> PublicKey? {
        guard let jws else { return nil }
        return cachedKey(kid: jws.kid, algorithm: jws.algorithm)
    }

    private func fetch(_ url: String, what: String) throws(OIDCError) -> [UInt8] {
        let response: HTTPResponse
        do {
            response = try client.send(HTTPClientRequest(method: "GET", url: url, headers: ["Accept": "application/json"], timeout: 10))
        } catch {
            throw .refused(.provider, detail: "\(what) at \(url) was not reached: \(error.message)")
        }
        guard response.status == 200 else { throw .refused(.provider, detail: "\(what) at \(url) answered \(response.status)") }
        return response.body
    }

    static func random() throws(OIDCError) -> String {
        do {
            return Base64URL.encode(try Crypto.randomBytes(32))
        } catch {
            throw .refused(.provider, detail: "no random bytes: \(error)")
        }
    }
}

extension RelyingParty {
    /// Fetches the metadata and keys ahead of the first login (at server start), so that the pages'
    /// policy names the provider's logout from the start; a failure is only reported (the provider
    /// may come up later, and a login fetches again).
    public func prefetch(now: Date) -> OIDCError? {
        do {
            try refreshKeys(now: now, force: false)
            return nil
        } catch {
            // Only reported: the first login asks again at once (a provider started a moment after
            // this server is the usual case), rather than being told of this failure for a while.
            cache.withLock { $0.metadataFailedAt = nil }
            return error
        }
    }
}
