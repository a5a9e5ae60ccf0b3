import Foundation
import KAACore
import KAACrypto
import KAARegister
import KAATestFixtures
import Testing

/// RFC 6238 with HMAC-SHA1 from libcrypto: a second implementation, so the printed secret is
/// checked without liboath.
func referenceTOTP(base32 secret: String, at unixTime: Int64) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var key: [UInt8] = []
    var buffer = 0
    var bits = 0
    for character in secret {
        guard let value = alphabet.firstIndex(of: character) else { continue }
        buffer = (buffer << 5) | value
        bits += 5
        if bits >= 8 {
            key.append(UInt8((buffer >> (bits - 8)) & 0xFF))
            bits -= 8
        }
    }
    let counter = UInt64(unixTime / 30)
    let message = (0..<8).map { UInt8((counter >> (56 - 8 * UInt64($0))) & 0xFF) }
    let mac = Crypto.hmacSHA1(key: key, message: message)
    let offset = Int(mac[19] & 0x0F)
    let value = (UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])) % 1_000_000
    let digits = String(value)
    return String(repeating: "0", count: 6 - digits.count) + digits
}

@Suite struct StaffCommandTests {
    let fixture = CLIFixture()

    /// The password and Base32 secret from the exact two lines, or nil when the shape differs.
    func credentials(_ stdout: String, login: String) -> (password: String, secret: String)? {
        let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 3, lines[2].isEmpty,
              let first = lines[0].wholeMatch(of: /password: ([A-Za-z0-9]{16})/),
              let second = lines[1].wholeMatch(of: /totp: otpauth:\/\/totp\/KAA:([a-z0-9._-]+)\?secret=([A-Z2-7]+)&issuer=KAA&algorithm=SHA1&digits=6&period=30/),
              String(second.1) == login else { return nil }
        return (String(first.1), String(second.2))
    }

    func openRegister() throws -> Register {
        try Register.open(at: fixture.directory.file("kaa.sqlite"), clock: FixedDateClock(today: TestDates.today), staff: "test")
    }

    @Test func addPrintsExactlyTwoLinesThatLogIn() throws {
        let result = fixture.kaa.run(["staff", "add", "anna.a", "--role", "handlaggare", "--name", "Anna Andersson"])
        expectExit(result, 0)
        let printed = try #require(credentials(result.stdout, login: "anna.a"), "\(result)")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let otp = referenceTOTP(base32: printed.secret, at: 1_800_000_000)
        #expect(try openRegister().verifyLogin(login: "anna.a", password: printed.password, otp: otp, now: now) == .mustChangePassword)
        // The same code again is refused.
        #expect(try openRegister().verifyLogin(login: "anna.a", password: printed.password, otp: otp, now: now) == .wrong)
    }

    @Test func resetPrintsNewCredentialsAndTheOldOnesStopWorking() throws {
        let added = try #require(credentials(fixture.kaa.run(["staff", "add", "bo.b", "--role", "admin", "--name", "Bo"]).stdout, login: "bo.b"))
        let result = fixture.kaa.run(["staff", "reset", "bo.b"])
        expectExit(result, 0)
        let reset = try #require(credentials(result.stdout, login: "bo.b"), "\(result)")
        #expect(reset.password != added.password && reset.secret != added.secret)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try openRegister().verifyLogin(login: "bo.b", password: added.password, otp: referenceTOTP(base32: reset.secret, at: 1_800_000_000), now: now) == .wrong)
        #expect(try openRegister().verifyLogin(login: "bo.b", password: reset.password, otp: referenceTOTP(base32: reset.secret, at: 1_800_000_030), now: now)
            == .mustChangePassword)
    }

    @Test func listDisableAndCaseloads() throws {
        expectExit(fixture.kaa.run(["register", anna, "--date", TestDates.today.description, "--reason", "OKAND"]), 0)
        expectExit(fixture.kaa.run(["staff", "add", "anna.a", "--role", "handlaggare", "--name", "Anna Andersson"]), 0)
        expectExit(fixture.kaa.run(["caseload", "assign", anna, "--staff", "anna.a"]), 0)
        let json = fixture.kaa.run(["staff", "list", "--json"])
        expectExit(json, 0)
        #expect(json.stdout.contains("\"login\" : \"anna.a\"") || json.stdout.contains("\"login\":\"anna.a\""))
        #expect(json.stdout.contains("\"caseload\" : 1") || json.stdout.contains("\"caseload\":1"))
        expectExit(fixture.kaa.run(["caseload", "unassign", anna]), 0)
        expectExit(fixture.kaa.run(["caseload", "unassign", anna]), 65)
        let disabled = fixture.kaa.run(["staff", "disable", "anna.a"])
        expectExit(disabled, 0)
        #expect(disabled.stdout.isEmpty)
        #expect(fixture.kaa.run(["staff", "list"]).stdout.contains("avstängt"))
        expectExit(fixture.kaa.run(["caseload", "assign", anna, "--staff", "anna.a"]), 65)
    }

    @Test(arguments: [["staff", "add", "Anna", "--role", "admin", "--name", "Anna"],
                      ["staff", "add", "a", "--role", "admin", "--name", "Anna"],
                      ["staff", "add", "anna;rm", "--role", "admin", "--name", "Anna"],
                      ["staff", "add", "anna\u{1B}[2J", "--role", "admin", "--name", "Anna"],
                      ["staff", "add", "anna.a", "--role", "root", "--name", "Anna"],
                      ["staff", "add", "anna.a", "--role", "admin", "--name", "Anna\u{202E}"],
                      ["staff", "add", "anna.a", "--role", "admin", "--name", "Anna\u{1B}[31m"]])
    func hostileLoginsRolesAndNamesAreRefusedAndNothingChanges(arguments: [String]) throws {
        let before = try DatabaseDump.dump(fixture.directory.file("kaa.sqlite"))
        let result = fixture.kaa.run(arguments)
        #expect(result.exitCode == 65 || result.exitCode == 64, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(try DatabaseDump.dump(fixture.directory.file("kaa.sqlite")) == before)
    }
}
