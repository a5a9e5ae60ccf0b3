internal import CCrypto
import Synchronization

/// Why a libcrypto call failed, or why a key (a JWK) was refused.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// The libcrypto call that failed, or "JWK" for a refused key.
    public let operation: String
    /// A human message naming the problem, e.g. "libcrypto: RAND_bytes failed", "JWK: n is not base64url".
    public let description: String

    /// A libcrypto call that failed.
    init(operation: String) {
        self.operation = operation
        description = "libcrypto: \(operation) failed"
    }

    /// A JWK that cannot become a key; `problem` names it without quoting the key's (untrusted) text.
    init(jwk problem: String) {
        operation = "JWK"
        description = "JWK: \(problem)"
    }
}

/// SHA-256, HMAC-SHA256 and secure random bytes from OpenSSL's libcrypto.
public enum Crypto {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = Array(bytes).withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) cannot fail on valid input")
        return digest
    }

    /// SHA-256 of `bytes` as lowercase hex.
    public static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        hex(sha256(bytes))
    }

    /// HMAC-SHA256 of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        hmac(EVP_sha256(), size: 32, key: key, message: message)
    }

    /// HMAC-SHA1 of `message` under `key`: what RFC 4226/6238 one-time codes are made of, here so
    /// tests can check liboath's codes against a second implementation.
    public static func hmacSHA1(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        hmac(EVP_sha1(), size: 20, key: key, message: message)
    }

    /// One-shot HMAC with libcrypto's `digest` of `size` bytes.
    private static func hmac(_ algorithm: OpaquePointer?, size: Int, key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: size)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBuffer in
            Array(message).withUnsafeBytes { messageBuffer in
                HMAC(algorithm, keyBuffer.baseAddress, Int32(keyBuffer.count),
                     messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBuffer.count, &digest, &length)
            }
        }
        precondition(result != nil && Int(length) == size, "HMAC cannot fail on valid input")
        return digest
    }

    /// `count` bytes from OpenSSL's CSPRNG.
    public static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { throw CryptoError(operation: "RAND_bytes") }
        return bytes
    }

    /// Lowercase hex of `bytes`.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares two byte strings in time independent of where they differ.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { a in
            rhs.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }
}

/// An HMAC-SHA256 key whose key schedule is computed once, for MACs of many short messages
/// (the cell keys of every person and period): half the hash work of a one-shot `HMAC()` and none of
/// its per-call algorithm lookup. Safe to share between threads (one MAC at a time).
public final class HMACSHA256Key: Sendable {
    /// Owned by this object; used only under `lock`.
    nonisolated(unsafe) private let context: OpaquePointer
    private let lock = Mutex(())

    /// Prepares `key`; fails only if libcrypto lacks HMAC-SHA256.
    public init(key: [UInt8]) throws(CryptoError) {
        guard let pointer = key.withUnsafeBufferPointer({ kaa_hmac_sha256_new($0.baseAddress, $0.count) }) else {
            throw CryptoError(operation: "EVP_MAC_init(HMAC-SHA256)")
        }
        context = pointer
    }

    deinit { EVP_MAC_CTX_free(context) }

    /// The first four bytes of the MAC of `message`, big-endian.
    public func prefix32(_ message: UnsafeRawBufferPointer) -> UInt32 {
        var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let ok = withUnsafeMutableBytes(of: &digest) { out in
            lock.withLock { _ in
                kaa_hmac_sha256_mac(context, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                                    out.baseAddress?.assumingMemoryBound(to: UInt8.self))
            }
        }
        precondition(ok == 1, "HMAC-SHA256 cannot fail on a prepared context")
        return withUnsafeBytes(of: &digest) { bytes in
            UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        }
    }

    /// The MAC of `message`.
    public func mac(_ message: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = Array(message).withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { out in
                lock.withLock { _ in kaa_hmac_sha256_mac(context, input.baseAddress, input.count, out.baseAddress) }
            }
        }
        precondition(ok == 1, "HMAC-SHA256 cannot fail on a prepared context")
        return digest
    }
}
