/// A staff account as listed (never its password hash or TOTP secret).
public struct StaffAccount: Sendable, Equatable {
    /// The login name (`[a-z0-9._-]{2,64}`).
    public let login: String
    /// The full name.
    public let name: String
    /// The role.
    public let role: StaffRole
    /// Whether the next login must choose a new password (after add or reset).
    public let mustChangePassword: Bool
    /// Whether the account is disabled (accounts are never deleted: audit rows name them).
    public let isDisabled: Bool
    /// Until when (UTC, `YYYY-MM-DDTHH:MM:SSZ`) the account is locked after failed logins, if it was.
    public let lockedUntil: String?
    /// The people in the account's caseload.
    public let caseloadCount: Int
    /// Whether the account signs in through the kommun's identity provider (made at its first login;
    /// no password or TOTP here).
    public let signsInWithIdP: Bool
    /// UTC time of the last successful login, if any since issue 18.
    public let lastLoginAt: String?
}

/// What a new or reset account is handed once: the one-time password and the TOTP enrolment.
public struct StaffCredentials: Sendable {
    /// The login name.
    public let login: String
    /// The one-time initial password (changed at the first login).
    public let password: String
    /// The raw TOTP secret.
    public let totpSecret: [UInt8]
    /// The `otpauth://totp/KAA:LOGIN?secret=…` URI an authenticator app enrols from.
    public let provisioningURI: String
}

/// What a login check found. A wrong password and a wrong code are one outcome, so a guesser does
/// not learn which part was right.
public enum LoginOutcome: Sendable, Equatable {
    /// Logged in.
    case ok
    /// Password and code right, but the password is a one-time one and must be changed first.
    case mustChangePassword
    /// The login, the password or the code was wrong (which is not said).
    case wrong
    /// Locked after failed logins until this UTC time; said whether or not the password was right.
    case locked(until: String)
    /// The account is disabled.
    case disabled
}
