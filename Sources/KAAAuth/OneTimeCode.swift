import Foundation
internal import COath
import KAACrypto

/// HOTP (RFC 4226) and TOTP (RFC 6238) codes with HMAC-SHA-1, computed by liboath.
public enum OneTimeCode {
    /// The TOTP time step in seconds (RFC 6238's default, what authenticator apps assume).
    public static let period: Int64 = 30
    /// Digits in a code (what authenticator apps show).
    public static let digits = 6
    /// Bytes in a new secret: 160 bits, RFC 4226's recommended length for HMAC-SHA-1.
    public static let secretLength = 20

    /// liboath's global state is set up once, before any call (its documentation asks for it).
    private static let initialised: Bool = oath_init() == OATH_OK.rawValue

    /// The HOTP code of `secret` at `counter` with `digits` digits (RFC 4226 §5.3).
    public static func hotp(secret: [UInt8], counter: UInt64, digits: Int = digits) throws(AuthError) -> String {
        guard initialised else { throw AuthError(operation: "oath_init") }
        var output = [CChar](repeating: 0, count: digits + 1)
        let result = secret.withUnsafeBytes { key in
            kaa_oath_hotp(key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count, counter, UInt32(digits), &output)
        }
        guard result == OATH_OK.rawValue else { throw AuthError(operation: "oath_hotp_generate: \(String(cString: oath_strerror(result)))") }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The TOTP time step of `unixTime` (RFC 6238 §4: T = floor(time / 30)).
    public static func step(at unixTime: Int64) -> Int64 {
        unixTime >= 0 ? unixTime / period : (unixTime - period + 1) / period
    }

    /// The TOTP code of `secret` at `unixTime`.
    public static func totp(secret: [UInt8], at unixTime: Int64, digits: Int = digits) throws(AuthError) -> String {
        try hotp(secret: secret, counter: UInt64(max(0, step(at: unixTime))), digits: digits)
    }

    /// The time step at which `code` is `secret`'s code, looking `drift` steps either side of
    /// `unixTime`'s step and only at steps after `after` (the last code accepted, never twice); nil
    /// when none matches. Codes are compared in constant time.
    public static func matchingStep(_ code: String, secret: [UInt8], at unixTime: Int64, drift: Int64 = 1,
                                    after lastAccepted: Int64?) throws(AuthError) -> Int64? {
        let given = Array(code.utf8)
        guard given.count == digits, given.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let current = step(at: unixTime)
        var found: Int64?
        // Every candidate is computed and compared, so the time taken says nothing about which matched.
        for candidate in (current - drift)...(current + drift) where candidate >= 0 {
            let expected = Array(try hotp(secret: secret, counter: UInt64(candidate)).utf8)
            if Crypto.constantTimeEquals(expected, given), candidate > (lastAccepted ?? -1), found == nil {
                found = candidate
            }
        }
        return found
    }

    /// A new random secret.
    public static func makeSecret() throws(AuthError) -> [UInt8] {
        do {
            return try Crypto.randomBytes(secretLength)
        } catch {
            throw AuthError(operation: "RAND_bytes")
        }
    }

    /// `bytes` in RFC 4648 Base32 without padding, as authenticator apps read it in an `otpauth://` URI.
    public static func base32(_ bytes: [UInt8]) throws(AuthError) -> String {
        guard initialised else { throw AuthError(operation: "oath_init") }
        var out: UnsafeMutablePointer<CChar>?
        var length = 0
        let result = bytes.withUnsafeBytes { input in
            oath_base32_encode(input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count, &out, &length)
        }
        // liboath allocates the text with malloc; it is ours to free.
        defer { free(out) }
        guard result == OATH_OK.rawValue, let out else { throw AuthError(operation: "oath_base32_encode") }
        let text = String(decoding: UnsafeRawBufferPointer(start: out, count: length), as: UTF8.self)
        return String(text.prefix { $0 != "=" })
    }

    /// The `otpauth://` URI that enrols `secret` for `login` in an authenticator app.
    public static func provisioningURI(login: String, secret: [UInt8]) throws(AuthError) -> String {
        "otpauth://totp/KAA:\(login)?secret=\(try base32(secret))&issuer=KAA&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }
}
