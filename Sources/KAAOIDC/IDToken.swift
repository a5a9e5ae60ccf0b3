import Foundation
import KAACrypto

/// An ID token whose signature and claims were checked (OpenID Connect Core 1.0 §3.1.3.7).
public struct VerifiedIDToken: Sendable {
    /// The token as received (sent back as `id_token_hint` at logout).
    public let compact: String
    /// Its claims.
    public let claims: [String: JSONValue]
    /// `iss`.
    public let issuer: String
    /// `sub`.
    public let subject: String
}

/// The header and payload of a compact JWS before its signature is checked.
struct CompactJWS {
    let header: [String: JSONValue]
    let claims: [String: JSONValue]
    let signingInput: [UInt8]
    let signature: [UInt8]
    let algorithm: SignatureAlgorithm
    let kid: String?

    /// The largest token accepted (an ID token is a few kilobytes; a provider's groups may add some).
    static let maximumBytes = 16 * 1024

    init(_ token: String) throws(OIDCError) {
        guard token.utf8.count <= Self.maximumBytes else { throw .refused(.token, detail: "the token is larger than \(Self.maximumBytes) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .refused(.token, detail: "the token has \(parts.count) parts, not 3 (an encrypted token is not supported)") }
        guard let headerBytes = Base64URL.decode(parts[0]), let header = JSONValue.object(from: headerBytes) else {
            throw .refused(.token, detail: "the token's header is not base64url JSON")
        }
        // The algorithm first: an unsigned or HMAC token is refused for what it is, whatever else it holds.
        guard let name = header["alg"]?.string else { throw .refused(.algorithm, detail: "the header has no alg") }
        guard let algorithm = SignatureAlgorithm(rawValue: name) else { throw .refused(.algorithm, detail: "alg \(name.prefix(20)) is not RS256 or ES256") }
        if header["crit"] != nil { throw .refused(.token, detail: "the header has crit extensions") }
        guard let payload = Base64URL.decode(parts[1]), let claims = JSONValue.object(from: payload) else {
            throw .refused(.token, detail: "the token's payload is not base64url JSON")
        }
        guard let signature = Base64URL.decode(parts[2]), !signature.isEmpty else { throw .refused(.signature, detail: "the signature is empty or not base64url") }
        self.header = header
        self.claims = claims
        self.signingInput = Array(parts[0].utf8) + [0x2E] + Array(parts[1].utf8)
        self.signature = signature
        self.algorithm = algorithm
        if let kid = header["kid"] {
            guard let text = kid.string else { throw .refused(.token, detail: "kid is not a string") }
            self.kid = text
        } else {
            self.kid = nil
        }
    }
}

/// What an ID token must satisfy for this login.
public struct IDTokenExpectations: Sendable {
    public var issuer: String
    public var clientID: String
    public var nonce: String
    public var requiredACR: String?
    /// Every `acr` accepted (the required one and any stronger the kommun lists); empty: any.
    public var acceptedACRs: [String]
    /// Seconds of clock difference tolerated between the provider and this server.
    public var skew: Double = 60
    /// The oldest `iat` accepted, in seconds before now (a login takes a minute, not an hour).
    public var maximumAge: Double = 600

    public init(issuer: String, clientID: String, nonce: String, requiredACR: String?) {
        self.issuer = issuer
        self.clientID = clientID
        self.nonce = nonce
        self.requiredACR = requiredACR
        self.acceptedACRs = requiredACR.map { [$0] } ?? []
    }
}

/// Checks ID tokens: RS256 or ES256 signatures against the provider's keys, then `iss`, `aud`,
/// `azp`, `exp`, `iat`, `nonce`, `acr` and `sub`.
public enum IDTokenValidator {
    /// A time from a token for a message: whole seconds, or the number as it is when it is not a
    /// sane one (`Int(1e300)` would trap).
    static func seconds(_ value: Double) -> String {
        value.isFinite && abs(value) < 1e15 ? String(Int(value)) : String(describing: value)
    }

    /// Checks `token` at `now` with the keys `keys(kid, algorithm)` returns (nil: no such key).
    public static func validate(_ token: String, expecting expected: IDTokenExpectations, now: Date,
                                keys: (String?, SignatureAlgorithm) -> PublicKey?) throws(OIDCError) -> VerifiedIDToken {
        let jws = try CompactJWS(token)
        guard let key = keys(jws.kid, jws.algorithm) else {
            throw .refused(.signature, detail: "no \(jws.algorithm.rawValue) key with kid \(jws.kid ?? "none") in the provider's JWKS")
        }
        guard key.verifies(jws.signature, of: jws.signingInput, algorithm: jws.algorithm) else {
            throw .refused(.signature, detail: "the \(jws.algorithm.rawValue) signature does not verify with key \(jws.kid ?? "none")")
        }
        let claims = jws.claims
        guard let issuer = claims["iss"]?.string, issuer == expected.issuer else {
            throw .refused(.issuer, detail: "iss is \(claims["iss"]?.string?.prefix(200) ?? "missing"), not \(expected.issuer)")
        }
        guard let audience = claims["aud"]?.strings, !audience.isEmpty else { throw .refused(.audience, detail: "aud is missing or not strings") }
        guard audience.contains(expected.clientID) else { throw .refused(.audience, detail: "aud \(audience.joined(separator: ",").prefix(200)) does not name \(expected.clientID)") }
        if let azp = claims["azp"] {
            guard azp.string == expected.clientID else { throw .refused(.authorizedParty, detail: "azp is \(azp.string?.prefix(100) ?? "not a string"), not \(expected.clientID)") }
        } else if audience.count > 1 {
            throw .refused(.authorizedParty, detail: "aud has \(audience.count) values and there is no azp")
        }
        let seconds = now.timeIntervalSince1970
        guard let exp = claims["exp"]?.number else { throw .refused(.expired, detail: "exp is missing") }
        guard exp + expected.skew > seconds else { throw .refused(.expired, detail: "the token expired at \(Self.seconds(exp)), now is \(Self.seconds(seconds))") }
        if let nbf = claims["nbf"] {
            guard let value = nbf.number, value - expected.skew <= seconds else { throw .refused(.expired, detail: "the token is not valid before \(nbf.number.map { Self.seconds($0) } ?? "?")") }
        }
        guard let iat = claims["iat"]?.number else { throw .refused(.issuedAt, detail: "iat is missing") }
        guard iat - expected.skew <= seconds else { throw .refused(.issuedAt, detail: "iat \(Self.seconds(iat)) is in the future (now \(Self.seconds(seconds)))") }
        guard iat + expected.maximumAge + expected.skew >= seconds else { throw .refused(.issuedAt, detail: "iat \(Self.seconds(iat)) is more than \(Self.seconds(expected.maximumAge)) s ago") }
        guard let nonce = claims["nonce"]?.string, Crypto.constantTimeEquals(Array(nonce.utf8), Array(expected.nonce.utf8)) else {
            throw .refused(.nonce, detail: claims["nonce"] == nil ? "the token has no nonce" : "the nonce is not this login's")
        }
        if !expected.acceptedACRs.isEmpty {
            guard let acr = claims["acr"]?.string, expected.acceptedACRs.contains(acr) else {
                throw .refused(.authenticationContext,
                               detail: "acr is \(claims["acr"]?.string?.prefix(200) ?? "missing"), not one of \(expected.acceptedACRs.joined(separator: " "))")
            }
        }
        guard let subject = claims["sub"]?.string, (1...255).contains(subject.utf8.count),
              !subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) else {
            throw .refused(.token, detail: "sub is missing or unusable")
        }
        return VerifiedIDToken(compact: token, claims: claims, issuer: issuer, subject: subject)
    }
}
