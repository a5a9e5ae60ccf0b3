@testable import KAAHub
import KAASQLite
import Testing

/// Group commit reports each write as done only if the transaction holding it committed.
@Suite struct GroupCommitFailureTests {
    struct Refused: Error {}

    /// A job that writes one audit row named `actor`.
    static func insert(_ actor: String) -> (Database) throws -> Hub.GroupWrite {
        { database in
            try database.write {
                try database.execute("INSERT INTO admin_audit (at, actor, action, kommun) VALUES ('t', ?, 'test', '0380')", [.text(actor)])
            }
            return .contactRecorded
        }
    }

    @Test func aGroupThatSQLiteRolledBackReportsExactlyWhatWasCommitted() throws {
        let fixture = try HubFixture()
        let hub = fixture.hub
        // The second job stands in for an error after which SQLite rolled back the whole
        // transaction (SQLITE_FULL, SQLITE_IOERR): the group's COMMIT then fails.
        let results = hub.executeGroup([
            Self.insert("first"),
            { database in try database.execute(script: "ROLLBACK"); throw Refused() },
            Self.insert("third"),
        ])
        let stored = try hub.withDatabase { database in
            Set(try database.query("SELECT actor FROM admin_audit WHERE action = 'test'").map { try $0.text(0) })
        }
        #expect(results.count == 3)
        for (index, actor) in ["first", "", "third"].enumerated() where !actor.isEmpty {
            let reported = (try? results[index].get()) != nil
            #expect(reported == stored.contains(actor), "\(actor): reported \(reported ? "applied" : "failed"), stored \(stored.contains(actor))")
        }
        #expect(!hub.withDatabase { $0.isInTransaction })
    }

    @Test func aGroupWhoseCommitFailsReportsNoJobApplied() throws {
        let fixture = try HubFixture()
        let hub = fixture.hub
        // A deferred foreign-key violation lets every job succeed and fails the COMMIT itself.
        let results = hub.executeGroup([
            Self.insert("first"),
            { database in
                try database.execute(script: "PRAGMA defer_foreign_keys = ON")
                try database.execute("INSERT INTO cell (kommun, table_name, period, dims, n, ck) VALUES ('9999', 'in_kaa', '2026-11', 'age=17,sex=K', 1, 1)")
                return .contactRecorded
            },
            Self.insert("third"),
        ])
        let stored = try hub.withDatabase { database in
            try database.queryOne("SELECT count(*) FROM admin_audit WHERE action = 'test'")?.int(0)
        }
        #expect(stored == 0)
        #expect(results.count == 3 && results.allSatisfy { (try? $0.get()) == nil }, "none reported applied")
        #expect(!hub.withDatabase { $0.isInTransaction })
    }
}
