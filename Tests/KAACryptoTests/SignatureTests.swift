import Foundation
import KAACrypto
import KAACryptoTestKit
import KAATestFixtures
import Testing

/// JWS verification (RS256, ES256) with keys from JWKs: what an ID token's signature check rests on.
@Suite struct SignatureTests {
    /// One key of each kind for the whole suite: RSA generation is the slow part.
    static let rsa = TestSigningKey(.rs256)
    static let ec = TestSigningKey(.es256)
    static func key(_ algorithm: SignatureAlgorithm) -> TestSigningKey { algorithm == .rs256 ? rsa : ec }

    let message = Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJoYW5uYSJ9".utf8)

    /// The order n of P-256's base point, big-endian (FIPS 186-4 D.1.2.3).
    static let p256Order = bytes(hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0 }
    }

    /// The error text of a refused JWK, nil if it was accepted.
    static func refusal(_ jwk: [String: String]) -> String? {
        do {
            _ = try PublicKey(jwk: jwk)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: Valid and tampered signatures

    @Test(arguments: SignatureAlgorithm.allCases)
    func validSignatureVerifies(algorithm: SignatureAlgorithm) throws {
        let signer = Self.key(algorithm)
        let key = try PublicKey(jwk: signer.jwk(kid: "k1"))
        #expect(key.keyType == (algorithm == .rs256 ? .rsa : .ec))
        for text in [message, [], Array(repeating: 0x41, count: 10_000)] {
            let signature = signer.sign(text, algorithm: algorithm)
            #expect(signature.count == (algorithm == .rs256 ? 256 : 64))
            #expect(key.verifies(signature, of: text, algorithm: algorithm))
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func flippedBitInSignatureFails(algorithm: SignatureAlgorithm) {
        let key = Self.key(algorithm).publicKey()
        let signature = Self.key(algorithm).sign(message, algorithm: algorithm)
        for index in signature.indices {
            for bit in [0, 7] {
                var tampered = signature
                tampered[index] ^= 1 << bit
                #expect(!key.verifies(tampered, of: message, algorithm: algorithm), "byte \(index) bit \(bit)")
            }
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func flippedBitInMessageFails(algorithm: SignatureAlgorithm) {
        let key = Self.key(algorithm).publicKey()
        let signature = Self.key(algorithm).sign(message, algorithm: algorithm)
        for index in message.indices {
            var tampered = message
            tampered[index] ^= 0x01
            #expect(!key.verifies(signature, of: tampered, algorithm: algorithm), "byte \(index)")
        }
        #expect(!key.verifies(signature, of: message + [0], algorithm: algorithm))
        #expect(!key.verifies(signature, of: Array(message.dropLast()), algorithm: algorithm))
        #expect(!key.verifies(signature, of: [], algorithm: algorithm))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func anotherKeysSignatureFails(algorithm: SignatureAlgorithm) {
        let other = TestSigningKey(algorithm)
        let signature = other.sign(message, algorithm: algorithm)
        #expect(other.publicKey().verifies(signature, of: message, algorithm: algorithm))
        #expect(!Self.key(algorithm).publicKey().verifies(signature, of: message, algorithm: algorithm))
    }

    @Test func signatureCheckedUnderTheOtherAlgorithmFails() {
        let rsaSignature = Self.rsa.sign(message, algorithm: .rs256)
        let ecSignature = Self.ec.sign(message, algorithm: .es256)
        let rsaKey = Self.rsa.publicKey()
        let ecKey = Self.ec.publicKey()
        // The right key, the wrong algorithm: the key type decides, whatever the length.
        #expect(!rsaKey.verifies(rsaSignature, of: message, algorithm: .es256))
        #expect(!ecKey.verifies(ecSignature, of: message, algorithm: .rs256))
        #expect(!rsaKey.verifies(ecSignature, of: message, algorithm: .es256))
        #expect(!rsaKey.verifies(ecSignature, of: message, algorithm: .rs256))
        #expect(!ecKey.verifies(rsaSignature, of: message, algorithm: .rs256))
        #expect(!ecKey.verifies(rsaSignature, of: message, algorithm: .es256))
        // 64 bytes of an RSA signature shaped like r || s.
        #expect(!ecKey.verifies(Array(rsaSignature.prefix(64)), of: message, algorithm: .es256))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func wrongLengthAndEmptySignaturesFail(algorithm: SignatureAlgorithm) {
        let key = Self.key(algorithm).publicKey()
        let signature = Self.key(algorithm).sign(message, algorithm: algorithm)
        for candidate in [[], [0], Array(signature.dropLast()), signature + [0], [0] + signature, Array(signature.dropFirst()),
                          signature + signature, Array(repeating: 0, count: signature.count), Array(repeating: 0xFF, count: signature.count)] {
            #expect(!key.verifies(candidate, of: message, algorithm: algorithm), "length \(candidate.count)")
        }
    }

    @Test func es256SignatureInDERFormFails() {
        // A provider bug (or an attacker) sending the DER ECDSA form instead of JWS r || s.
        let signature = Self.ec.sign(message, algorithm: .es256)
        var der: [UInt8] = []
        for half in [signature[0..<32], signature[32..<64]] {
            let integer = (half.first ?? 0) >= 0x80 ? [0] + half : Array(half)
            der += [0x02, UInt8(integer.count)] + integer
        }
        der = [0x30, UInt8(der.count)] + der
        #expect(!Self.ec.publicKey().verifies(der, of: message, algorithm: .es256))
    }

    @Test func es256WithROrSOutOfRangeFails() {
        let key = Self.ec.publicKey()
        let signature = Self.ec.sign(message, algorithm: .es256)
        let r = Array(signature[0..<32])
        let s = Array(signature[32..<64])
        let zero = [UInt8](repeating: 0, count: 32)
        let allOnes = [UInt8](repeating: 0xFF, count: 32)
        let order = Self.p256Order
        for (badR, badS) in [(zero, s), (r, zero), (zero, zero), (order, s), (r, order), (allOnes, s), (r, allOnes), (order, order)] {
            #expect(!key.verifies(badR + badS, of: message, algorithm: .es256))
        }
        #expect(key.verifies(r + s, of: message, algorithm: .es256))
    }

    @Test func es256SignatureWithSReplacedByNMinusSAlsoVerifies() {
        // ECDSA itself: (r, s) and (r, n − s) are both valid, and JWS does not ask for low s. Documented here so
        // nobody treats an ID token's signature bytes as unique (replay is caught by nonce and state instead).
        let signature = Self.ec.sign(message, algorithm: .es256)
        var borrow = 0
        var negated = [UInt8](repeating: 0, count: 32)
        for index in (0..<32).reversed() {
            let difference = Int(Self.p256Order[index]) - Int(signature[32 + index]) - borrow
            negated[index] = UInt8((difference + 256) % 256)
            borrow = difference < 0 ? 1 : 0
        }
        #expect(negated != Array(signature[32..<64]))
        #expect(Self.ec.publicKey().verifies(Array(signature[0..<32]) + negated, of: message, algorithm: .es256))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func oneKeyVerifiesOnManyThreadsAtOnce(algorithm: SignatureAlgorithm) async {
        let key = Self.key(algorithm).publicKey()
        let signature = Self.key(algorithm).sign(message, algorithm: algorithm)
        let message = message
        let results = await withTaskGroup(of: (Bool, Bool).self) { group in
            for _ in 0..<64 {
                group.addTask {
                    var tampered = signature
                    tampered[5] ^= 0x10
                    return (key.verifies(signature, of: message, algorithm: algorithm), key.verifies(tampered, of: message, algorithm: algorithm))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0.0 && !$0.1 })
    }

    // MARK: Hostile JWKs

    @Test func missingMembersAreNamed() {
        let rsa = Self.rsa.jwk(kid: "r")
        let ec = Self.ec.jwk(kid: "e")
        #expect(Self.refusal([:]) == "JWK: kty missing")
        #expect(Self.refusal(rsa.filter { $0.key != "kty" }) == "JWK: kty missing")
        #expect(Self.refusal(rsa.filter { $0.key != "n" }) == "JWK: n missing")
        #expect(Self.refusal(rsa.filter { $0.key != "e" }) == "JWK: e missing")
        #expect(Self.refusal(ec.filter { $0.key != "crv" }) == "JWK: kty EC needs crv P-256")
        #expect(Self.refusal(ec.filter { $0.key != "x" }) == "JWK: x missing")
        #expect(Self.refusal(ec.filter { $0.key != "y" }) == "JWK: y missing")
        // An RSA JWK's members under kty EC and the other way round.
        #expect(Self.refusal(rsa.merging(["kty": "EC"]) { $1 }) == "JWK: kty EC needs crv P-256")
        #expect(Self.refusal(ec.merging(["kty": "RSA"]) { $1 }) == "JWK: n missing")
    }

    @Test(arguments: ["oct", "OKP", "rsa", "ec", "", "RSA ", "EC\u{0}"])
    func unknownKeyTypeIsRefused(kty: String) {
        #expect(Self.refusal(Self.rsa.jwk(kid: "r").merging(["kty": kty]) { $1 }) == "JWK: kty must be RSA or EC")
    }

    @Test func otherMembersAreIgnored() throws {
        var jwk = Self.rsa.jwk(kid: "r")
        jwk["alg"] = "ES256"
        jwk["use"] = "enc"
        jwk["x5c"] = "not base64 at all"
        let signature = Self.rsa.sign(message, algorithm: .rs256)
        #expect(try PublicKey(jwk: jwk).verifies(signature, of: message, algorithm: .rs256))
    }

    @Test(arguments: ["n", "e", "x", "y"])
    func nonBase64URLMembersAreRefused(member: String) throws {
        let jwk = member == "n" || member == "e" ? Self.rsa.jwk(kid: "r") : Self.ec.jwk(kid: "e")
        let valid = try #require(jwk[member])
        let hostile = [valid + "=", valid + "==", valid.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "+/",
                       " " + valid, valid + "\n", String(valid.dropLast()) + ".", "", "%41%51%41%42", "AQAB\u{0}"]
        for text in hostile {
            let expected = text.isEmpty && (member == "n" || member == "e") ? "JWK: \(member) is zero" : "JWK: \(member) is not base64url"
            let refusal = Self.refusal(jwk.merging([member: text]) { $1 })
            if member == "x" || member == "y", text.isEmpty {
                #expect(refusal == "JWK: \(member) is not 32 bytes")
            } else {
                #expect(refusal == expected, "\(member) = \(text.debugDescription)")
            }
        }
    }

    @Test func shortRSAModulusIsRefused() {
        let small = TestSigningKey(rsaBits: 1024)
        #expect(Self.refusal(small.jwk(kid: "small")) == "JWK: RSA modulus under 2048 bits")
        // 2047 bits: the top byte of a real modulus halved.
        var n = Base64URL.decode(Self.rsa.jwk(kid: "r")["n"] ?? "") ?? []
        n[0] >>= 1
        #expect(Self.refusal(Self.rsa.jwk(kid: "r").merging(["n": Base64URL.encode(n)]) { $1 }) == "JWK: RSA modulus under 2048 bits")
    }

    @Test func hugeRSAModulusIsRefusedBeforeLibcryptoSeesIt() {
        let jwk = Self.rsa.jwk(kid: "r")
        let huge = [UInt8](repeating: 0xC5, count: 20_000)
        #expect(Self.refusal(jwk.merging(["n": Base64URL.encode(huge)]) { $1 }) == "JWK: RSA modulus over 8192 bits")
        let just = [0x01] + [UInt8](repeating: 0xC5, count: 1024)  // 8193 bits
        #expect(Self.refusal(jwk.merging(["n": Base64URL.encode(just)]) { $1 }) == "JWK: RSA modulus over 8192 bits")
    }

    @Test func leadingZeroBeforeTheModulusIsHarmless() throws {
        // RFC 7518 asks for the minimal form; some providers prefix 0x00. It must not change the key.
        var jwk = Self.rsa.jwk(kid: "r")
        jwk["n"] = Base64URL.encode([0] + (Base64URL.decode(jwk["n"] ?? "") ?? []))
        let signature = Self.rsa.sign(message, algorithm: .rs256)
        #expect(try PublicKey(jwk: jwk).verifies(signature, of: message, algorithm: .rs256))
    }

    @Test func degenerateRSAKeysAreRefusedByLibcryptosCheck() {
        let jwk = Self.rsa.jwk(kid: "r")
        let check = "JWK: RSA key fails libcrypto's public key check (n odd without small factors, e odd and above 1)"
        // e = 1 makes every "signature" its own message; an even e is no RSA key. OpenSSL 3's
        // EVP_PKEY_fromdata accepts both, its public key check (SP 800-56B) refuses both.
        #expect(Self.refusal(jwk.merging(["e": Base64URL.encode([1])]) { $1 }) == check)
        #expect(Self.refusal(jwk.merging(["e": Base64URL.encode([2])]) { $1 }) == check)
        #expect(Self.refusal(jwk.merging(["e": Base64URL.encode([1, 0, 0])]) { $1 }) == check)
        #expect(Self.refusal(jwk.merging(["e": Base64URL.encode([0])]) { $1 }) == "JWK: e is zero")
        #expect(Self.refusal(jwk.merging(["e": Base64URL.encode([UInt8](repeating: 0xFF, count: 33))]) { $1 }) == "JWK: RSA exponent over 256 bits")
        // An even modulus, and one with a small factor (3 · an odd 2048-bit number is still odd).
        var n = Base64URL.decode(jwk["n"] ?? "") ?? []
        n[n.count - 1] &+= 1
        #expect(Self.refusal(jwk.merging(["n": Base64URL.encode(n)]) { $1 }) == check)
        let multipleOfThree = [UInt8](repeating: 0xFF, count: 256)  // 2^2048 − 1 = 3 · 5 · 17 · 257 · …
        #expect(Self.refusal(jwk.merging(["n": Base64URL.encode(multipleOfThree)]) { $1 }) == check)
    }

    @Test func smallOddExponentIsAccepted() throws {
        // e = 3 is odd and above 1: libcrypto's check accepts it (no provider sends it; nothing here forbids it).
        // The real modulus with e = 3 is not a matching key, so the provider's signature must not verify.
        let key = try PublicKey(jwk: Self.rsa.jwk(kid: "r").merging(["e": Base64URL.encode([3])]) { $1 })
        #expect(!key.verifies(Self.rsa.sign(message, algorithm: .rs256), of: message, algorithm: .rs256))
    }

    @Test func ecPointNotOnTheCurveIsRefused() {
        let jwk = Self.ec.jwk(kid: "e")
        var y = Base64URL.decode(jwk["y"] ?? "") ?? []
        y[31] ^= 0x01
        #expect(Self.refusal(jwk.merging(["y": Base64URL.encode(y)]) { $1 }) == "JWK: EC point is not on the P-256 curve")
        let zero = Base64URL.encode([UInt8](repeating: 0, count: 32))
        #expect(Self.refusal(jwk.merging(["x": zero, "y": zero]) { $1 }) == "JWK: EC point is not on the P-256 curve")
        // x beyond the field prime p.
        let big = Base64URL.encode([UInt8](repeating: 0xFF, count: 32))
        #expect(Self.refusal(jwk.merging(["x": big]) { $1 }) == "JWK: EC point is not on the P-256 curve")
    }

    @Test(arguments: ["P-384", "P-521", "secp256k1", "p-256", "P256", "", "Ed25519"])
    func otherCurvesAreRefused(crv: String) {
        #expect(Self.refusal(Self.ec.jwk(kid: "e").merging(["crv": crv]) { $1 }) == "JWK: kty EC needs crv P-256")
    }

    @Test func coordinatesOfTheWrongLengthAreRefused() {
        let jwk = Self.ec.jwk(kid: "e")
        let x = Base64URL.decode(jwk["x"] ?? "") ?? []
        let y = Base64URL.decode(jwk["y"] ?? "") ?? []
        #expect(Self.refusal(jwk.merging(["x": Base64URL.encode(x.dropFirst())]) { $1 }) == "JWK: x is not 32 bytes")
        #expect(Self.refusal(jwk.merging(["x": Base64URL.encode([0] + x)]) { $1 }) == "JWK: x is not 32 bytes")
        #expect(Self.refusal(jwk.merging(["y": Base64URL.encode(y.dropFirst())]) { $1 }) == "JWK: y is not 32 bytes")
        #expect(Self.refusal(jwk.merging(["y": Base64URL.encode(y + y)]) { $1 }) == "JWK: y is not 32 bytes")
    }

    // MARK: The test kit's tokens

    @Test(arguments: SignatureAlgorithm.allCases)
    func compactJWTHasThreePartsAndItsSignatureVerifies(algorithm: SignatureAlgorithm) throws {
        let signer = Self.key(algorithm)
        let token = signer.compactJWT(header: ["alg": algorithm.rawValue, "kid": "k1"], claims: ["sub": "hanna", "aud": ["kaa"], "exp": 1_800_000_000],
                                      algorithm: algorithm)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        let header = try #require(Base64URL.decode(parts[0]))
        #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"\#(algorithm.rawValue)","kid":"k1"}"#)
        let claims = try #require(Base64URL.decode(parts[1]))
        #expect(String(decoding: claims, as: UTF8.self) == #"{"aud":["kaa"],"exp":1800000000,"sub":"hanna"}"#)
        let signature = try #require(Base64URL.decode(parts[2]))
        #expect(signer.publicKey().verifies(signature, of: Array("\(parts[0]).\(parts[1])".utf8), algorithm: algorithm))
        #expect(TestSigningKey.signingInput(header: ["alg": algorithm.rawValue, "kid": "k1"], claims: ["sub": "hanna", "aud": ["kaa"], "exp": 1_800_000_000])
                == "\(parts[0]).\(parts[1])")
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func jwkHasTheMembersAProviderPublishes(algorithm: SignatureAlgorithm) {
        let jwk = Self.key(algorithm).jwk(kid: "2026-12")
        #expect(jwk["kid"] == "2026-12" && jwk["alg"] == algorithm.rawValue && jwk["use"] == "sig")
        switch algorithm {
        case .rs256:
            #expect(Set(jwk.keys) == ["kty", "n", "e", "kid", "alg", "use"])
            #expect(jwk["kty"] == "RSA" && jwk["e"] == "AQAB" && Base64URL.decode(jwk["n"] ?? "")?.count == 256)
        case .es256:
            #expect(Set(jwk.keys) == ["kty", "crv", "x", "y", "kid", "alg", "use"])
            #expect(jwk["kty"] == "EC" && jwk["crv"] == "P-256" && Base64URL.decode(jwk["x"] ?? "")?.count == 32)
        }
    }

    // MARK: A second implementation: the openssl command line

    /// Runs `openssl` with `arguments` and returns its stdout; fails the test on a non-zero exit.
    static func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func rs256SignatureMadeByTheOpenSSLCommandLineVerifies() throws {
        let directory = TemporaryDirectory()
        let keyFile = directory.file("key.pem")
        let messageFile = directory.file("message")
        let signatureFile = directory.file("signature")
        try Data(message).write(to: URL(fileURLWithPath: messageFile))
        _ = try Self.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyFile])
        _ = try Self.openssl(["dgst", "-sha256", "-sign", keyFile, "-out", signatureFile, messageFile])
        let modulusLine = try Self.openssl(["rsa", "-in", keyFile, "-noout", "-modulus"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(modulusLine.hasPrefix("Modulus="))
        let modulus = Self.bytes(hex: String(modulusLine.dropFirst("Modulus=".count)).lowercased())
        let text = try Self.openssl(["rsa", "-in", keyFile, "-noout", "-text"])
        try #require(text.contains("publicExponent: 65537 (0x10001)"))
        let key = try PublicKey(jwk: ["kty": "RSA", "n": Base64URL.encode(modulus), "e": Base64URL.encode([1, 0, 1])])
        let signature = [UInt8](try Data(contentsOf: URL(fileURLWithPath: signatureFile)))
        #expect(signature.count == 256)
        #expect(key.verifies(signature, of: message, algorithm: .rs256))
        #expect(!key.verifies(signature, of: message + [0x20], algorithm: .rs256))
        #expect(!Self.rsa.publicKey().verifies(signature, of: message, algorithm: .rs256))
    }

    @Test func es256SignatureMadeByTheOpenSSLCommandLineVerifies() throws {
        let directory = TemporaryDirectory()
        let keyFile = directory.file("key.pem")
        let publicFile = directory.file("public.der")
        let messageFile = directory.file("message")
        let signatureFile = directory.file("signature.der")
        try Data(message).write(to: URL(fileURLWithPath: messageFile))
        _ = try Self.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile])
        _ = try Self.openssl(["pkey", "-in", keyFile, "-pubout", "-outform", "DER", "-out", publicFile])
        _ = try Self.openssl(["dgst", "-sha256", "-sign", keyFile, "-out", signatureFile, messageFile])
        // A P-256 SubjectPublicKeyInfo ends with the uncompressed point 04 || x || y.
        let publicKey = [UInt8](try Data(contentsOf: URL(fileURLWithPath: publicFile)))
        try #require(publicKey.count == 91 && publicKey[26] == 0x04)
        let key = try PublicKey(jwk: ["kty": "EC", "crv": "P-256", "x": Base64URL.encode(publicKey[27..<59]), "y": Base64URL.encode(publicKey[59..<91])])
        // openssl writes ECDSA-Sig-Value in DER; asn1parse (openssl's own DER reader) gives r and s in hex.
        let integers = try Self.openssl(["asn1parse", "-inform", "DER", "-in", signatureFile]).split(separator: "\n").compactMap { line -> [UInt8]? in
            guard line.contains("INTEGER"), let colon = line.lastIndex(of: ":") else { return nil }
            let value = Self.bytes(hex: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces).lowercased())
            return [UInt8](repeating: 0, count: max(0, 32 - value.count)) + value.suffix(32)
        }
        try #require(integers.count == 2)
        let signature = integers[0] + integers[1]
        #expect(key.verifies(signature, of: message, algorithm: .es256))
        #expect(!key.verifies(integers[1] + integers[0], of: message, algorithm: .es256))
        #expect(!Self.ec.publicKey().verifies(signature, of: message, algorithm: .es256))
    }
}
