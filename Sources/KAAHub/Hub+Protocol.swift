import KAACore
import KAACrypto
import KAAProtocol
import KAASQLite

/// The sync protocol's operations (design §7). They return outcomes and wire bodies; HTTP
/// statuses are the responder's business.
extension Hub {
    /// Records that an authenticated request came from `kommun`.
    /// Shares a group commit with the batches arriving meanwhile: a commit of its own per request
    /// (an fsync each) halved the hub's throughput on a national night.
    func recordContact(kommun: String) throws {
        let at = now()
        _ = try inGroupCommit { database in
            try database.write { try database.execute("UPDATE site SET last_contact_at = ? WHERE kommun = ?", [.text(at), .text(kommun)]) }
            return .contactRecorded
        }
    }

    /// Records a refused request (after authentication) with its fixed reason code, never the
    /// message (which may quote the client). Best effort: a refusal is answered even when the
    /// database cannot record it.
    func recordReject(kommun: String, status: Int, reason: RejectReason, countedOnSite: Bool = true) {
        let at = now()
        _ = try? writing { database in
            try database.execute("INSERT INTO reject (kommun, at, status, reason) VALUES (?, ?, ?, ?)",
                                 [.text(kommun), .text(at), .integer(Int64(status)), .text(reason.rawValue)])
            try database.execute("""
                DELETE FROM reject WHERE kommun = ?1 AND id <= (SELECT id FROM reject WHERE kommun = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)
                """, [.text(kommun), .integer(Int64(rejectHistory))])
            try database.execute("INSERT INTO reject_count (status, count) VALUES (?, 1) ON CONFLICT (status) DO UPDATE SET count = count + 1",
                                 [.integer(Int64(status))])
            if countedOnSite { try database.execute("UPDATE site SET rejects = rejects + 1 WHERE kommun = ?", [.text(kommun)]) }
        }
    }

    /// `GET /v1/sites/{kommun}/state`.
    func state(kommun: String) throws(HubError) -> StateResponse {
        try reading { database in
            guard let row = try database.queryOne("SELECT generation, last_seq, digest FROM site WHERE kommun = ?", [.text(kommun)]) else {
                throw HubError.notFound("no such site")
            }
            return StateResponse(generation: try row.optionalText(0), lastSeq: Int(try row.int(1)), digest: try row.text(2),
                                 catalogueVersions: [CellTable.catalogueVersion])
        }
    }

    /// `PUT /v1/sites/{kommun}/batches/{generation}/{seq}` with an already validated batch: applies it
    /// in its own savepoint of a transaction it may share with batches that arrived at the same
    /// time, answered only after that transaction's commit (group commit: one fsync for the group).
    func apply(_ batch: Batch, body: [UInt8]) throws -> BatchOutcome {
        let bodyDigest = Crypto.sha256Hex(body)
        let at = now()
        let write = try inGroupCommit { database in
            do {
                return .batch(try database.write { try Self.apply(batch, bodyDigest: bodyDigest, at: at, database) })
            } catch let mismatch as DigestMismatch {
                // Thrown inside the savepoint so that it rolls back; an outcome outside it.
                return .batch(.digestMismatch(expected: mismatch.expected, found: mismatch.found))
            } catch let implausible as Implausible {
                return .batch(.implausible(implausible.message))
            }
        }
        guard case let .batch(outcome) = write else { throw HubError.other("a batch's write came back as another kind") }
        return outcome
    }

    private static func apply(_ batch: Batch, bodyDigest: String, at: String, _ database: Database) throws -> BatchOutcome {
        let kommun = batch.kommun
        if let applied = try database.queryOne("SELECT body_digest, digest FROM ledger WHERE kommun = ? AND generation = ? AND seq = ?",
                                               [.text(kommun), .text(batch.generation), .integer(Int64(batch.seq))]) {
            guard try applied.text(0) == bodyDigest else { return .differentBody(generation: batch.generation, seq: batch.seq) }
            return .alreadyApplied(AppliedResponse(digest: try applied.text(1), generation: batch.generation, seq: batch.seq))
        }
        guard let site = try database.queryOne("SELECT generation, last_seq, digest FROM site WHERE kommun = ?", [.text(kommun)]) else {
            throw HubError.notFound("no such site")
        }
        let generation = try site.optionalText(0)
        let lastSeq = Int(try site.int(1))
        let digest = try site.text(2)
        // The periods whose figures this batch changes, in its own transaction (Last-Modified).
        let changed = try database.cachedStatement("""
            INSERT INTO period_change (period, changed_at) VALUES (?, ?) ON CONFLICT (period) DO UPDATE SET changed_at = excluded.changed_at
            """)
        if batch.seq == 1 {
            try database.execute("""
                INSERT INTO period_change (period, changed_at) SELECT DISTINCT period, ? FROM cell WHERE kommun = ?
                ON CONFLICT (period) DO UPDATE SET changed_at = excluded.changed_at
                """, [.text(at), .text(kommun)])
            try database.execute("DELETE FROM cell WHERE kommun = ?", [.text(kommun)])
        } else {
            guard generation == batch.generation, batch.seq == lastSeq + 1, batch.previousDigest == digest else {
                return .conflict(ConflictResponse(digest: digest, expectedGeneration: generation, expectedSeq: generation == nil ? 1 : lastSeq + 1))
            }
        }
        let upsert = try database.cachedStatement("""
            INSERT INTO cell (kommun, table_name, period, dims, n, ck) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (kommun, table_name, period, dims) DO UPDATE SET n = excluded.n, ck = excluded.ck
            """)
        let delete = try database.cachedStatement("DELETE FROM cell WHERE kommun = ? AND table_name = ? AND period = ? AND dims = ?")
        for period in Set(batch.cells.map(\.period.description)) {
            try changed.run([.text(period), .text(at)])
        }
        for cell in batch.cells {
            let key: [SQLValue] = [.text(kommun), .text(cell.table.rawValue), .text(cell.period.description), .text(cell.dims.encoded)]
            if cell.n == 0 {
                try delete.run(key)
            } else {
                try upsert.run(key + [.integer(Int64(cell.n)), .integer(Int64(cell.ck))])
            }
        }
        try checkLimits(kommun, periods: Set(batch.cells.map(\.period)), database)
        let newDigest = try currentDigest(kommun, database)
        guard newDigest == batch.digest else {
            throw DigestMismatch(expected: batch.digest, found: newDigest)
        }
        try database.execute("UPDATE site SET generation = ?, last_seq = ?, digest = ?, last_batch_at = ? WHERE kommun = ?",
                             [.text(batch.generation), .integer(Int64(batch.seq)), .text(newDigest), .text(at), .text(kommun)])
        try database.execute("INSERT INTO ledger (kommun, generation, seq, body_digest, digest, cells, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [.text(kommun), .text(batch.generation), .integer(Int64(batch.seq)), .text(bodyDigest), .text(newDigest),
                              .integer(Int64(batch.cells.count)), .text(at)])
        return .applied(AppliedResponse(digest: newDigest, generation: batch.generation, seq: batch.seq))
    }

    /// A batch whose cells do not lead to the digest it claims: thrown so that its savepoint rolls back.
    private struct DigestMismatch: Error {
        let expected: String
        let found: String
    }

    /// A state that breaks a relation of the catalogue: thrown so that its savepoint rolls back.
    private struct Implausible: Error {
        let message: String
    }

    /// Checks the catalogue's relations between people totals (`in_kaa` against `population`) on
    /// the state after a batch: a changes batch may touch one side only, so the stored state decides.
    private static func checkLimits(_ kommun: String, periods: Set<Period>, _ database: Database) throws {
        let limited = CellTable.allCases.compactMap { table in table.definition.limit.map { (table, $0) } }
        guard !limited.isEmpty else { return }
        let totals = try database.cachedStatement("SELECT table_name, sum(n) FROM cell WHERE kommun = ? AND period = ? GROUP BY table_name")
        for period in periods.sorted() {
            var byTable: [String: Int] = [:]
            // Counts are bounded on the way in, so sum() stays far from SQLite's integer limit.
            try totals.forEach([.text(kommun), .text(period.description)]) { row in byTable[try row.text(0)] = Int(try row.int(1)) }
            for (table, limit) in limited {
                guard let total = byTable[table.rawValue], let bound = byTable[limit.table.rawValue] else { continue }
                guard total <= limit.allowed(whenBoundIs: bound) else {
                    throw Implausible(message: "\(table.rawValue) for \(period) counts \(total) people, more than the catalogue allows "
                        + "beside \(limit.table.rawValue)'s \(bound) (\(limit.percent) % + \(limit.slack))")
                }
            }
        }
    }

    /// The digest of the kommun's cells as stored, in the one line format of `StateDigest`.
    private static func currentDigest(_ kommun: String, _ database: Database) throws -> String {
        var lines: [String] = []
        try database.cachedStatement("SELECT table_name, period, dims, n, ck FROM cell WHERE kommun = ?").forEach([.text(kommun)]) { row in
            lines.append(StateDigest.line(table: try row.text(0), period: try row.text(1), dims: try row.text(2), n: try row.int(3), ck: try row.int(4)))
        }
        return StateDigest.digest(lines: lines)
    }
}
