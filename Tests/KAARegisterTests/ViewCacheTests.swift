import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// A server's cached "Idag" and search directory (issue 15, case 5): served while the register
/// stands still, computed again after any change that can alter them (from this connection or
/// another process), and every view still audited.
@Suite struct ViewCacheTests {
    let fixture = RegisterFixture()
    let alva = TestPeople.person(born: 2008, 0)
    let bo = TestPeople.person(born: 2008, 1)

    /// A register with a cache, hanna's caseload of two people, and hanna as the viewer.
    func setUp() throws -> (Register, Viewer, ViewCache) {
        let register = try fixture.create()
        let cache = ViewCache()
        register.viewCache = cache
        _ = try register.addStaff(login: "hanna", name: "Hanna", role: .handlaggare)
        let id = try #require(try register.database.queryOne("SELECT id FROM staff WHERE login = 'hanna'")?.int(0))
        for (pnr, name) in [(alva, "Alva"), (bo, "Bo")] {
            try register.register(pnr, on: TestDates.date("2026-09-01"), reason: "EJ_PABORJAT", details: ContactDetails(firstName: name, lastName: "Test"))
            try register.assignCaseload(pnr, to: "hanna")
        }
        return (register, Viewer(staffID: id, login: "hanna", name: "Hanna", role: .handlaggare), cache)
    }

    func notReached(_ register: Register, _ viewer: Viewer) throws -> [String] {
        let work = try register.acting(as: viewer) { () throws(RegisterError) in try register.todaysWork() }
        return try #require(work.lists.first { $0.list == .notReached }).entries.map(\.name)
    }

    func found(_ register: Register, _ viewer: Viewer, _ text: String) throws -> [String] {
        try register.acting(as: viewer) { () throws(RegisterError) in try register.find(text).map(\.name) }
    }

    @Test func idagIsServedFromTheCacheUntilARecordChangesAndEveryViewIsAudited() throws {
        let (register, hanna, cache) = try setUp()
        #expect(try notReached(register, hanna) == ["Alva Test", "Bo Test"])
        #expect(try notReached(register, hanna) == ["Alva Test", "Bo Test"])
        #expect(cache.computed == 1)
        // Reaching Alva takes her off "Ej nådda": the contact's write moves the counter.
        _ = try register.addContact(alva, on: TestDates.date("2026-11-20"), channel: "TELEFON", isReached: true)
        #expect(try notReached(register, hanna) == ["Bo Test"])
        #expect(cache.computed == 2)
        // Each of the three views wrote its audit row, with the people it showed.
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'today' AND staff = 'hanna'") == 3)
        let sets = try register.database.query("SELECT shown_set FROM audit_log WHERE action = 'today' ORDER BY id").map { try $0.int(0) }
        // Each showed Alva and Bo (reached, Alva is still on another list): one set, written once.
        #expect(sets.count == 3 && Set(sets).count == 1)
        #expect(try count(register, "SELECT count(*) FROM audit_shown_set") == 1)
        #expect(try count(register, "SELECT count(*) FROM audit_shown_person WHERE set_id = \(sets[0])") == 2)
        // Bo's case moved away from hanna: the next view shows Alva only, a set of its own.
        try register.unassignCaseload(bo)
        _ = try notReached(register, hanna)
        let last = try count(register, "SELECT shown_set FROM audit_log WHERE action = 'today' ORDER BY id DESC LIMIT 1")
        #expect(last != sets[0])
        #expect(try register.database.query("SELECT person_id FROM audit_shown_person WHERE set_id = \(last)").map { try $0.int(0) }
            == [try count(register, "SELECT id FROM person WHERE first_name = 'Alva'")])
    }

    @Test func aWriteByAnotherProcessIsSeen() throws {
        let (register, hanna, cache) = try setUp()
        #expect(try notReached(register, hanna) == ["Alva Test", "Bo Test"])
        // The nightly job or kommun IT at the shell: another connection to the same file.
        let other = try fixture.open(staff: "kommun-it")
        _ = try other.addContact(bo, on: TestDates.date("2026-11-21"), channel: "TELEFON", isReached: true)
        #expect(try notReached(register, hanna) == ["Alva Test"])
        try other.unassignCaseload(alva)
        #expect(try notReached(register, hanna) == [])
        #expect(cache.computed == 3)
    }

    @Test func theSearchDirectoryFollowsRenamesCaseloadsAndNewPeople() throws {
        let (register, hanna, cache) = try setUp()
        #expect(try found(register, hanna, "alva") == ["Alva Test"])
        #expect(try found(register, hanna, "TEST") == ["Alva Test", "Bo Test"])
        #expect(cache.computed == 1)
        try register.updatePerson(alva, details: ContactDetails(firstName: "Åsa", lastName: "Öberg"))
        #expect(try found(register, hanna, "alva") == [])
        #expect(try found(register, hanna, "asa oberg") == ["Åsa Öberg"])
        let cecilia = TestPeople.person(born: 2008, 2)
        try register.register(cecilia, on: TestDates.date("2026-09-02"), reason: "EJ_PABORJAT", details: ContactDetails(firstName: "Cecilia", lastName: "Test"))
        #expect(try found(register, hanna, "cecilia") == [])
        try register.assignCaseload(cecilia, to: "hanna")
        #expect(try found(register, hanna, "cecilia") == ["Cecilia Test"])
        // By personnummer too, from the same directory.
        #expect(try found(register, hanna, String(cecilia.digits.suffix(10))) == ["Cecilia Test"])
        // A search for what nobody is called finds nobody, also from a cached directory.
        #expect(try found(register, hanna, "zz") == [])
    }

    @Test func aCommandWithoutACacheComputesTheSame() throws {
        let (register, hanna, _) = try setUp()
        let plain = try fixture.open()
        #expect(plain.viewCache == nil)
        #expect(try notReached(plain, hanna) == (try notReached(register, hanna)))
        #expect(try found(plain, hanna, "test") == (try found(register, hanna, "test")))
    }

    /// Every table either moves the counter on each kind of write (a trigger per kind), or is
    /// listed here as one whose rows no cached answer shows: a new table must be placed.
    @Test func everyTableIsTrackedOrKnownNotToMatter() throws {
        let (register, _, _) = try setUp()
        let untracked: Set<String> = [
            "audit_log", "audit_shown_set", "audit_shown_person", "web_session", "secret", "setting", "register_change", "schema_migration", "person_id_high_water",
            // Inställningar (0020): timeouts, retention, Argon2 cost, SCB mapping; nothing Idag or search shows.
            "register_setting",
            "sync_batch", "sync_generation", "sync_state_cell", "frozen_cell", "frozen_period",
            "population_cell", "population_extract", "region_fetch", "region_figure",
            // A month run's kept report (0016): shown only on its own page, read fresh each time.
            "month_run", "month_run_entry",
            // Loggkontroll's samples (0019): read only by the granskare's pages, never cached.
            "log_review", "log_review_item",
            // SCB files downloaded (0018): shown only on SCB-rapport, which reads them each time.
            "scb_submission", "scb_submission_line",
            // Code lists: labels are read from the built-in catalogue, not these tables.
            "contact_channel", "county", "deregistration_reason", "kommun", "measure_end_reason", "measure_type",
            "occupation", "registration_reason", "handover_receiver", "consent_method",
            // Letters (0017): the templates and the sent batches' receipts hold no one's data; the
            // contacts a batch writes are person records (below).
            "letter_template", "letter_batch",
            // Records of a person: their triggers (0008, 0014) bump person.version, an update of person.
            "episode", "contact", "occupation_fact", "measure", "measure_follow_up", "handover",
        ]
        let tables = Set(try register.database.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").map { try $0.text(0) })
        let tracked = tables.subtracting(untracked)
        #expect(tracked == ["person", "caseload", "review_item", "staff", "person_detail_source"])
        for table in tracked {
            let events = Set(try register.database.query(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND sql LIKE '%UPDATE register_change%'", [.text(table)])
                .map { try $0.text(0) }.compactMap { sql in ["INSERT", "UPDATE", "DELETE"].first { sql.contains("AFTER \($0)") } })
            // Staff accounts are never deleted (they are disabled), so no delete trigger.
            #expect(events == (table == "staff" ? ["INSERT", "UPDATE"] : ["INSERT", "UPDATE", "DELETE"]), "\(table)")
        }
        // The records of a person bump its version, which moves the counter.
        for table in ["episode", "contact", "occupation_fact", "measure", "measure_follow_up", "handover"] {
            #expect(try count(register, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '\(table)' AND sql LIKE '%SET version = version + 1%'") >= 2, "\(table)")
        }
    }

    @Test func aLoginDoesNotEmptyTheCacheButARoleChangeDoes() throws {
        let (register, _, _) = try setUp()
        let before = try count(register, "SELECT counter FROM register_change")
        try register.database.execute("UPDATE staff SET failed_attempts = 1, last_totp_step = 5 WHERE login = 'hanna'")
        try register.database.execute("INSERT INTO audit_log (at, staff, action) VALUES ('2026-11-30T10:00:00Z', 'hanna', 'show')")
        #expect(try count(register, "SELECT counter FROM register_change") == before)
        try register.disableStaff(login: "hanna")
        #expect(try count(register, "SELECT counter FROM register_change") > before)
    }
}

/// Migration 0012 turns 0006's per-row lists of people shown into sets, losing nobody.
@Suite struct AuditShownSetMigrationTests {
    @Test func rowsOfAListingBecomeTheirRowsSetAndAreFoundByPerson() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("old.sqlite"), options: .init(create: true))
        let upTo11 = Migrator(migrations: Register.migrator.migrations.filter { $0.version <= 11 })
        _ = try upTo11.migrate(database, now: "2026-11-01T00:00:00Z")
        try database.execute(script: """
            INSERT INTO audit_log (id, at, staff, action, detail) VALUES (1, '2026-11-01T10:00:00Z', 'kalle', 'worklist.ej-nadda', 'shown=2');
            INSERT INTO audit_log (id, at, staff, action, person_id) VALUES (2, '2026-11-01T10:01:00Z', 'kalle', 'show', 7);
            INSERT INTO audit_log (id, at, staff, action, detail) VALUES (3, '2026-11-01T10:02:00Z', 'kalle', 'list', 'shown=1');
            INSERT INTO audit_log_person (audit_id, person_id) VALUES (1, 7), (1, 9), (3, 9);
            """)
        _ = try Register.migrator.migrate(database, now: "2026-11-02T00:00:00Z")
        let rows = try database.query("SELECT id, shown_set FROM audit_log ORDER BY id").map { [try $0.int(0), try $0.optionalInt(1) ?? -1] }
        #expect(rows == [[1, 1], [2, -1], [3, 3]])
        let members = try database.query("SELECT set_id, person_id FROM audit_shown_person ORDER BY set_id, person_id").map { [try $0.int(0), try $0.int(1)] }
        #expect(members == [[1, 7], [1, 9], [3, 9]])
        #expect(try database.query("SELECT name FROM sqlite_master WHERE name = 'audit_log_person'").isEmpty)
        // The log is append-only again after the migration lifted its trigger for one statement.
        #expect(throws: SQLiteError.self) { try database.execute("UPDATE audit_log SET staff = 'x' WHERE id = 1") }
    }
}
