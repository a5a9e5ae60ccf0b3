import KAACore
import KAAProtocol
import KAASQLite
import KAAUplink

/// The regional hub's side of a hub of hubs (issue 20): per kommun, a forward outbox of sealed
/// batches for the hub above, state-based exactly as a kommun's register seals them (design §7).
/// What is forwarded is the kommun's exact cells as this hub holds them (`n` and `ck` unchanged),
/// so a kommun's state digest is the same on both levels, and so is every published figure.
extension Hub {
    /// One kommun's forward outbox on this hub.
    public struct ForwardOutbox: UplinkOutbox, Sendable {
        let hub: Hub
        public let kommun: String

        public func status() throws -> UplinkStatus {
            try hub.reading { database in
                guard let generation = try Hub.currentForwardGeneration(kommun, database) else {
                    return UplinkStatus(generation: nil, lastSealedSeq: 0, lastAcknowledgedSeq: 0)
                }
                let row = try database.queryOne("""
                    SELECT coalesce(max(seq), 0), coalesce(max(CASE WHEN acknowledged_at IS NOT NULL THEN seq END), 0)
                    FROM forward_batch WHERE kommun = ? AND generation = ?
                    """, [.text(kommun), .text(generation)])
                return UplinkStatus(generation: generation, lastSealedSeq: Int(try row?.int(0) ?? 0), lastAcknowledgedSeq: Int(try row?.int(1) ?? 0))
            }
        }

        /// Compares the kommun's cells with the state after the last sealed batch and seals what
        /// changed (a snapshot in a new generation), in one write transaction with the new state.
        public func seal(newGeneration: Bool, reason: String) throws -> Batch? {
            try hub.writing { database in try Hub.sealForward(kommun, newGeneration: newGeneration, reason: reason, at: hub.now(), database) }
        }

        public func pendingBatches() throws -> [UplinkBatch] {
            try hub.reading { database in
                guard let generation = try Hub.currentForwardGeneration(kommun, database) else { return [] }
                return try database.query("""
                    SELECT seq, body, cells FROM forward_batch WHERE kommun = ? AND generation = ? AND acknowledged_at IS NULL ORDER BY seq
                    """, [.text(kommun), .text(generation)]).map {
                    UplinkBatch(generation: generation, seq: Int(try $0.int(0)), body: try $0.blob(1), cells: Int(try $0.int(2)))
                }
            }
        }

        public func acknowledge(generation: String, seq: Int) throws {
            let at = hub.now()
            try hub.writing { database in
                try database.execute("""
                    UPDATE forward_batch SET acknowledged_at = ? WHERE kommun = ? AND generation = ? AND seq = ? AND acknowledged_at IS NULL
                    """, [.text(at), .text(kommun), .text(generation), .integer(Int64(seq))])
            }
        }

        public func unacknowledge(generation: String, after seq: Int) throws -> Bool {
            try hub.writing { database in
                try database.execute("UPDATE forward_batch SET acknowledged_at = NULL WHERE kommun = ? AND generation = ? AND seq > ?",
                                     [.text(kommun), .text(generation), .integer(Int64(seq))])
                let row = try database.queryOne("SELECT count(*), coalesce(max(seq), 0) FROM forward_batch WHERE kommun = ? AND generation = ? AND seq > ?",
                                                [.text(kommun), .text(generation), .integer(Int64(seq))])
                return Int(try row?.int(0) ?? 0) == max(0, Int(try row?.int(1) ?? 0) - seq)
            }
        }
    }

    /// The outboxes of every kommun with something to forward: each site that has reported (a
    /// generation applied here), in kommun order.
    public func forwardOutboxes() throws(HubError) -> [ForwardOutbox] {
        try reading { database in
            try database.query("SELECT kommun FROM site WHERE generation IS NOT NULL ORDER BY kommun").map { ForwardOutbox(hub: self, kommun: try $0.text(0)) }
        }
    }

    /// The forward outbox of `kommun` (tests and the forwarder).
    public func forwardOutbox(kommun: String) -> ForwardOutbox { ForwardOutbox(hub: self, kommun: kommun) }

    static func currentForwardGeneration(_ kommun: String, _ database: Database) throws -> String? {
        try database.queryOne("SELECT generation FROM forward_generation WHERE kommun = ? ORDER BY id DESC LIMIT 1", [.text(kommun)])?.text(0)
    }

    private static func sealForward(_ kommun: String, newGeneration: Bool, reason: String, at: String, _ database: Database) throws -> Batch? {
        func cells(_ sql: String) throws -> [CellKey: Cell] {
            var result: [CellKey: Cell] = [:]
            try database.cachedStatement(sql).forEach([.text(kommun)]) { row in
                guard let table = CellTable(rawValue: try row.text(0)), let period = Period(try row.text(1)), let dims = Dims(encoded: try row.text(2)) else {
                    throw HubError.other("hubbens databas innehåller en felaktig cell för kommun \(kommun)")
                }
                let cell = Cell(table: table, period: period, dims: dims, n: Int(try row.int(3)), ck: UInt32(truncatingIfNeeded: try row.int(4)))
                result[cell.key] = cell
            }
            return result
        }
        let next = try cells("SELECT table_name, period, dims, n, ck FROM cell WHERE kommun = ?")
        var generation = newGeneration ? nil : try currentForwardGeneration(kommun, database)
        var seq = 1
        var previousDigest = StateDigest.empty
        var changes: [Cell]
        if let current = generation, let last = try database.queryOne("SELECT seq, digest FROM forward_batch WHERE kommun = ? AND generation = ? ORDER BY seq DESC LIMIT 1",
                                                                      [.text(kommun), .text(current)]) {
            seq = Int(try last.int(0)) + 1
            previousDigest = try last.text(1)
            let previous = try cells("SELECT table_name, period, dims, n, ck FROM forward_cell WHERE kommun = ?")
            changes = next.filter { previous[$0.key] != $0.value }.map(\.value)
            for (key, cell) in previous where next[key] == nil {
                changes.append(Cell(table: cell.table, period: cell.period, dims: cell.dims, n: 0, ck: 0))
            }
            if changes.isEmpty { return nil }
        } else {
            generation = nil
            changes = Array(next.values)
        }
        let id = try generation ?? Generation.make()
        let batch = Batch(kommun: kommun, generation: id, seq: seq, kind: seq == 1 ? .snapshot : .changes, previousDigest: previousDigest,
                          digest: StateDigest.digest(next.values), sealedAt: at, cells: changes)
        if generation == nil {
            // A new generation replaces the old one: its batches are never sent again.
            try database.execute("DELETE FROM forward_batch WHERE kommun = ?", [.text(kommun)])
            try database.execute("INSERT INTO forward_generation (kommun, generation, started_at, reason) VALUES (?, ?, ?, ?)",
                                 [.text(kommun), .text(id), .text(at), .text(String(reason.prefix(300)))])
        }
        try database.execute("""
            INSERT INTO forward_batch (kommun, generation, seq, body, prev_digest, digest, cells, sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(kommun), .text(id), .integer(Int64(seq)), .blob(batch.encoded()), .text(previousDigest), .text(batch.digest),
                  .integer(Int64(changes.count)), .text(at)])
        try database.execute("DELETE FROM forward_cell WHERE kommun = ?", [.text(kommun)])
        let insert = try database.cachedStatement("INSERT INTO forward_cell (kommun, table_name, period, dims, n, ck) VALUES (?, ?, ?, ?, ?, ?)")
        for cell in next.values {
            try insert.run([.text(kommun), .text(cell.table.rawValue), .text(cell.period.description), .text(cell.dims.encoded),
                            .integer(Int64(cell.n)), .integer(Int64(cell.ck))])
        }
        return batch
    }
}
