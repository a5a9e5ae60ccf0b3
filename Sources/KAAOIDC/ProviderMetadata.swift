import KAACrypto

/// What the provider says about itself at `/.well-known/openid-configuration` (OpenID Connect
/// Discovery 1.0), checked: the issuer is the configured one, the endpoints are https (http only on
/// a loopback provider).
public struct ProviderMetadata: Sendable, Equatable {
    public let issuer: String
    public let authorizationEndpoint: String
    public let tokenEndpoint: String
    public let jwksURI: String
    /// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), when the provider offers it.
    public let endSessionEndpoint: String?

    /// Parses and checks the document against the configured `issuer`.
    public init(json bytes: [UInt8], issuer expected: String) throws(OIDCError) {
        guard let object = JSONValue.object(from: bytes) else {
            throw .refused(.provider, detail: "the discovery document is not a JSON object")
        }
        guard let issuer = object["issuer"]?.string, issuer == expected else {
            throw .refused(.provider, detail: "the discovery document names issuer \(object["issuer"]?.string ?? "none"), not \(expected)")
        }
        func endpoint(_ key: String, required: Bool) throws(OIDCError) -> String? {
            // JSON null is absence: a provider writing "end_session_endpoint": null offers no logout, it is not broken.
            guard let value = object[key], value != .null else {
                if required { throw .refused(.provider, detail: "the discovery document has no \(key)") }
                return nil
            }
            // No fragment (RFC 6749 §3.1): the parameters appended to the query would end up inside it.
            guard let url = value.string, url.utf8.count <= 2048, !url.contains("#"), OIDCSettings.isAllowedURL(url) else {
                throw .refused(.provider, detail: "the discovery document's \(key) is not an https URL")
            }
            return url
        }
        if let methods = object["code_challenge_methods_supported"]?.strings, !methods.contains("S256") {
            throw .refused(.provider, detail: "the provider does not offer PKCE with S256")
        }
        self.issuer = issuer
        authorizationEndpoint = try endpoint("authorization_endpoint", required: true) ?? ""
        tokenEndpoint = try endpoint("token_endpoint", required: true) ?? ""
        jwksURI = try endpoint("jwks_uri", required: true) ?? ""
        endSessionEndpoint = try endpoint("end_session_endpoint", required: false)
    }
}

/// One signing key of the provider's JWKS.
public struct SigningKey: Sendable {
    /// The key id, when the JWK has one.
    public let kid: String?
    /// The key.
    public let key: PublicKey
}

/// The provider's signing keys (RFC 7517 JWK Set). Keys this relying party cannot use (encryption
/// keys, other types and curves, weak RSA) are left out, not refused: a provider publishes many.
public struct KeySet: Sendable {
    public let keys: [SigningKey]

    public init(keys: [SigningKey]) {
        self.keys = keys
    }

    /// Parses the document; one unusable key does not spoil the others.
    public init(json bytes: [UInt8]) throws(OIDCError) {
        guard let object = JSONValue.object(from: bytes), case let .array(entries)? = object["keys"] else {
            throw .refused(.provider, detail: "the JWKS is not a JSON object with \"keys\"")
        }
        var keys: [SigningKey] = []
        for case let .object(entry) in entries.prefix(100) {
            if let use = entry["use"], use.string != "sig" { continue }
            if let alg = entry["alg"], !(alg.string.map { SignatureAlgorithm(rawValue: $0) != nil } ?? false) { continue }
            var members: [String: String] = [:]
            for name in ["kty", "n", "e", "crv", "x", "y"] { if let value = entry[name]?.string { members[name] = value } }
            guard let key = try? PublicKey(jwk: members) else { continue }
            keys.append(SigningKey(kid: entry["kid"]?.string, key: key))
        }
        self.keys = keys
    }

    /// The key a token names: by `kid`, of the type its algorithm needs; without a kid, the only
    /// key of that type, if there is exactly one.
    public func key(kid: String?, algorithm: SignatureAlgorithm) -> PublicKey? {
        let type: PublicKey.KeyType = algorithm == .rs256 ? .rsa : .ec
        let fitting = keys.filter { $0.key.keyType == type }
        if let kid { return fitting.first { $0.kid == kid }?.key }
        return fitting.count == 1 ? fitting.first?.key : nil
    }
}
