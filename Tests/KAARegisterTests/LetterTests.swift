import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Massutskick (issue 16) in the register: who can get a letter, one transaction and one audit row
/// for a batch, the templates' checks.
@Suite struct LetterTests {
    let fixture = RegisterFixture()
    let d = TestDates.date
    let anna = TestPeople.person(born: 2009, sex: .female, 0)
    let bo = TestPeople.person(born: 2008, sex: .male, 0)
    let cilla = TestPeople.person(born: 2008, sex: .female, 1)
    let skyddad = TestPeople.person(born: 2008, sex: .male, 1)
    let utan = TestPeople.person(born: 2008, sex: .female, 2)

    func address(_ first: String, _ last: String) -> ContactDetails {
        ContactDetails(firstName: first, lastName: last, address: "Storgatan 1", postalCode: "75320", city: "Uppsala")
    }

    /// Three with an address, one protected, one without an address.
    func build() throws -> (Register, [String: Int64]) {
        let register = try fixture.create()
        try register.register(anna, on: d("2026-09-01"), reason: "OKAND", details: address("Anna", "Andersson"))
        try register.register(bo, on: d("2026-09-01"), reason: "OKAND", details: address("Bo", "Berg"))
        try register.register(cilla, on: d("2026-09-01"), reason: "OKAND", details: address("Cilla", "Ceder"))
        try register.register(skyddad, on: d("2026-09-01"), reason: "OKAND",
                              details: ContactDetails(firstName: "Sigge", lastName: "Skydd", isProtected: true))
        try register.register(utan, on: d("2026-09-01"), reason: "OKAND", details: ContactDetails(firstName: "Ulla", lastName: "Utan"))
        var ids: [String: Int64] = [:]
        for (name, pnr) in [("anna", anna), ("bo", bo), ("cilla", cilla), ("skyddad", skyddad), ("utan", utan)] {
            ids[name] = try #require(try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])?.int(0))
        }
        return (register, ids)
    }

    func count(_ register: Register, _ sql: String) throws -> Int64 {
        try register.database.queryOne(sql)?.int(0) ?? -1
    }

    @Test func theSelectionListsProtectedAndAddresslessApart() throws {
        let (register, ids) = try build()
        let selection = try register.letterSelection(Array(ids.values), action: "letters.select")
        #expect(selection.recipients.map(\.name) == ["Anna Andersson", "Bo Berg", "Cilla Ceder"])
        #expect(selection.excluded(.protectedIdentity).map(\.name) == ["Sigge Skydd"])
        #expect(selection.excluded(.withoutAddress).map(\.name) == ["Ulla Utan"])
        // One audited read naming everyone whose name it returned.
        let shown = try register.auditEntries(AuditFilter(action: "letters.select"))
        #expect(shown.count == 1 && Set(shown[0].shownPersonIDs) == Set(ids.values) && shown[0].context == .letter)
    }

    @Test func sendingLogsOneBREVAttemptPerRecipientAndOneAuditRowWithThemAll() throws {
        let (register, ids) = try build()
        let people = [ids["anna"], ids["bo"], ids["cilla"]].compactMap { $0 }
        let digest = LetterBatch.digest(kind: .general, date: d("2026-11-20"), personIDs: people)
        let batch = try register.recordLettersSent(people, kind: .general, on: d("2026-11-20"), digest: digest)
        #expect(batch.recipients == 3 && !batch.isRepeat)
        #expect(try count(register, "SELECT count(*) FROM contact WHERE channel = 'BREV' AND is_reached = 0 AND contacted_on = '2026-11-20'") == 3)
        let rows = try register.auditEntries(AuditFilter(action: "letters.sent"))
        #expect(rows.count == 1)
        #expect(rows.first?.shownPersonIDs == people.sorted())
        #expect(rows.first?.id == batch.auditID)
        #expect(try register.auditEntries(AuditFilter(action: "contact.add")).isEmpty, "one event for the batch, not one per person")
        // Each recipient's Personkort finds the batch's row.
        #expect(try register.auditEntries(AuditFilter(person: bo)).contains { $0.action == "letters.sent" })
        // Posting the same confirmation again writes nothing.
        let again = try register.recordLettersSent(people, kind: .general, on: d("2026-11-20"), digest: digest)
        #expect(again.isRepeat && again.id == batch.id)
        #expect(try count(register, "SELECT count(*) FROM contact WHERE channel = 'BREV'") == 3)
        #expect(try register.auditEntries(AuditFilter(action: "letters.sent")).count == 1)
        #expect(try register.letterBatch(id: batch.id)?.recipients == 3)
    }

    @Test func aFailureMidwayWritesNoContactAndNoAuditRow() throws {
        let (register, ids) = try build()
        let people = [ids["anna"], ids["bo"], ids["cilla"]].compactMap { $0 }
        try register.database.execute(script: """
            CREATE TEMP TRIGGER fail_third_letter BEFORE INSERT ON main.contact
            WHEN (SELECT count(*) FROM main.contact) >= 2
            BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;
            """)
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) {
            try register.recordLettersSent(people, kind: .general, on: d("2026-11-20"),
                                           digest: LetterBatch.digest(kind: .general, date: d("2026-11-20"), personIDs: people))
        }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }

    @Test(arguments: ["skyddad", "utan"])
    func anIdThatCannotGetALetterRefusesTheWholeBatch(_ who: String) throws {
        let (register, ids) = try build()
        let people = [ids["anna"], ids[who]].compactMap { $0 }
        let before = try DatabaseDump.dump(fixture.path)
        #expect(throws: RegisterError.self) {
            try register.recordLettersSent(people, kind: .general, on: d("2026-11-20"),
                                           digest: LetterBatch.digest(kind: .general, date: d("2026-11-20"), personIDs: people))
        }
        #expect(try DatabaseDump.dump(fixture.path) == before)
        #expect(throws: RegisterError.self) { try register.chosenLetterRecipients(people, action: "letters.print") }
    }

    @Test func aChangedListOrDateOrAFutureDateWritesNothing() throws {
        let (register, ids) = try build()
        let people = [ids["anna"], ids["bo"]].compactMap { $0 }
        let digest = LetterBatch.digest(kind: .general, date: d("2026-11-20"), personIDs: people)
        let before = try DatabaseDump.dump(fixture.path)
        // A person added after the confirmation, another date, another template: the digest differs.
        for (list, date, kind) in [(people + [ids["cilla"] ?? 0], d("2026-11-20"), LetterKind.general), (people, d("2026-11-21"), .general),
                                   (people, d("2026-11-20"), .under18)] {
            #expect(throws: RegisterError.self) { try register.recordLettersSent(list, kind: kind, on: date, digest: digest) }
        }
        let future = TestDates.today.adding(days: 1)
        #expect(throws: RegisterError.self) {
            try register.recordLettersSent(people, kind: .general, on: future, digest: LetterBatch.digest(kind: .general, date: future, personIDs: people))
        }
        #expect(try DatabaseDump.dump(fixture.path) == before)
    }

    @Test func aHandlaggareReachesOnlyTheirCaseloadAndAForgedIdIsDeniedAndLogged() throws {
        let (register, ids) = try build()
        _ = try register.addStaff(login: "hanna", name: "Hanna Handläggare", role: .handlaggare)
        try register.assignCaseload(anna, to: "hanna")
        let staffID = try #require(try register.database.queryOne("SELECT id FROM staff WHERE login = 'hanna'")?.int(0))
        let hanna = Viewer(staffID: staffID, login: "hanna", name: "Hanna Handläggare", role: .handlaggare)
        let mine = try register.acting(as: hanna) { () throws(RegisterError) in
            try register.letterSelection(Array(ids.values), action: "letters.select")
        }
        #expect(mine.recipients.map(\.name) == ["Anna Andersson"] && mine.excluded.isEmpty)
        let forged = [ids["anna"], ids["bo"]].compactMap { $0 }
        #expect(throws: RegisterError.self) {
            try register.acting(as: hanna) { () throws(RegisterError) in try register.chosenLetterRecipients(forged, action: "letters.print") }
        }
        #expect(throws: RegisterError.self) {
            try register.acting(as: hanna) { () throws(RegisterError) in
                try register.recordLettersSent(forged, kind: .general, on: d("2026-11-20"),
                                               digest: LetterBatch.digest(kind: .general, date: d("2026-11-20"), personIDs: forged))
            }
        }
        let denied = try register.auditEntries(AuditFilter(action: "denied"))
        #expect(denied.count == 2 && denied.allSatisfy { $0.personID == ids["bo"] && $0.staff == "hanna" })
        #expect(try count(register, "SELECT count(*) FROM contact") == 0)
    }

    // MARK: - Templates

    @Test func theThreeDefaultTemplatesAreSeededAndUseOnlyKnownPlaceholders() throws {
        let register = try fixture.create()
        let templates = try register.letterTemplates()
        #expect(templates.map(\.kind) == [.under18, .turning20, .general])
        for template in templates {
            _ = try LetterTemplate.validated(title: template.title, body: template.body)
        }
        #expect(templates[0].body.contains("Till vårdnadshavare till {förnamn} {efternamn}"))
        #expect(templates[1].body.contains("20 år"))
    }

    @Test(arguments: [
        ("Hej {fornamn}", "{fornamn}"), ("Hej {personnummer}!", "{personnummer}"), ("Hej {förnamn", "saknar sin }"),
        ("Hej förnamn}", "saknar sin {"), ("{{förnamn}}", "saknar sin }"), ("Hej\u{0007}", "styrtecken"), ("Hej \u{202E}txet", "styrtecken"),
    ])
    func aBadTemplateIsRefusedNamingWhatIsWrong(_ body: String, _ expected: String) throws {
        let register = try fixture.create()
        let before = try register.letterTemplate(.general)
        do {
            try register.updateLetterTemplate(.general, title: "Rubrik", body: body)
            Issue.record("accepted \(body)")
        } catch let error {
            guard case let .invalidInput(_, message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains(expected), "\(message)")
        }
        #expect(try register.letterTemplate(.general) == before)
        #expect(try register.auditEntries(AuditFilter(action: "letters.template")).isEmpty)
    }

    @Test func aHugeTemplateOrAnEmptyOneIsRefused() throws {
        let register = try fixture.create()
        #expect(throws: RegisterError.self) { try register.updateLetterTemplate(.general, title: "R", body: String(repeating: "x", count: 10_001)) }
        #expect(throws: RegisterError.self) { try register.updateLetterTemplate(.general, title: "R", body: "  \n ") }
        #expect(throws: RegisterError.self) { try register.updateLetterTemplate(.general, title: String(repeating: "r", count: 201), body: "Hej") }
        #expect(throws: RegisterError.self) { try register.updateLetterTemplate(.general, title: "Två\nrader", body: "Hej") }
    }

    @Test func aChangeIsSavedAndAuditedBeforeAndAfter() throws {
        let register = try fixture.create()
        let before = try register.letterTemplate(.turning20)
        #expect(try register.updateLetterTemplate(.turning20, title: "Ny rubrik", body: "Hej {Förnamn},\r\nvälkommen {datum}."))
        let after = try register.letterTemplate(.turning20)
        #expect(after.title == "Ny rubrik" && after.body == "Hej {Förnamn},\nvälkommen {datum}." && after.updatedBy != nil)
        let rows = try register.auditEntries(AuditFilter(action: "letters.template"))
        #expect(rows.count == 1 && rows[0].detail == "kind=turning20")
        #expect(rows[0].changes == "title: \(before.title) → Ny rubrik; body: \(before.body) → Hej {Förnamn},\nvälkommen {datum}.")
        // Saving the same text again changes nothing and logs nothing.
        #expect(try !register.updateLetterTemplate(.turning20, title: "Ny rubrik", body: "Hej {Förnamn},\nvälkommen {datum}."))
        #expect(try register.auditEntries(AuditFilter(action: "letters.template")).count == 1)
        let values = LetterTemplate.Values(firstName: "Anna", lastName: "A", address: "", postalCode: "", city: "", date: "1 december 2026",
                                           kommun: "Uppsala kommun", caseworker: "Hanna")
        #expect(LetterTemplate.fill(after.body, values) == "Hej Anna,\nvälkommen 1 december 2026.")
    }
}
