import Foundation
import KAAAuth
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Issue 18: staff who sign in through the kommun's identity provider.
@Suite struct IdPStaffTests {
    let fixture = RegisterFixture()
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let issuer = "https://login.example/tenant/v2.0"

    func identity(_ login: String = "anna.andersson@kommun.se", subject: String = "sub-anna", role: StaffRole = .handlaggare,
                  name: String = "Anna Andersson") -> IdPIdentity {
        IdPIdentity(issuer: issuer, subject: subject, login: login, name: name, role: role)
    }

    func session(_ outcome: IdPSignInOutcome) -> NewWebSession? {
        if case let .signedIn(session, _) = outcome { return session }
        return nil
    }

    @Test func theFirstLoginMakesTheAccountAndLaterOnesFollowTheProvider() throws {
        let register = try fixture.create()
        let first = try register.signIn(identity(), client: "192.0.2.10", idTokenHint: "header.payload.sig", now: start)
        guard case let .signedIn(made, created) = first else { Issue.record("not signed in: \(first)"); return }
        #expect(created)
        let live = try #require(try register.session(token: made.token, now: start, idleSeconds: 1800, absoluteSeconds: 36000))
        #expect(live.viewer.login == "anna.andersson@kommun.se" && live.viewer.role == .handlaggare && live.isFromIdP && !live.mustChangePassword)
        var account = try #require(try register.listStaff().first)
        #expect(account.signsInWithIdP && account.name == "Anna Andersson" && account.lastLoginAt != nil)

        // The provider now puts her in the samordnare group and she has a new name.
        let second = try register.signIn(identity(role: .samordnare, name: "Anna Berg"), client: nil, idTokenHint: nil, now: start.addingTimeInterval(60))
        guard case let .signedIn(_, createdAgain) = second else { Issue.record("not signed in: \(second)"); return }
        #expect(!createdAgain)
        account = try #require(try register.listStaff().first)
        #expect(account.role == .samordnare && account.name == "Anna Berg")
        #expect(try register.listStaff().count == 1)
        let actions = try register.auditEntries().map(\.action)
        #expect(actions.filter { $0 == "session_start" }.count == 2 && actions.contains("staff_add") && actions.contains("staff_update"))
        let starts = try register.auditEntries().filter { $0.action == "session_start" }.compactMap(\.detail)
        #expect(starts.first?.contains("method=idp") == true && starts.first?.contains("client=192.0.2.10") == true)
    }

    @Test func theIDTokenIsKeptForLogoutAndGoesWithTheSession() throws {
        let register = try fixture.create()
        let made = try #require(session(try register.signIn(identity(), client: nil, idTokenHint: "h.p.s", now: start)))
        #expect(try register.endSession(token: made.token) == "h.p.s")
        #expect(try register.database.queryOne("SELECT count(*) FROM web_session")?.int(0) == 0)
        #expect(try register.endSession(token: made.token) == nil)
    }

    @Test func disablingHereWinsOverTheProvider() throws {
        let register = try fixture.create()
        let made = try #require(session(try register.signIn(identity(), client: nil, idTokenHint: nil, now: start)))
        try register.disableStaff(login: "anna.andersson@kommun.se")
        #expect(try register.session(token: made.token, now: start, idleSeconds: 1800, absoluteSeconds: 36000) == nil)
        let again = try register.signIn(identity(), client: nil, idTokenHint: nil, now: start.addingTimeInterval(60))
        guard case .disabled = again else { Issue.record("signed in although disabled: \(again)"); return }
        #expect(try register.database.queryOne("SELECT count(*) FROM web_session")?.int(0) == 0)
        #expect(try register.auditEntries().contains { $0.action == "login_refused" && $0.detail?.contains("reason=disabled") == true })
    }

    @Test func aLocalAccountIsNotTakenOverAndAReusedNameIsNotInherited() throws {
        let register = try fixture.create()
        _ = try register.addStaff(login: "hanna", name: "Hanna Lokal", role: .admin)
        let takeover = try register.signIn(identity("hanna", subject: "sub-other"), client: nil, idTokenHint: nil, now: start)
        guard case .localAccountConflict = takeover else { Issue.record("a local account was taken over: \(takeover)"); return }
        #expect(try register.listStaff().first { $0.login == "hanna" }?.role == .admin)

        _ = try register.signIn(identity("bo@kommun.se", subject: "sub-bo-1"), client: nil, idTokenHint: nil, now: start)
        let reused = try register.signIn(identity("bo@kommun.se", subject: "sub-bo-2", role: .admin), client: nil, idTokenHint: nil, now: start)
        guard case .subjectConflict = reused else { Issue.record("another subject got bo's account: \(reused)"); return }
        #expect(try register.listStaff().first { $0.login == "bo@kommun.se" }?.role == .handlaggare)
    }

    @Test func anIdPAccountNeverLogsInWithAPasswordAndCannotBeReset() throws {
        let register = try fixture.create()
        _ = try register.signIn(identity("cia@kommun.se", subject: "sub-cia"), client: nil, idTokenHint: nil, now: start)
        #expect(try register.verifyLogin(login: "cia@kommun.se", password: "vad som helst", otp: "123456", now: start) == .wrong)
        #expect(throws: RegisterError.self) { _ = try register.resetStaff(login: "cia@kommun.se") }
        #expect(throws: RegisterError.self) { try register.changePassword(login: "cia@kommun.se", old: "x", new: "en lång och ovanlig fras") }
        let row = try #require(try register.database.queryOne("SELECT password_hash IS NULL, totp_secret IS NULL, source FROM staff WHERE login = 'cia@kommun.se'"))
        #expect(try row.int(0) == 1 && row.int(1) == 1 && row.text(2) == "idp")
    }

    @Test func aHandlaggareWhoseRoleChangesLeavesHerCaseload() throws {
        let register = try fixture.create()
        let person = TestPeople.person(born: 2008, sex: .female)
        try register.register(person, on: TestDates.today, reason: "OKAND")
        _ = try register.signIn(identity(), client: nil, idTokenHint: nil, now: start)
        try register.assignCaseload(person, to: "anna.andersson@kommun.se")
        #expect(try register.caseworker(of: person) == "anna.andersson@kommun.se")
        _ = try register.signIn(identity(role: .granskare), client: nil, idTokenHint: nil, now: start.addingTimeInterval(60))
        #expect(try register.caseworker(of: person) == nil)
        #expect(try register.auditEntries().contains { $0.action == "caseload_unassign" && $0.detail?.contains("reason=role_changed") == true })
    }

    @Test(arguments: ["", "a", "Anna Andersson", "anna/../x", "anna\u{0}x", "system", String(repeating: "a", count: 129)])
    func hostileLoginsFromTheProviderAreRefusedAndNothingIsWritten(login: String) throws {
        let register = try fixture.create()
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) { _ = try register.signIn(identity(login), client: nil, idTokenHint: nil, now: start) }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }

    @Test func aHostileNameFallsBackToTheLogin() throws {
        let register = try fixture.create()
        _ = try register.signIn(identity(name: "Anna\u{202E}nosrednA"), client: nil, idTokenHint: nil, now: start)
        #expect(try register.listStaff().first?.name == "anna.andersson@kommun.se")
    }

    @Test func aFailureMidwayLeavesNoAccountAndNoSession() throws {
        let register = try fixture.create()
        try register.database.execute("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'session_start' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) { _ = try register.signIn(identity(), client: nil, idTokenHint: nil, now: start) }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }

    @Test func someoneWhoLostEveryGroupLosesSessionsAndCaseloadAtTheirNextLogin() throws {
        let register = try fixture.create()
        let person = TestPeople.person(born: 2008, sex: .female)
        try register.register(person, on: TestDates.today, reason: "OKAND")
        let made = try #require(session(try register.signIn(identity(), client: nil, idTokenHint: nil, now: start)))
        try register.assignCaseload(person, to: "anna.andersson@kommun.se")
        try register.revokeIdPAccess(issuer: issuer, subject: "sub-anna", client: "192.0.2.1")
        #expect(try register.session(token: made.token, now: start, idleSeconds: 1800, absoluteSeconds: 36000) == nil)
        #expect(try register.caseworker(of: person) == nil)
        let revoked = try #require(try register.auditEntries().last { $0.action == "staff_access_revoked" })
        #expect(revoked.detail?.contains("sessions=1 caseload_released=1") == true)
        // Nothing to revoke: no row, no audit.
        let rows = try register.auditEntries().count
        try register.revokeIdPAccess(issuer: issuer, subject: "sub-anna", client: nil)
        try register.revokeIdPAccess(issuer: issuer, subject: "sub-nobody", client: nil)
        #expect(try register.auditEntries().count == rows)
    }

    @Test func renamingFreesANameForTheIdPAndIsAudited() throws {
        let register = try fixture.create()
        _ = try register.addStaff(login: "hanna", name: "Hanna Lokal", role: .handlaggare)
        guard case .localAccountConflict = try register.signIn(identity("hanna", subject: "sub-h"), client: nil, idTokenHint: nil, now: start) else {
            Issue.record("no conflict")
            return
        }
        try register.renameStaff(from: "hanna", to: "hanna.lokal")
        guard case .signedIn = try register.signIn(identity("hanna", subject: "sub-h"), client: nil, idTokenHint: nil, now: start) else {
            Issue.record("the freed name was not taken")
            return
        }
        #expect(Set(try register.listStaff().map(\.login)) == ["hanna", "hanna.lokal"])
        #expect(try register.auditEntries().contains { $0.action == "staff_rename" && $0.detail == "login=hanna.lokal was=hanna" })
        #expect(throws: RegisterError.self) { try register.renameStaff(from: "hanna.lokal", to: "hanna") }
        #expect(throws: RegisterError.self) { try register.renameStaff(from: "ingen.alls", to: "ny") }
        #expect(throws: RegisterError.self) { try register.renameStaff(from: "hanna.lokal", to: "system") }
        #expect(throws: RegisterError.self) { try register.renameStaff(from: "hanna.lokal", to: "Hanna Lokal") }
    }

    @Test func abandonedSessionsAndTheirTokensGoAtTheNextLogin() throws {
        let register = try fixture.create()
        _ = try register.signIn(identity(), client: nil, idTokenHint: "old.token.hint", now: start)
        _ = try register.signIn(identity("bo@kommun.se", subject: "sub-bo"), client: nil, idTokenHint: nil, now: start.addingTimeInterval(73 * 3600))
        #expect(try register.database.queryOne("SELECT count(*) FROM web_session WHERE id_token_hint IS NOT NULL")?.int(0) == 0)
        #expect(try register.database.queryOne("SELECT count(*) FROM web_session")?.int(0) == 1)
    }

    @Test func anUnchangedLoginDoesNotMoveTheChangeCounter() throws {
        let register = try fixture.create()
        _ = try register.signIn(identity(), client: nil, idTokenHint: nil, now: start)
        let counter = try register.database.queryOne("SELECT counter FROM register_change")?.int(0)
        _ = try register.signIn(identity(), client: nil, idTokenHint: nil, now: start.addingTimeInterval(60))
        #expect(try register.database.queryOne("SELECT counter FROM register_change")?.int(0) == counter)
    }

    @Test func aLongNameIsCutByCodePointsAsTheTableCounts() throws {
        let register = try fixture.create()
        // 150 characters of two code points each: 300 code points, over the CHECK's 200.
        let long = String(repeating: "e\u{301}", count: 150)
        _ = try register.signIn(identity(name: long), client: nil, idTokenHint: nil, now: start)
        #expect(try register.listStaff().first?.name.unicodeScalars.count == 200)
    }

    @Test func aRefusedSignInIsAuditedWithItsCode() throws {
        let register = try fixture.create()
        try register.recordRefusedSignIn(code: "oidc-aud", login: "Evil Name\n", client: "198.51.100.7")
        let entry = try #require(try register.auditEntries().last)
        #expect(entry.action == "login_refused" && entry.detail == "login=okänd method=idp code=oidc-aud client=198.51.100.7")
    }
}

/// Migration 0021 rebuilds the staff table: the local accounts, their caseloads and sessions stay.
@Suite struct IdPStaffMigrationTests {
    @Test func localAccountsCaseloadsAndTriggersSurviveTheRebuild() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("old.sqlite"), options: .init(create: true))
        _ = try Migrator(migrations: Register.migrator.migrations.filter { $0.version <= 20 }).migrate(database, now: "2026-11-01T00:00:00Z")
        let pnr = TestPeople.person(born: 2008).digits
        try database.execute(script: """
            INSERT INTO staff (id, login, name, role, password_hash, must_change_password, totp_secret, created_at)
            VALUES (7, 'hanna', 'Hanna', 'handlaggare', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA', 0, x'00112233445566778899AABBCCDDEEFF', '2026-01-01T00:00:00Z');
            INSERT INTO person (id, personnummer, first_name, last_name) VALUES (1, '\(pnr)', 'Test', 'Person');
            INSERT INTO caseload (person_id, staff_id, assigned_at) VALUES (1, 7, '2026-01-02T00:00:00Z');
            INSERT INTO web_session (id_hash, staff_id, csrf, created_at, last_seen_at) VALUES (zeroblob(32), 7, '0123456789abcdef0123456789abcdef', 1, 1);
            """)
        let counter = try database.queryOne("SELECT counter FROM register_change")?.int(0) ?? 0
        _ = try Register.migrator.migrate(database, now: "2026-12-01T00:00:00Z")
        let row = try #require(try database.queryOne("SELECT id, login, source, password_hash IS NOT NULL, idp_subject FROM staff"))
        #expect(try row.int(0) == 7 && row.text(1) == "hanna" && row.text(2) == "local" && row.int(3) == 1 && row.optionalText(4) == nil)
        #expect(try database.queryOne("SELECT staff_id FROM caseload")?.int(0) == 7)
        #expect(try database.queryOne("SELECT method FROM web_session")?.text(0) == "password")
        #expect(try database.query("PRAGMA foreign_key_check").isEmpty)
        // The change counter's triggers came back with the table.
        try database.execute("UPDATE staff SET name = 'Hanna H' WHERE id = 7")
        #expect(try database.queryOne("SELECT counter FROM register_change")?.int(0) ?? 0 > counter)
        // The table's rule: a local account has a password and a code; one of the provider neither.
        #expect(throws: SQLiteError.self) {
            try database.execute("INSERT INTO staff (login, name, role, created_at, source) VALUES ('x1', 'X', 'admin', 'now', 'local')")
        }
        #expect(throws: SQLiteError.self) {
            try database.execute("INSERT INTO staff (login, name, role, password_hash, totp_secret, must_change_password, created_at, source, idp_subject) VALUES ('x2', 'X', 'admin', '$argon2id$x', x'00112233445566778899AABBCCDDEEFF', 0, 'now', 'idp', 'iss sub')")
        }
        try database.execute("INSERT INTO staff (login, name, role, must_change_password, created_at, source, idp_subject) VALUES ('x3@k.se', 'X', 'admin', 0, 'now', 'idp', 'iss sub')")
    }
}
