internal import CCrypto
import Foundation
import KAACrypto

/// A signing key for tests: a fresh RSA or P-256 key made by libcrypto, its public JWK, JWS signatures and
/// compact JWTs, so tests (the relying party's among them) can play an OpenID provider's signing side.
///
/// `@unchecked Sendable`: the EVP_PKEY is made in `init`, never changed, and freed in `deinit`; each
/// signature uses its own libcrypto context, so one key may sign on several threads.
public final class TestSigningKey: @unchecked Sendable {
    /// The algorithm this key signs with: RS256 for an RSA key, ES256 for a P-256 key.
    public let algorithm: SignatureAlgorithm
    /// Owned by this object.
    private let key: OpaquePointer

    /// A fresh RSA-2048 key for `.rs256` or a P-256 key for `.es256`.
    public convenience init(_ algorithm: SignatureAlgorithm) {
        switch algorithm {
        case .rs256: self.init(rsaBits: 2048)
        case .es256: self.init(generated: 0, algorithm: .es256)
        }
    }

    /// A fresh RSA key of `rsaBits` (e = 65537), signing RS256; sizes the verifier refuses (1024) are allowed,
    /// so tests can offer them.
    public convenience init(rsaBits: Int) {
        precondition(rsaBits >= 512 && rsaBits <= 16384, "TestSigningKey: RSA size \(rsaBits) is not one libcrypto makes")
        self.init(generated: UInt32(rsaBits), algorithm: .rs256)
    }

    private init(generated bits: UInt32, algorithm: SignatureAlgorithm) {
        guard let key = kaa_generate_key(bits) else { preconditionFailure("TestSigningKey: libcrypto could not generate a key") }
        self.key = key
        self.algorithm = algorithm
    }

    deinit { EVP_PKEY_free(key) }

    /// The public JWK: kty/n/e (RSA) or kty/crv/x/y (EC), plus `kid`, `alg` and `use` "sig".
    public func jwk(kid: String) -> [String: String] {
        var members = ["kid": kid, "alg": algorithm.rawValue, "use": "sig"]
        switch algorithm {
        case .rs256:
            members["kty"] = "RSA"
            members["n"] = Base64URL.encode(parameter("n"))
            members["e"] = Base64URL.encode(parameter("e"))
        case .es256:
            var point = [UInt8](repeating: 0, count: 64)
            guard kaa_p256_public_point(key, &point) == 1 else { preconditionFailure("TestSigningKey: no public point") }
            members["kty"] = "EC"
            members["crv"] = "P-256"
            members["x"] = Base64URL.encode(point[0..<32])
            members["y"] = Base64URL.encode(point[32..<64])
        }
        return members
    }

    /// The public key as the verifier sees it (made from `jwk(kid:)`).
    public func publicKey() -> PublicKey {
        do {
            return try PublicKey(jwk: jwk(kid: "test"))
        } catch {
            preconditionFailure("TestSigningKey: the verifier refused this key's JWK: \(error)")
        }
    }

    /// The JWS signature of `message`: RSASSA-PKCS1-v1_5 with SHA-256 for RS256, r || s (64 bytes) for ES256.
    /// `algorithm` must be this key's (a mismatch is a mistake in the test).
    public func sign(_ message: [UInt8], algorithm: SignatureAlgorithm) -> [UInt8] {
        precondition(algorithm == self.algorithm, "TestSigningKey: a \(self.algorithm.rawValue) key cannot sign \(algorithm.rawValue)")
        var signature = [UInt8](repeating: 0, count: 2048)
        let messageBytes = message.isEmpty ? [0] : message
        let length = messageBytes.withUnsafeBufferPointer { input in
            kaa_sign_sha256(key, input.baseAddress, message.count, &signature, signature.count)
        }
        precondition(length > 0, "TestSigningKey: libcrypto could not sign")
        switch algorithm {
        case .rs256:
            return Array(signature[0..<length])
        case .es256:
            var pair = [UInt8](repeating: 0, count: 64)
            guard kaa_ecdsa_der_to_jws(signature, length, &pair) == 1 else { preconditionFailure("TestSigningKey: bad ECDSA DER") }
            return pair
        }
    }

    /// A compact JWS (JWT): base64url(JSON header) "." base64url(JSON claims) "." base64url(signature) under
    /// `algorithm`. The header is used as given (nothing is added), so a test can name any `alg` or `kid`
    /// — or none — and the signature is still this key's; keys are sorted, so the text is reproducible.
    public func compactJWT(header: [String: Any], claims: [String: Any], algorithm: SignatureAlgorithm) -> String {
        let input = Self.signingInput(header: header, claims: claims)
        return input + "." + Base64URL.encode(sign(Array(input.utf8), algorithm: algorithm))
    }

    /// The JWS signing input base64url(JSON header) "." base64url(JSON claims), for tests that attach a
    /// signature of their own (an empty one for `alg: none`, a forged or truncated one).
    public static func signingInput(header: [String: Any], claims: [String: Any]) -> String {
        json(header) + "." + json(claims)
    }

    /// The base64url of `object` as JSON (sorted keys, '/' not escaped).
    private static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            preconditionFailure("TestSigningKey: not a JSON object: \(object)")
        }
        return Base64URL.encode(data)
    }

    /// The big-endian bytes of the RSA key's parameter `name`.
    private func parameter(_ name: String) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 2048)
        let length = kaa_key_bn_param(key, name, &bytes, bytes.count)
        precondition(length > 0, "TestSigningKey: no RSA parameter \(name)")
        return Array(bytes[0..<length])
    }
}
