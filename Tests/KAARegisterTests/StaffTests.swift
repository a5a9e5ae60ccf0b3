import Foundation
import KAAAuth
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Issue 15: staff accounts, the login check and caseloads.
@Suite struct StaffTests {
    let fixture = RegisterFixture()
    let anna = TestPeople.person(born: 2008, sex: .female)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func code(_ credentials: StaffCredentials, at date: Date, steps: Int64 = 0) throws -> String {
        try OneTimeCode.hotp(secret: credentials.totpSecret, counter: UInt64(OneTimeCode.step(at: Int64(date.timeIntervalSince1970)) + steps))
    }

    @Test func aNewAccountLogsInWithItsOneTimePasswordAndMustChangeIt() throws {
        let register = try fixture.create()
        let credentials = try register.addStaff(login: "anna.a", name: "Anna Andersson", role: .handlaggare)
        #expect(try register.verifyLogin(login: "anna.a", password: credentials.password, otp: code(credentials, at: start), now: start)
            == .mustChangePassword)
        try register.changePassword(login: "anna.a", old: credentials.password, new: "en lång och ovanlig fras")
        let later = start.addingTimeInterval(60)
        #expect(try register.verifyLogin(login: "anna.a", password: "en lång och ovanlig fras", otp: code(credentials, at: later), now: later) == .ok)
        let account = try #require(try register.listStaff().first)
        #expect(account.login == "anna.a" && account.role == .handlaggare && !account.mustChangePassword && !account.isDisabled)
    }

    @Test func aCodeIsNeverAcceptedTwice() throws {
        let register = try fixture.create()
        let credentials = try register.addStaff(login: "anna.a", name: "Anna", role: .samordnare)
        let otp = try code(credentials, at: start)
        #expect(try register.verifyLogin(login: "anna.a", password: credentials.password, otp: otp, now: start) == .mustChangePassword)
        #expect(try register.verifyLogin(login: "anna.a", password: credentials.password, otp: otp, now: start.addingTimeInterval(5)) == .wrong)
    }

    @Test(arguments: [(Int64(-1), true), (1, true), (-2, false), (2, false)])
    func oneStepOfDriftIsAcceptedAndTwoAreNot(steps: Int64, accepted: Bool) throws {
        let register = try fixture.create()
        let credentials = try register.addStaff(login: "anna.a", name: "Anna", role: .samordnare)
        let outcome = try register.verifyLogin(login: "anna.a", password: credentials.password, otp: code(credentials, at: start, steps: steps), now: start)
        #expect(outcome == (accepted ? .mustChangePassword : .wrong))
    }

    @Test func fiveFailuresLockForFifteenMinutesWithoutSayingWhetherThePasswordWasRight() throws {
        let register = try fixture.create()
        let credentials = try register.addStaff(login: "anna.a", name: "Anna", role: .admin)
        for attempt in 1...4 {
            #expect(try register.verifyLogin(login: "anna.a", password: "fel \(attempt)", otp: "000000", now: start) == .wrong)
        }
        let until = "2027-01-15T08:15:00Z"
        #expect(CalendarDate.utcTimestamp(secondsSince1970: 1_800_000_000) == "2027-01-15T08:00:00Z")
        #expect(try register.verifyLogin(login: "anna.a", password: "fel 5", otp: "000000", now: start) == .locked(until: until))
        let during = start.addingTimeInterval(14 * 60)
        #expect(try register.verifyLogin(login: "anna.a", password: credentials.password, otp: code(credentials, at: during), now: during)
            == .locked(until: until))
        let after = start.addingTimeInterval(15 * 60 + 1)
        #expect(try register.verifyLogin(login: "anna.a", password: credentials.password, otp: code(credentials, at: after), now: after)
            == .mustChangePassword)
        let actions = try register.auditEntries().map(\.action)
        #expect(actions.filter { $0 == "login_failed" }.count == 5)
        #expect(actions.filter { $0 == "login_locked" }.count == 1)
        #expect(actions.contains("login_refused"))
    }

    @Test func aDisabledAccountIsRefusedAndItsCaseloadReleased() throws {
        let register = try fixture.create()
        try register.register(anna, on: TestDates.today, reason: "OKAND")
        let credentials = try register.addStaff(login: "anna.a", name: "Anna", role: .handlaggare)
        try register.assignCaseload(anna, to: "anna.a")
        #expect(try register.caseworker(of: anna) == "anna.a")
        try register.disableStaff(login: "anna.a")
        #expect(try register.caseworker(of: anna) == nil)
        #expect(try register.verifyLogin(login: "anna.a", password: credentials.password, otp: code(credentials, at: start), now: start) == .disabled)
    }

    @Test func anUnknownLoginIsJustWrongAndTheTypedTextIsNotLogged() throws {
        let register = try fixture.create()
        #expect(try register.verifyLogin(login: "hemligt-losenord", password: "x", otp: "123456", now: start) == .wrong)
        #expect(try register.verifyLogin(login: "Ödla\u{1B}[2J", password: "x", otp: "123456", now: start) == .wrong)
        let rows = try register.auditEntries().filter { $0.action == "login_failed" }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { !($0.detail ?? "").contains("hemligt") && $0.staff == "okänd" })
    }

    @Test func resetGivesANewPasswordAndSecretAndLiftsALock() throws {
        let register = try fixture.create()
        let old = try register.addStaff(login: "anna.a", name: "Anna", role: .granskare)
        for _ in 1...5 { _ = try register.verifyLogin(login: "anna.a", password: "fel", otp: "000000", now: start) }
        let new = try register.resetStaff(login: "anna.a")
        #expect(new.password != old.password && new.totpSecret != old.totpSecret)
        #expect(try register.verifyLogin(login: "anna.a", password: old.password, otp: code(new, at: start), now: start) == .wrong)
        #expect(try register.verifyLogin(login: "anna.a", password: new.password, otp: code(new, at: start), now: start) == .mustChangePassword)
    }

    @Test(arguments: ["kort", "password1234", "Qwerty123456", "anna.a-hemligt-123"])
    func weakNewPasswordsAreRefusedAndNothingChanges(password: String) throws {
        let register = try fixture.create()
        let credentials = try register.addStaff(login: "anna.a", name: "Anna", role: .handlaggare)
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) { try register.changePassword(login: "anna.a", old: credentials.password, new: password) }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }

    @Test func theCommonPasswordListIsShipped() throws {
        let register = try fixture.create()
        #expect(register.passwordProblem("iloveyou2024", login: "x1") != nil)
        #expect(register.passwordProblem("Lösenord2025!", login: "x1") == nil || register.passwordProblem("lösenord2025", login: "x1") != nil)
        #expect(register.passwordProblem("gräsklippare i november", login: "x1") == nil)
    }

    @Test func theAuditLogHoldsNoPasswordHashOrSecret() throws {
        let register = try fixture.create()
        let credentials = try register.addStaff(login: "anna.a", name: "Anna Andersson", role: .handlaggare)
        _ = try register.resetStaff(login: "anna.a")
        let base32 = try OneTimeCode.base32(credentials.totpSecret)
        let log = try register.database.query("SELECT coalesce(detail, '') || ' ' || coalesce(changes, '') FROM audit_log").map { try $0.text(0) }
            .joined(separator: "\n")
        #expect(!log.contains(credentials.password) && !log.contains(base32) && !log.contains("argon2") && !log.contains("Andersson"))
    }

    @Test(arguments: ["A", "Anna", "anna a", "anna;drop", String(repeating: "a", count: 65), "ånna", "anna\u{1B}"])
    func hostileLoginsAreRefusedAndNothingChanges(login: String) throws {
        let register = try fixture.create()
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) { _ = try register.addStaff(login: login, name: "Anna", role: .admin) }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }

    @Test(arguments: ["", "   ", "Anna\u{202E}nossrednA", "Anna\nAndersson", "Anna\u{1B}[31m"])
    func hostileNamesAreRefused(name: String) throws {
        let register = try fixture.create()
        #expect(throws: RegisterError.self) { _ = try register.addStaff(login: "anna.a", name: name, role: .admin) }
        #expect(try register.listStaff().isEmpty)
    }

    @Test func aCaseloadHasOneHandlaggareAndOnlyAHandlaggare() throws {
        let register = try fixture.create()
        try register.register(anna, on: TestDates.today, reason: "OKAND")
        _ = try register.addStaff(login: "anna.a", name: "Anna", role: .handlaggare)
        _ = try register.addStaff(login: "bo.b", name: "Bo", role: .handlaggare)
        _ = try register.addStaff(login: "sam", name: "Sam", role: .samordnare)
        try register.assignCaseload(anna, to: "anna.a")
        try register.assignCaseload(anna, to: "bo.b")
        #expect(try register.caseworker(of: anna) == "bo.b")
        #expect(try count(register, "SELECT count(*) FROM caseload") == 1)
        #expect(throws: RegisterError.self) { try register.assignCaseload(anna, to: "sam") }
        #expect(throws: RegisterError.self) { try register.assignCaseload(anna, to: "ingen") }
        try register.unassignCaseload(anna)
        #expect(try register.caseworker(of: anna) == nil)
        #expect(throws: RegisterError.self) { try register.unassignCaseload(anna) }
        #expect(try register.auditEntries().filter { $0.action.hasPrefix("caseload_") }.count == 3)
    }

    @Test func aFailureMidwayChangesNothing() throws {
        let register = try fixture.create()
        _ = try register.addStaff(login: "anna.a", name: "Anna", role: .handlaggare)
        // The audit insert at the end of the transaction fails: the staff row must not remain.
        try register.database.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) { _ = try register.addStaff(login: "bo.b", name: "Bo", role: .handlaggare) }
        #expect(throws: RegisterError.self) { try register.disableStaff(login: "anna.a") }
        #expect(throws: RegisterError.self) { _ = try register.resetStaff(login: "anna.a") }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }
}

@Suite struct StaffPasswordChangeTests {
    let fixture = RegisterFixture()
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aWrongOldPasswordCountsTowardsTheLockout() throws {
        let register = try fixture.create()
        let credentials = try register.addStaff(login: "anna.a", name: "Anna", role: .handlaggare)
        for _ in 1...5 {
            #expect(throws: RegisterError.self) { try register.changePassword(login: "anna.a", old: "gissning", new: "en lång och ovanlig fras", now: start) }
        }
        #expect(try register.listStaff().first?.lockedUntil == "2027-01-15T08:15:00Z")
        // Locked: even the right old password does not change it.
        #expect(throws: RegisterError.self) {
            try register.changePassword(login: "anna.a", old: credentials.password, new: "en lång och ovanlig fras", now: start)
        }
        #expect(try register.listStaff().first?.mustChangePassword == true)
    }
}
