import Foundation
import KAACrypto
import KAACryptoTestKit
import KAAOIDC
import Testing

/// The ID token checks: each way a token can be wrong is refused with its own code.
@Suite struct IDTokenValidatorTests {
    static let rsa = TestSigningKey(.rs256)
    static let ec = TestSigningKey(.es256)
    static let stranger = TestSigningKey(.rs256)
    static let issuer = "https://idp.example/realm"
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let seconds = 1_790_000_000
    static let keys: KeySet = {
        do {
            return try KeySet(json: Array(JSONSerialization.data(withJSONObject: ["keys": [rsa.jwk(kid: "rsa-1"), ec.jwk(kid: "ec-1")]])))
        } catch {
            preconditionFailure("test keys: \(error)")
        }
    }()

    static var claims: [String: Any] {
        ["iss": issuer, "aud": "kaa", "sub": "user-1", "iat": seconds - 10, "exp": seconds + 290, "nonce": "n-0S6_WzA2Mj",
         "preferred_username": "anna", "groups": ["KAA-Handlaggare"], "acr": "http://id.elegnamnden.se/loa/1.0/loa2"]
    }

    static func expectations(requiredACR: String? = nil) -> IDTokenExpectations {
        IDTokenExpectations(issuer: issuer, clientID: "kaa", nonce: "n-0S6_WzA2Mj", requiredACR: requiredACR)
    }

    /// An RS256 token (kid rsa-1) with `change` applied to the standard claims.
    static func token(header: [String: Any] = ["alg": "RS256", "kid": "rsa-1"], key: TestSigningKey = rsa, _ change: (inout [String: Any]) -> Void = { _ in }) -> String {
        var claims = claims
        change(&claims)
        return key.compactJWT(header: header, claims: claims, algorithm: key.algorithm)
    }

    static func validate(_ token: String, requiredACR: String? = nil, now: Date = now) throws(OIDCError) -> VerifiedIDToken {
        try IDTokenValidator.validate(token, expecting: expectations(requiredACR: requiredACR), now: now) { kid, algorithm in
            keys.key(kid: kid, algorithm: algorithm)
        }
    }

    /// The refusal code for `token`, or nil when it is accepted.
    static func code(_ token: String, requiredACR: String? = nil, now: Date = now) -> OIDCRefusal? {
        do {
            _ = try validate(token, requiredACR: requiredACR, now: now)
            return nil
        } catch {
            guard case let .refused(code, _) = error else { return nil }
            return code
        }
    }

    static func unsigned(_ header: [String: Any], _ signature: String = "") -> String {
        TestSigningKey.signingInput(header: header, claims: claims) + "." + signature
    }

    // MARK: - Accepted

    @Test func aValidRS256TokenGivesItsClaims() throws {
        let token = Self.token()
        let verified = try Self.validate(token)
        #expect(verified.compact == token)
        #expect(verified.issuer == Self.issuer)
        #expect(verified.subject == "user-1")
        #expect(verified.claims["preferred_username"] == .string("anna"))
        #expect(verified.claims["groups"] == .array([.string("KAA-Handlaggare")]))
        #expect(verified.claims["iat"] == .number(Double(Self.seconds - 10)))
    }

    @Test func aValidES256TokenIsAccepted() throws {
        let verified = try Self.validate(Self.token(header: ["alg": "ES256", "kid": "ec-1"], key: Self.ec))
        #expect(verified.subject == "user-1")
    }

    @Test func anAudienceArrayWithAzpThisClientIsAccepted() throws {
        let verified = try Self.validate(Self.token { $0["aud"] = ["kaa", "other"]; $0["azp"] = "kaa" })
        #expect(verified.claims["azp"] == .string("kaa"))
        #expect(Self.code(Self.token { $0["aud"] = ["kaa"] }) == nil)
    }

    @Test func withoutKidTheOnlyKeyOfTheTypeVerifies() throws {
        #expect(Self.code(Self.token(header: ["alg": "RS256"])) == nil)
        #expect(Self.code(Self.token(header: ["alg": "ES256"], key: Self.ec)) == nil)
    }

    @Test func anExpiryJustWithinTheSkewIsAccepted() {
        #expect(Self.code(Self.token { $0["exp"] = Self.seconds - 59 }) == nil)
        #expect(Self.code(Self.token { $0["exp"] = Self.seconds - 61 }) == .expired)
    }

    @Test func anIssuedAtJustWithinTheSkewIsAccepted() {
        #expect(Self.code(Self.token { $0["iat"] = Self.seconds + 59 }) == nil)
        #expect(Self.code(Self.token { $0["iat"] = Self.seconds - 600 }) == nil)
    }

    @Test func acrIsIgnoredWhenNotRequiredAndMustMatchWhenItIs() {
        #expect(Self.code(Self.token { $0["acr"] = nil }) == nil)
        #expect(Self.code(Self.token { $0["acr"] = "loa1" }) == nil)
        #expect(Self.code(Self.token(), requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2") == nil)
        #expect(Self.code(Self.token { $0["acr"] = nil }, requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2") == .authenticationContext)
        #expect(Self.code(Self.token { $0["acr"] = "http://id.elegnamnden.se/loa/1.0/loa1" }, requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2")
            == .authenticationContext)
        #expect(Self.code(Self.token { $0["acr"] = ["http://id.elegnamnden.se/loa/1.0/loa2"] }, requiredACR: "http://id.elegnamnden.se/loa/1.0/loa2")
            == .authenticationContext)
    }

    // MARK: - Refused

    @Test func algNoneIsRefused() {
        #expect(Self.code(Self.unsigned(["alg": "none", "kid": "rsa-1"])) == .algorithm)
        #expect(Self.code(Self.unsigned(["alg": "none"], "c2lnbmF0dXJl")) == .algorithm)
        #expect(Self.code(Self.unsigned(["alg": "None"])) == .algorithm)
        #expect(Self.code(Self.unsigned(["alg": "rs256", "kid": "rsa-1"], "c2lnbmF0dXJl")) == .algorithm)
    }

    @Test func hs256SignedWithThePublicKeyAsSecretIsRefused() throws {
        // The classic confusion: a verifier that took the alg from the header would check this HMAC
        // with the RSA public key's bytes as the secret, and it would verify.
        let header: [String: Any] = ["alg": "HS256", "kid": "rsa-1"]
        let input = TestSigningKey.signingInput(header: header, claims: Self.claims)
        for secret in [Self.rsa.jwk(kid: "rsa-1")["n"] ?? "", String(decoding: try JSONSerialization.data(withJSONObject: Self.rsa.jwk(kid: "rsa-1")), as: UTF8.self)] {
            let mac = Crypto.hmacSHA256(key: Array(secret.utf8), message: Array(input.utf8))
            #expect(Self.code(input + "." + Base64URL.encode(mac)) == .algorithm)
        }
        #expect(Self.code(Self.unsigned(["alg": "HS512"], "c2ln")) == .algorithm)
        #expect(Self.code(Self.unsigned(["alg": "PS256"], "c2ln")) == .algorithm)
    }

    @Test func aMissingOrNonStringAlgIsRefused() {
        #expect(Self.code(Self.token(header: ["kid": "rsa-1"])) == .algorithm)
        #expect(Self.code(Self.token(header: ["alg": 256, "kid": "rsa-1"])) == .algorithm)
        #expect(Self.code(Self.token(header: ["alg": ["RS256"], "kid": "rsa-1"])) == .algorithm)
    }

    @Test func anUnknownKidIsRefusedAsASignature() {
        #expect(Self.code(Self.token(header: ["alg": "RS256", "kid": "rsa-2"])) == .signature)
        // ES256 naming the RSA key's kid: no EC key of that kid.
        #expect(Self.code(Self.token(header: ["alg": "ES256", "kid": "rsa-1"], key: Self.ec)) == .signature)
    }

    @Test func aSignatureOfAnotherKeyIsRefused() {
        #expect(Self.code(Self.token(key: Self.stranger)) == .signature)
        #expect(Self.code(Self.token(header: ["alg": "ES256", "kid": "ec-1"], key: TestSigningKey(.es256))) == .signature)
    }

    @Test func aFlippedPayloadBitIsRefused() throws {
        let parts = Self.token().split(separator: ".").map(String.init)
        var payload = try #require(Base64URL.decode(parts[1]))
        // "user-1" → "user-0": still JSON, still a plausible token, not the signed one.
        let index = try #require(payload.firstIndex(of: UInt8(ascii: "1")))
        payload[index] ^= 0x01
        #expect(Self.code([parts[0], Base64URL.encode(payload), parts[2]].joined(separator: ".")) == .signature)
        var signature = try #require(Base64URL.decode(parts[2]))
        signature[0] ^= 0x80
        #expect(Self.code([parts[0], parts[1], Base64URL.encode(signature)].joined(separator: ".")) == .signature)
        #expect(Self.code([parts[0], parts[1], Base64URL.encode(signature.dropLast())].joined(separator: ".")) == .signature)
        #expect(Self.code([parts[0], parts[1], ""].joined(separator: ".")) == .signature)
    }

    @Test func theWrongIssuerIsRefused() {
        #expect(Self.code(Self.token { $0["iss"] = "https://evil.example/realm" }) == .issuer)
        #expect(Self.code(Self.token { $0["iss"] = Self.issuer + "/" }) == .issuer)
        #expect(Self.code(Self.token { $0["iss"] = nil }) == .issuer)
        #expect(Self.code(Self.token { $0["iss"] = [Self.issuer] }) == .issuer)
    }

    @Test func theWrongAudienceIsRefused() {
        #expect(Self.code(Self.token { $0["aud"] = "other" }) == .audience)
        #expect(Self.code(Self.token { $0["aud"] = ["other", "another"] }) == .audience)
        #expect(Self.code(Self.token { $0["aud"] = nil }) == .audience)
        #expect(Self.code(Self.token { $0["aud"] = [String]() }) == .audience)
        #expect(Self.code(Self.token { $0["aud"] = ["kaa", 7] }) == .audience)
        #expect(Self.code(Self.token { $0["aud"] = "KAA" }) == .audience)
    }

    @Test func anAudienceArrayWithoutAzpIsRefused() {
        #expect(Self.code(Self.token { $0["aud"] = ["kaa", "other"] }) == .authorizedParty)
    }

    @Test func anAzpOfAnotherClientIsRefused() {
        #expect(Self.code(Self.token { $0["azp"] = "other" }) == .authorizedParty)
        #expect(Self.code(Self.token { $0["aud"] = ["kaa", "other"]; $0["azp"] = "other" }) == .authorizedParty)
        #expect(Self.code(Self.token { $0["azp"] = ["kaa"] }) == .authorizedParty)
        #expect(Self.code(Self.token { $0["azp"] = NSNull() }) == .authorizedParty)
    }

    @Test func anExpiredTokenIsRefused() {
        #expect(Self.code(Self.token { $0["exp"] = Self.seconds - 3600 }) == .expired)
        #expect(Self.code(Self.token { $0["exp"] = nil }) == .expired)
        #expect(Self.code(Self.token { $0["exp"] = "\(Self.seconds + 300)" }) == .expired)
    }

    @Test func aBooleanExpIsNotANumber() {
        #expect(Self.code(Self.token { $0["exp"] = true }) == .expired)
        #expect(Self.code(Self.token { $0["iat"] = true }) == .issuedAt)
        // Where a boolean read as 0 or 1 would pass: nbf false (0, long past) must not count as a time.
        #expect(Self.code(Self.token { $0["nbf"] = false }) == .expired)
        #expect(Self.code(Self.token { $0["nbf"] = true }) == .expired)
    }

    @Test func aFutureNotBeforeIsRefused() {
        #expect(Self.code(Self.token { $0["nbf"] = Self.seconds + 120 }) == .expired)
        #expect(Self.code(Self.token { $0["nbf"] = "soon" }) == .expired)
        #expect(Self.code(Self.token { $0["nbf"] = Self.seconds + 30 }) == nil)
        #expect(Self.code(Self.token { $0["nbf"] = Self.seconds - 30 }) == nil)
    }

    @Test func anIssuedAtInTheFutureOrTooOldIsRefused() {
        #expect(Self.code(Self.token { $0["iat"] = Self.seconds + 61 }) == .issuedAt)
        #expect(Self.code(Self.token { $0["iat"] = Self.seconds - 661 }) == .issuedAt)
        #expect(Self.code(Self.token { $0["iat"] = Self.seconds - 86_400; $0["exp"] = Self.seconds + 60 }) == .issuedAt)
        #expect(Self.code(Self.token { $0["iat"] = nil }) == .issuedAt)
    }

    @Test func aMissingOrOtherNonceIsRefused() {
        #expect(Self.code(Self.token { $0["nonce"] = nil }) == .nonce)
        #expect(Self.code(Self.token { $0["nonce"] = "n-0S6_WzA2Mk" }) == .nonce)
        #expect(Self.code(Self.token { $0["nonce"] = "" }) == .nonce)
        #expect(Self.code(Self.token { $0["nonce"] = ["n-0S6_WzA2Mj"] }) == .nonce)
    }

    @Test(arguments: [nil, "", " ", "user 1", "user-1\n", "\u{0}", String(repeating: "s", count: 256)] as [String?])
    func anUnusableSubjectIsRefused(_ subject: String?) {
        #expect(Self.code(Self.token { $0["sub"] = subject }) == .token)
    }

    @Test func aSubjectThatIsNotAStringIsRefused() {
        #expect(Self.code(Self.token { $0["sub"] = 12345 }) == .token)
        #expect(Self.code(Self.token { $0["sub"] = String(repeating: "s", count: 255) }) == nil)
    }

    @Test func aTokenOver16KiBIsRefused() {
        let big = Self.token { $0["padding"] = String(repeating: "x", count: 12 * 1024) }
        #expect(big.utf8.count > 16 * 1024)
        #expect(Self.code(big) == .token)
        let fits = Self.token { $0["padding"] = String(repeating: "x", count: 10 * 1024) }
        #expect(fits.utf8.count < 16 * 1024)
        #expect(Self.code(fits) == nil)
    }

    @Test(arguments: ["", "abc", "a.b", "a.b.c.d", "a.b.c.d.e"])
    func aTokenWithoutThreePartsIsRefused(_ token: String) {
        #expect(Self.code(token) == .token)
    }

    @Test func twoOrFourPartsOfARealTokenAreRefused() {
        let parts = Self.token().split(separator: ".")
        #expect(Self.code(parts.prefix(2).joined(separator: ".")) == .token)
        #expect(Self.code(parts.joined(separator: ".") + "." + parts[2]) == .token)
    }

    @Test func aHeaderOrPayloadThatIsNotBase64URLJSONIsRefused() {
        let parts = Self.token().split(separator: ".").map(String.init)
        #expect(Self.code("!!!." + parts[1] + "." + parts[2]) == .token)
        #expect(Self.code(Base64URL.encode(Array("[1]".utf8)) + "." + parts[1] + "." + parts[2]) == .token)
        #expect(Self.code(parts[0] + "." + Base64URL.encode(Array("not json".utf8)) + "." + parts[2]) == .token)
        #expect(Self.code(parts[0] + ".%%%." + parts[2]) == .token)
    }

    @Test func aCritHeaderIsRefused() {
        #expect(Self.code(Self.token(header: ["alg": "RS256", "kid": "rsa-1", "crit": ["exp"], "exp": 1])) == .token)
    }

    @Test func aKidThatIsNotAStringIsRefused() {
        #expect(Self.code(Self.token(header: ["alg": "RS256", "kid": 1])) == .token)
        #expect(Self.code(Self.token(header: ["alg": "RS256", "kid": ["rsa-1"]])) == .token)
    }

    @Test func everyRefusalOfTheValidatorHasItsContractCode() {
        #expect(OIDCRefusal.signature.rawValue == "oidc-signature")
        #expect(OIDCRefusal.algorithm.rawValue == "oidc-alg")
        #expect(OIDCRefusal.audience.rawValue == "oidc-aud")
        #expect(OIDCRefusal.authorizedParty.rawValue == "oidc-azp")
        #expect(OIDCRefusal.issuer.rawValue == "oidc-iss")
        #expect(OIDCRefusal.expired.rawValue == "oidc-exp")
        #expect(OIDCRefusal.issuedAt.rawValue == "oidc-iat")
        #expect(OIDCRefusal.nonce.rawValue == "oidc-nonce")
        #expect(OIDCRefusal.token.rawValue == "oidc-token")
        #expect(OIDCRefusal.authenticationContext.rawValue == "oidc-acr")
        #expect(OIDCRefusal.login.rawValue == "oidc-login")
        #expect(OIDCRefusal.state.rawValue == "oidc-state")
        #expect(OIDCRefusal.providerError.rawValue == "oidc-idp-error")
        #expect(OIDCRefusal.provider.rawValue == "oidc-provider")
    }
}
