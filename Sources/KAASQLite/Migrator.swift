/// One numbered schema change, from `migrations/<db>/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why migrating failed.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    /// A migration file is not named `NNNN_name.sql` or repeats a version.
    case badFile(String)
    /// The database has migrations this program does not know: it is newer than the program.
    case databaseIsNewer(databaseVersion: Int, programVersion: Int)
    /// An applied migration has another name than this program's: the histories differ.
    case historyDiffers(version: Int, applied: String, known: String)
    /// A migration's SQL failed; nothing of it was kept.
    case failed(version: Int, name: String, error: SQLiteError)
    /// A migration left rows pointing at rows that do not exist; nothing of it was kept.
    case foreignKeyViolations(version: Int, name: String, tables: [String])

    public var description: String {
        switch self {
        case let .badFile(path): return "migration file \(path) must be named NNNN_name.sql with a version used once"
        case let .databaseIsNewer(database, program):
            return "the database has schema version \(database) but this program knows only up to \(program): use a newer program"
        case let .historyDiffers(version, applied, known):
            return "migration \(version) was applied as '\(applied)' but this program has '\(known)': the schema histories differ"
        case let .failed(version, name, error): return "migration \(version) (\(name)) failed and was rolled back: \(error)"
        case let .foreignKeyViolations(version, name, tables):
            return "migration \(version) (\(name)) left foreign keys pointing nowhere (in \(tables.joined(separator: ", "))) and was rolled back"
        }
    }
}

/// Applies numbered migrations, each once, each in its own transaction that also records it.
public struct Migrator: Sendable {
    /// Migrations sorted by version.
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Builds migrations from `(path, text)` pairs of files named `NNNN_name.sql`.
    public init(files: [(path: String, text: String)]) throws(MigrationError) {
        var result: [Migration] = []
        var seen = Set<Int>()
        for file in files {
            let base = file.path.split(separator: "/").last.map(String.init) ?? file.path
            guard base.hasSuffix(".sql"), base.count > 9 else { throw .badFile(file.path) }
            let stem = base.dropLast(4)
            let digits = stem.prefix(4)
            guard digits.allSatisfy(\.isNumber), stem.dropFirst(4).first == "_", let version = Int(digits), version > 0,
                  seen.insert(version).inserted else { throw .badFile(file.path) }
            result.append(Migration(version: version, name: String(stem.dropFirst(5)), sql: file.text))
        }
        self.init(migrations: result)
    }

    /// The highest version this program knows.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The highest applied version in `db` (0 for a new database).
    public func appliedVersion(_ db: Database) throws -> Int {
        try ensureLedger(db)
        return Int(try db.queryOne("SELECT coalesce(max(version), 0) FROM schema_migration")?.int(0) ?? 0)
    }

    /// Migrations not yet applied to `db`, after checking that the applied ones match.
    public func pending(_ db: Database) throws -> [Migration] {
        try ensureLedger(db)
        let applied = try db.query("SELECT version, name FROM schema_migration ORDER BY version")
        var appliedVersions = Set<Int>()
        for row in applied {
            let version = Int(try row.int(0))
            let name = try row.text(1)
            appliedVersions.insert(version)
            guard version <= latestVersion else {
                throw MigrationError.databaseIsNewer(databaseVersion: version, programVersion: latestVersion)
            }
            if let known = migrations.first(where: { $0.version == version }), known.name != name {
                throw MigrationError.historyDiffers(version: version, applied: name, known: known.name)
            }
        }
        return migrations.filter { !appliedVersions.contains($0.version) }
    }

    /// Applies every pending migration in order. `beforeFirst` runs once before the first one
    /// when the database already holds data (the caller takes a backup there).
    ///
    /// As GRDB does, foreign keys are off while migrations run (so a migration may rebuild a
    /// referenced table without cascading deletes through its children) and `PRAGMA
    /// foreign_key_check` must find nothing before each commit. Which migrations are pending is read
    /// again inside each one's transaction: another connection may have applied it meanwhile (two
    /// programs opening a register that one of them has just upgraded), and then it is skipped.
    /// Returns the migrations this call applied.
    @discardableResult
    public func migrate(_ db: Database, now: String, beforeFirst: (_ fromVersion: Int) throws -> Void = { _ in }) throws -> [Migration] {
        guard !db.isInTransaction else {
            // `PRAGMA foreign_keys` is a no-op inside a transaction, and each migration needs its own.
            throw SQLiteError(.misuse, message: "migrations must run outside a transaction")
        }
        guard !(try pending(db)).isEmpty else { return [] }
        let current = try appliedVersion(db)
        if current > 0 { try beforeFirst(current) }
        try db.execute(script: "PRAGMA foreign_keys = OFF")
        defer { try? db.execute(script: "PRAGMA foreign_keys = ON") }
        var applied: [Migration] = []
        for migration in migrations {
            do {
                let didApply = try db.write { () throws -> Bool in
                    guard try pending(db).contains(where: { $0.version == migration.version }) else { return false }
                    try db.execute(script: migration.sql)
                    let violations = try db.query("PRAGMA foreign_key_check")
                    guard violations.isEmpty else {
                        let tables = Set(try violations.map { try $0.text(0) }).sorted()
                        throw MigrationError.foreignKeyViolations(version: migration.version, name: migration.name, tables: tables)
                    }
                    try db.execute("INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                                   [.integer(Int64(migration.version)), .text(migration.name), .text(now)])
                    return true
                }
                if didApply { applied.append(migration) }
            } catch let error as SQLiteError {
                throw MigrationError.failed(version: migration.version, name: migration.name, error: error)
            }
        }
        try db.execute(script: "PRAGMA foreign_keys = ON")
        guard try db.queryOne("PRAGMA foreign_keys")?.int(0) == 1 else {
            throw SQLiteError(.misuse, message: "foreign keys could not be enabled again after migrating")
        }
        return applied
    }

    private func ensureLedger(_ db: Database) throws {
        try db.execute(script: """
            CREATE TABLE IF NOT EXISTS schema_migration (
                version     INTEGER PRIMARY KEY,
                name        TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            ) STRICT;
            """)
    }
}
