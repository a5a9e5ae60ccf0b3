import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// Issue 13: `kaa find TEXT` and `kaa show NAMN`, audited as searches without the search text.
@Suite struct FindCommandTests {
    let fixture = CLIFixture()
    let people = (0..<5).map { TestPeople.person(born: 2008, $0).digits }

    func register() {
        let names: [(String, String)] = [("Åsa", "Öberg"), ("Åke", "Öberg"), ("Måns", "Åkesson"), ("Sean", "O'Brien"), ("Per_Olof", "100%")]
        for (person, name) in zip(people, names) {
            expectExit(fixture.kaa.run(["register", person, "--date", "2026-11-01", "--reason", "OKAND", "--first-name", name.0, "--last-name", name.1]), 0)
        }
    }

    func found(_ text: String) throws -> [String] {
        let result = fixture.kaa.run(["find", text, "--json"])
        expectExit(result, 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return rows.compactMap { $0["name"] as? String }
    }

    @Test func findsByAnyPartOfTheNameIgnoringCaseAndSwedishLetters() throws {
        register()
        #expect(try found("öberg") == ["Åke Öberg", "Åsa Öberg"])
        #expect(try found("OBERG") == ["Åke Öberg", "Åsa Öberg"])
        #expect(try found("asa") == ["Åsa Öberg"])
        #expect(try found("ÅSA ÖB") == ["Åsa Öberg"])
        #expect(try found("ake") == ["Måns Åkesson", "Åke Öberg"])
        #expect(try found("Mans akes") == ["Måns Åkesson"])
        #expect(try found("nobody") == [])
        let text = fixture.kaa.output(["find", "åsa"])
        #expect(text.contains(TestPeople.person(born: 2008, 0).formatted) && text.contains("Åsa Öberg") && text.contains("1 person"))
        #expect(fixture.kaa.output(["find", "nobody"]).contains("Ingen person hittades."))
    }

    @Test func findsByPartOfAPersonnummer() throws {
        register()
        let pnr = try #require(people.first)
        #expect(try found(String(pnr.suffix(6))) == ["Åsa Öberg"])
        #expect(try found(TestPeople.person(born: 2008, 0).formatted) == ["Åsa Öberg"])
        #expect(try found(String(pnr.dropFirst(2).prefix(6)) + "-" + String(pnr.suffix(4))) == ["Åsa Öberg"])
        #expect(try found("2008").count == 5)
        expectExit(fixture.kaa.run(["find", "200"]), 65)
    }

    @Test(arguments: ["%", "%%", "_", "__", "' OR 1=1 --", "\"; DROP TABLE person; --", "*", "\\"])
    func wildcardsAndQuotesAreJustCharacters(_ hostile: String) throws {
        register()
        let result = fixture.kaa.run(["find", hostile, "--json"])
        if hostile.count < 2 {
            expectExit(result, 65)
            return
        }
        expectExit(result, 0)
        #expect(try found(hostile).isEmpty, "'\(hostile)' is not a wildcard")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["list", "--all", "--json"]).utf8)) as? [Any])
        #expect(all.count == 5, "nothing was dropped")
    }

    @Test func percentUnderscoreAndQuoteFindOnlyNamesHoldingThem() throws {
        register()
        #expect(try found("0%") == ["Per_Olof 100%"])
        #expect(try found("r_o") == ["Per_Olof 100%"])
        #expect(try found("o'b") == ["Sean O'Brien"])
    }

    @Test func everySearchIsAuditedWithTheHitsButNeverTheText() throws {
        register()
        _ = try found("öberg")
        _ = try found("zzzz")
        _ = try found(String(people[2].suffix(6)))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["audit", "--action", "find", "--json"]).utf8)) as? [[String: Any]])
        #expect(rows.map { $0["detail"] as? String } == ["shown=2 hits=2 by=namn", "shown=0 hits=0 by=namn", "shown=1 hits=1 by=personnummer"])
        #expect(rows.allSatisfy { $0["context"] as? String == "search" })
        let all = fixture.kaa.output(["audit", "--json"])
        for forbidden in ["öberg", "Öberg", "zzzz", String(people[2].suffix(6))] {
            #expect(!all.contains(forbidden), "the log holds the search text \(forbidden)")
        }
        // The person filter finds the search that showed the person.
        #expect(fixture.kaa.output(["audit", "--person", people[0], "--action", "find"]).contains("sökning"))
    }

    @Test func showFindsOnePersonByNameAndListsSeveral() throws {
        register()
        let one = fixture.kaa.run(["show", "måns"])
        expectExit(one, 0)
        #expect(one.stdout.contains("Namn: Måns Åkesson"))
        let several = fixture.kaa.run(["show", "oberg"])
        expectExit(several, 65)
        #expect(several.stdout.contains("Åsa Öberg") && several.stdout.contains("Åke Öberg"))
        #expect(several.stderr.contains("2 personer matchar"))
        expectExit(fixture.kaa.run(["show", "nobody"]), 65)
        // A mistyped personnummer stays an error about the personnummer, not a search.
        let last = try #require(people[0].last?.wholeNumberValue)
        let typo = fixture.kaa.run(["show", String(people[0].dropLast()) + String((last + 1) % 10)])
        expectExit(typo, 65)
        #expect(!typo.stderr.contains("matchar"))
        let actions = try #require(try JSONSerialization.jsonObject(with: Data(fixture.kaa.output(["audit", "--json"]).utf8)) as? [[String: Any]])
            .compactMap { $0["action"] as? String }
        #expect(actions.filter { $0 == "find" }.count == 3 && actions.filter { $0 == "show" }.count == 1)
    }
}
