import KAAAuth
import Testing

/// The RFC 4226 and RFC 6238 vectors: the expected codes come from the RFCs, not from liboath.
struct OneTimeCodeTests {
    /// RFC 4226 appendix D and RFC 6238 appendix B (SHA-1): the ASCII of "12345678901234567890".
    static let secret = Array("12345678901234567890".utf8)

    @Test(arguments: [(0, "755224"), (1, "287082"), (2, "359152"), (3, "969429"), (4, "338314"),
                      (5, "254676"), (6, "287922"), (7, "162583"), (8, "399871"), (9, "520489")])
    func hotpMatchesRFC4226AppendixD(counter: UInt64, code: String) throws {
        #expect(try OneTimeCode.hotp(secret: Self.secret, counter: counter) == code)
    }

    @Test(arguments: [(Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                      (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")])
    func totpMatchesRFC6238AppendixB(time: Int64, code: String) throws {
        #expect(try OneTimeCode.totp(secret: Self.secret, at: time, digits: 8) == code)
        // The six-digit code is the last six digits of the same truncation.
        #expect(try OneTimeCode.totp(secret: Self.secret, at: time) == String(code.suffix(6)))
    }

    @Test func acceptsOneStepOfDriftEitherSideAndNoMore() throws {
        let now: Int64 = 1_234_567_890
        let step = OneTimeCode.step(at: now)
        for offset in Int64(-1)...1 {
            let code = try OneTimeCode.hotp(secret: Self.secret, counter: UInt64(step + offset))
            #expect(try OneTimeCode.matchingStep(code, secret: Self.secret, at: now, after: nil) == step + offset)
        }
        for offset in [Int64(-2), 2] {
            let code = try OneTimeCode.hotp(secret: Self.secret, counter: UInt64(step + offset))
            #expect(try OneTimeCode.matchingStep(code, secret: Self.secret, at: now, after: nil) == nil)
        }
    }

    @Test func refusesACodeAtOrBeforeTheLastAcceptedStep() throws {
        let now: Int64 = 1_234_567_890
        let step = OneTimeCode.step(at: now)
        let code = try OneTimeCode.totp(secret: Self.secret, at: now)
        #expect(try OneTimeCode.matchingStep(code, secret: Self.secret, at: now, after: step) == nil)
        #expect(try OneTimeCode.matchingStep(code, secret: Self.secret, at: now, after: step - 1) == step)
    }

    @Test(arguments: ["", "12345", "1234567", "12345a", "１２３４５６", "' OR 1"])
    func refusesMalformedCodes(code: String) throws {
        #expect(try OneTimeCode.matchingStep(code, secret: Self.secret, at: 59, after: nil) == nil)
    }

    @Test(arguments: [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
                      ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")])
    func base32MatchesRFC4648WithoutPadding(input: String, expected: String) throws {
        #expect(try OneTimeCode.base32(Array(input.utf8)) == expected)
    }

    @Test func provisioningURIHasTheShapeAuthenticatorAppsRead() throws {
        #expect(try OneTimeCode.provisioningURI(login: "anna.a", secret: Array("foobar".utf8))
            == "otpauth://totp/KAA:anna.a?secret=MZXW6YTBOI&issuer=KAA&algorithm=SHA1&digits=6&period=30")
    }
}
