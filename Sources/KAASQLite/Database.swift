#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CSQLite
import KAASystem

/// One SQLite connection, owning its handle. Not thread-safe: use it from one task at a time.
///
/// Every connection sets `foreign_keys=ON`, a busy timeout and `secure_delete=ON` (deleted
/// personal data is overwritten, design §3). Writes go through `write`, which commits when its
/// closure returns and rolls back when it throws, so no transaction is ever left open.
public final class Database {
    /// How a connection opens its file.
    public struct Options: Sendable {
        /// Create a new file (mode 0600). With `O_EXCL`: when anything is at the path already (a file
        /// another process made, a symbolic link) opening fails with `EEXIST` and that file is left
        /// alone. Without `create`, a missing file is an error.
        public var create: Bool
        /// Open read-only.
        public var readOnly: Bool
        /// `synchronous` level: `NORMAL` suits a register in WAL, `FULL` a hub that answers after commit.
        public var synchronous: String
        /// Milliseconds to wait for a lock.
        public var busyTimeoutMilliseconds: Int32

        public init(create: Bool = false, readOnly: Bool = false, synchronous: String = "NORMAL", busyTimeoutMilliseconds: Int32 = 10_000) {
            self.create = create
            self.readOnly = readOnly
            self.synchronous = synchronous
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        }
    }

    let handle: OpaquePointer
    /// The file path.
    public let path: String
    private var statementCache: [String: Statement] = [:]
    /// How many `write`/`read` calls are running: while any is, the connection must be inside a
    /// transaction, and a statement that finds none (SQLite rolled it back) is refused.
    private var transactionDepth = 0
    /// Connections of one process that write to the same file can share a gate: a writer then
    /// waits its turn on the gate (in order, woken at once) instead of in SQLite's busy handler,
    /// which sleeps up to 100 ms between tries and lets a late comer win. Other processes (the CLI
    /// beside the web server) are still kept apart by SQLite's lock and the busy timeout.
    public var writeGate: WriteGate?

    /// Opens (or with `options.create`, creates) the database at `path`.
    public init(path: String, options: Options = Options()) throws(SQLiteError) {
        let created = options.create && !options.readOnly
        if created {
            // Create the file ourselves so that it is 0600 from its first byte (SQLite gives its
            // -wal and -shm files the same mode), and with O_EXCL so that it is ours.
            do {
                _ = try FileDescriptor.createNew(path, permissions: 0o600)
            } catch {
                throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot create \(path): \(error.reason)", systemError: error)
            }
        }
        do {
            self.handle = try Self.openHandle(path: path, options: options)
        } catch {
            // Ours (O_EXCL above), so ours to remove; SQLite has not written a -wal or -shm yet.
            if created { unlink(path) }
            throw error
        }
        self.path = path
        do {
            try configure(options)
        } catch {
            // `deinit` closes the handle (this object is fully initialised by now).
            if created { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
            throw error
        }
    }

    private static func openHandle(path: String, options: Options) throws(SQLiteError) -> OpaquePointer {
        var db: OpaquePointer?
        let flags = (options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        return db
    }

    private func configure(_ options: Options) throws(SQLiteError) {
        try execute(script: "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
        guard try query("PRAGMA foreign_keys").first?.int(0) == 1 else {
            throw SQLiteError(.misuse, message: "foreign keys could not be enabled")
        }
        if !options.readOnly {
            let mode = try query("PRAGMA journal_mode = WAL").first?.optionalText(0)
            guard mode == "wal" else {
                throw SQLiteError(.misuse, message: "\(path) cannot use WAL journaling (got \(mode ?? "nothing"))")
            }
            guard ["OFF", "NORMAL", "FULL", "EXTRA"].contains(options.synchronous) else {
                throw SQLiteError(.misuse, message: "unknown synchronous level \(options.synchronous)")
            }
            try execute(script: "PRAGMA synchronous = \(options.synchronous);")
        }
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements without arguments.
    public func execute(script sql: String) throws(SQLiteError) {
        try checkTransactionIsAlive(sql: sql)
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Runs one statement with arguments.
    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) {
        try cachedStatement(sql).run(arguments)
    }

    /// Runs one query and returns its rows.
    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        try cachedStatement(sql).rows(arguments)
    }

    /// The first row of a query, or nil.
    public func queryOne(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> Row? {
        try query(sql, arguments).first
    }

    /// A prepared statement for `sql`, reused across calls on this connection.
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] { return statement }
        let statement = try Statement(database: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether a transaction is open.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`): commits when it returns, rolls back
    /// when it throws. Nested calls use a savepoint, so an inner failure undoes only the inner part.
    public func write<T>(_ body: () throws -> T) throws -> T {
        try transaction(begin: "BEGIN IMMEDIATE", body)
    }

    /// Runs `body` in a read transaction, so that every query sees one snapshot.
    public func read<T>(_ body: () throws -> T) throws -> T {
        try transaction(begin: "BEGIN DEFERRED", body)
    }

    private func transaction<T>(begin: String, _ body: () throws -> T) throws -> T {
        if isInTransaction {
            try execute(script: "SAVEPOINT nested")
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            do {
                let result = try body()
                try checkTransactionIsAlive(sql: nil)
                try execute(script: "RELEASE nested")
                return result
            } catch {
                // After SQLite rolled the whole transaction back there is no savepoint to return to;
                // the error goes up, and the outer `write` fails at its next statement or its commit.
                if isInTransaction { try? execute(script: "ROLLBACK TO nested; RELEASE nested") }
                throw error
            }
        }
        // A `write` whose transaction SQLite rolled back must not start afresh in its place.
        try checkTransactionIsAlive(sql: begin)
        let gate = begin == "BEGIN IMMEDIATE" ? writeGate : nil
        gate?.enter()
        defer { gate?.leave() }
        try execute(script: begin)
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body()
            try checkTransactionIsAlive(sql: "COMMIT")
            try execute(script: "COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute(script: "ROLLBACK") }
            throw error
        }
    }

    /// Refuses to run anything inside a `write` or `read` whose transaction SQLite has already
    /// rolled back (RAISE(ROLLBACK), a full disk, an I/O error): the statement would otherwise run
    /// in autocommit mode and be kept, while the rest of the caller's transaction is gone.
    func checkTransactionIsAlive(sql: String?) throws(SQLiteError) {
        guard transactionDepth > 0, !isInTransaction else { return }
        throw SQLiteError(.abort, message: "the transaction was rolled back by SQLite after an earlier error; nothing of it was kept", sql: sql)
    }

    /// Copies the whole database into a new file at `destination` (mode 0600) with SQLite's online
    /// backup API: a consistent snapshot while others keep using this one.
    public func backup(to destination: String) throws(SQLiteError) {
        do {
            _ = try FileDescriptor.createNew(destination, permissions: 0o600)
        } catch {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot create \(destination): \(error.reason)", systemError: error)
        }
        do throws(SQLiteError) {
            var target: OpaquePointer?
            let openCode = sqlite3_open_v2(destination, &target, SQLITE_OPEN_READWRITE, nil)
            defer { sqlite3_close_v2(target) }
            guard openCode == SQLITE_OK, let target else {
                throw SQLiteError(code: openCode, message: "cannot open \(destination)")
            }
            guard let backup = sqlite3_backup_init(target, "main", handle, "main") else {
                throw SQLiteError(code: sqlite3_errcode(target), message: String(cString: sqlite3_errmsg(target)))
            }
            var code: Int32
            repeat {
                code = sqlite3_backup_step(backup, 256)
                if code == SQLITE_BUSY || code == SQLITE_LOCKED { sqlite3_sleep(20) }
            } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
            let finish = sqlite3_backup_finish(backup)
            guard code == SQLITE_DONE, finish == SQLITE_OK else {
                throw SQLiteError(code: code == SQLITE_DONE ? finish : code, message: "backup to \(destination) failed: \(String(cString: sqlite3_errmsg(target)))")
            }
        } catch {
            unlink(destination)
            throw error
        }
    }

    /// Writes the WAL back into the database and truncates it to zero bytes.
    public func checkpointTruncate() throws(SQLiteError) {
        var logFrames: Int32 = 0
        var checkpointed: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, &logFrames, &checkpointed)
        guard code == SQLITE_OK else { throw error(code: code, sql: nil) }
    }

    func error(code: Int32, sql: String?) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        return SQLiteError(code: extended != 0 ? extended : code, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}

/// A lock that the write transactions of several connections in one process take in turn.
public final class WriteGate: @unchecked Sendable {
    // @unchecked: the mutex is only used through enter/leave, from whichever thread holds a connection;
    // allocated once, so its address never moves.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// A new, open gate.
    public init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func enter() { pthread_mutex_lock(mutex) }
    func leave() { pthread_mutex_unlock(mutex) }
}
