import KAACore
import KAAProtocol
import KAASQLite

/// Sites and credentials, and the exact cells for reconciliation: what the admin CLI uses.
extension Hub {
    /// Enrols a kommun and returns its new secret token (shown once; only its hash is kept).
    public func addSite(kommun: String, name: String?, actor: String) throws(HubError) -> String {
        guard let known = Kommuner.all[kommun] else { throw .invalidInput("okänd kommunkod '\(kommun)'") }
        guard scope.accepts(kommun) else {
            throw .invalidInput("kommun \(kommun) (\(known.name), län \(known.county)) ligger utanför hubbens område: den tar emot \(scope.description)")
        }
        return try siteTransaction { database in
            if let existing = try database.queryOne("SELECT relay FROM site WHERE kommun = ?", [.text(kommun)]) {
                if let relay = try existing.optionalText(0) {
                    throw HubError.invalidInput("kommun \(kommun) vidarebefordras av reläet \(relay) och kan inte samtidigt skicka direkt")
                }
                throw HubError.invalidInput("kommun \(kommun) är redan ansluten; använd 'kaa-hub site rotate' för en ny token")
            }
            let token = try Self.makeToken()
            try database.execute("""
                INSERT INTO site (kommun, name, token_hash, created_at, token_issued_at, digest) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(kommun), .text(name ?? known.name), .blob(Self.hash(token)), .text(now()), .text(now()), .text(StateDigest.empty)])
            try adminAudit(database, actor, "site.add", kommun)
            return token
        }
    }

    /// Issues a new token for a kommun; the old one stops working at once (also after a revoke).
    public func rotate(kommun: String, actor: String) throws(HubError) -> String {
        try siteTransaction { database in
            let token = try Self.makeToken()
            if let relay = try database.queryOne("SELECT relay FROM site WHERE kommun = ?", [.text(kommun)])?.optionalText(0) {
                throw HubError.invalidInput("kommun \(kommun) vidarebefordras av reläet \(relay) och kan inte samtidigt ha en egen token")
            }
            try database.execute("UPDATE site SET token_hash = ?, token_issued_at = ?, revoked_at = NULL WHERE kommun = ?",
                                 [.blob(Self.hash(token)), .text(now()), .text(kommun)])
            guard database.changes == 1 else { throw HubError.notFound("kommun \(kommun) är inte ansluten") }
            try adminAudit(database, actor, "site.rotate", kommun)
            return token
        }
    }

    /// Revokes a kommun's token: every request with it is refused until a rotate.
    public func revoke(kommun: String, actor: String) throws(HubError) {
        try siteTransaction { database in
            try database.execute("UPDATE site SET token_hash = NULL, revoked_at = ? WHERE kommun = ?", [.text(now()), .text(kommun)])
            guard database.changes == 1 else { throw HubError.notFound("kommun \(kommun) är inte ansluten") }
            try adminAudit(database, actor, "site.revoke", kommun)
        }
    }

    /// Every enrolled kommun with its sync state.
    public func sites() throws(HubError) -> [SiteInfo] {
        try reading { database in try Self.sites(database) }
    }

    /// The sites as `database` sees them (inside a caller's transaction).
    static func sites(_ database: Database) throws -> [SiteInfo] {
        try database.query("""
            SELECT kommun, name, revoked_at IS NOT NULL, generation, last_seq, digest, last_batch_at, last_contact_at, rejects, relay
            FROM site ORDER BY kommun
            """).map { row in
            SiteInfo(kommun: try row.text(0), name: try row.text(1), isRevoked: try row.bool(2), generation: try row.optionalText(3),
                     lastSeq: Int(try row.int(4)), digest: try row.text(5), lastBatchAt: try row.optionalText(6),
                     lastContactAt: try row.optionalText(7), rejects: Int(try row.int(8)), relay: try row.optionalText(9))
        }
    }

    /// The exact cells (admin reconciliation only: the API never serves them).
    public func exactCells(kommun: String? = nil) throws(HubError) -> [(kommun: String, cell: Cell)] {
        try reading { database in
            let filter = kommun == nil ? "" : " WHERE kommun = ?"
            return try database.query("SELECT kommun, table_name, period, dims, n, ck FROM cell" + filter + " ORDER BY kommun, table_name, period, dims",
                                      kommun.map { [.text($0)] } ?? []).map { row in
                guard let table = CellTable(rawValue: try row.text(1)), let period = Period(try row.text(2)), let dims = Dims(encoded: try row.text(3)) else {
                    throw HubError.other("hubbens databas innehåller en felaktig cell")
                }
                return (try row.text(0), Cell(table: table, period: period, dims: dims, n: Int(try row.int(4)), ck: UInt32(truncatingIfNeeded: try row.int(5))))
            }
        }
    }

    /// A transaction that changes sites: cached publications (which name and count them) go.
    private func siteTransaction<T: Sendable>(_ body: (Database) throws -> T) throws(HubError) -> T {
        defer { publicationCache.invalidate() }
        return try writing(body)
    }

    private func adminAudit(_ database: Database, _ actor: String, _ action: String, _ kommun: String) throws {
        try database.execute("INSERT INTO admin_audit (at, actor, action, kommun) VALUES (?, ?, ?, ?)",
                             [.text(now()), .text(actor), .text(action), .text(kommun)])
    }
}

extension Hub {
    /// Copies the whole database to `path` with SQLite's online backup (a consistent copy while
    /// the hub runs), e.g. before an upgrade, or for the tests of a restored regional hub.
    public func backup(to path: String) throws(HubError) {
        do {
            try withDatabase { database in try database.backup(to: path) }
        } catch {
            throw .wrap(error)
        }
    }
}
