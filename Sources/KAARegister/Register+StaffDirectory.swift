import KAASQLite

/// A staff account with the id the Personal pages name it by in their URLs.
public struct StaffListing: Sendable, Equatable {
    /// The account's row id.
    public let id: Int64
    /// The account as `listStaff` gives it.
    public let account: StaffAccount
}

extension Register {
    /// Every staff account with its id, by login (no password hash, no TOTP secret).
    public func staffListings() throws(RegisterError) -> [StaffListing] {
        try read {
            try database.query(Self.staffListingSQL + " ORDER BY login").map(staffListing)
        }
    }

    /// One staff account by id, or `notFound`.
    public func staffListing(id: Int64) throws(RegisterError) -> StaffListing {
        let found = try read { try database.queryOne(Self.staffListingSQL + " WHERE id = ?", [.integer(id)]).map(staffListing) }
        guard let found else { throw .notFound("det finns inget konto med id \(id)") }
        return found
    }

    static let staffListingSQL = """
        SELECT id, login, name, role, must_change_password, disabled, locked_until,
               (SELECT count(*) FROM caseload WHERE staff_id = staff.id), source, last_login_at
        FROM staff
        """

    private func staffListing(_ row: Row) throws -> StaffListing {
        let roleText = try row.text(3)
        guard let role = StaffRole(rawValue: roleText) else { throw SQLiteError(.mismatch, message: "staff.role holds '\(roleText)'") }
        return StaffListing(id: try row.int(0), account: StaffAccount(
            login: try row.text(1), name: try row.text(2), role: role, mustChangePassword: try row.int(4) != 0, isDisabled: try row.int(5) != 0,
            lockedUntil: try row.optionalText(6), caseloadCount: Int(try row.int(7)), signsInWithIdP: try row.text(8) == "idp",
            lastLoginAt: try row.optionalText(9)))
    }
}
