import Foundation
import KAACore
import KAACrypto
import KAAProtocol
import KAAResources
import KAASQLite

/// A kommun as the hub knows it.
public struct SiteInfo: Sendable {
    public let kommun: String
    public let name: String
    public let isRevoked: Bool
    public let generation: String?
    public let lastSeq: Int
    public let digest: String
    public let lastBatchAt: String?
    public let lastContactAt: String?
    public let rejects: Int
}

/// The outcome of a protocol operation: an HTTP status and a JSON body.
public struct HubAnswer: Sendable, Equatable {
    public let status: Int
    public let json: String
}

/// The regional hub's state: sites and credentials, the ledger and every kommun's exact cells.
///
/// Thread-safe: every use of `database` happens while holding `lock` (libmicrohttpd calls the
/// responder from its own threads). SQLite's `synchronous=FULL` makes each commit durable before
/// the hub answers.
public final class Hub: @unchecked Sendable {
    let database: Database
    private let lock = NSLock()
    private let now: @Sendable () -> String
    /// The largest batch body accepted, in bytes.
    public let maxBodyBytes: Int
    /// The Cell Key Method's noise table for publication.
    public let perturbation: PerturbationTable
    /// How long applying batches takes, for `/metrics`.
    let applyLatency = LatencyHistogram()
    /// Batches arriving together share one commit (see `GroupCommit`).
    private let groupCommit = GroupCommit()
    /// Rendered publications until the data changes.
    let publicationCache = PublicationCache()

    /// The hub's migrations, embedded from `migrations/hub/`.
    static let migrator: Migrator = {
        do {
            return try Migrator(files: EmbeddedFiles.files(under: "migrations/hub"))
        } catch {
            preconditionFailure("the embedded hub migrations are invalid: \(error)")
        }
    }()

    /// Opens (creating when missing) the hub database at `path`, bringing its schema up to date.
    public init(path: String, maxBodyBytes: Int = 4 << 20, perturbation: PerturbationTable? = nil,
                now: @escaping @Sendable () -> String = Hub.utcNow) throws(HubError) {
        do {
            let existed = FileManager.default.fileExists(atPath: path)
            database = try Database(path: path, options: Database.Options(create: !existed, synchronous: "FULL"))
            try Self.migrator.migrate(database, now: now()) { [database] fromVersion in
                try database.backup(to: "\(path).before-v\(Self.migrator.latestVersion)-from-v\(fromVersion)-\(now().filter(\.isNumber)).sqlite")
            }
        } catch {
            throw .wrap(error)
        }
        self.maxBodyBytes = maxBodyBytes
        self.now = now
        if let perturbation {
            self.perturbation = perturbation
        } else {
            do {
                self.perturbation = try PerturbationTable()
            } catch {
                throw .invalidInput(error.message)
            }
        }
    }

    /// The current time as UTC ISO 8601.
    /// (No `ISO8601DateFormatter` per call: that cost a third of the hub's CPU.)
    @Sendable public static func utcNow() -> String {
        CalendarDate.utcTimestamp(secondsSince1970: Int(time(nil)))
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: - Sites and credentials (admin CLI)

    /// Enrols a kommun and returns its new secret token (shown once; only its hash is kept).
    public func addSite(kommun: String, name: String?, actor: String) throws(HubError) -> String {
        guard let known = Kommuner.all[kommun] else { throw .invalidInput("unknown kommun code '\(kommun)'") }
        return try siteTransaction {
            guard try database.queryOne("SELECT 1 FROM site WHERE kommun = ?", [.text(kommun)]) == nil else {
                throw HubError.invalidInput("kommun \(kommun) is already enrolled; use 'site rotate' for a new token")
            }
            let token = try Self.makeToken()
            try database.execute("""
                INSERT INTO site (kommun, name, token_hash, created_at, token_issued_at, digest) VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(kommun), .text(name ?? known.name), .blob(Self.hash(token)), .text(now()), .text(now()), .text(StateDigest.empty)])
            try adminAudit(actor, "site.add", kommun)
            return token
        }
    }

    /// Issues a new token for a kommun; the old one stops working at once (also after a revoke).
    public func rotate(kommun: String, actor: String) throws(HubError) -> String {
        try siteTransaction {
            let token = try Self.makeToken()
            try database.execute("UPDATE site SET token_hash = ?, token_issued_at = ?, revoked_at = NULL WHERE kommun = ?",
                                 [.blob(Self.hash(token)), .text(now()), .text(kommun)])
            guard database.changes == 1 else { throw HubError.notFound("kommun \(kommun) is not enrolled") }
            try adminAudit(actor, "site.rotate", kommun)
            return token
        }
    }

    /// Revokes a kommun's token: every request with it is refused until a rotate.
    public func revoke(kommun: String, actor: String) throws(HubError) {
        try siteTransaction {
            try database.execute("UPDATE site SET token_hash = NULL, revoked_at = ? WHERE kommun = ?", [.text(now()), .text(kommun)])
            guard database.changes == 1 else { throw HubError.notFound("kommun \(kommun) is not enrolled") }
            try adminAudit(actor, "site.revoke", kommun)
        }
    }

    /// Every enrolled kommun with its sync state.
    public func sites() throws(HubError) -> [SiteInfo] {
        try transaction {
            try database.query("""
                SELECT kommun, name, revoked_at IS NOT NULL, generation, last_seq, digest, last_batch_at, last_contact_at, rejects
                FROM site ORDER BY kommun
                """).map { row in
                SiteInfo(kommun: try row.text(0), name: try row.text(1), isRevoked: try row.bool(2), generation: try row.optionalText(3),
                         lastSeq: Int(try row.int(4)), digest: try row.text(5), lastBatchAt: try row.optionalText(6),
                         lastContactAt: try row.optionalText(7), rejects: Int(try row.int(8)))
            }
        }
    }

    /// The exact cells (admin reconciliation only: the API never serves them).
    public func exactCells(kommun: String? = nil) throws(HubError) -> [(kommun: String, cell: Cell)] {
        try transaction {
            let filter = kommun == nil ? "" : " WHERE kommun = ?"
            return try database.query("SELECT kommun, table_name, period, dims, n, ck FROM cell" + filter + " ORDER BY kommun, table_name, period, dims",
                                      kommun.map { [.text($0)] } ?? []).map { row in
                guard let table = CellTable(rawValue: try row.text(1)), let period = Period(try row.text(2)), let dims = Dims(encoded: try row.text(3)) else {
                    throw HubError.other("the hub database holds a malformed cell")
                }
                return (try row.text(0), Cell(table: table, period: period, dims: dims, n: Int(try row.int(4)), ck: UInt32(truncatingIfNeeded: try row.int(5))))
            }
        }
    }

    // MARK: - The protocol (design §7)

    /// The kommun a bearer token belongs to, or nil (unknown or revoked token).
    func authenticate(token: String) -> String? {
        let hash = Self.hash(token)
        return locked {
            guard let row = try? database.queryOne("SELECT kommun, token_hash FROM site WHERE token_hash = ? AND revoked_at IS NULL", [.blob(hash)]),
                  let stored = try? row.blob(1), Crypto.constantTimeEquals(stored, hash) else { return nil }
            return try? row.text(0)
        }
    }

    /// Records that an authenticated request came from `kommun`.
    /// Shares a group commit with the batches arriving meanwhile: a commit of its own per request
    /// (an fsync each) halved the hub's throughput on a national night.
    func recordContact(kommun: String) throws {
        _ = try groupCommit.run(executeGroup) { [self] in
            try database.write { try database.execute("UPDATE site SET last_contact_at = ? WHERE kommun = ?", [.text(now()), .text(kommun)]) }
            return HubAnswer(status: 204, json: "")
        }
    }

    /// Records a refused request (after authentication).
    func recordReject(kommun: String, status: Int, reason: String) {
        locked {
            try? database.write {
                try database.execute("INSERT INTO reject (kommun, at, status, reason) VALUES (?, ?, ?, ?)",
                                     [.text(kommun), .text(now()), .integer(Int64(status)), .text(String(reason.prefix(300)))])
                try database.execute("UPDATE site SET rejects = rejects + 1 WHERE kommun = ?", [.text(kommun)])
            }
        }
    }

    /// `GET /v1/sites/{kommun}/state`.
    func state(kommun: String) throws -> HubAnswer {
        try locked {
            guard let row = try database.queryOne("SELECT generation, last_seq, digest FROM site WHERE kommun = ?", [.text(kommun)]) else {
                throw HubError.notFound("no such site")
            }
            let generation = try row.optionalText(0).map(JSONText.string) ?? "null"
            return HubAnswer(status: 200, json: "{\"catalogue_versions\":[\(CellTable.catalogueVersion)],\"digest\":\(JSONText.string(try row.text(2))),"
                + "\"generation\":\(generation),\"last_seq\":\(try row.int(1))}")
        }
    }

    /// `PUT /v1/sites/{kommun}/batches/{generation}/{seq}` with an already validated batch: applies it
    /// in its own savepoint of a transaction it may share with batches that arrived at the same
    /// time, answered only after that transaction's commit (group commit: one fsync for the group).
    func apply(_ batch: Batch, body: [UInt8]) throws -> HubAnswer {
        let bodyDigest = Crypto.sha256Hex(body)
        let kommun = batch.kommun
        return try groupCommit.run(executeGroup) { [self] in
            try database.write {
                if let applied = try database.queryOne("SELECT body_digest, digest FROM ledger WHERE kommun = ? AND generation = ? AND seq = ?",
                                                       [.text(kommun), .text(batch.generation), .integer(Int64(batch.seq))]) {
                    if try applied.text(0) == bodyDigest {
                        return HubAnswer(status: 200, json: try appliedJSON(batch.generation, batch.seq, applied.text(1)))
                    }
                    return HubAnswer(status: 422, json: Self.error("seq \(batch.seq) of generation \(batch.generation) was already applied with a different body"))
                }
                guard let site = try database.queryOne("SELECT generation, last_seq, digest FROM site WHERE kommun = ?", [.text(kommun)]) else {
                    throw HubError.notFound("no such site")
                }
                let generation = try site.optionalText(0)
                let lastSeq = Int(try site.int(1))
                let digest = try site.text(2)
                if batch.seq == 1 {
                    try database.execute("DELETE FROM cell WHERE kommun = ?", [.text(kommun)])
                } else {
                    guard generation == batch.generation, batch.seq == lastSeq + 1, batch.previousDigest == digest else {
                        let expectedGeneration = generation.map(JSONText.string) ?? "null"
                        return HubAnswer(status: 409, json: "{\"digest\":\(JSONText.string(digest)),\"expected_generation\":\(expectedGeneration),"
                            + "\"expected_seq\":\(generation == nil ? 1 : lastSeq + 1)}")
                    }
                }
                let upsert = try database.cachedStatement("""
                    INSERT INTO cell (kommun, table_name, period, dims, n, ck) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kommun, table_name, period, dims) DO UPDATE SET n = excluded.n, ck = excluded.ck
                    """)
                let delete = try database.cachedStatement("DELETE FROM cell WHERE kommun = ? AND table_name = ? AND period = ? AND dims = ?")
                for cell in batch.cells {
                    let key: [SQLValue] = [.text(kommun), .text(cell.table.rawValue), .text(cell.period.description), .text(cell.dims.encoded)]
                    if cell.n == 0 {
                        try delete.run(key)
                    } else {
                        try upsert.run(key + [.integer(Int64(cell.n)), .integer(Int64(cell.ck))])
                    }
                }
                let newDigest = try currentDigest(kommun)
                guard newDigest == batch.digest else {
                    throw DigestMismatch(expected: batch.digest, found: newDigest)
                }
                try database.execute("UPDATE site SET generation = ?, last_seq = ?, digest = ?, last_batch_at = ? WHERE kommun = ?",
                                     [.text(batch.generation), .integer(Int64(batch.seq)), .text(newDigest), .text(now()), .text(kommun)])
                try database.execute("INSERT INTO ledger (kommun, generation, seq, body_digest, digest, cells, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                     [.text(kommun), .text(batch.generation), .integer(Int64(batch.seq)), .text(bodyDigest), .text(newDigest),
                                      .integer(Int64(batch.cells.count)), .text(now())])
                return HubAnswer(status: 201, json: try appliedJSON(batch.generation, batch.seq, newDigest))
            }
        }
    }

    /// Runs a group of applies in one transaction under the lock: each in its own savepoint (its
    /// `database.write` nests), so one failing batch rolls back only itself. A job is reported
    /// applied only if the transaction holding it committed.
    ///
    /// After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite rolls back the whole transaction
    /// itself: the jobs before are undone with it and must fail, and the jobs after get a new
    /// transaction, so that none commits on its own outside the group (and is then reported failed
    /// when the group's COMMIT finds no transaction).
    private func executeGroup(_ jobs: [() throws -> HubAnswer]) -> [Result<HubAnswer, any Error>] {
        locked {
            var results: [Result<HubAnswer, any Error>] = []
            /// Indices of the applied jobs in the transaction now open.
            var pending: [Int] = []
            func fail(_ indices: [Int], _ error: any Error) {
                for index in indices { results[index] = .failure(error) }
            }
            do {
                try database.execute(script: "BEGIN IMMEDIATE")
            } catch {
                return jobs.map { _ in .failure(error) }
            }
            for (index, job) in jobs.enumerated() {
                do {
                    results.append(.success(try job()))
                    pending.append(index)
                } catch {
                    results.append(.failure(error))
                }
                guard !database.isInTransaction else { continue }
                fail(pending, HubError.other("SQLite rolled back the group's transaction"))
                pending = []
                guard index + 1 < jobs.count else { return results }
                do {
                    try database.execute(script: "BEGIN IMMEDIATE")
                } catch {
                    return results + jobs.dropFirst(index + 1).map { _ in .failure(error) }
                }
            }
            do {
                try database.execute(script: "COMMIT")
            } catch {
                if database.isInTransaction { try? database.execute(script: "ROLLBACK") }
                fail(pending, error)
                return results
            }
            // Only applied batches change figures; a recorded contact does not (design §8 cache).
            if pending.contains(where: { (try? results[$0].get())?.status == 201 }) {
                publicationCache.invalidate()
            }
            return results
        }
    }

    func groupCommitTestHook(_ jobs: [() throws -> HubAnswer]) -> [Result<HubAnswer, any Error>] { executeGroup(jobs) }

    /// A batch whose cells do not lead to the digest it claims; its transaction is rolled back.
    struct DigestMismatch: Error {
        let expected: String
        let found: String
    }

    private func appliedJSON(_ generation: String, _ seq: Int, _ digest: String) throws -> String {
        "{\"digest\":\(JSONText.string(digest)),\"generation\":\(JSONText.string(generation)),\"seq\":\(seq)}"
    }

    private func currentDigest(_ kommun: String) throws -> String {
        var lines: [String] = []
        try database.cachedStatement("SELECT table_name, period, dims, n, ck FROM cell WHERE kommun = ?").forEach([.text(kommun)]) { row in
            lines.append("\(try row.text(0))|\(try row.text(1))|\(try row.text(2))|\(try row.int(3))|\(try row.int(4))")
        }
        return StateDigest.digest(lines: lines)
    }

    // MARK: - Helpers

    static func error(_ message: String) -> String {
        "{\"error\":\(JSONText.string(message))}"
    }

    private func transaction<T>(_ body: () throws -> T) throws(HubError) -> T {
        do {
            return try locked { try database.write(body) }
        } catch {
            throw .wrap(error)
        }
    }

    /// A transaction that changes sites: cached publications (which name and count them) go.
    private func siteTransaction<T>(_ body: () throws -> T) throws(HubError) -> T {
        defer { publicationCache.invalidate() }
        return try transaction(body)
    }

    /// SQLite's `data_version`: changes when another connection (the admin CLI) commits.
    func dataVersion() throws -> Int64 {
        try locked { try database.queryOne("PRAGMA data_version")?.int(0) ?? 0 }
    }

    private func adminAudit(_ actor: String, _ action: String, _ kommun: String) throws {
        try database.execute("INSERT INTO admin_audit (at, actor, action, kommun) VALUES (?, ?, ?, ?)",
                             [.text(now()), .text(actor), .text(action), .text(kommun)])
    }

    static func makeToken() throws -> String {
        "kaa_" + Crypto.hex(try Crypto.randomBytes(32))
    }

    static func hash(_ token: String) -> [UInt8] {
        Crypto.sha256(Array(token.utf8))
    }
}
