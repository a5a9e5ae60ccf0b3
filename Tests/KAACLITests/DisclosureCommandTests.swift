import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

@Suite struct AuditFilterCommandTests {
    let fixture = CLIFixture()

    @Test func filtersByStaffActionPersonAndDate() throws {
        buildHandCountedRegister(fixture.kaa)
        var other = fixture.kaa
        other.staff = "handlaggare2"
        expectExit(other.run(["show", anna]), 0)
        let byStaff = fixture.kaa.output(["audit", "--staff", "handlaggare2", "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(byStaff.utf8)) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["action"] as? String == "show")
        let contacts = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["audit", "--action", "contact", "--json"]).utf8)) as? [[String: Any]])
        #expect(contacts.count == 3 && contacts.allSatisfy { ($0["action"] as? String)?.hasPrefix("contact.") == true })
        let exact = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["audit", "--action", "contact.add", "--person", bertil, "--json"]).utf8)) as? [[String: Any]])
        #expect(exact.count == 2)
        let todayText = String(Date().ISO8601Format().prefix(10))
        let today = try #require(CalendarDate(iso: todayText))
        #expect(!fixture.kaa.output(["audit", "--from", today.description, "--to", today.description]).contains("0 rader"))
        let none = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["audit", "--to", "2000-01-01", "--json"]).utf8)) as? [Any])
        #expect(none.isEmpty)
        expectExit(fixture.kaa.run(["audit", "--from", "2026-11-10", "--to", "2026-11-01"]), 65)
        expectExit(fixture.kaa.run(["audit", "--from", "igår"]), 65)
    }

    @Test func exportsCSVForTheDataProtectionOfficerAndLogsTheExport() throws {
        buildHandCountedRegister(fixture.kaa)
        let path = fixture.directory.file("audit.csv")
        let result = fixture.kaa.run(["audit", "--action", "register", "--export", path])
        expectExit(result, 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("id;tid_utc;handlaggare;handelse;person_id;detaljer\r\n"))
        #expect(text.components(separatedBy: ";register;").count - 1 == 5)
        #expect(!text.contains(anna))
        #expect(fixture.kaa.output(["audit", "--action", "audit.export"]).contains("rows=5"))
    }
}

@Suite struct SubjectAccessAndLettersTests {
    let fixture = CLIFixture()

    @Test func theSubjectAccessExtractHoldsEverythingAboutThePerson() throws {
        buildHandCountedRegister(fixture.kaa)
        expectExit(fixture.kaa.run(["person", "update", cecilia, "--first-name", "Cecilia", "--phone", "070-123 45 67", "--email", "c@example.org"]), 0)
        let path = fixture.directory.file("utdrag.json")
        expectExit(fixture.kaa.run(["show", cecilia, "--subject-access", path]), 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let extract = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(extract["personnummer"] as? String == cecilia)
        #expect(extract["first_name"] as? String == "Cecilia" && extract["phone"] as? String == "+46701234567" && extract["email"] as? String == "c@example.org")
        let episodes = try #require(extract["episodes"] as? [[String: Any]])
        #expect(episodes.count == 2)
        #expect((episodes[1]["measures"] as? [[String: Any]])?.first?["decision"] as? String == "AVBOJD")
        let trail = try #require(extract["audit"] as? [[String: Any]])
        #expect(trail.map { $0["action"] as? String } .contains("register") && trail.contains { $0["action"] as? String == "person.update" })
        #expect(fixture.kaa.output(["audit", "--action", "subject_access"]).contains("subject_access"))
    }

    @Test func lettersLeaveOutProtectedIdentitiesAndPeopleWithoutAddress() throws {
        let people = (0..<4).map { TestPeople.person(born: 2008, $0).digits }
        expectExit(fixture.kaa.run(["register", people[0], "--date", "2026-11-01", "--reason", "OKAND", "--first-name", "Åsa", "--last-name", "Öberg",
                                    "--address", "Gatan 1; lgh 2", "--postal-code", "75320", "--city", "Uppsala"]), 0)
        expectExit(fixture.kaa.run(["register", people[1], "--date", "2026-11-01", "--reason", "OKAND", "--first-name", "Skyddad", "--protected"]), 0)
        expectExit(fixture.kaa.run(["register", people[2], "--date", "2026-11-01", "--reason", "OKAND", "--first-name", "Utan"]), 0)
        expectExit(fixture.kaa.run(["register", people[3], "--date", "2026-11-01", "--reason", "OKAND", "--first-name", "Nådd", "--address", "Väg 3",
                                    "--postal-code", "75321", "--city", "Uppsala"]), 0)
        expectExit(fixture.kaa.run(["contact", "add", people[3], "--date", "2026-11-02", "--channel", "SMS", "--reached"]), 0)
        let path = fixture.directory.file("brev.csv")
        let result = fixture.kaa.run(["letters", "--worklist", "ej-nadda", "--out", path])
        expectExit(result, 0)
        #expect(result.stdout.contains("1 mottagare") && result.stdout.contains("1 med skyddad identitet") && result.stdout.contains("1 utan adress"))
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(3), as: UTF8.self)
        #expect(text == "Förnamn;Efternamn;Utdelningsadress;Postnummer;Postort\r\nÅsa;Öberg;\"Gatan 1; lgh 2\";75320;Uppsala\r\n")
        #expect(fixture.kaa.output(["audit", "--action", "letters.ej-nadda", "--json"]).components(separatedBy: "\"action\"").count - 1 == 1)
        expectExit(fixture.kaa.run(["letters", "--worklist", "alla", "--out", path]), 65)
        expectExit(fixture.kaa.run(["letters", "--worklist", "ej-nadda"]), 64)
        expectExit(fixture.kaa.run(["letters", "--worklist", "ej-nadda", "--out", "/no/such/dir/x.csv"]), 65)
    }
}
