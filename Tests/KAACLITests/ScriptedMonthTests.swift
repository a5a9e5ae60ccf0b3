import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// Issue 13's scripted month, every rule of it in one register: a dropout notice registered by
/// hand, two identify runs that disagree with it, a manual phone number, a turning-20, a planned
/// start, two follow-ups, a late de-registration with the contact that reported it and a resolved
/// review item; then `kaa stats` for November, every cell counted by hand.
@Suite struct ScriptedMonthTests {
    let fixture = CLIFixture()
    /// Turns 20 between 2 and 20 November 2026.
    let mans: PersonalIdentityNumber = {
        guard let pnr = TestPeople.born(in: 2006).first(where: { $0.birthDate >= TestDates.date("2006-11-02") && $0.birthDate <= TestDates.date("2006-11-20") }) else {
            preconditionFailure("no test person born 2006-11-02 … 2006-11-20")
        }
        return pnr
    }()

    func run(_ day: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        expectExit(fixture.on(day).run(arguments), 0, sourceLocation: sourceLocation)
    }

    /// `kaa identify` on `day` with the same extract and the school's stale enrolment list.
    func identify(_ day: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let extract = fixture.directory.file("fb-\(day).csv"), enrolment = fixture.directory.file("en-\(day).csv")
        try CSVFixture.write(extract, header: CSVFixture.folkbokforingHeader, rows: [
            CSVFixture.person(anna, first: "Alva", last: "Test", phone: "070-999 99 99"),
            CSVFixture.person(bertil, first: "Bertil", last: "Test"),
            CSVFixture.person(mans.digits, first: "Måns", last: "Åkesson"),
        ])
        // The school has not yet reported Alva's dropout: its list still says she studies.
        try CSVFixture.write(enrolment, header: CSVFixture.enrolmentHeader, rows: [CSVFixture.enrolment(anna, "NP", "STUDERAR", "2024-08-20")])
        let result = fixture.on(day).run(["identify", "--date", day, "--folkbokforing", extract, "--enrolment", enrolment])
        expectExit(result, 0, sourceLocation: sourceLocation)
        return result.stdout
    }

    func reviewItems(all: Bool = false) throws -> [ReviewJSON] {
        let result = fixture.kaa.run(["review", "list", "--json"] + (all ? ["--all"] : []))
        expectExit(result, 0)
        return try JSONDecoder().decode([ReviewJSON].self, from: Data(result.stdout.utf8))
    }

    @Test func theMonthAddsUpByHand() throws {
        let m = mans.digits
        // October: Måns (19) is registered, reached, starts SYV.
        run("2026-10-01", ["register", m, "--date", "2026-10-01", "--reason", "avbrott_np", "--first-name", "Måns", "--last-name", "Åkesson"])
        run("2026-10-05", ["contact", "add", m, "--date", "2026-10-05", "--channel", "TELEFON", "--reached", "--occupation", "ARBETSSOKANDE"])
        run("2026-10-05", ["measure", "add", m, "--type", "SYV", "--offered", "2026-10-05", "--start", "2026-10-05"])
        // 2 November: Alva's school sends a dropout notice (15 kap. 15 § skollagen); she is registered by hand.
        run("2026-11-02", ["register", anna, "--date", "2026-11-02", "--reason", "AVBROTT_NP", "--first-name", "Alva", "--last-name", "Test"])
        run("2026-11-02", ["register", bertil, "--date", "2026-11-02", "--reason", "EJ_PABORJAT"])
        run("2026-11-03", ["measure", "add", anna, "--type", "KOMVUX", "--offered", "2026-11-03", "--accepted", "--planned-start", "2027-01-11"])
        run("2026-11-03", ["measure", "add", anna, "--type", "SYV", "--offered", "2026-11-03", "--start", "2026-11-03", "--follow-up", "2026-11-10"])
        run("2026-11-04", ["contact", "add", anna, "--date", "2026-11-04", "--channel", "TELEFON", "--reached", "--occupation", "ARBETSSOKANDE"])
        // The number Alva gave on the phone.
        run("2026-11-04", ["person", "update", anna, "--phone", "070-123 45 67"])

        // Two identify runs whose enrolment list disagrees with the coordinator's registration.
        let first = try identify("2026-11-09")
        #expect(first.contains("Att granska"), "\(first)")
        run("2026-11-10", ["measure", "follow-up", "3", "--date", "2026-11-10", "--next", "2026-11-17"])
        _ = try identify("2026-11-16")
        let open = try reviewItems()
        #expect(open.filter { $0.personnummer == anna }.count == 2, "one item for the registration, one for the phone: \(open)")
        #expect(Set(open.map(\.kind)).count == 2, "the second run with the same evidence adds nothing")
        let decision = try #require(open.first { $0.personnummer == anna && $0.kind == "BESLUT_SKILJER" })
        run("2026-11-17", ["review", "resolve", String(decision.id), "--decision", "behall"])
        run("2026-11-17", ["measure", "follow-up", "3", "--date", "2026-11-17", "--next", "2026-12-15"])
        // 19 November: Bertil's school tells us he started on 9 November.
        run("2026-11-19", ["deregister", bertil, "--date", "2026-11-09", "--reason", "BORJAT_STUDERA"])
        run("2026-11-19", ["contact", "add", bertil, "--date", "2026-11-19", "--channel", "VIA_SKOLA", "--reached", "--reports-deregistration"])

        let kaa = fixture.kaa
        let alva = kaa.output(["show", anna])
        #expect(alva.contains("pågår"), "identify never closed the manual registration: \(alva)")
        #expect(alva.contains("+46701234567") && !alva.contains("+46709999999"), "the coordinator's number stands")
        #expect(alva.contains("inmatad av handlaggare1"))
        #expect(try reviewItems(all: true).contains { $0.kind == "BESLUT_SKILJER" && $0.decision == "BEHALL" })
        let birthday = KAAAgeRule.endDay(birthDate: mans.birthDate)
        #expect(kaa.output(["show", m]).contains("avregistrerad \(birthday) (Har fyllt 20 år)"))
        #expect(kaa.output(["show", bertil]).contains("meddelade avregistreringen"))
        for list in ["ej-nadda", "ingen-kontakt", "uppfoljning", "planerad-start", "fyller-20", "ingen-atgard"] {
            #expect(!kaa.output(["worklist", list, "--json"]).contains(m), "Måns is on no worklist after 20 (\(list))")
        }
        #expect(kaa.output(["worklist", "uppfoljning", "--json"]) == "[\n\n]", "Alva's next follow-up is 2026-12-15")
        #expect(kaa.output(["worklist", "planerad-start", "--json"]) == "[\n\n]", "Alva's komvux starts 2027-01-11")

        let result = kaa.run(["stats", "--period", "2026-11", "--json"])
        expectExit(result, 0)
        let cells = try JSONDecoder().decode([StatsCell].self, from: Data(result.stdout.utf8))
        let counted = Dictionary(uniqueKeysWithValues: cells.map { cell in
            ("\(cell.table) " + cell.dims.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","), cell.n)
        })
        var expected: [String: Int] = [
            "in_kaa age=18,sex=K": 1,                   // Alva
            "in_kaa age=17,sex=M": 1,                   // Bertil, 17 on his last day in KAA (8 November)
            "in_kaa_reason reason=AVBROTT_NP": 2,       // Alva, Måns
            "in_kaa_reason reason=EJ_PABORJAT": 1,      // Bertil
            "new sex=K": 1, "new sex=M": 1,             // Alva, Bertil (Måns came in October)
            "first_contact_days band=0-7": 1,           // Alva: 2 days
            "first_contact_days band=8-30": 1,          // Bertil: the call on the 19th, 17 days after registration
            "in_measure measure=SYV": 2,                // Alva; Måns until his birthday (the komvux has not started)
            "deregistered reason=FYLLT_20": 1,          // Måns, closed by the register on his birthday
            "deregistered reason=BORJAT_STUDERA": 1,    // Bertil, dated 9 November
            "occupation_end occupation=ARBETSSOKANDE": 1, // Alva; Måns and Bertil are out of KAA on the 23rd
            // The latest extract on or before the 23rd is the 16th's: Alva 18, Bertil 17 …
            "population age=18,sex=K": 1, "population age=17,sex=M": 1,
        ]
        expected["in_kaa age=19,sex=\(mans.sex.rawValue)", default: 0] += 1   // Måns: 19 on his last day in KAA
        // … and Måns, if he was still 19 on the 16th.
        if mans.birthDate.age(on: TestDates.date("2026-11-16")) == 19 { expected["population age=19,sex=\(mans.sex.rawValue)", default: 0] += 1 }
        // Reached in November: Alva (4th) and Bertil (the call that brought the news); Måns was reached in October.
        expected["contacted sex=K", default: 0] += 1
        expected["contacted sex=M", default: 0] += 1
        #expect(counted == expected)
    }
}
