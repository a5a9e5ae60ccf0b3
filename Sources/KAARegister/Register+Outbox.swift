import KAACore
import KAAProtocol
import KAASQLite

/// A batch in the outbox.
public struct OutboxBatch: Sendable {
    public let generation: String
    public let seq: Int
    public let body: [UInt8]
    public let cells: Int
    public let isAcknowledged: Bool

    public init(generation: String, seq: Int, body: [UInt8], cells: Int, isAcknowledged: Bool) {
        self.generation = generation
        self.seq = seq
        self.body = body
        self.cells = cells
        self.isAcknowledged = isAcknowledged
    }
}

/// What the register's sync state is.
public struct SyncStatus: Sendable {
    /// The current generation, if any batch was ever sealed.
    public let generation: String?
    /// The last sealed seq of the current generation (0 if none).
    public let lastSealedSeq: Int
    /// The last acknowledged seq of the current generation (0 if none).
    public let lastAcknowledgedSeq: Int
    /// The digest of the state after the last sealed batch.
    public let digest: String
}

extension Register {
    /// Every cell the register holds: the stored cells of every frozen period and the computed cells
    /// of every open one (design §7: what a snapshot sends and what a night compares).
    /// With `dryRun` nothing is written: periods that are due to freeze are computed, not stored.
    public func allCells(dryRun: Bool = false) throws(RegisterError) -> [Cell] {
        if !dryRun { try freezeDuePeriods() }
        let open = try openPeriodCells()
        let frozen: [Cell] = try read {
            var cells = try database.query("SELECT table_name, period, dims, n, ck FROM frozen_cell").map { row in
                guard let table = CellTable(rawValue: try row.text(0)), let period = Period(try row.text(1)), let dims = Dims(encoded: try row.text(2)) else {
                    throw SQLiteError(.mismatch, message: "frozen_cell holds a malformed cell")
                }
                return Cell(table: table, period: period, dims: dims, n: Int(try row.int(3)), ck: UInt32(truncatingIfNeeded: try row.int(4)))
            }
            if dryRun, let due = try periodsDueToFreeze() {
                for period in due.periods { cells += try computeCells(period, people: due.people) }
            }
            return cells
        }
        return frozen + open
    }

    /// The sync state.
    public func syncStatus() throws(RegisterError) -> SyncStatus {
        try read {
            let generation = try database.queryOne("SELECT generation FROM sync_generation ORDER BY rowid DESC LIMIT 1")?.text(0)
            guard let generation else { return SyncStatus(generation: nil, lastSealedSeq: 0, lastAcknowledgedSeq: 0, digest: StateDigest.empty) }
            let row = try database.queryOne("""
                SELECT coalesce(max(seq), 0), coalesce(max(CASE WHEN acknowledged_at IS NOT NULL THEN seq END), 0),
                       (SELECT digest FROM sync_batch WHERE generation = ?1 ORDER BY seq DESC LIMIT 1)
                FROM sync_batch WHERE generation = ?1
                """, [.text(generation)])
            return SyncStatus(generation: generation, lastSealedSeq: Int(try row?.int(0) ?? 0), lastAcknowledgedSeq: Int(try row?.int(1) ?? 0),
                              digest: try row?.optionalText(2) ?? StateDigest.empty)
        }
    }

    /// Recomputes every cell, compares with the state after the last sealed batch and, when anything
    /// changed (or a new generation is asked for), seals a batch into the outbox in the same
    /// transaction that records the new state. Returns the batch, or nil on a night with no change.
    /// With `dryRun` nothing is written and the batch that would be sealed is returned.
    ///
    /// The cells are computed inside the write transaction that seals them: computed before it, a
    /// seal could rest on data older than a batch another connection sealed meanwhile, and move the
    /// hub's state backwards until the next night.
    @discardableResult
    public func sealBatch(newGeneration: Bool, reason: String = "operator", dryRun: Bool = false) throws(RegisterError) -> Batch? {
        let body: () throws -> Batch? = { [self] in
            let cells = try allCells(dryRun: dryRun)
            var generation = try database.queryOne("SELECT generation FROM sync_generation ORDER BY rowid DESC LIMIT 1")?.text(0)
            var previous: [CellKey: Cell] = [:]
            var seq = 1
            var previousDigest = StateDigest.empty
            if let current = generation, !newGeneration {
                for row in try database.query("SELECT table_name, period, dims, n, ck FROM sync_state_cell") {
                    guard let table = CellTable(rawValue: try row.text(0)), let period = Period(try row.text(1)), let dims = Dims(encoded: try row.text(2)) else { continue }
                    let cell = Cell(table: table, period: period, dims: dims, n: Int(try row.int(3)), ck: UInt32(truncatingIfNeeded: try row.int(4)))
                    previous[cell.key] = cell
                }
                let last = try database.queryOne("SELECT seq, digest FROM sync_batch WHERE generation = ? ORDER BY seq DESC LIMIT 1", [.text(current)])
                seq = Int(try last?.int(0) ?? 0) + 1
                previousDigest = try last?.text(1) ?? StateDigest.empty
            } else {
                generation = nil
            }
            let next = Dictionary(cells.filter { $0.n > 0 }.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            var changes: [Cell]
            if generation == nil || seq == 1 {
                changes = Array(next.values)
                seq = 1
                previousDigest = StateDigest.empty
            } else {
                changes = next.filter { previous[$0.key] != $0.value }.map(\.value)
                for (key, cell) in previous where next[key] == nil {
                    changes.append(Cell(table: cell.table, period: cell.period, dims: cell.dims, n: 0, ck: 0))
                }
                if changes.isEmpty { return nil }
            }
            let id = try generation ?? Generation.make()
            let batch = Batch(kommun: kommun, generation: id, seq: seq, kind: seq == 1 ? .snapshot : .changes, previousDigest: previousDigest,
                              digest: StateDigest.digest(next.values), sealedAt: clock.now, cells: changes)
            if dryRun { return batch }
            if generation == nil {
                try database.execute("INSERT INTO sync_generation (generation, started_at, reason) VALUES (?, ?, ?)", [.text(id), .text(clock.now), .text(reason)])
            }
            try database.execute("""
                INSERT INTO sync_batch (generation, seq, body, prev_digest, digest, cells, sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(id), .integer(Int64(seq)), .blob(batch.encoded()), .text(previousDigest), .text(batch.digest),
                      .integer(Int64(changes.count)), .text(batch.sealedAt)])
            try database.execute("DELETE FROM sync_state_cell")
            let insert = try database.cachedStatement("INSERT INTO sync_state_cell (table_name, period, dims, n, ck) VALUES (?, ?, ?, ?, ?)")
            for cell in next.values {
                try insert.run([.text(cell.table.rawValue), .text(cell.period.description), .text(cell.dims.encoded), .integer(Int64(cell.n)), .integer(Int64(cell.ck))])
            }
            try audit("sync.seal", detail: "generation=\(id) seq=\(seq) cells=\(changes.count)")
            return batch
        }
        return dryRun ? try read(body) : try write(body)
    }

    /// Unacknowledged batches of the current generation, in seq order.
    public func pendingBatches() throws(RegisterError) -> [OutboxBatch] {
        try read {
            try database.query("""
                SELECT generation, seq, body, cells FROM sync_batch
                WHERE acknowledged_at IS NULL AND generation = (SELECT generation FROM sync_generation ORDER BY rowid DESC LIMIT 1)
                ORDER BY seq
                """).map { OutboxBatch(generation: try $0.text(0), seq: Int(try $0.int(1)), body: try $0.blob(2), cells: Int(try $0.int(3)), isAcknowledged: false) }
        }
    }

    /// Marks a batch acknowledged by the hub.
    public func acknowledge(generation: String, seq: Int) throws(RegisterError) {
        try write {
            try database.execute("UPDATE sync_batch SET acknowledged_at = ? WHERE generation = ? AND seq = ? AND acknowledged_at IS NULL",
                                 [.text(clock.now), .text(generation), .integer(Int64(seq))])
        }
    }

    /// Marks batches after `seq` unacknowledged again (the hub lost them); returns whether every
    /// such batch is still in the outbox to be re-sent.
    public func unacknowledge(generation: String, after seq: Int) throws(RegisterError) -> Bool {
        try write {
            try database.execute("UPDATE sync_batch SET acknowledged_at = NULL WHERE generation = ? AND seq > ?", [.text(generation), .integer(Int64(seq))])
            let count = try database.queryOne("SELECT count(*), coalesce(max(seq), 0) FROM sync_batch WHERE generation = ? AND seq > ?",
                                              [.text(generation), .integer(Int64(seq))])
            let present = Int(try count?.int(0) ?? 0)
            let maximum = Int(try count?.int(1) ?? 0)
            return present == max(0, maximum - seq)
        }
    }
}
