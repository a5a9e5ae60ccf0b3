internal import CCrypto

/// A public key from a JWK (RFC 7517/7518): kty "RSA" (n, e; modulus at least 2048 bits) or kty "EC"
/// with crv "P-256" (x, y, 32 bytes each, the point checked to be on the curve).
///
/// `@unchecked Sendable`: the EVP_PKEY is made in `init`, never changed, and freed in `deinit`; libcrypto
/// allows concurrent verification with one EVP_PKEY because each verification makes its own context.
public final class PublicKey: @unchecked Sendable {
    /// The JWK key types accepted.
    public enum KeyType: String, Sendable { case rsa = "RSA", ec = "EC" }

    /// Whether this is an RSA or a P-256 key.
    public let keyType: KeyType
    /// Owned by this object.
    private let key: OpaquePointer
    /// The signature length the key's algorithm produces: the modulus length for RSA, 64 for ES256.
    private let signatureLength: Int

    /// The smallest RSA modulus accepted (RFC 7518 §3.3 requires 2048 bits).
    static let minimumRSABits = 2048
    /// The largest RSA modulus accepted: no provider uses more, and a larger one only costs verification time.
    static let maximumRSABits = 8192

    /// `jwk` is the JWK's members as strings (kty, n, e, crv, x, y; other members ignored). Throws
    /// CryptoError naming the problem (e.g. "JWK: n is not base64url", "JWK: RSA modulus under 2048 bits",
    /// "JWK: kty EC needs crv P-256").
    public init(jwk: [String: String]) throws(CryptoError) {
        guard let kty = jwk["kty"] else { throw CryptoError(jwk: "kty missing") }
        switch kty {
        case KeyType.rsa.rawValue:
            (key, signatureLength) = try Self.rsaKey(jwk)
            keyType = .rsa
        case KeyType.ec.rawValue:
            key = try Self.p256Key(jwk)
            signatureLength = 64
            keyType = .ec
        default:
            throw CryptoError(jwk: "kty must be RSA or EC")
        }
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` (JWS form: RSASSA-PKCS1-v1_5 for RS256; the 64-byte r||s for ES256) is a valid
    /// signature of `message` under this key with `algorithm`. False (never a crash) for a key type that does
    /// not match the algorithm, a wrong length, garbage.
    public func verifies(_ signature: [UInt8], of message: [UInt8], algorithm: SignatureAlgorithm) -> Bool {
        guard signature.count == signatureLength else { return false }
        // A non-nil base address even for an empty message: libcrypto is then never handed NULL.
        let messageBytes = message.isEmpty ? [0] : message
        return signature.withUnsafeBufferPointer { signatureBuffer in
            messageBytes.withUnsafeBufferPointer { messageBuffer in
                switch (algorithm, keyType) {
                case (.rs256, .rsa):
                    kaa_verify_sha256(key, signatureBuffer.baseAddress, signatureBuffer.count, messageBuffer.baseAddress, message.count) == 1
                case (.es256, .ec):
                    kaa_verify_es256(key, signatureBuffer.baseAddress, messageBuffer.baseAddress, message.count) == 1
                case (.rs256, .ec), (.es256, .rsa):
                    false
                }
            }
        }
    }

    /// The RSA key of a JWK's n and e, checked by libcrypto, and its signature length.
    private static func rsaKey(_ jwk: [String: String]) throws(CryptoError) -> (OpaquePointer, Int) {
        let modulus = try integer("n", of: jwk)
        let exponent = try integer("e", of: jwk)
        let bits = bitCount(modulus)
        guard bits >= minimumRSABits else { throw CryptoError(jwk: "RSA modulus under \(minimumRSABits) bits") }
        guard bits <= maximumRSABits else { throw CryptoError(jwk: "RSA modulus over \(maximumRSABits) bits") }
        // SP 800-56B bounds e below 2^256; a longer one would only make verification slow.
        guard bitCount(exponent) <= 256 else { throw CryptoError(jwk: "RSA exponent over 256 bits") }
        let made = modulus.withUnsafeBufferPointer { n in
            exponent.withUnsafeBufferPointer { e in kaa_rsa_public_key(n.baseAddress, n.count, e.baseAddress, e.count) }
        }
        guard let key = made else { throw CryptoError(jwk: "RSA key refused by libcrypto (EVP_PKEY_fromdata)") }
        guard kaa_public_key_check(key) == 1 else {
            EVP_PKEY_free(key)
            throw CryptoError(jwk: "RSA key fails libcrypto's public key check (n odd without small factors, e odd and above 1)")
        }
        return (key, (bits + 7) / 8)
    }

    /// The P-256 key of a JWK's x and y, checked by libcrypto to be a point on the curve of the right order.
    private static func p256Key(_ jwk: [String: String]) throws(CryptoError) -> OpaquePointer {
        guard jwk["crv"] == "P-256" else { throw CryptoError(jwk: "kty EC needs crv P-256") }
        let x = try bytes("x", of: jwk)
        let y = try bytes("y", of: jwk)
        guard x.count == 32 else { throw CryptoError(jwk: "x is not 32 bytes") }
        guard y.count == 32 else { throw CryptoError(jwk: "y is not 32 bytes") }
        let made = x.withUnsafeBufferPointer { xBuffer in
            y.withUnsafeBufferPointer { yBuffer in kaa_p256_public_key(xBuffer.baseAddress, yBuffer.baseAddress) }
        }
        guard let key = made else { throw CryptoError(jwk: "EC point is not on the P-256 curve") }
        guard kaa_public_key_check(key) == 1 else {
            EVP_PKEY_free(key)
            throw CryptoError(jwk: "EC point fails libcrypto's public key check")
        }
        return key
    }

    /// The decoded bytes of the base64url member `name`.
    private static func bytes(_ name: String, of jwk: [String: String]) throws(CryptoError) -> [UInt8] {
        guard let text = jwk[name] else { throw CryptoError(jwk: "\(name) missing") }
        guard let bytes = Base64URL.decode(text) else { throw CryptoError(jwk: "\(name) is not base64url") }
        return bytes
    }

    /// The big-endian unsigned integer member `name` without leading zero bytes (RFC 7518 §6.3.1 forbids
    /// them, but some providers send one before a modulus with its top bit set; they change nothing).
    private static func integer(_ name: String, of jwk: [String: String]) throws(CryptoError) -> [UInt8] {
        let value = Array(try bytes(name, of: jwk).drop { $0 == 0 })
        guard !value.isEmpty else { throw CryptoError(jwk: "\(name) is zero") }
        return value
    }

    /// The number of significant bits of a big-endian integer without leading zero bytes.
    private static func bitCount(_ value: [UInt8]) -> Int {
        guard let first = value.first else { return 0 }
        return (value.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
