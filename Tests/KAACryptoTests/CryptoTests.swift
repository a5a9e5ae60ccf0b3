import KAACrypto
import Testing

@Suite struct CryptoTests {
    private func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0 }
    }

    @Test func oneShotHMACMatchesRFC4231() {
        // RFC 4231 test case 2.
        let mac = Crypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Crypto.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func preparedKeyGivesTheSameMACEveryTime() throws {
        let key = bytes(hex: String(repeating: "0b", count: 20))
        let prepared = try HMACSHA256Key(key: key)
        // RFC 4231 test case 1, then other messages, then case 1 again: the reused context must not carry state over.
        let expected = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        #expect(Crypto.hex(prepared.mac(Array("Hi There".utf8))) == expected)
        for message in ["", "a", String(repeating: "x", count: 200), "200801012386" + "2026-11"] {
            #expect(prepared.mac(Array(message.utf8)) == Crypto.hmacSHA256(key: key, message: Array(message.utf8)))
        }
        #expect(Crypto.hex(prepared.mac(Array("Hi There".utf8))) == expected)
    }

    @Test func prefix32IsTheFirstFourBytesBigEndian() throws {
        let key = Array("cell key".utf8)
        let prepared = try HMACSHA256Key(key: key)
        let message = Array("200203022389".utf8) + Array("2026H2".utf8)
        let full = Crypto.hmacSHA256(key: key, message: message)
        let expected = UInt32(full[0]) << 24 | UInt32(full[1]) << 16 | UInt32(full[2]) << 8 | UInt32(full[3])
        #expect(message.withUnsafeBytes { prepared.prefix32($0) } == expected)
    }
}
