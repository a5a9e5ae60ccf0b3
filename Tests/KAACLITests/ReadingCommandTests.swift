import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// A small register whose every cell is counted by hand below.
///
/// - Anna (K, born 2008-01-01): registered 2026-08-10 AVBROTT_NP; reached 2026-08-12 (ARBETSSOKANDE);
///   SYV offered 2026-09-01, accepted, started 2026-09-05, still running.
/// - Bertil (M, born 2009-01-01): registered 2026-10-05 EJ_PABORJAT; SMS not reached 2026-10-06; reached
///   2026-10-20; de-registered 2026-10-25 BORJAT_STUDERA.
/// - Cecilia (K, born 2007-12-31): two episodes in October: 2026-10-01 STUDIEBEVIS until 2026-10-10 FLYTTAT,
///   then 2026-10-20 INFLYTTAD; PRAKTIK offered 2026-10-21 and declined.
/// - David (M): registered 2026-07-01, de-registered 2026-07-15 FELREGISTRERAD: counts nowhere.
func buildHandCountedRegister(_ kaa: KAARunner) {
    let steps: [[String]] = [
        ["register", anna, "--date", "2026-08-10", "--reason", "AVBROTT_NP"],
        ["contact", "add", anna, "--date", "2026-08-12", "--channel", "TELEFON", "--reached", "--occupation", "ARBETSSOKANDE"],
        ["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-01", "--accepted", "--start", "2026-09-05"],
        ["register", bertil, "--date", "2026-10-05", "--reason", "EJ_PABORJAT"],
        ["contact", "add", bertil, "--date", "2026-10-06", "--channel", "SMS"],
        ["contact", "add", bertil, "--date", "2026-10-20", "--channel", "TELEFON", "--reached"],
        ["deregister", bertil, "--date", "2026-10-25", "--reason", "BORJAT_STUDERA"],
        ["register", cecilia, "--date", "2026-10-01", "--reason", "STUDIEBEVIS"],
        ["deregister", cecilia, "--date", "2026-10-10", "--reason", "FLYTTAT"],
        ["register", cecilia, "--date", "2026-10-20", "--reason", "INFLYTTAD"],
        ["measure", "add", cecilia, "--type", "PRAKTIK", "--offered", "2026-10-21", "--declined"],
        ["register", david, "--date", "2026-07-01", "--reason", "OKAND"],
        ["deregister", david, "--date", "2026-07-15", "--reason", "FELREGISTRERAD"],
    ]
    for step in steps {
        let result = kaa.run(step)
        precondition(result.exitCode == 0, "\(step): \(result)")
    }
}

struct StatsCell: Decodable, Equatable {
    let table: String
    let period: String
    let dims: [String: String]
    let n: Int
}

@Suite struct StatsCommandTests {
    let fixture = CLIFixture()

    func stats(_ period: String, _ kaa: KAARunner? = nil) throws -> [String: Int] {
        let result = (kaa ?? fixture.kaa).run(["stats", "--period", period, "--json"])
        #expect(result.exitCode == 0, "\(result)")
        let cells = try JSONDecoder().decode([StatsCell].self, from: Data(result.stdout.utf8))
        #expect(cells.allSatisfy { $0.period == period && $0.n > 0 })
        return Dictionary(uniqueKeysWithValues: cells.map { cell in
            ("\(cell.table) " + cell.dims.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","), cell.n)
        })
    }

    @Test func octoberMatchesTheHandCount() throws {
        buildHandCountedRegister(fixture.kaa)
        #expect(try stats("2026-10") == [
            "in_kaa age=18,sex=K": 2,                   // Anna, Cecilia (18 since 2025-12-31)
            "in_kaa age=17,sex=M": 1,                   // Bertil, 17 on his last day in KAA (2026-10-24)
            "in_kaa_reason reason=AVBROTT_NP": 1,       // Anna
            "in_kaa_reason reason=EJ_PABORJAT": 1,      // Bertil
            "in_kaa_reason reason=INFLYTTAD": 1,        // Cecilia: her latest episode decides
            "new sex=M": 1, "new sex=K": 1,             // Bertil, Cecilia (first episode 2026-10-01)
            "contacted sex=M": 1,                       // Bertil reached 2026-10-20; Anna was reached in August
            "first_contact_days band=8-30": 1,          // Bertil: 15 days
            "first_contact_days band=none": 1,          // Cecilia's latest episode: no contact
            "in_measure measure=SYV": 1,                // Anna
            "declined sex=K": 1,                        // Cecilia declined the first offer of her episode
            "deregistered reason=BORJAT_STUDERA": 1,    // Bertil
            "deregistered reason=FLYTTAT": 1,           // Cecilia's first episode
            "occupation_end occupation=ARBETSSOKANDE": 1, // Anna, from her contact
            "occupation_end occupation=OKAND": 1,       // Cecilia, nothing known
        ])
    }

    @Test func theRunningHalfYearMatchesTheHandCount() throws {
        buildHandCountedRegister(fixture.kaa)
        #expect(try stats("2026-H2") == [
            "in_kaa age=18,sex=K": 2, "in_kaa age=17,sex=M": 1,
            "in_kaa_reason reason=AVBROTT_NP": 1, "in_kaa_reason reason=EJ_PABORJAT": 1, "in_kaa_reason reason=INFLYTTAD": 1,
            "new sex=K": 2, "new sex=M": 1,
            "contacted sex=K": 1, "contacted sex=M": 1,
            "first_contact_days band=0-7": 1,           // Anna: 2 days
            "first_contact_days band=8-30": 1, "first_contact_days band=none": 1,
            "in_measure measure=SYV": 1, "declined sex=K": 1,
            "deregistered reason=BORJAT_STUDERA": 1, "deregistered reason=FLYTTAT": 1,
            "occupation_end occupation=ARBETSSOKANDE": 1, "occupation_end occupation=OKAND": 1,
        ])
        // July: only David, who counts nowhere; August: Anna alone.
        #expect(try stats("2026-07").isEmpty)
        #expect(try stats("2026-08") == [
            "in_kaa age=18,sex=K": 1, "in_kaa_reason reason=AVBROTT_NP": 1, "new sex=K": 1, "contacted sex=K": 1,
            "first_contact_days band=0-7": 1, "occupation_end occupation=ARBETSSOKANDE": 1,
        ])
    }

    @Test func textOutputSaysWhetherThePeriodIsPreliminary() {
        buildHandCountedRegister(fixture.kaa)
        let text = fixture.kaa.output(["stats", "--period", "2026-10"])
        #expect(text.contains("preliminär"))
        #expect(text.contains("in_kaa_reason       reason=INFLYTTAD"))
        #expect(!text.contains(anna) && !text.contains("2008"))
    }

    @Test(arguments: [("2026-13", "ogiltig period"), ("2026-H3", "ogiltig period"), ("november", "ogiltig period"), ("2026-12", "har inte börjat")])
    func refusesBadPeriods(_ period: String, _ message: String) {
        let result = fixture.kaa.run(["stats", "--period", period])
        expectExit(result, 65)
        #expect(result.stderr.contains(message))
    }

    @Test func aFrozenPeriodIsReadFromStoredCells() throws {
        let early = fixture.on("2026-06-15")
        expectExit(early.run(["register", anna, "--date", "2025-11-03", "--reason", "AVBROTT_NP"]), 0)
        expectExit(early.run(["contact", "add", anna, "--date", "2025-11-04", "--channel", "SMS", "--reached"]), 0)
        let before = try stats("2025-H2", early)
        let frozen = try stats("2025-H2")
        #expect(frozen == before)
        #expect(frozen["contacted sex=K"] == 1)
        // Writes into the frozen half-year are refused; corrections too.
        let refused = fixture.kaa.run(["contact", "add", anna, "--date", "2025-12-01", "--channel", "SMS"])
        expectExit(refused, 65)
        #expect(refused.stderr.contains("låst period"))
        expectExit(fixture.kaa.run(["contact", "remove", "1"]), 65)
        // The stored cells stay what they were even when the rows beneath change.
        let db = try KAASQLiteAccess.open(fixture.kaa.databasePath)
        try db.execute("DELETE FROM contact")
        #expect(try stats("2025-H2") == frozen)
        #expect(try stats("2025-11")["contacted sex=K"] == 1)
    }
}

@Suite struct ListShowAndAuditCommandTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    struct ListedEpisode: Decodable {
        let personnummer: String
        let registered_on: String
        let registration_reason: String
        let deregistered_on: String?
        let deregistration_reason: String?
    }

    @Test func listsOpenEpisodesOrAllOfThemAsJSON() throws {
        buildHandCountedRegister(kaa)
        let open = try JSONDecoder().decode([ListedEpisode].self, from: Data(kaa.output(["list", "--json"]).utf8))
        #expect(Set(open.map(\.personnummer)) == [anna, cecilia])
        #expect(open.allSatisfy { $0.deregistered_on == nil && $0.deregistration_reason == nil })
        let all = try JSONDecoder().decode([ListedEpisode].self, from: Data(kaa.output(["list", "--all", "--json"]).utf8))
        #expect(all.count == 5)
        #expect(all.contains { $0.personnummer == bertil && $0.deregistered_on == "2026-10-25" && $0.deregistration_reason == "BORJAT_STUDERA" })
        let onDate = try JSONDecoder().decode([ListedEpisode].self, from: Data(kaa.output(["list", "--date", "2026-10-15", "--json"]).utf8))
        #expect(Set(onDate.map(\.personnummer)) == [anna, bertil])
        expectExit(kaa.run(["list", "--date", "yesterday"]), 65)
    }

    @Test func showsTheWholeHistoryAndLogsTheRead() throws {
        buildHandCountedRegister(kaa)
        let text = kaa.output(["show", cecilia])
        #expect(text.contains("Inskrivning 3: inskriven 2026-10-01 (Studiebevis utan examen), avregistrerad 2026-10-10 (Har flyttat från kommunen)"))
        #expect(text.contains("Inskrivning 4: inskriven 2026-10-20 (Inflyttad till kommunen), pågår"))
        #expect(text.contains("Praktik, erbjuden 2026-10-21, avböjd"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(kaa.output(["show", cecilia, "--json"]).utf8)) as? [String: Any])
        #expect(json["personnummer"] as? String == cecilia)
        #expect((json["episodes"] as? [Any])?.count == 2)
        let audit = kaa.output(["audit", "--person", cecilia, "--json"])
        #expect(audit.components(separatedBy: "\"action\" : \"show\"").count - 1 == 2)
        expectExit(kaa.run(["show", TestPeople.person(born: 2010).digits]), 65)
        expectExit(kaa.run(["audit", "--person", "12345"]), 65)
    }

    @Test func everyWorklistFindsWhoItShould() throws {
        buildHandCountedRegister(kaa)
        // Anna: reached, has a measure; Cecilia: not reached, has a (declined) measure.
        #expect(kaa.output(["worklist", "ej-nadda", "--json"]).contains(cecilia))
        #expect(!kaa.output(["worklist", "ej-nadda", "--json"]).contains(anna))
        // Anna's last contact was 2026-08-12, more than 30 days ago; Cecilia has none since 2026-10-20 (34 days).
        let quiet = kaa.output(["worklist", "ingen-kontakt", "--json"])
        #expect(quiet.contains(anna) && quiet.contains(cecilia))
        #expect(!kaa.output(["worklist", "ingen-kontakt", "--days", "40", "--json"]).contains(cecilia))
        expectExit(kaa.run(["register", TestPeople.person(born: 2008, sex: .male, 5).digits, "--date", "2026-11-01", "--reason", "OKAND"]), 0)
        #expect(kaa.output(["worklist", "ingen-atgard", "--json"]).contains(TestPeople.person(born: 2008, sex: .male, 5).digits))
        #expect(!kaa.output(["worklist", "ingen-atgard", "--json"]).contains(anna))
        // Cecilia turns 20 on 2027-12-31: 403 days away: inside 410, not inside 60.
        #expect(!kaa.output(["worklist", "fyller-20", "--json"]).contains(cecilia))
        #expect(kaa.output(["worklist", "fyller-20", "--days", "410", "--json"]).contains(cecilia))
        expectExit(kaa.run(["worklist", "ej-nadda", "--days", "3"]), 64)
        expectExit(kaa.run(["worklist", "nobody"]), 65)
        expectExit(kaa.run(["worklist", "fyller-20", "--days", "-3"]), 65)
    }

    @Test func backupWritesAWorkingCopyAndRefusesToOverwrite() {
        buildHandCountedRegister(kaa)
        let copy = fixture.directory.file("copy.sqlite")
        expectExit(kaa.run(["backup", copy]), 0)
        let restored = KAARunner(databasePath: copy)
        #expect(restored.output(["stats", "--period", "2026-10", "--json"]) == kaa.output(["stats", "--period", "2026-10", "--json"]))
        // Refused before anything is written, for want of --force (64, like a missing argument).
        let again = kaa.run(["backup", copy])
        expectExit(again, 64)
        #expect(again.stderr.contains(copy))
    }

    @Test func listsTheCodeLists() {
        let all = kaa.output(["codes"])
        #expect(all.contains("FELREGISTRERAD") && all.contains("Hembesök"))
        #expect(kaa.output(["codes", "contact_channel"]).components(separatedBy: "\n").count == 10)
        expectExit(kaa.run(["codes", "colours"]), 65)
    }
}
