internal import Foundation

/// Base64url without padding (RFC 4648 §5), as JWS uses it. The alphabet work is Foundation's base64;
/// this type only swaps the two characters that differ and enforces the unpadded, canonical form.
public enum Base64URL {
    /// `bytes` as unpadded base64url.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        text.removeAll { $0 == "=" }
        return String(text.map { character -> Character in
            switch character {
            case "+": "-"
            case "/": "_"
            default: character
            }
        })
    }

    /// The bytes of `text`, or nil for anything that is not unpadded base64url: padding '=', '+' and '/',
    /// whitespace and any other character, an impossible length (4k + 1) and a non-canonical last
    /// character (unused low bits set, so two texts never decode to the same bytes) are all refused.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 != 1, characters.allSatisfy(isAlphabet) else { return nil }
        var standard = characters.map { character -> UInt8 in
            switch character {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: character
            }
        }
        standard.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - characters.count % 4) % 4))
        guard let data = Data(base64Encoded: Data(standard)) else { return nil }
        let bytes = [UInt8](data)
        // Foundation ignores the unused low bits of the last character; the canonical text is the one that re-encodes.
        guard encode(bytes).utf8.elementsEqual(characters) else { return nil }
        return bytes
    }

    /// Whether `character` is in the base64url alphabet (A–Z, a–z, 0–9, '-', '_').
    private static func isAlphabet(_ character: UInt8) -> Bool {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
