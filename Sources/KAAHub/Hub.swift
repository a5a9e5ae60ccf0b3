import Foundation
import KAACore
import KAACrypto
import KAAResources
import KAASQLite
import Synchronization

/// The regional hub's state: sites and credentials, the ledger and every kommun's exact cells.
///
/// Thread-safe: the write connection lives inside a `Mutex` and is reached only through
/// `withDatabase` (libmicrohttpd calls the responder from its own threads); reads use connections
/// of their own (`ReadConnections`), so that no reader waits behind a writer. SQLite's `synchronous=FULL` makes
/// each commit durable before the hub answers. The concerns live in extensions: sites
/// (`Hub+Sites`), the protocol (`Hub+Protocol`), group commit (`Hub+GroupCommit`), publication
/// (`Hub+Publication`) and metrics (`Hub+Metrics`).
public final class Hub: Sendable {
    /// The write connection; SQLite has one writer.
    private let database: Mutex<Database>
    /// Connections for reads, each a WAL snapshot of its own.
    private let readers: ReadConnections
    /// The connection that only reads `data_version`, so that the cache's check needs no reader.
    private let versionConnection: Mutex<Database>
    /// The clock for stored timestamps (UTC ISO 8601).
    let now: @Sendable () -> String
    /// The largest batch body accepted, in bytes.
    public let maxBodyBytes: Int
    /// Refusals kept per kommun in the `reject` table; older ones are dropped (their counts stay).
    let rejectHistory: Int
    /// The largest count a kommun's cell may hold (`maxCellCount` in the config).
    public let maxCellCount: Int
    /// The default of `maxCellCount`: more than all of Sweden's 16–19-year-olds.
    public static let defaultMaxCellCount = CellTable.defaultMaximumCount
    /// The Cell Key Method's noise table for publication.
    public let perturbation: PerturbationTable
    /// `perturbation`'s parameters as one line (`Hub.protectionLine`), made once: a relay's every
    /// request is compared with it.
    public let protection: String
    /// The smallest published population a share is shown for (`shareMinimumDenominator`).
    public let shareMinimumDenominator: Int
    /// The default of `shareMinimumDenominator`: ten published people.
    public static let defaultShareMinimumDenominator = 10
    /// The region's name for the dashboard (`regionName`); nil: the län of the enrolled kommuner.
    public let regionName: String?
    /// The kommuner the hub accepts (`lan` and `kommuner` in the config).
    public let scope: HubScope
    /// How long applying batches takes, for `/metrics`.
    let applyLatency = LatencyHistogram()
    /// Writes arriving together share one commit (see `GroupCommit`).
    let groupCommit = GroupCommit<GroupWrite>()
    /// Requests refused for want of a valid token, for `/metrics` (the log shows them rate-limited).
    let unauthenticatedRequests = Atomic<Int>(0)
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
    public init(path: String, maxBodyBytes: Int = 4 << 20, maxCellCount: Int = Hub.defaultMaxCellCount, perturbation: PerturbationTable? = nil,
                rejectHistory: Int = 1000, shareMinimumDenominator: Int = Hub.defaultShareMinimumDenominator, regionName: String? = nil,
                scope: HubScope = .everyKommun, now: @escaping @Sendable () -> String = Hub.utcNow) throws(HubError) {
        let connection: Database
        do {
            let existed = FileManager.default.fileExists(atPath: path)
            connection = try Database(path: path, options: Database.Options(create: !existed, synchronous: "FULL"))
            try Self.migrator.migrate(connection, now: now()) { fromVersion in
                try connection.backup(to: "\(path).before-v\(Self.migrator.latestVersion)-from-v\(fromVersion)-\(now().filter(\.isNumber)).sqlite")
            }
        } catch {
            throw .wrap(error)
        }
        database = Mutex(connection)
        readers = ReadConnections(path: path)
        do {
            versionConnection = Mutex(try Database(path: path, options: Database.Options(synchronous: "FULL", busyTimeoutMilliseconds: 2000)))
        } catch {
            throw .wrap(error)
        }
        self.maxBodyBytes = maxBodyBytes
        self.maxCellCount = maxCellCount
        self.rejectHistory = rejectHistory
        self.shareMinimumDenominator = shareMinimumDenominator
        self.regionName = regionName
        self.scope = scope
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
        protection = Self.protectionLine(self.perturbation)
    }

    /// The current time as UTC ISO 8601.
    /// (No `ISO8601DateFormatter` per call: that cost a third of the hub's CPU.)
    @Sendable public static func utcNow() -> String {
        CalendarDate.utcTimestamp(secondsSince1970: Int(time(nil)))
    }

    /// Runs `body` with the connection, holding the lock for its whole duration.
    func withDatabase<T, E: Error>(_ body: (Database) throws(E) -> sending T) throws(E) -> sending T {
        try database.withLock { (connection: inout Database) throws(E) -> sending T in try body(connection) }
    }

    /// Runs `body` in a read transaction on a read connection of its own: every query in it sees
    /// one snapshot, and no writer (in this process or another) makes it wait.
    func reading<T: Sendable>(_ body: (Database) throws -> T) throws(HubError) -> T {
        do {
            return try readers.withConnection { database in try database.read { try body(database) } }
        } catch {
            throw .wrap(error)
        }
    }

    /// Runs `body` in a write transaction of its own (admin writes; batches use group commit).
    func writing<T: Sendable>(_ body: (Database) throws -> T) throws(HubError) -> T {
        do {
            return try withDatabase { database in try database.write { try body(database) } }
        } catch {
            throw .wrap(error)
        }
    }

    /// SQLite's `data_version` on a connection that never writes: it changes whenever any other
    /// connection commits (the hub's writer or the admin CLI), and reading it takes no lock.
    func dataVersion() throws -> Int64 {
        try versionConnection.withLock { database in try database.queryOne("PRAGMA data_version")?.int(0) ?? 0 }
    }

    static func makeToken() throws -> String {
        "kaa_" + Crypto.hex(try Crypto.randomBytes(32))
    }

    static func hash(_ token: String) -> [UInt8] {
        Crypto.sha256(Array(token.utf8))
    }
}
