import Foundation
import KAACrypto
import KAACryptoTestKit
import KAAOIDC
import Testing

/// The discovery document: checked against the configured issuer, its endpoints https.
@Suite struct ProviderMetadataTests {
    static let issuer = "https://idp.example/realm"

    static var good: [String: Any] {
        ["issuer": issuer, "authorization_endpoint": "https://idp.example/realm/auth", "token_endpoint": "https://idp.example/realm/token",
         "jwks_uri": "https://idp.example/realm/certs", "end_session_endpoint": "https://idp.example/realm/logout",
         "code_challenge_methods_supported": ["plain", "S256"], "response_types_supported": ["code"]]
    }

    static func bytes(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object))
    }

    static func with(_ key: String, _ value: Any?) throws -> [UInt8] {
        var object = good
        object[key] = value
        return try bytes(object)
    }

    /// The refusal's detail, or nil when the document is accepted.
    static func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try ProviderMetadata(json: bytes, issuer: issuer)
            return nil
        } catch {
            guard case let .refused(code, detail) = error, code == .provider else { return "wrong error \(error)" }
            return detail
        }
    }

    @Test func aGoodDocumentGivesItsEndpoints() throws {
        let metadata = try ProviderMetadata(json: Self.bytes(Self.good), issuer: Self.issuer)
        #expect(metadata.issuer == Self.issuer)
        #expect(metadata.authorizationEndpoint == "https://idp.example/realm/auth")
        #expect(metadata.tokenEndpoint == "https://idp.example/realm/token")
        #expect(metadata.jwksURI == "https://idp.example/realm/certs")
        #expect(metadata.endSessionEndpoint == "https://idp.example/realm/logout")
    }

    @Test func withoutEndSessionOrPKCEListItIsStillGood() throws {
        var object = Self.good
        object["end_session_endpoint"] = nil
        object["code_challenge_methods_supported"] = nil
        let metadata = try ProviderMetadata(json: Self.bytes(object), issuer: Self.issuer)
        #expect(metadata.endSessionEndpoint == nil)
    }

    @Test func aNullOptionalEndpointIsAbsentAndANullRequiredOneIsMissing() throws {
        #expect(try ProviderMetadata(json: Self.with("end_session_endpoint", NSNull()), issuer: Self.issuer).endSessionEndpoint == nil)
        #expect(Self.refusal(try Self.with("token_endpoint", NSNull())) == "the discovery document has no token_endpoint")
    }

    @Test func aLoopbackProviderMayUseHTTP() throws {
        let object: [String: Any] = ["issuer": "http://127.0.0.1:9000", "authorization_endpoint": "http://127.0.0.1:9000/auth",
                                     "token_endpoint": "http://localhost:9000/token", "jwks_uri": "http://[::1]:9000/jwks"]
        let metadata = try ProviderMetadata(json: Self.bytes(object), issuer: "http://127.0.0.1:9000")
        #expect(metadata.jwksURI == "http://[::1]:9000/jwks")
    }

    @Test(arguments: ["https://idp.example/realm/", "https://idp.example/other", "https://evil.example/realm", "HTTPS://idp.example/realm"])
    func anotherIssuerIsRefused(_ issuer: String) throws {
        #expect(Self.refusal(try Self.with("issuer", issuer))?.contains("issuer") == true)
    }

    @Test func aDocumentWithoutIssuerIsRefused() throws {
        #expect(Self.refusal(try Self.with("issuer", nil))?.contains("issuer none") == true)
    }

    @Test(arguments: ["authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint"])
    func anHTTPEndpointOnAPublicHostIsRefused(_ key: String) throws {
        #expect(Self.refusal(try Self.with(key, "http://idp.example/realm/x"))?.contains(key) == true)
        #expect(Self.refusal(try Self.with(key, "javascript:alert(1)"))?.contains(key) == true)
        #expect(Self.refusal(try Self.with(key, 17))?.contains(key) == true)
        #expect(Self.refusal(try Self.with(key, "https://user:pw@idp.example/x"))?.contains(key) == true)
        #expect(Self.refusal(try Self.with(key, "https://idp.example/x#frag"))?.contains(key) == true)
        #expect(Self.refusal(try Self.with(key, "https://idp.example/x?tenant=1")) == nil)
    }

    @Test(arguments: ["authorization_endpoint", "token_endpoint", "jwks_uri"])
    func aMissingRequiredEndpointIsRefused(_ key: String) throws {
        #expect(Self.refusal(try Self.with(key, nil)) == "the discovery document has no \(key)")
    }

    @Test func aProviderWithoutS256IsRefused() throws {
        #expect(Self.refusal(try Self.with("code_challenge_methods_supported", ["plain"]))?.contains("S256") == true)
    }

    @Test(arguments: ["", "<html>Login</html>", "[1,2]", "\"issuer\"", "{\"issuer\":", "null"])
    func aDocumentThatIsNotAJSONObjectIsRefused(_ text: String) {
        #expect(Self.refusal(Array(text.utf8)) == "the discovery document is not a JSON object")
    }

    @Test func aDocumentOverOneMebibyteIsRefused() throws {
        var object = Self.good
        object["padding"] = String(repeating: "x", count: 1 << 20)
        #expect(Self.refusal(try Self.bytes(object)) == "the discovery document is not a JSON object")
        object["padding"] = String(repeating: "x", count: (1 << 20) - 1000)
        #expect(Self.refusal(try Self.bytes(object)) == nil)
    }
}

/// The JWKS: keys this relying party cannot use are skipped, the good ones kept and found by kid.
@Suite struct KeySetTests {
    static let rsa = TestSigningKey(.rs256)
    static let rsa2 = TestSigningKey(.rs256)
    static let ec = TestSigningKey(.es256)
    static let weak = TestSigningKey(rsaBits: 1024)

    static func keySet(_ keys: [Any]) throws -> KeySet {
        try KeySet(json: Array(JSONSerialization.data(withJSONObject: ["keys": keys])))
    }

    /// Whether `key` verifies a fresh signature by `signer`.
    static func isKey(_ key: PublicKey?, of signer: TestSigningKey) -> Bool {
        let message = Array("nyckelprov".utf8)
        return key?.verifies(signer.sign(message, algorithm: signer.algorithm), of: message, algorithm: signer.algorithm) == true
    }

    static func without(_ member: String, _ jwk: [String: String]) -> [String: String] {
        var copy = jwk
        copy[member] = nil
        return copy
    }

    @Test func unusableKeysAreSkippedAndTheGoodOnesKept() throws {
        var encryption = Self.rsa2.jwk(kid: "enc")
        encryption["use"] = "enc"
        var hmac: [String: Any] = ["kty": "oct", "kid": "hs", "alg": "HS256", "k": Base64URL.encode(Array("secret".utf8))]
        hmac["use"] = "sig"
        var rsaWithHS256 = Self.rsa2.jwk(kid: "rsa-hs")
        rsaWithHS256["alg"] = "HS256"
        var rsaOAEP = Self.rsa2.jwk(kid: "rsa-oaep")
        rsaOAEP["alg"] = "RSA-OAEP"
        var otherCurve = Self.ec.jwk(kid: "p384")
        otherCurve["crv"] = "P-384"
        var badPoint = Self.ec.jwk(kid: "bad-point")
        badPoint["x"] = Base64URL.encode([UInt8](repeating: 7, count: 32))
        var useNumber = Self.rsa2.jwk(kid: "use-number") as [String: Any]
        useNumber["use"] = 1
        let set = try Self.keySet([
            encryption, hmac, rsaWithHS256, rsaOAEP, Self.weak.jwk(kid: "weak"), otherCurve, badPoint, useNumber,
            "garbage", 42, NSNull(), ["kty": "RSA", "kid": "empty"], ["kty": "RSA", "n": "!!!", "e": "AQAB", "kid": "bad-n"],
            Self.rsa.jwk(kid: "good-rsa"), Self.ec.jwk(kid: "good-ec"),
        ])
        #expect(set.keys.map(\.kid) == ["good-rsa", "good-ec"])
        #expect(Self.isKey(set.key(kid: "good-rsa", algorithm: .rs256), of: Self.rsa))
        #expect(Self.isKey(set.key(kid: "good-ec", algorithm: .es256), of: Self.ec))
        for skipped in ["enc", "hs", "rsa-hs", "rsa-oaep", "weak", "p384", "bad-point", "use-number", "empty", "bad-n"] {
            #expect(set.key(kid: skipped, algorithm: .rs256) == nil, "\(skipped)")
            #expect(set.key(kid: skipped, algorithm: .es256) == nil, "\(skipped)")
        }
    }

    @Test func aKeyWithoutUseOrAlgIsKept() throws {
        let set = try Self.keySet([Self.without("alg", Self.without("use", Self.rsa.jwk(kid: "plain")))])
        #expect(Self.isKey(set.key(kid: "plain", algorithm: .rs256), of: Self.rsa))
    }

    @Test func aKidFindsItsKeyAmongSeveral() throws {
        let set = try Self.keySet([Self.rsa.jwk(kid: "a"), Self.rsa2.jwk(kid: "b"), Self.ec.jwk(kid: "c")])
        #expect(Self.isKey(set.key(kid: "a", algorithm: .rs256), of: Self.rsa))
        #expect(Self.isKey(set.key(kid: "b", algorithm: .rs256), of: Self.rsa2))
        #expect(!Self.isKey(set.key(kid: "b", algorithm: .rs256), of: Self.rsa))
        #expect(set.key(kid: "d", algorithm: .rs256) == nil)
        #expect(set.key(kid: "A", algorithm: .rs256) == nil)
    }

    @Test func aKidOfAnotherKeyTypeFindsNothing() throws {
        let set = try Self.keySet([Self.rsa.jwk(kid: "a"), Self.ec.jwk(kid: "c")])
        #expect(set.key(kid: "a", algorithm: .es256) == nil)
        #expect(set.key(kid: "c", algorithm: .rs256) == nil)
    }

    @Test func withoutKidTheOnlyKeyOfTheTypeIsUsed() throws {
        let set = try Self.keySet([Self.without("kid", Self.rsa.jwk(kid: "")), Self.ec.jwk(kid: "c")])
        #expect(Self.isKey(set.key(kid: nil, algorithm: .rs256), of: Self.rsa))
        #expect(Self.isKey(set.key(kid: nil, algorithm: .es256), of: Self.ec))
    }

    @Test func withoutKidTwoKeysOfTheTypeFindNothing() throws {
        let set = try Self.keySet([Self.without("kid", Self.rsa.jwk(kid: "")), Self.without("kid", Self.rsa2.jwk(kid: ""))])
        #expect(set.keys.count == 2)
        #expect(set.key(kid: nil, algorithm: .rs256) == nil)
        #expect(set.key(kid: nil, algorithm: .es256) == nil)
    }

    @Test(arguments: ["", "[]", "{}", "{\"keys\": {}}", "{\"keys\": \"x\"}", "not json"])
    func aDocumentWithoutAKeysArrayIsRefused(_ text: String) {
        #expect(throws: OIDCError.refused(.provider, detail: "the JWKS is not a JSON object with \"keys\"")) {
            try KeySet(json: Array(text.utf8))
        }
    }

    @Test func anEmptyKeysArrayIsAnEmptySet() throws {
        #expect(try Self.keySet([]).keys.isEmpty)
    }
}
