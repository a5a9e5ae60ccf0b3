import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// Issue 14: control and bidi characters are refused at every input with the field (and the file's
/// line) named, and a hostile file cannot make identify's memory grow with its longest record.
@Suite(.serialized) struct HostileInputTests {
    let fixture = IdentifyFixture()

    static let hostile: [(name: String, text: String)] = [
        ("ESC", "Anna\u{1B}[2J"), ("NUL", "An\u{0}na"), ("RLO", "Anna\u{202E}gnal"), ("VT", "An\u{0B}na"), ("FF", "An\u{0C}na"),
        ("NEL", "An\u{85}na"), ("LS", "An\u{2028}na"), ("PS", "An\u{2029}na"), ("LRI", "\u{2066}Anna"), ("DEL", "Anna\u{7F}"),
    ]

    @Test(arguments: hostile.map(\.name))
    func aControlCharacterInAnExtractIsRefusedWithFileLineAndColumn(_ name: String) throws {
        let text = try #require(Self.hostile.first { $0.name == name }).text
        let path = fixture.file("fb.csv")
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: [
            CSVFixture.person(TestPeople.person(born: 2008, 0).digits), CSVFixture.person(TestPeople.person(born: 2008, 1).digits, last: text),
        ])
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", path])
        expectExit(result, 65)
        #expect(result.stderr.contains("\(path):3: efternamn: "), "\(name): \(result)")
        #expect(!result.stderr.contains("--last-name"), "\(name): a message about an option never used: \(result)")
        #expect(try fixture.episodes().isEmpty)
    }

    @Test(arguments: hostile.map(\.name))
    func aControlCharacterInAHistoryImportIsRefusedWithFileLineAndColumn(_ name: String) throws {
        let text = try #require(Self.hostile.first { $0.name == name }).text
        let path = fixture.file("episodes.csv")
        try CSVFixture.write(path, header: ["personnummer", "registrerad", "registreringsorsak", "fornamn", "efternamn"], rows: [
            [TestPeople.person(born: 2008, 0).digits, "2026-09-01", "OKAND", text, "Test"],
        ])
        let result = fixture.kaa.run(["import", "history", "--episodes", path])
        expectExit(result, 65)
        #expect(result.stderr.contains("\(path):2: fornamn: "), "\(name): \(result)")
        #expect(!result.stderr.contains("--first-name"), "\(name): \(result)")
    }

    @Test(arguments: hostile.map(\.name))
    func aControlCharacterInACommandLineValueIsRefusedNamingTheOption(_ name: String) throws {
        let text = try #require(Self.hostile.first { $0.name == name }).text
        let pnr = TestPeople.person(born: 2008, 0).digits
        let refused = fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND", "--address", text])
        expectExit(refused, 65)
        #expect(refused.stderr.contains("--address: "), "\(name): \(refused)")
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND"]), 0)
        let plan = fixture.kaa.run(["measure", "add", pnr, "--type", "SYV", "--offered", "2026-11-02", "--plan", text])
        expectExit(plan, 65)
        #expect(plan.stderr.contains("--plan: "), "\(name): \(plan)")
    }

    @Test func freeTextMayStillRunOverLines() throws {
        let pnr = TestPeople.person(born: 2008, 0).digits
        expectExit(fixture.kaa.run(["register", pnr, "--date", "2026-11-02", "--reason", "OKAND", "--first-name", "Zoë", "--last-name", "Ångström-Öz"]), 0)
        expectExit(fixture.kaa.run(["measure", "add", pnr, "--type", "SYV", "--offered", "2026-11-02", "--plan", "Mål:\n\t- behörighet\r\n"]), 0)
    }

    /// A line of /proc/self/status (`VmRSS`, `VmHWM`) in bytes.
    static func status(_ key: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Resets the process's peak RSS to its current RSS (Linux: `5` to clear_refs), so that the peak
    /// afterwards is this run's and not that of whatever ran before it in the test process.
    static func resetPeakRSS() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }

    @Test func aHugeFieldStopsTheReadAtItsLineWithoutHoldingIt() throws {
        let path = fixture.file("huge.csv")
        // 24 MB in one field on line 3, written in pieces so the test itself never holds it whole.
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.write(Data((CSVFixture.folkbokforingHeader.joined(separator: ";") + "\n").utf8))
        handle.write(Data((CSVFixture.person(TestPeople.person(born: 2008, 0).digits).joined(separator: ";") + "\n").utf8))
        handle.write(Data((TestPeople.person(born: 2008, 1).digits + ";").utf8))
        let piece = Data(repeating: UInt8(ascii: "A"), count: 1 << 20)
        for _ in 0..<24 { handle.write(piece) }
        handle.write(Data(";Testsson;Storgatan 1;75320;Uppsala;;N\n".utf8))
        try handle.close()
        Self.resetPeakRSS()
        let before = Self.status("VmRSS")
        let result = fixture.kaa.run(["identify", "--date", "2026-11-02", "--folkbokforing", path])
        let growth = Self.status("VmHWM") - before
        expectExit(result, 65)
        #expect(result.stderr.contains("\(path):3: "), "\(result)")
        // The record is cut at 1 MiB (plus a 1 MiB read chunk); holding the field would take 24 MB or more.
        #expect(growth < 16 << 20, "peak RSS grew by \(growth / 1024) KiB")
    }
}
