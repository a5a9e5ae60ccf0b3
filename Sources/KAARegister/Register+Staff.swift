import Foundation
import KAAAuth
import KAACore
import KAACrypto
import KAAResources
import KAASQLite

/// Staff accounts, their login check and caseloads (issue 15). Every change is one transaction
/// with its audit row; no audit row holds a password, a hash or a TOTP secret.
extension Register {
    /// The password hasher with the Argon2id parameters in force (Inställningar, else the config
    /// file), read at each use: a changed cost applies to the next password set, and existing
    /// hashes keep verifying with the parameters encoded in them.
    func passwordHasher() throws -> PasswordHasher {
        let settings = try readEffectiveSettings()
        return PasswordHasher(memoryKiB: UInt32(settings.argon2MemoryKiB), iterations: UInt32(settings.argon2Iterations),
                              parallelism: UInt32(settings.argon2Parallelism))
    }

    /// Checks a login name: 2–64 of `a-z 0-9 . _ -` (it appears in URIs, audit rows and file names)
    /// for a new local account; `existing` also allows what an identity provider's accounts may have
    /// (`@`, up to 128: `anna.andersson@kommun.se`), for naming an account that exists.
    public static func checkLogin(_ login: String, field: String = "LOGIN", existing: Bool = false) throws(RegisterError) {
        let allowed = login.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D || (existing && $0 == 0x40)
        }
        guard allowed, (2...(existing ? 128 : 64)).contains(login.utf8.count) else {
            throw .invalidInput(field: field, message: existing
                ? "'\(shown(login))' är inget giltigt inloggningsnamn (2–128 tecken: a–z, 0–9, punkt, understreck, bindestreck, @)"
                : "'\(shown(login))' är inget giltigt inloggningsnamn (2–64 tecken: a–z, 0–9, punkt, understreck, bindestreck)")
        }
        // Reserved: the web UI's lists filter on handläggare `ingen` (nobody), and the log names unknown logins `okänd`.
        guard !reservedLogins.contains(login) else {
            throw .invalidInput(field: field, message: "'\(login)' är reserverat och kan inte vara ett inloggningsnamn")
        }
    }

    /// Checks a staff member's full name with the register's one text check.
    static func checkStaffName(_ name: String) throws(RegisterError) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw .invalidInput(field: "--name", message: "namnet ska vara 1–200 tecken")
        }
        if let problem = TextSafety.problem(in: name) { throw .invalidInput(field: "--name", message: "namnet \(problem)") }
    }

    /// Adds a staff account with a one-time password and a new TOTP secret.
    public func addStaff(login: String, name: String, role: StaffRole) throws(RegisterError) -> StaffCredentials {
        try Self.checkLogin(login)
        try Self.checkStaffName(name)
        let credentials = try makeCredentials(login: login)
        let hash = try hashPassword(credentials.password)
        return try write {
            guard try database.queryOne("SELECT 1 FROM staff WHERE login = ?", [.text(login)]) == nil else {
                throw RegisterError.invalidInput(field: "LOGIN", message: "det finns redan ett konto med inloggningsnamnet \(login)")
            }
            try database.execute(
                "INSERT INTO staff (login, name, role, password_hash, must_change_password, totp_secret, created_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
                [.text(login), .text(name.trimmingCharacters(in: .whitespaces)), .text(role.rawValue), .text(hash), .blob(credentials.totpSecret),
                 .text(clock.now)])
            var changes = AuditChanges()
            changes.value("roll", nil, role.rawValue)
            changes.personal("namn", nil, name)
            try audit("staff_add", detail: "login=\(login)", changes: changes)
            return credentials
        }
    }

    /// Every staff account, by login.
    public func listStaff() throws(RegisterError) -> [StaffAccount] {
        try read {
            try database.query("""
                SELECT login, name, role, must_change_password, disabled, locked_until,
                       (SELECT count(*) FROM caseload WHERE staff_id = staff.id), source, last_login_at
                FROM staff ORDER BY login
                """).map { row in
                let roleText = try row.text(2)
                guard let role = StaffRole(rawValue: roleText) else {
                    throw SQLiteError(.mismatch, message: "staff.role holds '\(roleText)'")
                }
                return StaffAccount(login: try row.text(0), name: try row.text(1), role: role, mustChangePassword: try row.int(3) != 0,
                                    isDisabled: try row.int(4) != 0, lockedUntil: try row.optionalText(5), caseloadCount: Int(try row.int(6)),
                                    signsInWithIdP: try row.text(7) == "idp", lastLoginAt: try row.optionalText(8))
            }
        }
    }

    /// Disables an account: it can no longer log in, and its caseload is released for reassignment.
    /// An account of the identity provider stays disabled whatever the provider says.
    public func disableStaff(login: String) throws(RegisterError) {
        try Self.checkLogin(login, existing: true)
        try write {
            let id = try staffID(login)
            try database.execute("UPDATE staff SET disabled = 1 WHERE id = ?", [.integer(id)])
            try endSessions(staffID: id)
            let released = try database.queryOne("SELECT count(*) FROM caseload WHERE staff_id = ?", [.integer(id)])?.int(0) ?? 0
            var changes = AuditChanges()
            changes.flag("avstängd", false, true)
            try audit("staff_disable", detail: "login=\(login) caseload_released=\(released)", changes: changes)
            try releaseCaseload(staffID: id, login: login, reason: "staff_disabled")
        }
    }

    /// Gives an account a new one-time password and a new TOTP secret, and lifts a lockout.
    public func resetStaff(login: String) throws(RegisterError) -> StaffCredentials {
        try Self.checkLogin(login, existing: true)
        let source = try read { try database.queryOne("SELECT source FROM staff WHERE login = ?", [.text(login)])?.text(0) }
        if source == "idp" {
            throw .invalidInput(field: "LOGIN", message: "\(login) loggar in via kommunens identitetsleverantör; lösenord och tvåfaktorsinloggning sköts där")
        }
        let credentials = try makeCredentials(login: login)
        let hash = try hashPassword(credentials.password)
        return try write {
            let id = try staffID(login)
            try database.execute("""
                UPDATE staff SET password_hash = ?, must_change_password = 1, totp_secret = ?, last_totp_step = NULL,
                                 failed_attempts = 0, locked_until = NULL WHERE id = ?
                """, [.text(hash), .blob(credentials.totpSecret), .integer(id)])
            var changes = AuditChanges()
            try endSessions(staffID: id)
            changes.note("nytt engångslösenord och ny TOTP-nyckel")
            try audit("staff_reset", detail: "login=\(login)", changes: changes)
            return credentials
        }
    }

    /// Checks a login attempt at `now`: password and TOTP code (one step of drift, never a code twice).
    ///
    /// `loginFailuresBeforeLock` failures in a row lock the account for `lockoutMinutes`; failures and
    /// lockouts are audited. The attempt's record commits whatever the outcome.
    public func verifyLogin(login: String, password: String, otp: String, now: Date) throws(RegisterError) -> LoginOutcome {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let nowText = CalendarDate.utcTimestamp(secondsSince1970: Int(seconds))
        // A login that is not even well formed cannot name an account; it is still a failed attempt.
        let known: Row?
        if (try? Self.checkLogin(login)) != nil {
            known = try read {
                try database.queryOne("""
                    SELECT id, password_hash, totp_secret, last_totp_step, failed_attempts, locked_until, disabled, must_change_password
                    FROM staff WHERE login = ?
                    """, [.text(login)])
            }
        } else {
            known = nil
        }
        guard let row = known else {
            // The same Argon2 work as for a real account, so the time taken does not tell whether the login exists;
            // after a change of cost in Inställningar, the cost a password set now gets.
            if let hasher = try? passwordHasher(),
               !unknownAccountHash.hasPrefix("$argon2id$v=19$m=\(hasher.memoryKiB),t=\(hasher.iterations),p=\(hasher.parallelism)$") {
                unknownAccountHash = makeUnknownAccountHash()
            }
            _ = PasswordHasher.verify(password, against: unknownAccountHash)
            try write { try audit("login_failed", detail: "reason=unknown_login", staff: Self.unknownStaff) }
            return .wrong
        }
        do {
            let id = try row.int(0)
            // The same Argon2 work whatever the outcome, so the time taken tells nothing.
            // An account of the identity provider has no password here: it never logs in with one.
            let hash = try row.optionalText(1)
            let passwordIsRight = PasswordHasher.verify(password, against: hash ?? unknownAccountHash) && hash != nil
            if hash == nil {
                try write { try audit("login_refused", detail: "login=\(login) reason=idp_account", staff: login) }
                return .wrong
            }
            if try row.int(6) != 0 {
                try write { try audit("login_refused", detail: "login=\(login) reason=disabled", staff: login) }
                return .disabled
            }
            if let until = try row.optionalText(5), until > nowText {
                try write { try audit("login_refused", detail: "login=\(login) reason=locked", staff: login) }
                return .locked(until: until)
            }
            let step = try OneTimeCode.matchingStep(otp, secret: try row.blob(2), at: seconds, after: try row.optionalInt(3))
            if passwordIsRight, let step {
                let mustChange = try row.int(7) != 0
                try write {
                    // The step only moves forward: a concurrent login with the same code finds it already used.
                    try database.execute("""
                        UPDATE staff SET last_totp_step = ?, failed_attempts = 0, locked_until = NULL
                        WHERE id = ? AND (last_totp_step IS NULL OR last_totp_step < ?)
                        """, [.integer(step), .integer(id), .integer(step)])
                    guard database.changes == 1 else { throw RegisterError.invalidInput(field: "otp", message: "koden har redan använts") }
                    try audit("login", detail: "login=\(login)", staff: login)
                }
                return mustChange ? .mustChangePassword : .ok
            }
            return try write { try recordFailure(id: id, login: login, reason: passwordIsRight ? "otp" : "password", at: seconds) }
        } catch let error as RegisterError {
            if case .invalidInput(field: "otp", _) = error { return .wrong }
            throw error
        } catch {
            throw .wrap(error)
        }
    }

    /// Changes a password after checking the old one, the configured minimum length and the list of
    /// common passwords (`seeds/common-passwords.csv`); the new one is no longer one-time. A wrong old
    /// password counts as a failed login (so this is no way around the lockout); a locked or disabled
    /// account cannot change its password.
    public func changePassword(login: String, old: String, new: String, now: Date = Date()) throws(RegisterError) {
        try Self.checkLogin(login)
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let refused = RegisterError.invalidInput(field: "password", message: "fel inloggningsnamn eller lösenord, eller kontot är låst eller avstängt")
        let row = try read {
            try database.queryOne("SELECT id, password_hash, disabled, locked_until FROM staff WHERE login = ?", [.text(login)])
        }
        guard let row else { throw refused }
        let account: (id: Int64, hash: String?, isUsable: Bool)
        do {
            let lockedUntil = try row.optionalText(3)
            account = (try row.int(0), try row.optionalText(1),
                       try row.int(2) == 0 && (lockedUntil ?? "") <= CalendarDate.utcTimestamp(secondsSince1970: Int(seconds)))
        } catch {
            throw .database(error)
        }
        // An account of the identity provider has no password to change.
        guard account.isUsable, let currentHash = account.hash else { throw refused }
        guard PasswordHasher.verify(old, against: currentHash) else {
            _ = try write { try recordFailure(id: account.id, login: login, reason: "password_change", at: seconds) }
            throw refused
        }
        if let problem = passwordProblem(new, login: login, old: old) {
            throw .invalidInput(field: "new_password", message: problem)
        }
        let hash = try hashPassword(new)
        try write {
            try database.execute("UPDATE staff SET password_hash = ?, must_change_password = 0, failed_attempts = 0 WHERE id = ?",
                                 [.text(hash), .integer(account.id)])
            try audit("staff_password_changed", detail: "login=\(login)", staff: login)
        }
    }

    /// Why `password` may not be chosen, in Swedish, or nil when it may.
    public func passwordProblem(_ password: String, login: String, old: String? = nil) -> String? {
        if password.count < configuration.passwordMinimumLength {
            return "lösenordet ska vara minst \(configuration.passwordMinimumLength) tecken"
        }
        if TextSafety.forbiddenCharacter(in: password) != nil { return "lösenordet får inte innehålla styrtecken" }
        if password == old { return "det nya lösenordet ska skilja sig från det gamla" }
        let folded = password.lowercased()
        if folded.contains(login.lowercased()) { return "lösenordet får inte innehålla inloggningsnamnet" }
        if Self.commonPasswords.contains(folded) { return "lösenordet är ett av de vanligaste lösenorden; välj ett annat" }
        return nil
    }

    /// Puts a person in a handläggare's caseload (replacing any earlier one).
    public func assignCaseload(_ pnr: PersonalIdentityNumber, to login: String) throws(RegisterError) {
        try Self.checkLogin(login, field: "--staff", existing: true)
        try write {
            let person = try personID(pnr)
            guard let row = try database.queryOne("SELECT id, role, disabled FROM staff WHERE login = ?", [.text(login)]) else {
                throw RegisterError.notFound("det finns inget konto med inloggningsnamnet \(login)")
            }
            guard try row.text(1) == StaffRole.handlaggare.rawValue else {
                throw RegisterError.invalidInput(field: "--staff", message: "\(login) är inte handläggare (bara en handläggare har en egen ärendelista)")
            }
            guard try row.int(2) == 0 else {
                throw RegisterError.invalidInput(field: "--staff", message: "kontot \(login) är avstängt")
            }
            let before = try database.queryOne(
                "SELECT staff.login FROM caseload JOIN staff ON staff.id = caseload.staff_id WHERE person_id = ?", [.integer(person)])?.text(0)
            try database.execute("""
                INSERT INTO caseload (person_id, staff_id, assigned_at) VALUES (?, ?, ?)
                ON CONFLICT(person_id) DO UPDATE SET staff_id = excluded.staff_id, assigned_at = excluded.assigned_at
                """, [.integer(person), .integer(try row.int(0)), .text(clock.now)])
            var changes = AuditChanges()
            changes.value("handläggare", before, login)
            try audit("caseload_assign", personID: person, detail: "login=\(login)", changes: changes)
        }
    }

    /// Takes a person out of any caseload.
    public func unassignCaseload(_ pnr: PersonalIdentityNumber) throws(RegisterError) {
        try write {
            let person = try personID(pnr)
            guard let before = try database.queryOne(
                "SELECT staff.login FROM caseload JOIN staff ON staff.id = caseload.staff_id WHERE person_id = ?", [.integer(person)])?.text(0) else {
                throw RegisterError.invalidInput(field: "PNR", message: "\(pnr.formatted) har ingen handläggare")
            }
            try database.execute("DELETE FROM caseload WHERE person_id = ?", [.integer(person)])
            var changes = AuditChanges()
            changes.value("handläggare", before, nil)
            try audit("caseload_unassign", personID: person, detail: "login=\(before)", changes: changes)
        }
    }

    /// The login of a person's handläggare, if any.
    public func caseworker(of pnr: PersonalIdentityNumber) throws(RegisterError) -> String? {
        try read {
            try database.queryOne("SELECT staff.login FROM caseload JOIN staff ON staff.id = caseload.staff_id WHERE person_id = ?",
                                  [.integer(try personID(pnr))])?.text(0)
        }
    }

    /// Counts a failed attempt in the caller's transaction; the one that reaches the limit locks the
    /// account. Which part was wrong goes to the log reviewer only, never to the one logging in.
    func recordFailure(id: Int64, login: String, reason: String, at seconds: Int64) throws -> LoginOutcome {
        let failures = try database.queryOne("SELECT failed_attempts FROM staff WHERE id = ?", [.integer(id)])?.int(0) ?? 0
        try audit("login_failed", detail: "login=\(login) reason=\(reason) attempt=\(failures + 1)", staff: login)
        if failures + 1 >= Int64(configuration.loginFailuresBeforeLock) {
            let until = CalendarDate.utcTimestamp(secondsSince1970: Int(seconds) + configuration.lockoutMinutes * 60)
            try database.execute("UPDATE staff SET failed_attempts = 0, locked_until = ? WHERE id = ?", [.text(until), .integer(id)])
            try audit("login_locked", detail: "login=\(login) until=\(until)", staff: login)
            return .locked(until: until)
        }
        try database.execute("UPDATE staff SET failed_attempts = ? WHERE id = ?", [.integer(failures + 1), .integer(id)])
        return .wrong
    }

    // MARK: - Helpers

    /// Logins no account may have (words the UI and the log give a meaning).
    static let reservedLogins: Set<String> = ["ingen", "okand", "system", "web", "cli"]

    /// The name audit rows give an attempt on a login that does not exist (the typed text is not
    /// logged: it may be a password typed into the wrong field).
    static let unknownStaff = "okänd"

    /// A hash no password matches in practice, with the configured parameters, verified for unknown
    /// logins so they cost what a real account costs.
    func makeUnknownAccountHash() -> String {
        let secret = (try? Crypto.randomBytes(32)).map { Crypto.hex($0) } ?? "kaa-unknown-account"
        return (try? passwordHasher().hash(secret)) ?? "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }

    /// The common passwords shipped in `seeds/common-passwords.csv`, lowercased (`#` lines are comments).
    static let commonPasswords: Set<String> = {
        let text = EmbeddedFiles.text("seeds/common-passwords.csv") ?? ""
        return Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }()

    /// A staff account's id, or a not-found error.
    func staffID(_ login: String) throws -> Int64 {
        guard let id = try database.queryOne("SELECT id FROM staff WHERE login = ?", [.text(login)])?.int(0) else {
            throw RegisterError.notFound("det finns inget konto med inloggningsnamnet \(login)")
        }
        return id
    }

    /// A one-time password (16 characters without look-alikes such as 0/O and 1/l) and a TOTP secret.
    func makeCredentials(login: String) throws(RegisterError) -> StaffCredentials {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        do {
            // 256 is not a multiple of the alphabet's size; bytes past the last whole multiple are
            // dropped so every character is equally likely.
            let limit = 256 - 256 % alphabet.count
            var password = ""
            while password.count < 16 {
                for byte in try Crypto.randomBytes(32) where Int(byte) < limit && password.count < 16 {
                    password.append(alphabet[Int(byte) % alphabet.count])
                }
            }
            let secret = try OneTimeCode.makeSecret()
            return StaffCredentials(login: login, password: password, totpSecret: secret,
                                    provisioningURI: try OneTimeCode.provisioningURI(login: login, secret: secret))
        } catch {
            throw .file("kunde inte skapa inloggningsuppgifter: \(error)")
        }
    }

    /// Hashes `password` with the configured parameters.
    func hashPassword(_ password: String) throws(RegisterError) -> String {
        do {
            return try passwordHasher().hash(password)
        } catch {
            throw .file("kunde inte skapa lösenordshash: \(error)")
        }
    }
}
