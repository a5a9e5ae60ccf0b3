import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Inställningar in the register (issue 16): stored over the config file, checked strictly, one
/// audit row per change, and in force at the next use without reopening.
@Suite struct SettingsTests {
    let fixture = RegisterFixture()
    let d = TestDates.date

    func settingsAudit(_ register: Register) throws -> [AuditEntry] {
        try register.auditEntries(AuditFilter(action: "settings"))
    }

    @Test func eachSettingSaysWhereItsValueComesFrom() throws {
        _ = try fixture.create()
        var configuration = RegisterConfiguration()
        configuration.retentionMonths = 18
        let register = try Register.open(at: fixture.path, clock: FixedDateClock(today: TestDates.today), staff: "it", configuration: configuration)
        let settings = try register.effectiveSettings()
        #expect(settings[.retentionMonths] == RegisterSetting(key: .retentionMonths, value: "18", source: .configFile, baseValue: "18"))
        #expect(settings[.sessionIdleMinutes].source == .standard && settings.sessionIdleMinutes == 30)
        #expect(settings.scbMappingJSON == nil)
        #expect(settings.entries.map(\.key) == RegisterSettingKey.allCases)

        #expect(try register.changeSetting(.retentionMonths, to: "6", confirmed: true) == .changed)
        let changed = try register.effectiveSettings()[.retentionMonths]
        #expect(changed.value == "6" && changed.baseValue == "18")
        guard case let .changed(at, by) = changed.source else { Issue.record("\(changed.source)"); return }
        #expect(by == "it" && at.hasSuffix("Z"))
    }

    @Test func aChangeIsOneAuditRowWithBeforeAndAfter() throws {
        let register = try fixture.create(staff: "it")
        #expect(try register.changeSetting(.sessionIdleMinutes, to: " 15 ") == .changed)
        #expect(try register.effectiveSettings().sessionIdleMinutes == 15)
        let rows = try settingsAudit(register).filter { $0.action == "settings.change" }
        #expect(rows.count == 1)
        #expect(rows.first?.changes == "sessionIdleMinutes: 30 → 15")
        #expect(rows.first?.detail == "key=sessionIdleMinutes")
        #expect(rows.first?.staff == "it")
        // The same value again writes nothing.
        #expect(try register.changeSetting(.sessionIdleMinutes, to: "15") == .unchanged)
        #expect(try settingsAudit(register).filter { $0.action == "settings.change" }.count == 1)
        // Back to the config file's value: audited as a reset, the row gone.
        #expect(try register.resetSetting(.sessionIdleMinutes) == .changed)
        #expect(try register.effectiveSettings()[.sessionIdleMinutes].source == .standard)
        #expect(try settingsAudit(register).last?.action == "settings.reset")
        #expect(try settingsAudit(register).last?.changes == "sessionIdleMinutes: 15 → 30")
        #expect(try count(register, "SELECT count(*) FROM register_setting") == 0)
        #expect(try register.resetSetting(.sessionIdleMinutes) == .unchanged)
    }

    @Test(arguments: ["", "   ", "abc", "-5", "4", "121", "0", "1e3", "0x10", "15 x", "15.0", "+15", "１５", "15\u{0}", "99999999999999999999",
                      String(repeating: "9", count: 100_000), "<script>alert(1)</script>"])
    func refusesAnIdleTimeoutThatIsNotAWholeNumberInRange(_ text: String) throws {
        let register = try fixture.create()
        do {
            _ = try register.changeSetting(.sessionIdleMinutes, to: text)
            Issue.record("'\(text.prefix(20))' was accepted")
        } catch let error {
            guard case let .invalidInput(field, message) = error else { Issue.record("\(error)"); return }
            #expect(field == "Utloggning efter inaktivitet")
            #expect(message.contains("5 till 120 minuter"))
            #expect(message.count < 200, "a huge value is not quoted whole")
        }
        #expect(try count(register, "SELECT count(*) FROM register_setting") == 0)
        #expect(try settingsAudit(register).isEmpty)
    }

    @Test(arguments: [(RegisterSettingKey.argon2MemoryKiB, "19455"), (.argon2Iterations, "1"), (.argon2Parallelism, "0"),
                      (.argon2MemoryKiB, "4194304"), (.sessionAbsoluteHours, "25"), (.sessionAbsoluteHours, "0"),
                      (.retentionMonths, "0"), (.retentionMonths, "61"), (.auditRetentionMonths, "11"), (.auditRetentionMonths, "121")])
    func refusesValuesOutsideTheirRange(_ key: RegisterSettingKey, _ text: String) throws {
        let register = try fixture.create()
        #expect(throws: RegisterError.self) { try register.changeSetting(key, to: text, confirmed: true) }
        #expect(try register.effectiveSettings()[key].source == .standard)
    }

    @Test func argon2BelowOWASPSaysSo() throws {
        let register = try fixture.create()
        do {
            _ = try register.changeSetting(.argon2MemoryKiB, to: "8192")
            Issue.record("accepted")
        } catch let error {
            #expect(error.description.contains("Argon2id minne") && error.description.contains("OWASP"))
        }
    }

    @Test func aNewArgon2CostHashesTheNextPasswordAndOldHashesStillVerify() throws {
        let register = try fixture.create(staff: "it")
        _ = try register.addStaff(login: "hanna", name: "Hanna H", role: .handlaggare)
        try register.setInitialPassword(login: "hanna", new: "Kaffe och kanelbulle 42")
        let before = try #require(try register.database.queryOne("SELECT password_hash FROM staff WHERE login = 'hanna'")).text(0)
        #expect(before.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))

        #expect(try register.changeSetting(.argon2MemoryKiB, to: "32768") == .changed)
        #expect(try register.changeSetting(.argon2Iterations, to: "3") == .changed)
        #expect(try register.changeSetting(.argon2Parallelism, to: "2") == .changed)
        // The old password (old parameters) still verifies; the new one is hashed with the new cost.
        try register.changePassword(login: "hanna", old: "Kaffe och kanelbulle 42", new: "Te med mjölk och honung 7")
        let after = try #require(try register.database.queryOne("SELECT password_hash FROM staff WHERE login = 'hanna'")).text(0)
        #expect(after.hasPrefix("$argon2id$v=19$m=32768,t=3,p=2$"))
        // And that one verifies again after the cost goes back.
        #expect(try register.resetSetting(.argon2MemoryKiB) == .changed)
        try register.changePassword(login: "hanna", old: "Te med mjölk och honung 7", new: "Kaffe och kanelbulle 42")
        let last = try #require(try register.database.queryOne("SELECT password_hash FROM staff WHERE login = 'hanna'")).text(0)
        #expect(last.hasPrefix("$argon2id$v=19$m=19456,t=3,p=2$"))
    }

    /// Two people who left in 2025 (a frozen half-year by 2026-11-23): one 12 months ago, one 11.
    func registerWithLeavers() throws -> Register {
        let early = try fixture.create(today: d("2026-06-15"))
        try early.register(TestPeople.person(born: 2008, sex: .female, 0), on: d("2025-10-01"), reason: "OKAND")
        try early.deregister(TestPeople.person(born: 2008, sex: .female, 0), on: d("2025-11-02"), reason: "FLYTTAT")
        try early.register(TestPeople.person(born: 2008, sex: .male, 0), on: d("2025-10-01"), reason: "OKAND")
        try early.deregister(TestPeople.person(born: 2008, sex: .male, 0), on: d("2025-12-15"), reason: "FLYTTAT")
        return try Register.open(at: fixture.path, clock: FixedDateClock(today: TestDates.today), staff: "it")
    }

    @Test func shorteningTheRetentionAsksFirstAndTheNextGallringFollows() throws {
        let register = try registerWithLeavers()
        #expect(try register.purge(dryRun: true).people.count == 1)
        let outcome = try register.changeSetting(.retentionMonths, to: "6")
        #expect(outcome == .needsConfirmation(SettingImpact(peopleNow: 1, peopleAfter: 2)))
        #expect(try register.effectiveSettings().retentionMonths == 12, "nothing written before the confirmation")
        #expect(try register.changeSetting(.retentionMonths, to: "6", confirmed: true) == .changed)
        #expect(try register.purge(dryRun: true).people.count == 2, "the next dry run uses the new retention")
        #expect(try settingsAudit(register).last?.detail == "key=retentionMonths purge_people=1->2")
        // Lengthening needs no confirmation.
        #expect(try register.changeSetting(.retentionMonths, to: "24") == .changed)
        #expect(try register.purge(dryRun: true).people.isEmpty)
    }

    @Test func theAuditRetentionMovesTheLogsDeleteGuardAndSurvivesReopening() throws {
        let register = try fixture.create()
        try register.database.execute("INSERT INTO audit_log (at, staff, action) VALUES ('2025-06-01T10:00:00Z', 'x', 'show')")
        let outcome = try register.changeSetting(.auditRetentionMonths, to: "12")
        guard case let .needsConfirmation(impact) = outcome else { Issue.record("\(outcome)"); return }
        #expect(impact.auditRowsAfter > impact.auditRowsNow)
        #expect(try register.changeSetting(.auditRetentionMonths, to: "12", confirmed: true) == .changed)
        #expect(try register.database.queryOne("SELECT value FROM setting WHERE key = 'audit_retention_months'")?.text(0) == "12")
        // Opening with the config file's default keeps the change (the trigger's row too).
        let reopened = try fixture.open()
        #expect(try reopened.effectiveSettings().auditRetentionMonths == 12)
        #expect(try reopened.database.queryOne("SELECT value FROM setting WHERE key = 'audit_retention_months'")?.text(0) == "12")
    }

    @Test func aSubjectAccessExtractTellsTheRetentionInForce() throws {
        let register = try fixture.create()
        let person = TestPeople.person(born: 2008, sex: .female, 0)
        try register.register(person, on: d("2026-09-01"), reason: "OKAND")
        #expect(try register.subjectAccess(person)["retention_months"] as? Int == 12)
        #expect(try register.changeSetting(.retentionMonths, to: "9", confirmed: true) == .changed)
        #expect(try register.changeSetting(.auditRetentionMonths, to: "36") == .changed)
        let extract = try register.subjectAccess(person)
        #expect(extract["retention_months"] as? Int == 9 && extract["audit_retention_months"] as? Int == 36)
    }

    @Test func onlyAnAdminMayChangeASetting() throws {
        let register = try fixture.create()
        for role in [StaffRole.handlaggare, .samordnare, .granskare] {
            let viewer = Viewer(staffID: 1, login: "x\(role.rawValue)", name: "X", role: role)
            #expect(throws: RegisterError.self) {
                try register.acting(as: viewer) { () throws(RegisterError) in _ = try register.changeSetting(.sessionIdleMinutes, to: "10") }
            }
            #expect(throws: RegisterError.self) {
                try register.acting(as: viewer) { () throws(RegisterError) in _ = try register.resetSetting(.sessionIdleMinutes) }
            }
        }
        #expect(try count(register, "SELECT count(*) FROM register_setting") == 0)
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'denied' AND detail LIKE 'action=settings.%'") == 6)
        let admin = Viewer(staffID: 1, login: "adam", name: "Adam", role: .admin)
        #expect(try register.acting(as: admin) { () throws(RegisterError) in try register.changeSetting(.sessionIdleMinutes, to: "10") } == .changed)
    }

    @Test func aChangeFromAStalePageSavesNothing() throws {
        let register = try fixture.create()
        let shown = Register.settingDigest(try register.effectiveSettings()[.sessionIdleMinutes].value)
        #expect(try register.changeSetting(.sessionIdleMinutes, to: "20", expecting: shown) == .changed)
        #expect(throws: RegisterError.self) { try register.changeSetting(.sessionIdleMinutes, to: "40", expecting: shown) }
        #expect(try register.effectiveSettings().sessionIdleMinutes == 20)
    }

    // MARK: - The SCB mapping

    static var exampleMapping: String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/scb-mapping.example.json")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    @Test func theSCBMappingIsStoredCheckedByTheCLIsParserAndUsedByTheReport() throws {
        let register = try fixture.create()
        let fallback = try register.scbMapping(default: SCBMapping())
        #expect(fallback.columns.isEmpty, "no mapping stored: the fallback")
        let json = Self.exampleMapping
        #expect(json.contains("\"columns\""))
        #expect(try register.changeSetting(.scbMapping, to: json) == .changed)
        let stored = try register.scbMapping(default: SCBMapping())
        #expect(stored.columns["block"] == "Block" && stored.codes[.registrationReason]?["OKAND"] == "9")
        let row = try #require(try settingsAudit(register).last)
        #expect(row.changes?.hasPrefix("scbMapping: – → sha256:") == true, "the log names the mapping by digest")
        // An empty field removes it.
        #expect(try register.changeSetting(.scbMapping, to: "  \n") == .changed)
        #expect(try register.effectiveSettings().scbMappingJSON == nil)
    }

    @Test(arguments: [
        ("{", "JSON-objekt"),
        ("[1, 2]", "JSON-objekt"),
        ("\"text\"", "JSON-objekt"),
        ("{\"colums\": {}}", "okänd nyckel \"colums\""),
        ("{\"columns\": {\"blok\": \"Block\"}}", "\"columns\" har okänd nyckel \"blok\""),
        ("{\"columns\": {\"block\": 1}}", "\"columns\" ska vara ett objekt med text"),
        ("{\"codes\": {\"haircolour\": {}}}", "okänd kodlista \"haircolour\""),
        ("{\"codes\": {\"occupation\": {\"SJUK\": \"1\"}}}", "\"codes.occupation\" har okänd nyckel \"SJUK\""),
        ("{\"codes\": []}", "\"codes\" ska vara ett objekt"),
        (String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000), "högst"),
        (String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000), "JSON-objekt"),
        ("{\"_about\": \"" + String(repeating: "x", count: 40_000) + "\"}", "högst 32768 byte"),
    ])
    func refusesABadSCBMappingNamingTheKey(_ json: String, _ expected: String) throws {
        let register = try fixture.create()
        do {
            _ = try register.changeSetting(.scbMapping, to: json)
            Issue.record("accepted")
        } catch let error {
            guard case let .invalidInput(field, message) = error else { Issue.record("\(error)"); return }
            #expect(field == "SCB-mappning")
            #expect(message.contains(expected), "\(message)")
        }
        #expect(try register.effectiveSettings().scbMappingJSON == nil)
    }
}
