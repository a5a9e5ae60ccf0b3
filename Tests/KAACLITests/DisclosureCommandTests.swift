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
        // Issue 13: the export also carries the local time, the read's context, a listing's people and what changed.
        #expect(text.hasPrefix("id;tid_utc;tid_lokal;handlaggare;handelse;sammanhang;person_id;personer;andringar;detaljer\r\n"))
        #expect(text.components(separatedBy: ";register;").count - 1 == 5)
        #expect(!text.contains(anna))
        #expect(fixture.kaa.output(["audit", "--action", "audit.export"]).contains("rows=5"))
    }
}

@Suite struct AuditDisplayTests {
    let fixture = CLIFixture()

    @Test func showsTimesInTheKommunsTimeZoneWithContextAndChanges() throws {
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND", "--phone", "070-1234567"]), 0)
        expectExit(fixture.kaa.run(["episode", "correct", "1", "--reason", "AVBROTT_NP"]), 0)
        expectExit(fixture.kaa.run(["show", anna]), 0)
        let text = fixture.kaa.output(["audit"])
        #expect(text.contains("TID (Europe/Stockholm)") && text.contains("SAMMANHANG"))
        #expect(text.contains("registration_reason: OKAND → AVBROTT_NP"))
        #expect(text.contains("phone: tillagd") && !text.contains("070-1234567"))
        #expect(text.contains("personsida"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["audit", "--json"]).utf8)) as? [[String: Any]])
        let utc = try #require(rows.last?["at"] as? String)
        let local = try #require(rows.last?["local_time"] as? String)
        #expect(utc.hasSuffix("Z") && !local.hasSuffix("Z") && local != utc)
        #expect(text.contains(local), "the table shows the local time")
        #expect(rows.last?["context"] as? String == "person")

        // A change list holds "; ": the DPO's CSV quotes it, so the columns stay in place.
        let csvPath = fixture.directory.file("dpo.csv")
        expectExit(fixture.kaa.run(["audit", "--action", "register", "--export", csvPath]), 0)
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: csvPath)).dropFirst(3), as: UTF8.self)
        #expect(csv.contains(";\"phone: tillagd; registered_on: – → 2026-11-01; registration_reason: – → OKAND\";"))
        #expect(!csv.contains("070-1234567") && !csv.contains(anna))
        let config = fixture.directory.file("utc.json")
        try CSVFixture.writeRaw(config, #"{"timeZone": "UTC"}"#)
        let inUTC = fixture.kaa.output(["--config", config, "audit"])
        #expect(inUTC.contains("TID (UTC)") && inUTC.contains(utc.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")))
    }

    @Test func aWorklistRunIsOneEntryAndPersonFindsIt() throws {
        let people = (0..<12).map { TestPeople.person(born: 2008, $0).digits }
        for person in people { expectExit(fixture.kaa.run(["register", person, "--date", "2026-11-01", "--reason", "OKAND"]), 0) }
        expectExit(fixture.kaa.run(["worklist", "ej-nadda"]), 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["audit", "--action", "worklist", "--json"]).utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect((rows.first?["shown_person_ids"] as? [Int])?.count == 12)
        #expect(fixture.kaa.output(["audit", "--action", "worklist"]).contains("12 personer:"))
        let forOne = fixture.kaa.output(["audit", "--person", people[7], "--action", "worklist"])
        #expect(forOne.contains("worklist.ej-nadda") && forOne.contains("bevakningslista"))
        let path = fixture.directory.file("dpo.csv")
        expectExit(fixture.kaa.run(["audit", "--action", "worklist", "--export", path]), 0)
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).dropFirst(3), as: UTF8.self)
        #expect(csv.contains(";bevakningslista;;1 2 3 4 5 6 7 8 9 10 11 12;;shown=12"))
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
        // A folder that does not exist is the system refusing the file (exit 1, the OS reason), not bad data.
        expectExit(fixture.kaa.run(["letters", "--worklist", "ej-nadda", "--out", "/no/such/dir/x.csv"]), 1)
    }
}

/// Issue 13: the subject-access extract as a readable Swedish document beside the JSON.
@Suite struct SubjectAccessDocumentTests {
    let fixture = CLIFixture()

    func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    @Test func theDocumentSaysWhatTheRegisterHoldsWhyWhoGetsItHowLongAndWhereToComplain() throws {
        buildHandCountedRegister(fixture.kaa)
        expectExit(fixture.kaa.run(["person", "update", anna, "--first-name", "Anna", "--phone", "070-1234567"]), 0)
        expectExit(fixture.kaa.run(["worklist", "ingen-kontakt"]), 0)
        #expect(fixture.kaa.output(["audit", "--person", anna, "--action", "worklist"]).contains("worklist.ingen-kontakt"), "the worklist showed Anna")
        expectExit(fixture.kaa.run(["show", anna]), 0)
        let config = fixture.directory.file("kaa.json")
        try CSVFixture.writeRaw(config, #"{"retentionMonths": 18, "auditRetentionMonths": 36}"#)
        let path = fixture.directory.file("utdrag.json")
        let result = fixture.kaa.run(["--config", config, "show", anna, "--subject-access", path])
        expectExit(result, 0)
        let htmlPath = fixture.directory.file("utdrag.html")
        #expect(result.stdout.contains(htmlPath) && result.stdout.contains(path))
        for file in [path, htmlPath] {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
        let html = try read(htmlPath)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<html lang=\"sv\">") && !html.contains("<script") && !html.contains("http-equiv"))
        for expected in ["Registerutdrag", "Anna", "+46701234567", "inlagd av kommunen", "29 kap. 9 §", "2006:39", "Statistiska centralbyrån (SCB)",
                         "statistik", "raderas 18 månader", "sparas i 36 månader", "Integritetsskyddsmyndigheten (IMY)", "www.imy.se",
                         "Uppsala kommun", "bevakningslista", "personsida", "C-579/21", "Studie- och yrkesvägledning"] {
            #expect(html.contains(expected), "the document lacks \(expected)")
        }
        #expect(!html.contains("handlaggare1"), "no staff user name (C-579/21)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let trail = try #require(json["audit"] as? [[String: Any]])
        #expect(trail.allSatisfy { $0["staff"] == nil })
        #expect(trail.contains { $0["context"] as? String == "worklist" && $0["purpose"] as? String != nil })
        #expect(!(try read(path)).contains("handlaggare1"))
        #expect((json["sources"] as? [String: String])?["phone"]?.hasPrefix("inlagd av kommunen") == true)
    }

    @Test func anHTMLNameGetsTheDocumentAndTheJSONBesideIt() throws {
        buildHandCountedRegister(fixture.kaa)
        let path = fixture.directory.file("utdrag.html")
        expectExit(fixture.kaa.run(["show", bertil, "--subject-access", path]), 0)
        #expect(try read(path).hasPrefix("<!DOCTYPE html>"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("utdrag.json")))) as? [String: Any])
        #expect(json["personnummer"] as? String == bertil)
    }

    @Test(arguments: ["<script>alert(\"x\")</script>", "O'Brien & <b>fet</b>", "\"><img src=x onerror=alert(1)>"])
    func everyTextIsEscaped(_ hostile: String) throws {
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND", "--first-name", hostile, "--last-name", hostile,
                                    "--city", hostile]), 0)  // (an e-mail address is validated, so it cannot carry markup)
        expectExit(fixture.kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-11-02", "--plan", hostile, "--responsible", hostile]), 0)
        expectExit(fixture.kaa.run(["measure", "follow-up", "1", "--date", "2026-11-03", "--note", hostile]), 0)
        let path = fixture.directory.file("utdrag.html")
        expectExit(fixture.kaa.run(["show", anna, "--subject-access", path]), 0)
        let html = try read(path)
        #expect(!html.contains(hostile))
        #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"))
        #expect(html.contains("&lt;"))
    }

    @Test func aFailureMidwayWritesNeitherFileAndLogsNothing() throws {
        buildHandCountedRegister(fixture.kaa)
        let blocker = fixture.directory.file("utdrag.html")
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        let path = fixture.directory.file("utdrag.json")
        // --force passes the no-overwrite check, so the failure comes from the write itself.
        let result = fixture.kaa.run(["show", anna, "--subject-access", path, "--force"])
        // Issue 14: a file the system cannot make is its failure (exit 1, with the OS's reason), not bad data.
        expectExit(result, 1)
        #expect(result.stderr.contains(blocker) && result.stderr.contains(String(cString: strerror(EISDIR))), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!fixture.kaa.output(["audit", "--action", "subject_access"]).contains("subject_access"))
    }
}

/// Issue 13: the extract names each detail's source as far as the register knows it.
@Suite struct SubjectAccessSourceTests {
    let fixture = IdentifyFixture()

    @Test func detailsFromTheExtractAndFromTheKommunSayWhereTheyCameFrom() throws {
        let pnr = born("2008-09-10")
        try fixture.run("2026-09-01", people: [CSVFixture.person(pnr, first: "Åke")])
        try fixture.run("2026-10-01", people: [CSVFixture.person(pnr, first: "Åke", phone: "070-1111111")])
        expectExit(fixture.kaa.run(["person", "update", pnr, "--email", "ake@example.org"]), 0)
        let path = fixture.file("utdrag.json")
        expectExit(fixture.kaa.run(["show", pnr, "--subject-access", path]), 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let sources = try #require(json["sources"] as? [String: String])
        #expect(sources["first_name"]?.hasPrefix("folkbokföringen (Skatteverket)") == true)
        #expect(sources["phone"]?.hasPrefix("folkbokföringen (Skatteverket)") == true)
        #expect(sources["email"]?.hasPrefix("inlagd av kommunen") == true)
        let log = fixture.kaa.output(["audit", "--action", "person.refresh"])
        #expect(log.contains("phone: tillagd") && !log.contains("070-1111111"))
    }
}

/// Issue 13 with the no-overwrite rule: the extract's two files, and the SCB draft, keep existing files.
@Suite struct SubjectAccessOverwriteTests {
    let fixture = CLIFixture()

    @Test func eitherExistingFileStopsTheExtractWithoutForce() throws {
        buildHandCountedRegister(fixture.kaa)
        let html = fixture.directory.file("utdrag.html")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: html))
        let refused = fixture.kaa.run(["show", anna, "--subject-access", fixture.directory.file("utdrag.json")])
        expectExit(refused, 64)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("utdrag.json")))
        #expect(try String(contentsOfFile: html, encoding: .utf8) == "keep me")
        expectExit(fixture.kaa.run(["show", anna, "--subject-access", fixture.directory.file("utdrag.json"), "--force"]), 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    }

    @Test func anExistingDraftIsKeptWithoutForce() throws {
        buildHandCountedRegister(fixture.kaa)
        let draft = fixture.directory.file("scb-DRAFT.csv")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: draft))
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", fixture.directory.file("scb.csv"), "--draft"]), 64)
        #expect(try String(contentsOfFile: draft, encoding: .utf8) == "keep me")
        expectExit(fixture.kaa.run(["report", "scb", "--period", "2026-H2", "--out", fixture.directory.file("scb.csv"), "--draft", "--force"]), 0)
        #expect(try String(contentsOfFile: draft, encoding: .utf8) != "keep me")
    }
}
