import Foundation
import KAAAuth
import KAACore
import KAACrypto
import KAASQLite

/// A browser's logged-in session as a request finds it.
public struct WebSession: Sendable, Equatable {
    /// Who is logged in.
    public let viewer: Viewer
    /// The token every form of this session posts back (`csrf`).
    public let csrf: String
    /// Made with a one-time password: the only thing it may do is set a new one.
    public let mustChangePassword: Bool
    /// Begun through the kommun's identity provider (no password here to change).
    public let isFromIdP: Bool
}

/// A session just made: the id for the cookie (shown once, stored only hashed) and its CSRF token.
public struct NewWebSession: Sendable {
    /// 256 random bits, base64url: the cookie's value.
    public let token: String
    /// The session's CSRF token.
    public let csrf: String
}

/// Why a session ended.
public enum SessionEnd: String, Sendable {
    case logout
    case idle = "idle_timeout"
    case absolute = "absolute_timeout"
    case rotated
    case disabled = "account_disabled"
}

/// Web sessions (issue 15): made at login, rotated on a change of privilege, ended by logout and
/// by the idle and absolute timeouts. The id is never stored, only its SHA-256, so a copy of the
/// register logs nobody in; every start and end is audited.
extension Register {
    /// Seconds since 1970 of `date`.
    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// A random 256-bit value as unpadded base64url (43 characters).
    static func randomToken() throws(RegisterError) -> String {
        do {
            return Data(try Crypto.randomBytes(32)).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        } catch {
            throw .file("kunde inte skapa slumptal för sessionen: \(error)")
        }
    }

    /// The stored form of a session id.
    static func sessionHash(_ token: String) -> [UInt8] { Crypto.sha256(Array(token.utf8)) }

    /// Starts a session for `login` after a successful login check.
    /// `client` is the browser's address as the web server believes it (the audit row keeps it).
    public func startSession(login: String, mustChangePassword: Bool, now: Date, client: String? = nil) throws(RegisterError) -> NewWebSession {
        let session = NewWebSession(token: try Self.randomToken(), csrf: try Self.randomToken())
        let at = Self.seconds(now)
        try write {
            let id = try staffID(login)
            try deleteAbandonedSessions(at: at)
            try database.execute("""
                INSERT INTO web_session (id_hash, staff_id, csrf, must_change_password, created_at, last_seen_at, client) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.blob(Self.sessionHash(session.token)), .integer(id), .text(session.csrf), SQLValue(mustChangePassword), .integer(at), .integer(at),
                      SQLValue(client.map { String($0.prefix(64)) })])
            try database.execute("UPDATE staff SET last_login_at = ? WHERE id = ?", [.text(clock.now), .integer(id)])
            try audit("session_start", detail: "login=\(login) method=password\(mustChangePassword ? " must_change_password=1" : "")\(client.map { " client=\($0)" } ?? "")",
                      staff: login)
        }
        return session
    }

    /// The live session a cookie names at `now`, or nil. An expired session (idle or absolute) or one
    /// whose account is disabled is deleted and audited here; a live one's last use is brought
    /// forward (at most once a minute, so that reading pages does not mean a write each).
    public func session(token: String, now: Date, idleSeconds: Int, absoluteSeconds: Int) throws(RegisterError) -> WebSession? {
        guard token.utf8.count == 43, token.utf8.allSatisfy({ Self.isBase64URL($0) }) else { return nil }
        let hash = Self.sessionHash(token)
        let at = Self.seconds(now)
        let row: Row? = try read {
            try database.queryOne("""
                SELECT s.staff_id, st.login, st.name, st.role, st.disabled, s.csrf, s.must_change_password, s.created_at, s.last_seen_at, s.method
                FROM web_session s JOIN staff st ON st.id = s.staff_id WHERE s.id_hash = ?
                """, [.blob(hash)])
        }
        guard let row else { return nil }
        do {
            let login = try row.text(1)
            let roleText = try row.text(3)
            guard let role = StaffRole(rawValue: roleText) else { throw SQLiteError(.mismatch, message: "staff.role holds '\(roleText)'") }
            let createdAt = try row.int(7), lastSeenAt = try row.int(8)
            let end: SessionEnd? = try row.int(4) != 0 ? .disabled
                : at - lastSeenAt >= Int64(idleSeconds) ? .idle
                : at - createdAt >= Int64(absoluteSeconds) ? .absolute : nil
            if let end {
                try endSession(hash: hash, login: login, reason: end)
                return nil
            }
            if at - lastSeenAt >= 60 {
                try write { try database.execute("UPDATE web_session SET last_seen_at = ? WHERE id_hash = ?", [.integer(at), .blob(hash)]) }
            }
            return WebSession(viewer: Viewer(staffID: try row.int(0), login: login, name: try row.text(2), role: role),
                              csrf: try row.text(5), mustChangePassword: try row.int(6) != 0, isFromIdP: try row.text(9) == "idp")
        } catch {
            throw .wrap(error)
        }
    }

    /// Ends the session a cookie names (logout); nothing happens for an unknown one. Returns the
    /// ID token an identity provider's session was begun with (for RP-initiated logout), else nil.
    @discardableResult
    public func endSession(token: String, reason: SessionEnd = .logout) throws(RegisterError) -> String? {
        let hash = Self.sessionHash(token)
        let row: Row? = try read {
            try database.queryOne("SELECT st.login, s.id_token_hint FROM web_session s JOIN staff st ON st.id = s.staff_id WHERE s.id_hash = ?",
                                  [.blob(hash)])
        }
        guard let row else { return nil }
        let login: String, hint: String?
        do {
            login = try row.text(0)
            hint = try row.optionalText(1)
        } catch {
            throw .database(error)
        }
        try endSession(hash: hash, login: login, reason: reason)
        return hint
    }

    private func endSession(hash: [UInt8], login: String, reason: SessionEnd) throws(RegisterError) {
        try write {
            try database.execute("DELETE FROM web_session WHERE id_hash = ?", [.blob(hash)])
            guard database.changes == 1 else { return }
            try audit(reason == .logout ? "logout" : "session_end", detail: "login=\(login) reason=\(reason.rawValue)", staff: login)
        }
    }

    /// Replaces a session by a new one with a new id and CSRF token (a change of privilege: the
    /// password set after a one-time one, or changed). The old id stops working at once, and so do
    /// the account's other sessions: a cookie stolen before a password change dies with it.
    public func rotateSession(token: String, now: Date) throws(RegisterError) -> NewWebSession {
        let hash = Self.sessionHash(token)
        let fresh = NewWebSession(token: try Self.randomToken(), csrf: try Self.randomToken())
        let at = Self.seconds(now)
        try write {
            guard let row = try database.queryOne(
                "SELECT s.staff_id, st.login FROM web_session s JOIN staff st ON st.id = s.staff_id WHERE s.id_hash = ?", [.blob(hash)]) else {
                throw RegisterError.notFound("sessionen finns inte längre")
            }
            let must = try database.queryOne("SELECT must_change_password FROM staff WHERE id = ?", [.integer(try row.int(0))])?.int(0) ?? 1
            try database.execute("""
                INSERT INTO web_session (id_hash, staff_id, csrf, must_change_password, created_at, last_seen_at, method, client, id_token_hint)
                SELECT ?, staff_id, ?, ?, ?, ?, method, client, id_token_hint FROM web_session WHERE id_hash = ?
                """, [.blob(Self.sessionHash(fresh.token)), .text(fresh.csrf), .integer(must), .integer(at), .integer(at), .blob(hash)])
            try database.execute("DELETE FROM web_session WHERE staff_id = ? AND id_hash <> ?", [.integer(try row.int(0)), .blob(Self.sessionHash(fresh.token))])
            try audit("session_rotated", detail: "login=\(try row.text(1))", staff: try row.text(1))
        }
        return fresh
    }

    /// Sets the first own password of an account still on a one-time one (the session that asks was
    /// made by a full password-and-code check). The caller rotates the session, which ends the others.
    public func setInitialPassword(login: String, new: String) throws(RegisterError) {
        try Self.checkLogin(login)
        if let problem = passwordProblem(new, login: login) {
            throw .invalidInput(field: "new_password", message: problem)
        }
        let hash = try hashPassword(new)
        try write {
            let id = try staffID(login)
            try database.execute("UPDATE staff SET password_hash = ?, must_change_password = 0, failed_attempts = 0 WHERE id = ? AND must_change_password = 1",
                                 [.text(hash), .integer(id)])
            guard database.changes == 1 else {
                throw RegisterError.invalidInput(field: "new_password", message: "kontot har redan ett eget lösenord")
            }
            try audit("staff_password_changed", detail: "login=\(login)", staff: login)
        }
    }

    /// Deletes every session of an account (it was disabled or reset).
    func endSessions(staffID: Int64) throws {
        try database.execute("DELETE FROM web_session WHERE staff_id = ?", [.integer(staffID)])
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
    }
}
