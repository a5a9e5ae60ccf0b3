import Foundation
import KAASQLite

/// Read-only connections to the hub file, one per reader at a time.
///
/// Readers must never wait on writers: in WAL a reader sees the last committed snapshot without
/// taking the write lock, but only on a connection of its own. On the one shared connection a
/// public `GET /v1/published` queued behind whoever held it, and that could be a batch waiting on
/// SQLite's busy handler for another process's write lock (13.6 s in the attack test).
///
/// `@unchecked Sendable`: a connection is owned by at most one thread at a time; it is taken out
/// of `idle` and given back under `lock`, and used only between the two. (Not a `Mutex`: the state
/// is non-`Sendable` handles that leave the lock, which `Mutex` allows only as `sending` values,
/// and a pool's take-use-give-back cannot be expressed that way.)
final class ReadConnections: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var idle: [Database] = []
    /// Idle connections kept at most; more are opened when needed and closed after use. Each
    /// keeps its own page cache, and cached publications spare most reads a connection at all.
    let capacity: Int

    init(path: String, capacity: Int = 16) {
        self.path = path
        self.capacity = capacity
    }

    /// Runs `body` with a connection no other thread uses meanwhile.
    func withConnection<T>(_ body: (Database) throws -> T) throws -> T {
        let connection = try take()
        defer { giveBack(connection) }
        return try body(connection)
    }

    private func take() throws -> Database {
        lock.lock()
        let idleConnection = idle.popLast()
        lock.unlock()
        if let idleConnection { return idleConnection }
        // A short busy timeout: a WAL reader waits only in rare moments (recovery after a crash),
        // and a public read should rather answer 503 than hang.
        let connection = try Database(path: path, options: Database.Options(synchronous: "FULL", busyTimeoutMilliseconds: 2000))
        try connection.execute(script: "PRAGMA query_only = ON")
        return connection
    }

    private func giveBack(_ connection: Database) {
        lock.lock()
        defer { lock.unlock() }
        guard idle.count < capacity, !connection.isInTransaction else { return }
        idle.append(connection)
    }
}
