import Foundation
import KAACrypto

/// The `Content-Digest` header of RFC 9530: `sha-256=:<base64>:`.
public enum ContentDigest {
    /// The header value for `body`.
    public static func header(for body: [UInt8]) -> String {
        "sha-256=:" + Data(Crypto.sha256(body)).base64EncodedString() + ":"
    }

    /// Whether `header` holds a sha-256 digest equal to `body`'s (other algorithms are ignored).
    public static func matches(_ header: String, body: [UInt8]) -> Bool {
        let expected = Crypto.sha256(body)
        for member in header.split(separator: ",") {
            let trimmed = member.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("sha-256=:"), trimmed.hasSuffix(":"), trimmed.count > 10 else { continue }
            let base64 = trimmed.dropFirst("sha-256=:".count).dropLast()
            guard let data = Data(base64Encoded: String(base64)) else { return false }
            return Crypto.constantTimeEquals(Array(data), expected)
        }
        return false
    }
}
