import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

/// A small register of twelve people for the list's tests: varied ages, reasons, contacts and
/// handläggare; one closed, one with protected identity.
struct PeopleFixture {
    struct Person {
        let first: String, last: String, pnr: PersonalIdentityNumber, reason: String, caseload: String?, contact: String?
        var id: Int64 = 0
    }

    let harness: WebHarness
    private(set) var people: [Person] = []

    init(settings: WebSettings = WebSettings()) throws {
        harness = try WebHarness(settings: settings)
        let rows: [(String, String, Int, Int, String, String?, String?)] = [
            ("Alva", "Andersson", 2008, 0, "AVBROTT_NP", "hanna", "2026-11-20"),
            ("Bo", "Berg", 2008, 1, "EJ_PABORJAT", "hanna", "2026-09-10"),
            ("Cilla", "Carlsson", 2009, 0, "STUDIEBEVIS", "hanna", nil),
            ("Dan", "Dahl", 2007, 0, "OKAND", "hanna", "2026-10-30"),
            ("Eva", "Ek", 2009, 1, "AVBROTT_IM", "hugo", "2026-11-01"),
            ("Filip", "Falk", 2007, 1, "INFLYTTAD", "hugo", nil),
            ("Gun", "Gran", 2010, 0, "EJ_PABORJAT", "hugo", "2026-09-25"),
            ("Hans", "Holm", 2008, 2, "AVBROTT_NP", nil, nil),
            ("Ida", "Isaksson", 2009, 2, "OKAND", nil, "2026-11-22"),
            ("Jon", "Jansson", 2007, 2, "EJ_PABORJAT", nil, nil),
            ("Karin", "Kvist", 2010, 1, "AVBROTT_NP", nil, nil),
            ("Lars", "Lund", 2008, 3, "STUDIEBEVIS", nil, "2026-09-20"),
        ]
        let register = harness.register
        for (index, row) in rows.enumerated() {
            var person = Person(first: row.0, last: row.1, pnr: TestPeople.person(born: row.2, row.3), reason: row.4, caseload: row.5, contact: row.6)
            try register.register(person.pnr, on: TestDates.date("2026-09-01").adding(days: index), reason: row.4,
                                  details: ContactDetails(firstName: row.0, lastName: row.1))
            if let login = row.5 { try register.assignCaseload(person.pnr, to: login) }
            if let contact = row.6 { _ = try register.addContact(person.pnr, on: TestDates.date(contact), channel: "TELEFON", isReached: true) }
            person.id = try #require(try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(person.pnr.digits)])?.int(0))
            people.append(person)
        }
        try register.updatePerson(self["Ida"].pnr, details: ContactDetails(isProtected: true))
        try register.deregister(self["Jon"].pnr, on: TestDates.date("2026-10-01"), reason: "BORJAT_STUDERA")
    }

    subscript(_ first: String) -> Person {
        people.first { $0.first == first } ?? people[0]
    }

    /// The first names of `ids`, in order.
    func names(_ ids: [Int64]) -> [String] {
        ids.map { id in people.first { $0.id == id }?.first ?? "?" }
    }
}

/// The people a list or search page links to, in order (each row links once to `/personer/{id}`).
func listedIDs(_ html: String) -> [Int64] {
    var ids: [Int64] = []
    var rest = html[...]
    while let range = rest.range(of: "href=\"/personer/") {
        rest = rest[range.upperBound...]
        let digits = rest.prefix { $0.isNumber }
        if let id = Int64(digits), rest.dropFirst(digits.count).first == "\"" { ids.append(id) }
    }
    return ids
}

@Suite struct PeopleListTests {
    @Test func aSamordnareSeesEveryOpenPersonByNameWithMaskedNumbersAndOneAuditedRead() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        let page = client.get("/personer")
        #expect(page.status == 200)
        let ids = listedIDs(page.text)
        #expect(fixture.names(ids) == ["Alva", "Bo", "Cilla", "Dan", "Eva", "Filip", "Gun", "Hans", "Ida", "Karin", "Lars"])
        #expect(page.text.contains("Visar 1–11 av 11"))
        // Masked: the birth date shows, the last four digits never do.
        let alva = fixture["Alva"].pnr
        #expect(page.text.contains(String(alva.formatted.prefix(9)) + "****"))
        for person in fixture.people { #expect(!page.text.contains(person.pnr.digits) && !page.text.contains(person.pnr.formatted)) }
        #expect(page.text.contains("skyddad"))
        #expect(page.text.contains("Hanna Handläggare"))
        let read = try #require(try fixture.harness.register.auditEntries().last)
        #expect(read.action == "list" && read.context == .list && read.staff == "sara")
        #expect(Set(read.shownPersonIDs) == Set(ids))
    }

    @Test func aHandlaggareSeesOnlyTheirCaseloadWhateverTheFilterSays() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("hanna")
        #expect(fixture.names(listedIDs(client.get("/personer").text)) == ["Alva", "Bo", "Cilla", "Dan"])
        #expect(listedIDs(client.get("/personer", query: ["handlaggare": "hugo"]).text).isEmpty)
        #expect(listedIDs(client.get("/personer", query: ["status": "alla", "handlaggare": "ingen"]).text).isEmpty)
        // The handläggare filter is a samordnare's; a handläggare's form does not offer it.
        #expect(!client.get("/personer").text.contains("name=\"handlaggare\""))
    }

    @Test(arguments: [
        (["status": "avslutad"], ["Jon"]),
        (["status": "alla", "reason": "EJ_PABORJAT"], ["Bo", "Gun", "Jon"]),
        (["reason": "AVBROTT_NP"], ["Alva", "Hans", "Karin"]),
        (["handlaggare": "ingen"], ["Hans", "Ida", "Karin", "Lars"]),
        (["handlaggare": "hugo"], ["Eva", "Filip", "Gun"]),
        (["contact": "aldrig"], ["Cilla", "Filip", "Hans", "Karin"]),
        (["contact": "30"], ["Bo", "Cilla", "Filip", "Gun", "Hans", "Karin", "Lars"]),
        // Bo's contact on 2026-09-10 is more than 60 days before 2026-11-23; Gun's on 09-25 is 59 days before.
        (["contact": "60"], ["Bo", "Cilla", "Filip", "Hans", "Karin", "Lars"]),
        (["protected": "ja"], ["Ida"]),
        (["protected": "nej", "reason": "OKAND"], ["Dan"]),
        (["status": "", "reason": "", "age": "", "contact": "", "protected": "", "handlaggare": ""],
         ["Alva", "Bo", "Cilla", "Dan", "Eva", "Filip", "Gun", "Hans", "Ida", "Karin", "Lars"]),
    ])
    func filtersShowTheRightPeople(query: [String: String], expected: [String]) throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        let page = client.get("/personer", query: query)
        #expect(page.status == 200)
        #expect(fixture.names(listedIDs(page.text)) == expected)
    }

    @Test func theAgeFilterCountsWholeYearsToday() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        var seen = 0
        for age in 16...19 {
            let expected = fixture.people.filter { $0.first != "Jon" && $0.pnr.birthDate.age(on: TestDates.today) == age }.map(\.first)
            let shown = fixture.names(listedIDs(client.get("/personer", query: ["age": String(age)]).text))
            #expect(shown == expected, "age \(age)")
            seen += shown.count
        }
        #expect(seen == 11)
    }

    @Test func columnsSortBothWaysAndTheHeaderLinksKeepTheFilters() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        let all = ["status": "alla"]
        let byName = fixture.names(listedIDs(client.get("/personer", query: all).text))
        #expect(fixture.names(listedIDs(client.get("/personer", query: all.merging(["sort": "-namn"]) { $1 }).text)) == byName.reversed())
        #expect(fixture.names(listedIDs(client.get("/personer", query: all.merging(["sort": "namn", "order": "desc"]) { $1 }).text)) == byName.reversed())
        // Registered one day apart in the fixture's order.
        #expect(fixture.names(listedIDs(client.get("/personer", query: all.merging(["sort": "-registrerad"]) { $1 }).text)) == byName.reversed())
        let byAge = listedIDs(client.get("/personer", query: all.merging(["sort": "alder"]) { $1 }).text)
        let ages = byAge.compactMap { id in fixture.people.first { $0.id == id }?.pnr.birthDate }
        #expect(ages == ages.sorted(by: >), "youngest first: the latest birth date first")
        let byContact = fixture.names(listedIDs(client.get("/personer", query: ["sort": "-kontakt"]).text))
        #expect(byContact.prefix(3) == ["Ida", "Alva", "Eva"])
        #expect(Set(byContact.suffix(4)) == ["Cilla", "Filip", "Hans", "Karin"])
        let byCaseworker = fixture.names(listedIDs(client.get("/personer", query: ["sort": "handlaggare"]).text))
        #expect(byCaseworker.prefix(4) == ["Alva", "Bo", "Cilla", "Dan"], "Hanna before Hugo")
        #expect(byCaseworker.suffix(4) == ["Hans", "Ida", "Karin", "Lars"], "no handläggare last")
        let filtered = client.get("/personer", query: ["reason": "AVBROTT_NP", "sort": "alder"]).text
        #expect(filtered.contains("href=\"/personer?reason=AVBROTT_NP&amp;sort=-alder\""), "the current column's link turns the order")
        #expect(filtered.contains("href=\"/personer?reason=AVBROTT_NP&amp;sort=kontakt\""))
        #expect(filtered.contains("aria-sort=\"ascending\""))
    }

    @Test func pagesOfThePageSizeWithCountsAndLinksThatKeepTheFilters() throws {
        var settings = WebSettings()
        settings.pageSize = 5
        let fixture = try PeopleFixture(settings: settings)
        let client = try fixture.harness.loggedIn("sara")
        let first = client.get("/personer")
        #expect(fixture.names(listedIDs(first.text)) == ["Alva", "Bo", "Cilla", "Dan", "Eva"])
        #expect(first.text.contains("Visar 1–5 av 11") && first.text.contains("Sida 1 av 3"))
        #expect(first.text.contains("href=\"/personer?page=2\""))
        let third = client.get("/personer", query: ["page": "3"])
        #expect(fixture.names(listedIDs(third.text)) == ["Lars"])
        #expect(third.text.contains("Visar 11–11 av 11"))
        // Past the end (an old link): the last page.
        #expect(fixture.names(listedIDs(client.get("/personer", query: ["page": "40"]).text)) == ["Lars"])
        let sorted = client.get("/personer", query: ["status": "alla", "sort": "-namn", "page": "2"]).text
        #expect(fixture.names(listedIDs(sorted)) == ["Gun", "Filip", "Eva", "Dan", "Cilla"])
        #expect(sorted.contains("href=\"/personer?status=alla&amp;sort=-namn&amp;page=3\""))
        #expect(sorted.contains("href=\"/personer?status=alla&amp;sort=-namn\""), "page 1 is the link without page")
        // The audit row of a page holds that page's people only.
        let read = try #require(try fixture.harness.register.auditEntries().last)
        #expect(Set(fixture.names(read.shownPersonIDs)) == ["Gun", "Filip", "Eva", "Dan", "Cilla"])
    }

    @Test(arguments: [
        ("sort", "evil"), ("sort", "-"), ("page", "-1"), ("page", "0"), ("page", "99999999999999999999"), ("page", "1.5"),
        ("status", "<script>alert(1)</script>"), ("reason", "<b>X</b>"), ("reason", "avbrott_np' OR 1=1 --"), ("age", "15"), ("age", "abc"),
        ("age", "016"), ("contact", "-5"), ("contact", "99999"), ("protected", "kanske"), ("order", "sideways"),
        ("handlaggare", "PNR"), ("handlaggare", "nobody-here"),
    ])
    func hostileQueryValuesAreRefusedWithoutEchoOrA500(name: String, value: String) throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        let pnr = fixture["Alva"].pnr.digits
        // "PNR": a real personnummer of the register, typed into the address bar.
        for candidate in [value == "PNR" ? pnr : value] {
            let response = client.get("/personer", query: [name: candidate])
            #expect(response.status == 400, "\(name)=\(candidate)")
            if candidate.count >= 5 { #expect(!response.text.contains(candidate), "never echoed") }
            #expect(!response.text.contains("<script>alert"))
            #expect(response.text.contains("filtret '\(name)'"))
        }
        // The export takes the same fields and refuses the same values.
        let export = client.post("/personer/export", [(name, value)])
        #expect(export.status == 400 && export.header("Content-Disposition") == nil)
    }

    @Test func rolesWithoutPeopleAreRefusedAndTheRefusalIsAudited() throws {
        let fixture = try PeopleFixture()
        for login in ["greta", "adam"] {
            let client = try fixture.harness.loggedIn(login)
            let before = try fixture.harness.register.auditEntries().count
            #expect(client.get("/personer").status == 403)
            #expect(client.post("/sok", [("q", "Alva")]).status == 403)
            #expect(client.post("/personer/export", []).status == 403)
            let denied = try fixture.harness.register.auditEntries().dropFirst(before).filter { $0.action == "denied" }
            #expect(denied.count == 3)
            #expect(denied.allSatisfy { $0.staff == login && $0.personIDs.isEmpty })
            #expect(try fixture.harness.register.auditEntries().dropFirst(before).allSatisfy { $0.action == "denied" }, "nothing read")
        }
    }
}

@Suite struct PeopleSearchTests {
    @Test func aSearchByPersonnummerAnswersInTheResponseWithoutARedirect() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        let form = client.get("/personer").text
        #expect(form.contains("<form method=\"post\" action=\"/sok\">") && form.contains("name=\"q\""))
        let alva = fixture["Alva"]
        let response = client.post("/sok", [("q", alva.pnr.digits)])
        #expect(response.status == 200)
        #expect(response.header("Location") == nil)
        #expect(listedIDs(response.text) == [alva.id])
        #expect(response.text.contains(alva.pnr.formatted))
        #expect(response.header("Cache-Control") == "no-store")
        let read = try #require(try fixture.harness.register.auditEntries().last)
        #expect(read.context == .search && read.shownPersonIDs == [alva.id])
        #expect(!(read.detail ?? "").contains(alva.pnr.digits))
    }

    @Test func aHandlaggareFindsOnlyTheirCaseload() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("hanna")
        client.get("/personer")
        for query in ["Eva Ek", fixture["Eva"].pnr.digits] {
            let response = client.post("/sok", [("q", query)])
            #expect(response.status == 200 && response.text.contains("Ingen träff."))
            #expect(listedIDs(response.text).isEmpty)
        }
        #expect(fixture.names(listedIDs(client.post("/sok", [("q", "alva")]).text)) == ["Alva"])
        #expect(client.post("/sok", [("q", "Eva")]).text.contains("Ingen träff."))
    }

    @Test(arguments: ["a", "", "   ", "12", String(repeating: "x", count: 101)])
    func aTooShortSearchIsRefusedNextToTheField(text: String) throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        client.get("/personer")
        let before = try fixture.harness.register.auditEntries().count
        let response = client.post("/sok", [("q", text)])
        #expect(response.status == 400)
        #expect(response.text.contains("id=\"e-q\"") && response.text.contains("aria-invalid=\"true\""))
        #expect(listedIDs(response.text).isEmpty)
        #expect(try fixture.harness.register.auditEntries().count == before, "no read happened")
    }

    @Test func aHostileSearchTextIsShownEscaped() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        client.get("/personer")
        let response = client.post("/sok", [("q", "<script>alert(1)</script>")])
        #expect(response.status == 200)
        #expect(!response.text.contains("<script>alert(1)"))
        #expect(response.text.contains("&lt;script&gt;"))
    }
}

@Suite struct PeopleExportTests {
    @Test func theExportIsAnAuditedExcelFriendlyFileOfEveryoneTheFilterMatches() throws {
        var settings = WebSettings()
        settings.pageSize = 2
        let fixture = try PeopleFixture(settings: settings)
        let client = try fixture.harness.loggedIn("sara")
        let page = client.get("/personer", query: ["reason": "AVBROTT_NP"]).text
        #expect(page.contains("action=\"/personer/export\"") && page.contains("Exportera CSV"))
        #expect(page.contains("<input type=\"hidden\" name=\"reason\" value=\"AVBROTT_NP\">"))
        let response = client.post("/personer/export", [("reason", "AVBROTT_NP")])
        #expect(response.status == 200)
        #expect(response.header("Content-Disposition")?.hasPrefix("attachment; filename=\"ungdomar-2026-11-23.csv\"") == true)
        #expect(response.header("Cache-Control") == "no-store")
        #expect(response.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: response.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map(String.init)
        #expect(lines.first?.hasPrefix("personnummer;namn;alder;status;") == true)
        #expect(lines.count == 4, "header and three people, not a page of two")
        #expect(lines.dropFirst().map { $0.split(separator: ";").map(String.init)[1] } == ["Alva Andersson", "Hans Holm", "Karin Kvist"])
        #expect(lines[1].hasPrefix(fixture["Alva"].pnr.formatted + ";"))
        let read = try #require(try fixture.harness.register.auditEntries().last)
        #expect(read.context == .export && read.staff == "sara")
        #expect(Set(fixture.names(read.shownPersonIDs)) == ["Alva", "Hans", "Karin"])
    }

    @Test func aHandlaggareExportsOnlyTheirCaseload() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("hugo")
        client.get("/personer")
        let response = client.post("/personer/export", [("status", "alla")])
        let lines = String(decoding: response.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.dropFirst().map { $0.split(separator: ";").map(String.init)[1] } == ["Eva Ek", "Filip Falk", "Gun Gran"])
    }

    @Test func cellsThatStartAFormulaAreNeutralised() throws {
        let fixture = try PeopleFixture()
        let register = fixture.harness.register
        let pnr = TestPeople.person(born: 2009, 3)
        try register.register(pnr, on: TestDates.date("2026-10-01"), reason: "OKAND", details: ContactDetails(firstName: "=HYPERLINK(\"x\")", lastName: "Test"))
        for (index, first) in ["@Lisa", "-Minus", "+Plus"].enumerated() {
            try register.register(TestPeople.person(born: 2009, 4 + index), on: TestDates.date("2026-10-01"), reason: "OKAND",
                                  details: ContactDetails(firstName: first, lastName: "Test"))
        }
        let client = try fixture.harness.loggedIn("sara")
        client.get("/personer")
        let text = String(decoding: client.post("/personer/export", [("reason", "OKAND")]).body, as: UTF8.self)
        #expect(text.contains("'=HYPERLINK") && text.contains("'@Lisa") && text.contains("'-Minus") && text.contains("'+Plus"))
        #expect(!text.contains(";=HYPERLINK") && !text.contains(";\"=HYPERLINK"))
    }

    @Test func anExportWithoutTheFormsTokenIsRefused() throws {
        let fixture = try PeopleFixture()
        let client = try fixture.harness.loggedIn("sara")
        client.get("/personer")
        let before = try fixture.harness.register.auditEntries().count
        #expect(client.post("/personer/export", [], csrf: "forged").status == 403)
        #expect(client.post("/personer/export", [], origin: "https://evil.example").status == 403)
        #expect(try fixture.harness.register.auditEntries().count == before)
    }
}

@Suite struct PeopleListRegisterTests {
    @Test func onePersonIsOneRowShowingTheOpenEpisodeElseTheLatest() throws {
        let harness = try WebHarness()
        let register = harness.register
        let again = TestPeople.person(born: 2008, 0), twice = TestPeople.person(born: 2008, 1)
        try register.register(again, on: TestDates.date("2026-02-01"), reason: "OKAND", details: ContactDetails(firstName: "Åter", lastName: "Öppen"))
        try register.deregister(again, on: TestDates.date("2026-03-01"), reason: "BORJAT_STUDERA")
        try register.register(again, on: TestDates.date("2026-09-01"), reason: "AVBROTT_NP")
        try register.register(twice, on: TestDates.date("2026-01-10"), reason: "OKAND", details: ContactDetails(firstName: "Två", lastName: "Gånger"))
        try register.deregister(twice, on: TestDates.date("2026-02-01"), reason: "BORJAT_STUDERA")
        try register.register(twice, on: TestDates.date("2026-04-01"), reason: "INFLYTTAD")
        try register.deregister(twice, on: TestDates.date("2026-05-01"), reason: "BORJAT_STUDERA")
        var filter = PeopleFilter()
        filter.status = .all
        let all = try register.people(filter).rows
        #expect(all.map(\.name) == ["Två Gånger", "Åter Öppen"])
        #expect(all.map(\.registrationReason) == ["INFLYTTAD", "AVBROTT_NP"])
        #expect(all.map(\.isOpen) == [false, true])
        filter.status = .closed
        #expect(try register.people(filter).rows.map(\.name) == ["Två Gånger"])
        filter.status = .open
        filter.reason = "OKAND"
        #expect(try register.people(filter).rows.isEmpty, "the reason of the episode shown, not of an old one")
    }

    @Test func aBadOffsetOrLimitIsRefused() throws {
        let harness = try WebHarness()
        #expect(throws: RegisterError.self) { try harness.register.people(PeopleFilter(), offset: -1) }
        #expect(throws: RegisterError.self) { try harness.register.people(PeopleFilter(), limit: 0) }
    }
}

extension PeopleListRegisterTests {
    @Test func namesSortInSwedishOrderWhateverTheirCase() throws {
        let harness = try WebHarness()
        let names = ["Öberg", "Åberg", "Ärlig", "de Wit", "Zorn", "andersson", "Berg"]
        for (index, last) in names.enumerated() {
            try harness.register.register(TestPeople.person(born: 2008, index), on: TestDates.date("2026-09-01"), reason: "OKAND",
                                          details: ContactDetails(firstName: "A", lastName: last))
        }
        let sorted = try harness.register.people(PeopleFilter()).rows.map { String($0.name.dropFirst(2)) }
        #expect(sorted == ["andersson", "Berg", "de Wit", "Zorn", "Åberg", "Ärlig", "Öberg"])
    }
}

extension PeopleSearchTests {
    @Test func manyHitsShowTheFirstOnesAndAskForMoreLetters() throws {
        var settings = WebSettings()
        settings.pageSize = 1
        let fixture = try PeopleFixture(settings: settings)
        let client = try fixture.harness.loggedIn("sara")
        client.get("/personer")
        // "an": Alva Andersson, Dan, Gun Gran, Hans, Jon Jansson; four shown (four pages of one).
        let many = client.post("/sok", [("q", "an")])
        #expect(fixture.names(listedIDs(many.text)) == ["Alva", "Dan", "Gun", "Hans"])
        #expect(many.text.contains("5 träffar; de 4 första visas"))
        let read = try #require(try fixture.harness.register.auditEntries().last)
        #expect(read.shownPersonIDs.count == 5, "the audit names every hit read")
        let few = client.post("/sok", [("q", "2009")])
        #expect(listedIDs(few.text).count == 3 && few.text.contains("3 träffar") && !few.text.contains("första visas"))
    }
}
