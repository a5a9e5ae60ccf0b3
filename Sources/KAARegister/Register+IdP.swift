import Foundation
import KAACore
import KAASQLite

/// Who the kommun's identity provider says signed in (issue 18), after the ID token was checked.
public struct IdPIdentity: Sendable, Equatable {
    /// The provider's issuer (`https://login.microsoftonline.com/TENANT/v2.0`).
    public let issuer: String
    /// The provider's stable subject (`sub`).
    public let subject: String
    /// The login the audit log names (from the configured claim, lowercased).
    public let login: String
    /// The full name (the `name` claim, else the login).
    public let name: String
    /// The role the provider's groups map to.
    public let role: StaffRole

    public init(issuer: String, subject: String, login: String, name: String, role: StaffRole) {
        self.issuer = issuer
        self.subject = subject
        self.login = login
        self.name = name
        self.role = role
    }
}

/// What an IdP sign-in came to.
public enum IdPSignInOutcome: Sendable {
    /// Signed in: the session, and whether the account was made by this login.
    case signedIn(NewWebSession, created: Bool)
    /// The account is disabled here (which overrides the provider).
    case disabled
    /// A local (password) account has this login: the provider may not take it over.
    case localAccountConflict
    /// Another subject of the provider signed in with this login before (a reused name).
    case subjectConflict
}

/// Staff who sign in through the kommun's identity provider. An account is made at the first
/// login, bound to the provider's issuer and subject, and its name and role follow the provider at
/// every login; it has no password or TOTP secret here. Disabling it here wins over the provider.
extension Register {
    /// The key an account is bound to: issuer and subject (neither holds a space once checked).
    static func idpSubjectKey(_ identity: IdPIdentity) -> String { "\(identity.issuer) \(identity.subject)" }

    /// Signs `identity` in at `now`: makes or updates the account and starts a session, in one
    /// transaction with their audit rows; a refusal is audited and starts nothing.
    public func signIn(_ identity: IdPIdentity, client: String?, idTokenHint: String?, now: Date) throws(RegisterError) -> IdPSignInOutcome {
        try Self.checkLogin(identity.login, field: "login", existing: true)
        guard !identity.subject.isEmpty, !identity.issuer.isEmpty, !identity.subject.contains(" "), !identity.issuer.contains(" "),
              Self.idpSubjectKey(identity).utf8.count <= 700 else {
            throw .invalidInput(field: "sub", message: "identitetsleverantörens subjekt är inte användbart")
        }
        let name = Self.cleanName(identity.name, fallback: identity.login)
        let session = NewWebSession(token: try Self.randomToken(), csrf: try Self.randomToken())
        let key = Self.idpSubjectKey(identity)
        let clientText = client.map { " client=\($0)" } ?? ""
        return try write { () throws -> IdPSignInOutcome in
            var created = false
            let id: Int64
            if let row = try database.queryOne("SELECT id, login, name, role, disabled FROM staff WHERE idp_subject = ?", [.text(key)]) {
                id = try row.int(0)
                let login = try row.text(1)
                guard try row.int(4) == 0 else {
                    try audit("login_refused", detail: "login=\(login) method=idp reason=disabled\(clientText)", staff: login)
                    return .disabled
                }
                if login != identity.login {
                    // Renamed at the provider: the new name follows, unless another account has it.
                    guard try database.queryOne("SELECT 1 FROM staff WHERE login = ?", [.text(identity.login)]) == nil else {
                        try audit("login_refused", detail: "login=\(identity.login) method=idp reason=login_taken\(clientText)", staff: identity.login)
                        return try database.queryOne("SELECT source FROM staff WHERE login = ?", [.text(identity.login)])?.text(0) == "local"
                            ? .localAccountConflict : .subjectConflict
                    }
                }
                var changes = AuditChanges()
                if login != identity.login { changes.value("inloggningsnamn", login, identity.login) }
                if try row.text(2) != name { changes.personal("namn", try row.text(2), name) }
                let before = try row.text(3)
                if before != identity.role.rawValue {
                    changes.value("roll", before, identity.role.rawValue)
                    if before == StaffRole.handlaggare.rawValue { try releaseCaseload(staffID: id, login: login, reason: "role_changed") }
                }
                if changes.text != nil {
                    // Only a real change touches the columns the views follow (and moves the change counter).
                    try database.execute("UPDATE staff SET login = ?, name = ?, role = ? WHERE id = ?",
                                         [.text(identity.login), .text(name), .text(identity.role.rawValue), .integer(id)])
                }
                try database.execute("UPDATE staff SET last_login_at = ? WHERE id = ?", [.text(clock.now), .integer(id)])
                if changes.text != nil {
                    try audit("staff_update", detail: "login=\(identity.login) source=idp", changes: changes, staff: identity.login)
                }
            } else {
                if let other = try database.queryOne("SELECT source FROM staff WHERE login = ?", [.text(identity.login)]) {
                    let local = try other.text(0) == "local"
                    try audit("login_refused", detail: "login=\(identity.login) method=idp reason=\(local ? "local_account" : "subject_mismatch")\(clientText)",
                              staff: identity.login)
                    return local ? .localAccountConflict : .subjectConflict
                }
                try database.execute("""
                    INSERT INTO staff (login, name, role, must_change_password, created_at, source, idp_subject, last_login_at)
                    VALUES (?, ?, ?, 0, ?, 'idp', ?, ?)
                    """, [.text(identity.login), .text(name), .text(identity.role.rawValue), .text(clock.now), .text(key), .text(clock.now)])
                id = database.lastInsertRowID
                created = true
                var changes = AuditChanges()
                changes.value("roll", nil, identity.role.rawValue)
                changes.personal("namn", nil, name)
                try audit("staff_add", detail: "login=\(identity.login) source=idp", changes: changes, staff: identity.login)
            }
            let at = Self.seconds(now)
            try deleteAbandonedSessions(at: at)
            try database.execute("""
                INSERT INTO web_session (id_hash, staff_id, csrf, must_change_password, created_at, last_seen_at, method, client, id_token_hint)
                VALUES (?, ?, ?, 0, ?, ?, 'idp', ?, ?)
                """, [.blob(Self.sessionHash(session.token)), .integer(id), .text(session.csrf), .integer(at), .integer(at),
                      SQLValue(client.map { String($0.prefix(64)) }), SQLValue(idTokenHint.flatMap { $0.utf8.count <= 16384 ? $0 : nil })])
            try audit("session_start", detail: "login=\(identity.login) method=idp role=\(identity.role.rawValue)\(clientText)", staff: identity.login)
            return .signedIn(session, created: created)
        }
    }

    /// Audits a sign-in the relying party refused before it reached an account (a bad token, no
    /// role, an expired state): `code` says why, `login` is the token's when it had one.
    public func recordRefusedSignIn(code: String, login: String?, client: String?) throws(RegisterError) {
        let safeLogin = login.flatMap { (try? Self.checkLogin($0, existing: true)) != nil ? $0 : nil }
        let detail = ["login=\(safeLogin ?? Self.unknownStaff)", "method=idp", "code=\(code)", client.map { "client=\($0)" }]
            .compactMap { $0 }.joined(separator: " ")
        try write { try audit("login_refused", detail: detail, staff: safeLogin ?? Self.unknownStaff) }
    }

    /// Someone the provider signed in whose groups no longer give a role: if they had an account,
    /// its sessions end and its caseload is released now (their role here is gone with the groups),
    /// audited. The account stays (audit rows name it); a later login with a mapped group brings it back.
    public func revokeIdPAccess(issuer: String, subject: String, client: String?) throws(RegisterError) {
        let key = "\(issuer) \(subject)"
        try write {
            guard let row = try database.queryOne("SELECT id, login, role FROM staff WHERE idp_subject = ?", [.text(key)]) else { return }
            let id = try row.int(0), login = try row.text(1)
            let sessions = try database.queryOne("SELECT count(*) FROM web_session WHERE staff_id = ?", [.integer(id)])?.int(0) ?? 0
            let caseload = try database.queryOne("SELECT count(*) FROM caseload WHERE staff_id = ?", [.integer(id)])?.int(0) ?? 0
            guard sessions > 0 || caseload > 0 else { return }
            try endSessions(staffID: id)
            try audit("staff_access_revoked", detail: "login=\(login) source=idp reason=no_role sessions=\(sessions) caseload_released=\(caseload)"
                      + (client.map { " client=\($0)" } ?? ""), staff: login)
            try releaseCaseload(staffID: id, login: login, reason: "no_role")
        }
    }

    /// Gives an account another login (a name wanted by someone else: a local account before the
    /// kommun's IdP takes over, or a former colleague's reused address). Audited; the account's
    /// sessions end. An account of the IdP gets the provider's name back at its next login, unless
    /// the name is taken.
    public func renameStaff(from old: String, to new: String) throws(RegisterError) {
        try Self.checkLogin(old, field: "LOGIN", existing: true)
        try Self.checkLogin(new, field: "NYTT", existing: true)
        guard !Self.reservedLogins.contains(new) else { throw .invalidInput(field: "NYTT", message: "'\(new)' är reserverat") }
        try write {
            let id = try staffID(old)
            guard try database.queryOne("SELECT 1 FROM staff WHERE login = ?", [.text(new)]) == nil else {
                throw RegisterError.invalidInput(field: "NYTT", message: "det finns redan ett konto med inloggningsnamnet \(new)")
            }
            try database.execute("UPDATE staff SET login = ? WHERE id = ?", [.text(new), .integer(id)])
            try endSessions(staffID: id)
            var changes = AuditChanges()
            changes.value("inloggningsnamn", old, new)
            try audit("staff_rename", detail: "login=\(new) was=\(old)", changes: changes)
        }
    }

    /// Deletes sessions nobody has used for longer than any session may live (72 hours, the
    /// largest `sessionAbsoluteHours`): an abandoned browser's row, and an IdP session's ID token
    /// with it, do not stay in the register.
    func deleteAbandonedSessions(at seconds: Int64) throws {
        try database.execute("DELETE FROM web_session WHERE created_at < ? OR last_seen_at < ?",
                             [.integer(seconds - 72 * 3600), .integer(seconds - 72 * 3600)])
    }

    /// A name from the provider as the register keeps it: trimmed, at most 200 code points (what
    /// the table's CHECK counts), free of control characters; else `fallback`.
    static func cleanName(_ name: String, fallback: String) -> String {
        let whole = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let trimmed = String(String.UnicodeScalarView(whole.unicodeScalars.prefix(200)))
        guard !trimmed.isEmpty, TextSafety.problem(in: trimmed) == nil else { return fallback }
        return trimmed
    }

    /// Takes everyone out of a staff member's caseload, each audited (the account was disabled, or
    /// is no longer a handläggare).
    func releaseCaseload(staffID id: Int64, login: String, reason: String) throws {
        let released = try database.query("SELECT person_id FROM caseload WHERE staff_id = ?", [.integer(id)]).map { try $0.int(0) }
        try database.execute("DELETE FROM caseload WHERE staff_id = ?", [.integer(id)])
        for person in released {
            try audit("caseload_unassign", personID: person, detail: "login=\(login) reason=\(reason)")
        }
    }
}
