import Foundation
import KAACore
import KAARegister
import KAATestFixtures
import Testing

/// `kaa settings list|set|reset` (issue 16): kommun IT's way to the settings of Inställningar,
/// with the same checks and the same audit rows.
@Suite struct SettingsCommandTests {
    let fixture = CLIFixture()

    func openRegister() throws -> Register {
        try Register.open(at: fixture.directory.file("kaa.sqlite"), clock: FixedDateClock(today: TestDates.today), staff: "test")
    }

    @Test func listSetAndResetAreAuditedAndShowTheirSource() throws {
        let before = fixture.kaa.run(["settings", "list"])
        expectExit(before, 0)
        #expect(before.stdout.contains("sessionIdleMinutes") && before.stdout.contains("standard") && before.stdout.contains("5–120 minuter"))
        expectExit(fixture.kaa.run(["settings", "set", "sessionIdleMinutes", "15"]), 0)
        let json = fixture.kaa.run(["settings", "list", "--json"])
        expectExit(json, 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let idle = try #require(entries.first { $0["key"] as? String == "sessionIdleMinutes" })
        #expect(idle["value"] as? String == "15" && idle["changed"] as? Bool == true && idle["min"] as? Int == 5)
        #expect(try openRegister().auditEntries(AuditFilter(action: "settings.change")).last?.changes == "sessionIdleMinutes: 30 → 15")
        expectExit(fixture.kaa.run(["settings", "reset", "sessionIdleMinutes"]), 0)
        #expect(try openRegister().effectiveSettings()[.sessionIdleMinutes].source == .standard)
    }

    @Test(arguments: [["settings", "set", "sessionIdleMinutes", "abc"], ["settings", "set", "sessionIdleMinutes", "121"],
                      ["settings", "set", "argon2Iterations", "1"], ["settings", "set", "webThreads", "4"], ["settings", "set", "sessionIdleMinutes"],
                      ["settings", "set", "sessionIdleMinutes", "10", "--file", "/etc/hostname"], ["settings", "set", "scbMapping", "--file", "/nonexistent"]])
    func badValuesAndKeysChangeNothing(_ arguments: [String]) throws {
        let result = fixture.kaa.run(arguments)
        #expect(result.exitCode == 64 || result.exitCode == 65, "\(result)")
        #expect(result.stderr.hasPrefix("Fel: "), "\(result)")
        #expect(try openRegister().effectiveSettings().entries.allSatisfy { !$0.source.isChanged })
    }

    @Test func anSCBMappingFromAFileIsCheckedWithTheSameParser() throws {
        let bad = fixture.directory.file("bad.json")
        try Data("{\"columns\": {\"blok\": \"B\"}}".utf8).write(to: URL(fileURLWithPath: bad))
        let refused = fixture.kaa.run(["settings", "set", "scbMapping", "--file", bad])
        expectExit(refused, 65)
        #expect(refused.stderr.contains("SCB-mappning") && refused.stderr.contains("\"blok\""))
        let good = fixture.directory.file("good.json")
        try Data("{\"columns\": {\"block\": \"Block\"}}".utf8).write(to: URL(fileURLWithPath: good))
        expectExit(fixture.kaa.run(["settings", "set", "scbMapping", "--file", good]), 0)
        #expect(try openRegister().scbMapping(default: SCBMapping()).columns == ["block": "Block"])
    }

    @Test func reportSCBUsesTheStoredMappingWithoutMappingFlag() throws {
        let out = fixture.directory.file("scb.csv")
        // Without any mapping the file is refused (draft only).
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", out]), 65)
        expectExit(fixture.kaa.run(["settings", "set", "scbMapping", "--file", TestPeople.packageRoot + "/config/scb-mapping.example.json"]), 0)
        let result = fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", out])
        expectExit(result, 0)
        let header = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("Personnummer"), "the stored mapping's column names: \(header)")
    }

    @Test func aShorterRetentionNeedsYes() throws {
        try openRegister().database.execute("INSERT INTO audit_log (at, staff, action) VALUES ('2025-06-01T10:00:00Z', 'x', 'show')")
        let asked = fixture.kaa.run(["settings", "set", "auditRetentionMonths", "12"])
        expectExit(asked, 64)
        #expect(asked.stderr.contains("Bekräfta med --yes"))
        #expect(try openRegister().effectiveSettings().auditRetentionMonths == 24)
        expectExit(fixture.kaa.run(["settings", "set", "auditRetentionMonths", "12", "--yes"]), 0)
        #expect(try openRegister().effectiveSettings().auditRetentionMonths == 12)
    }
}
