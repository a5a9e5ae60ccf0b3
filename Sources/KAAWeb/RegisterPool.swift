import Foundation
import KAARegister
import KAASQLite

/// The register connections the web server's threads share: each request takes one, uses it
/// alone, and gives it back, so a `Register` (a class with one SQLite connection) is never used by
/// two threads at once. SQLite serialises the writes between them (and the CLI's) with its busy
/// timeout.
///
/// `@unchecked Sendable`: the registers are only reached under `condition`'s lock, and a taken one
/// by the one thread that took it until it is returned.
public final class RegisterPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var idle: [Register]
    /// Checkpoints the write-ahead log off the request path (`open`'s pools only).
    private var checkpointer: Checkpointer?
    /// How `open` opened the registers, for `dedicated()` (nil for a pool of given registers).
    private var opening: (path: String, clock: any RegisterClock, staff: String, configuration: RegisterConfiguration, gate: WriteGate)?

    /// A pool of already-open registers (one per server thread is enough).
    public init(_ registers: [Register]) {
        precondition(!registers.isEmpty, "a register pool needs at least one register")
        idle = registers
    }

    /// Opens `count` connections to the register at `path`.
    public static func open(path: String, count: Int, clock: any RegisterClock, staff: String,
                            configuration: RegisterConfiguration) throws(RegisterError) -> RegisterPool {
        var registers: [Register] = []
        let gate = WriteGate()
        let cache = ViewCache()
        for index in 0..<max(1, count) {
            // Opening closes the episodes past their 20th birthday: the first connection writes that,
            // the others need not look again (their reads count those episodes as closed either way).
            let register = try Register.open(at: path, clock: clock, staff: staff, configuration: configuration, writesAutomaticCloses: index == 0)
            register.servesWeb = true
            register.database.writeGate = gate
            register.viewCache = cache
            // A long-lived server reads the same pages all day: map the file (no copy per page read,
            // which was a quarter of Idag's time at 50 000 episodes) and keep a larger page cache.
            do {
                try register.database.execute(script: "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768; PRAGMA journal_size_limit = 16777216")
            } catch {
                throw .database(error)
            }
            registers.append(register)
        }
        let pool = RegisterPool(registers)
        pool.opening = (path, clock, staff, configuration, gate)
        do {
            pool.checkpointer = try Checkpointer(path: path)
            // The requests' own commits checkpoint only if the background one falls far behind.
            for register in registers {
                try register.database.execute(script: "PRAGMA wal_autocheckpoint = \(Checkpointer.fallbackPages)")
            }
        } catch {
            throw .database(error)
        }
        return pool
    }

    deinit {
        checkpointer?.stop()
    }

    /// Runs `body` on a connection of its own for long work (a month run's preview or commit), so
    /// that the requests keep all of the pool's. It takes its write transactions on the pool's gate
    /// and has SQLite's ordinary settings (the pool's large cache and memory map are for many small
    /// reads; under a write of half a million rows they doubled its CPU time). A pool of given
    /// registers lends one of them instead.
    public func withDedicated<T>(_ body: (Register) throws(WebError) -> T) throws(WebError) -> T {
        guard let opening else { return try with(body) }
        let register: Register
        do {
            register = try Register.open(at: opening.path, clock: opening.clock, staff: opening.staff, configuration: opening.configuration,
                                         writesAutomaticCloses: false)
        } catch {
            throw .register(error)
        }
        register.servesWeb = true
        register.database.writeGate = opening.gate
        return try body(register)
    }

    /// Runs `body` with a register of its own, waiting for one if all are in use.
    public func with<T>(_ body: (Register) throws(WebError) -> T) throws(WebError) -> T {
        condition.lock()
        while idle.isEmpty { condition.wait() }
        let register = idle.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            idle.append(register)
            condition.signal()
            condition.unlock()
        }
        return try body(register)
    }
}

/// Copies the write-ahead log back into the database every half second, on a connection and a
/// thread of its own.
///
/// SQLite checkpoints when a commit takes the log past 1 000 pages: that commit then waits for the
/// copy and its fsync, and every writer queued behind it on the register's write gate with it (the
/// slowest 1 % of case 5's views). A passive checkpoint here blocks no reader and no writer. Under
/// constant reads the log is never free to start again from its beginning, and grows (every page
/// read then searches a longer log index): past `restartPages` the checkpointer waits a moment
/// (`restartWait`) for the readers of older snapshots to finish and restarts it. The connections'
/// own automatic checkpoint stays as a fallback at `fallbackPages`.
///
/// After a gallring (an audit row `purge`, from the web or from `kaa purge` beside the server) the
/// log still holds the deleted pages until it is emptied: the checkpointer then tries a truncating
/// checkpoint on every tick until one succeeds (readers let go), so no purged name stays on disk.
final class Checkpointer: @unchecked Sendable {
    /// Pages the log may reach before a committing request checkpoints it itself.
    static let fallbackPages = 20_000
    /// Pages of log past which the checkpointer restarts the log.
    static let restartPages = 4_000
    /// How long a restart may wait for readers and writers (ms); tried again next time if they are still busy.
    static let restartWait = 20

    private let timer: any DispatchSourceTimer
    /// Used only on the timer's serial queue (hence `@unchecked Sendable`).
    private let database: Database
    /// The last purge whose log has been emptied (its audit row's id); used on the timer's queue only.
    private var emptiedAfterPurge: Int64

    init(path: String, interval: DispatchTimeInterval = .milliseconds(500)) throws(SQLiteError) {
        database = try Database(path: path, options: Database.Options(busyTimeoutMilliseconds: Int32(Self.restartWait)))
        // A restarted log is cut back to this size rather than left at its largest.
        try database.execute(script: "PRAGMA journal_size_limit = 16777216")
        // A purge from before the server started was emptied by its own command, or is now.
        emptiedAfterPurge = 0
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "kaa.web.checkpoint", qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
    }

    /// One round: empty the log after a purge, else copy it back (and restart a long one).
    /// A failure (busy, a full disk) is tried again next time; the fallback still holds.
    private func tick() {
        let purge = (try? database.queryOne("SELECT max(id) FROM audit_log WHERE action = 'purge'")?.optionalInt(0)) ?? nil
        if let purge, purge > emptiedAfterPurge {
            if (try? database.checkpointTruncate()) != nil { emptiedAfterPurge = purge }
            return
        }
        guard let pages = try? database.queryOne("PRAGMA wal_checkpoint(PASSIVE)")?.int(1), pages > Self.restartPages else { return }
        _ = try? database.queryOne("PRAGMA wal_checkpoint(RESTART)")
    }

    func stop() {
        timer.cancel()
    }
}
