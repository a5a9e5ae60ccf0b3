import Foundation
import KAASQLite
import KAATestFixtures
import Testing

struct Boom: Error {}

@Suite struct DatabaseTests {
    let directory = TemporaryDirectory()

    func makeDatabase(_ name: String = "db.sqlite") throws -> Database {
        let db = try Database(path: directory.file(name), options: Database.Options(create: true))
        try db.execute(script: "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;")
        return db
    }

    func count(_ db: Database) throws -> Int64 {
        try #require(try db.queryOne("SELECT count(*) FROM item")).int(0)
    }

    @Test func createsTheFileReadableOnlyByItsOwner() throws {
        _ = try makeDatabase()
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("db.sqlite"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func refusesToOpenAMissingFileWithoutCreate() {
        #expect(throws: SQLiteError.self) { try Database(path: directory.file("missing.sqlite")) }
        #expect(!FileManager.default.fileExists(atPath: directory.file("missing.sqlite")))
    }

    @Test func setsForeignKeysWALAndSecureDelete() throws {
        let db = try makeDatabase()
        #expect(try db.queryOne("PRAGMA foreign_keys")?.int(0) == 1)
        #expect(try db.queryOne("PRAGMA journal_mode")?.text(0) == "wal")
        #expect(try db.queryOne("PRAGMA secure_delete")?.int(0) == 1)
    }

    @Test func writeCommitsWhenTheClosureReturns() throws {
        let db = try makeDatabase()
        try db.write { try db.execute("INSERT INTO item (name) VALUES (?)", ["a"]) }
        #expect(try count(db) == 1)
        #expect(!db.isInTransaction)
    }

    @Test func writeRollsBackEverythingWhenTheClosureThrows() throws {
        let db = try makeDatabase()
        #expect(throws: Boom.self) {
            try db.write {
                try db.execute("INSERT INTO item (name) VALUES (?)", ["a"])
                try db.execute("INSERT INTO item (name) VALUES (?)", ["b"])
                throw Boom()
            }
        }
        #expect(try count(db) == 0)
        #expect(!db.isInTransaction)
    }

    @Test func aFailingStatementMidwayLeavesNothing() throws {
        let db = try makeDatabase()
        #expect(throws: SQLiteError.self) {
            try db.write {
                try db.execute("INSERT INTO item (name) VALUES (?)", ["a"])
                try db.execute("INSERT INTO item (name) VALUES (?)", ["a"]) // UNIQUE violation
            }
        }
        #expect(try count(db) == 0)
    }

    @Test func nestedWriteRollsBackOnlyTheInnerPart() throws {
        let db = try makeDatabase()
        try db.write {
            try db.execute("INSERT INTO item (name) VALUES (?)", ["outer"])
            try? db.write {
                try db.execute("INSERT INTO item (name) VALUES (?)", ["inner"])
                throw Boom()
            }
        }
        #expect(try db.query("SELECT name FROM item").map { try $0.text(0) } == ["outer"])
    }

    @Test func errorsNameTheSQLButNotTheArguments() throws {
        let db = try makeDatabase()
        try db.execute("INSERT INTO item (name) VALUES (?)", ["secret-value"])
        do {
            try db.execute("INSERT INTO item (name) VALUES (?)", ["secret-value"])
            Issue.record("expected a constraint error")
        } catch {
            #expect(error.isConstraintViolation)
            #expect(error.description.contains("INSERT INTO item"))
            #expect(!error.description.contains("secret-value"))
        }
    }

    @Test func rejectsAWrongNumberOfArguments() throws {
        let db = try makeDatabase()
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO item (name) VALUES (?)", []) }
    }

    @Test func readsTypedColumnsAndReportsMismatches() throws {
        let db = try makeDatabase()
        try db.execute("INSERT INTO item (name) VALUES (?)", ["x"])
        let row = try #require(try db.queryOne("SELECT id, name, NULL FROM item"))
        #expect(try row.int(0) == 1)
        #expect(try row.text(1) == "x")
        #expect(try row.optionalText(2) == nil)
        #expect(throws: SQLiteError.self) { try row.int(1) }
    }

    @Test func bindsTextExactlyAndARebindReplacesEveryValue() throws {
        let db = try makeDatabase()
        // Empty text stays text (not NULL); non-ASCII keeps every byte.
        for text in ["", "Åsa Öberg", String(repeating: "é", count: 300)] {
            let row = try #require(try db.queryOne("SELECT ?, typeof(?), length(CAST(? AS BLOB))", [.text(text), .text(text), .text(text)]))
            #expect(try row.text(0) == text)
            #expect(try row.text(1) == "text")
            #expect(try row.int(2) == Int64(text.utf8.count))
        }
        // The same cached statement with other values: nothing of the previous binding is left.
        try db.execute("INSERT INTO item (name) VALUES (?)", [.text("first")])
        try db.execute("INSERT INTO item (name) VALUES (?)", [.text("second")])
        #expect(try db.query("SELECT name FROM item ORDER BY id").map { try $0.text(0) } == ["first", "second"])
    }

    @Test func backupCopiesAConsistentSnapshotWithOwnerOnlyMode() throws {
        let db = try makeDatabase()
        try db.write { for name in ["a", "b", "c"] { try db.execute("INSERT INTO item (name) VALUES (?)", [.text(name)]) } }
        try db.backup(to: directory.file("copy.sqlite"))
        let copy = try Database(path: directory.file("copy.sqlite"))
        #expect(try count(copy) == 3)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.file("copy.sqlite"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(throws: SQLiteError.self) { try db.backup(to: directory.file("copy.sqlite")) }
    }
}

@Suite struct MigratorTests {
    let directory = TemporaryDirectory()

    let first = Migration(version: 1, name: "init", sql: "CREATE TABLE a (x INTEGER) STRICT;")
    let second = Migration(version: 2, name: "more", sql: "CREATE TABLE b (y INTEGER) STRICT;")

    func database() throws -> Database {
        try Database(path: directory.file("m.sqlite"), options: Database.Options(create: true))
    }

    func tables(_ db: Database) throws -> [String] {
        try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { try $0.text(0) }
    }

    @Test func appliesEveryMigrationOnAFreshDatabase() throws {
        let db = try database()
        var backups = 0
        let applied = try Migrator(migrations: [second, first]).migrate(db, now: "t") { _ in backups += 1 }
        #expect(applied.map(\.version) == [1, 2])
        #expect(try tables(db) == ["a", "b", "schema_migration"])
        #expect(backups == 0, "a fresh database needs no backup")
    }

    @Test func reRunningAppliesNothing() throws {
        let db = try database()
        let migrator = Migrator(migrations: [first, second])
        try migrator.migrate(db, now: "t")
        #expect(try migrator.migrate(db, now: "t").isEmpty)
        #expect(try db.queryOne("SELECT count(*) FROM schema_migration")?.int(0) == 2)
    }

    @Test func takesABackupBeforeMigratingADatabaseWithData() throws {
        let db = try database()
        try Migrator(migrations: [first]).migrate(db, now: "t")
        var backedUpFrom: Int?
        try Migrator(migrations: [first, second]).migrate(db, now: "t") { backedUpFrom = $0 }
        #expect(backedUpFrom == 1)
    }

    @Test func refusesADatabaseNewerThanTheProgram() throws {
        let db = try database()
        try Migrator(migrations: [first, second]).migrate(db, now: "t")
        #expect {
            try Migrator(migrations: [first]).migrate(db, now: "t")
        } throws: { error in
            guard case let MigrationError.databaseIsNewer(databaseVersion, programVersion)? = error as? MigrationError else { return false }
            return databaseVersion == 2 && programVersion == 1
        }
    }

    @Test func refusesADifferentHistory() throws {
        let db = try database()
        try Migrator(migrations: [first]).migrate(db, now: "t")
        let renamed = Migration(version: 1, name: "other", sql: first.sql)
        #expect(throws: MigrationError.self) { try Migrator(migrations: [renamed]).migrate(db, now: "t") }
    }

    @Test func aFailingMigrationLeavesNoTraceOfItself() throws {
        let db = try database()
        let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE c (z INTEGER) STRICT; CREATE TABLE a (x INTEGER);")
        #expect(throws: MigrationError.self) { try Migrator(migrations: [first, broken]).migrate(db, now: "t") }
        #expect(try tables(db) == ["a", "schema_migration"], "table c of the failed migration is gone")
        #expect(try db.queryOne("SELECT max(version) FROM schema_migration")?.int(0) == 1)
    }

    @Test func readsNumberedFilesAndRejectsBadNames() throws {
        let migrator = try Migrator(files: [("migrations/x/0002_b.sql", "B"), ("migrations/x/0001_a.sql", "A")])
        #expect(migrator.migrations.map(\.name) == ["a", "b"])
        #expect(migrator.latestVersion == 2)
        for bad in ["1_a.sql", "0001-a.sql", "000a_b.sql", "0001_a.txt"] {
            #expect(throws: MigrationError.self) { try Migrator(files: [(bad, "x")]) }
        }
        #expect(throws: MigrationError.self) { try Migrator(files: [("0001_a.sql", "x"), ("0001_b.sql", "y")]) }
    }
}

@Suite struct MigrationForeignKeyTests {
    let directory = TemporaryDirectory()

    /// A parent and a child that cascades, as `person` and `episode` do in the register.
    let schema = Migration(version: 1, name: "init", sql: """
        CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
        CREATE TABLE episode (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE) STRICT;
        """)
    /// SQLite's documented way to change a table: build a new one, copy, drop the old, rename.
    let rebuild = Migration(version: 2, name: "rebuild_person", sql: """
        CREATE TABLE person_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT) STRICT;
        INSERT INTO person_new (id, name) SELECT id, name FROM person;
        DROP TABLE person;
        ALTER TABLE person_new RENAME TO person;
        """)

    func database(_ name: String = "m.sqlite") throws -> Database {
        try Database(path: directory.file(name), options: Database.Options(create: true))
    }

    func count(_ db: Database, _ table: String) throws -> Int64 {
        try #require(try db.queryOne("SELECT count(*) FROM \(table)")).int(0)
    }

    @Test func rebuildingAReferencedTableKeepsItsChildren() throws {
        let db = try database()
        try Migrator(migrations: [schema]).migrate(db, now: "t")
        try db.write {
            try db.execute("INSERT INTO person (id, name) VALUES (1, 'a'), (2, 'b')")
            try db.execute("INSERT INTO episode (person_id) VALUES (1), (1), (2)")
        }
        try Migrator(migrations: [schema, rebuild]).migrate(db, now: "t")
        #expect(try count(db, "episode") == 3, "dropping the old person table must not cascade into episode")
        #expect(try db.queryOne("PRAGMA foreign_keys")?.int(0) == 1, "foreign keys are on again after migrating")
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO episode (person_id) VALUES (99)") }
    }

    @Test func aMigrationThatLeavesDanglingReferencesIsRolledBack() throws {
        let db = try database()
        try Migrator(migrations: [schema]).migrate(db, now: "t")
        let dangling = Migration(version: 2, name: "dangling", sql: "INSERT INTO episode (person_id) VALUES (42);")
        #expect {
            try Migrator(migrations: [schema, dangling]).migrate(db, now: "t")
        } throws: { error in
            guard case let MigrationError.foreignKeyViolations(version, _, tables)? = error as? MigrationError else { return false }
            return version == 2 && tables == ["episode"]
        }
        #expect(try count(db, "episode") == 0)
        #expect(try db.queryOne("SELECT max(version) FROM schema_migration")?.int(0) == 1)
        #expect(try db.queryOne("PRAGMA foreign_keys")?.int(0) == 1)
    }

    @Test func twoConnectionsMigratingTheSameFileBothSucceed() throws {
        let first = try database()
        try Migrator(migrations: [schema]).migrate(first, now: "t")
        try first.write { try first.execute("INSERT INTO person (id, name) VALUES (1, 'a')") }
        let second = try Database(path: directory.file("m.sqlite"))
        let upgraded = Migrator(migrations: [schema, rebuild])
        // The second connection finds migration 2 pending and, while it takes its backup, the first
        // applies it: the second must then find nothing left to do rather than fail.
        var appliedByFirst: [Migration] = []
        let appliedBySecond = try upgraded.migrate(second, now: "t") { _ in
            appliedByFirst = try upgraded.migrate(first, now: "t")
        }
        #expect(appliedByFirst.map(\.version) == [2])
        #expect(appliedBySecond.isEmpty)
        #expect(try second.queryOne("SELECT count(*) FROM schema_migration")?.int(0) == 2)
        #expect(try second.queryOne("SELECT count(*) FROM pragma_table_info('person') WHERE name = 'note'")?.int(0) == 1)
    }
}

@Suite struct TransactionAbortTests {
    let directory = TemporaryDirectory()

    /// A table whose trigger makes SQLite roll back the whole transaction, not just the statement.
    func database() throws -> Database {
        let db = try Database(path: directory.file("a.sqlite"), options: Database.Options(create: true))
        try db.execute(script: """
            CREATE TABLE item (name TEXT NOT NULL) STRICT;
            CREATE TRIGGER item_rollback BEFORE INSERT ON item WHEN new.name = 'poison' BEGIN SELECT RAISE(ROLLBACK, 'poisoned'); END;
            """)
        return db
    }

    @Test func aStatementAfterTheTransactionWasRolledBackFailsAndIsNotKept() throws {
        let db = try database()
        #expect(throws: SQLiteError.self) {
            try db.write {
                try db.execute("INSERT INTO item (name) VALUES ('outer')")
                try? db.write { try db.execute("INSERT INTO item (name) VALUES ('poison')") }
                // Would run in autocommit mode and be kept, while 'outer' is gone.
                do {
                    try db.execute("INSERT INTO item (name) VALUES ('after')")
                    Issue.record("a statement ran after its transaction was rolled back")
                } catch let error as SQLiteError {
                    #expect(error.resultCode == .abort)
                    throw error
                }
            }
        }
        #expect(try db.queryOne("SELECT count(*) FROM item")?.int(0) == 0)
        #expect(!db.isInTransaction)
    }

    @Test func aWriteWhoseNestedPartAbortedTheTransactionDoesNotReportSuccess() throws {
        let db = try database()
        #expect {
            try db.write {
                try db.execute("INSERT INTO item (name) VALUES ('outer')")
                try? db.write { try db.execute("INSERT INTO item (name) VALUES ('poison')") }
            }
        } throws: { error in
            (error as? SQLiteError)?.resultCode == .abort
        }
        #expect(try db.queryOne("SELECT count(*) FROM item")?.int(0) == 0)
        // The connection is usable again afterwards.
        try db.write { try db.execute("INSERT INTO item (name) VALUES ('next')") }
        #expect(try db.queryOne("SELECT count(*) FROM item")?.int(0) == 1)
    }
}

@Suite struct DatabaseTextAndCreationTests {
    let directory = TemporaryDirectory()

    @Test func aTextWithAnEmbeddedNULComesBackWhole() throws {
        let db = try Database(path: directory.file("t.sqlite"), options: Database.Options(create: true))
        try db.execute(script: "CREATE TABLE t (v TEXT NOT NULL) STRICT;")
        let text = "före\u{0}efter"
        try db.execute("INSERT INTO t (v) VALUES (?)", [.text(text)])
        let row = try #require(try db.queryOne("SELECT v, length(CAST(v AS BLOB)) FROM t"))
        #expect(try row.text(0) == text)
        #expect(try row.int(1) == Int64(text.utf8.count))
    }

    @Test func createRefusesAFileThatIsAlreadyThereAndLeavesItAlone() throws {
        let path = directory.file("theirs.sqlite")
        try Data("someone else's".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try Database(path: path, options: Database.Options(create: true))
        } throws: { error in
            (error as? SQLiteError)?.systemError?.errno == EEXIST
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("someone else's".utf8))
    }
}
