import Foundation
import KAACrypto
import Testing

/// Unpadded base64url (RFC 4648 §5), strict in what it accepts: JWS parts and JWK members go through it.
@Suite struct Base64URLTests {
    @Test func roundTripsEveryLengthUpTo64() throws {
        for length in 0...64 {
            let bytes = try Crypto.randomBytes(length)
            let text = Base64URL.encode(bytes)
            #expect(text.count == (length * 4 + 2) / 3, "length \(length)")
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes, "length \(length)")
        }
    }

    @Test func matchesRFC4648Vectors() {
        // RFC 4648 §10 without padding, and bytes whose standard base64 has '+' and '/'.
        let vectors: [(String, String)] = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
        #expect(Base64URL.encode([0xFF]) == "_w")
        #expect(Base64URL.decode(Substring("xxZm9vxx").dropFirst(2).dropLast(2)) == Array("foo".utf8))
    }

    @Test(arguments: ["Zg==", "Zg=", "Zm8=", "=", "====", "Zm9v====", "+/+/", "-_+_", "Zm9v/", "Z", "Zm9vY", "Zm9v Yg", " Zg", "Zg ", "Zg\n",
                      "Zg\r\n", "Zm9v\tYg", "Z.g", "Zg!", "Zm9vYmFy\u{0}", "Zé", "Ｚｇ", "Zh", "Zm9=", "Zm9", "_x"])
    func refusesWhatIsNotUnpaddedCanonicalBase64URL(text: String) {
        // "Zh", "Zm9" and "_x" use the right alphabet but set bits the length cannot hold: another spelling of "Zg", "Zm8", "_w".
        #expect(Base64URL.decode(text) == nil)
    }
}
