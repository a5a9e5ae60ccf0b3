import Foundation
import KAACore
import KAACrypto
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing
@testable import KAAWeb

/// SCB-rapport in the browser (issue 16): the checks in SCB's terms with links to the people, a
/// failing check blocking the file (a draft still allowed), each download recorded with its digest,
/// and the diff against the previous submission.
@Suite struct SCBPageTests {
    let harness: WebHarness
    let silent = TestPeople.person(born: 2008, sex: .female, 0)   // registered 2026-09-01, no contact attempt
    let okand = TestPeople.person(born: 2008, sex: .male, 0)      // registered without a reason, contacted twice
    var silentID: Int64 = 0
    var okandID: Int64 = 0

    static let exampleMapping: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("config/scb-mapping.example.json"), encoding: .utf8)) ?? ""
    }()

    init(mapping: Bool = true) throws {
        harness = try WebHarness()
        // The mapping an admin keeps under Inställningar (here the example file's placeholders).
        if mapping { _ = try harness.register.changeSetting(.scbMapping, to: Self.exampleMapping, confirmed: true) }
        silentID = try harness.person(silent, first: "Tyst", last: "Tystnad")
        try harness.register.register(okand, on: TestDates.date("2026-09-10"), reason: "OKAND", details: ContactDetails(firstName: "Orsak", lastName: "Saknas"))
        _ = try harness.register.addContact(okand, on: TestDates.date("2026-09-12"), channel: "TELEFON", isReached: false)
        _ = try harness.register.addContact(okand, on: TestDates.date("2026-09-15"), channel: "TELEFON", isReached: true)
        okandID = try #require(try harness.register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(okand.digits)])?.int(0))
    }

    func episode(_ personID: Int64) throws -> Int64 {
        try #require(try harness.register.database.queryOne("SELECT id FROM episode WHERE person_id = ?", [.integer(personID)])?.int(0))
    }

    func submissions() throws -> Int64 {
        try harness.register.database.queryOne("SELECT count(*) FROM scb_submission")?.int(0) ?? -1
    }

    /// Fixes both findings, as the coordinator would on the Personkort.
    func fix() throws {
        _ = try harness.register.addContact(silent, on: TestDates.date("2026-11-02"), channel: "TELEFON", isReached: true)
        try harness.register.correctEpisode(try episode(okandID), EpisodeCorrection(registrationReason: "AVBROTT_NP"))
    }

    @Test func onlyASamordnareReachesIt() throws {
        for login in ["hanna", "greta", "adam"] {
            let client = try harness.loggedIn(login)
            #expect(client.get("/scb").status == 403, "\(login)")
            #expect(client.post("/scb/hamta", [("period", "2026-H2"), ("utkast", "on")]).status == 403, "\(login)")
        }
        #expect(try submissions() == 0)
    }

    @Test func showsTheChecksInSCBsTermsWithLinksToThePeople() throws {
        let html = try harness.loggedIn("sara").get("/scb", query: ["period": "2026-H2"]).text
        #expect(html.contains("2026-H2: 2 personer, 4 rader och en rubrikrad i filen."))
        #expect(html.contains("Block 1, registrering: registreringsorsak saknas (OKAND) (1)"))
        #expect(html.contains("Block 2, kontakt: inget kontaktförsök alls (1)"))
        #expect(html.contains("<a href=\"/personer/\(okandID)\">\(okand.formatted)</a>"))
        #expect(html.contains("<a href=\"/personer/\(silentID)\">\(silent.formatted)</a>"))
        #expect(html.contains("Hämta utkast") && html.contains("Ingen fil för halvåret har hämtats än."))
        // Building the report is the audited read of everyone in it.
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM audit_log WHERE action = 'report.scb' AND staff = 'sara'")?.int(0) == 1)
    }

    @Test func aFailingCheckBlocksTheFileButNotADraft() throws {
        let sara = try harness.loggedIn("sara")
        sara.get("/scb")
        let refused = sara.post("/scb/hamta", [("period", "2026-H2")])
        #expect(refused.status == 400)
        #expect(refused.text.contains("Filen hämtades inte: kontrollerna hittade 2 saker som SCB kan underkänna"))
        #expect(refused.header("Content-Disposition") == nil)
        #expect(try submissions() == 0)
        let draft = sara.post("/scb/hamta", [("period", "2026-H2"), ("utkast", "on")])
        #expect(draft.status == 200)
        #expect(draft.header("Content-Disposition") == "attachment; filename=\"scb-2026-H2-DRAFT.csv\"")
        #expect(Array(draft.body.prefix(3)) == [0xEF, 0xBB, 0xBF] && draft.text.dropFirst().hasPrefix("DRAFT;"))
        let stored = try #require(try harness.register.database.queryOne("SELECT is_draft, digest FROM scb_submission"))
        #expect(try stored.int(0) == 1 && (try stored.text(1)) == Crypto.sha256Hex(draft.body))
    }

    @Test func theDownloadIsRecordedWithItsDigestAndAudited() throws {
        try fix()
        let sara = try harness.loggedIn("sara")
        #expect(sara.get("/scb").text.contains("Kontrollerna hittade inget som SCB skulle underkänna."))
        let file = sara.post("/scb/hamta", [("period", "2026-H2")])
        #expect(file.status == 200)
        #expect(file.header("Content-Disposition") == "attachment; filename=\"scb-2026-H2.csv\"")
        #expect(file.header("Cache-Control")?.contains("no-store") == true)
        let lines = file.text.dropFirst().split(separator: "\r\n")
        #expect(lines.first == "Block;Personnummer;Kommun;Datum;Kod;Kod2")
        #expect(lines.contains("1;\(okand.digits);0380;2026-09-10;1;"))
        let row = try #require(try harness.register.database.queryOne("SELECT period, staff, digest, row_count, is_draft, id FROM scb_submission"))
        #expect(try row.text(0) == "2026-H2" && (try row.text(1)) == "sara" && (try row.int(4)) == 0)
        #expect(try row.text(2) == Crypto.sha256Hex(file.body))
        #expect(try row.int(3) == Int64(lines.count))
        let audit = try #require(try harness.register.database.queryOne("SELECT detail FROM audit_log WHERE action = 'report.scb.download'"))
        #expect(try audit.text(0).contains("sha256=\(Crypto.sha256Hex(file.body))"))
        // The page lists it with its digest.
        let page = sara.get("/scb").text
        #expect(page.contains(Crypto.sha256Hex(file.body)) && page.contains("inlämning"))
        #expect(page.contains("0 rader tillagda, 0 borttagna, 0 ändrade"))
    }

    @Test func thePageShowsTheDiffAgainstThePreviousSubmission() throws {
        try fix()
        let sara = try harness.loggedIn("sara")
        sara.get("/scb")
        #expect(sara.post("/scb/hamta", [("period", "2026-H2")]).status == 200)
        // A contact added, one removed, a registration reason changed.
        _ = try harness.register.addContact(silent, on: TestDates.date("2026-11-20"), channel: "TELEFON", isReached: false)
        let first = try #require(try harness.register.database.queryOne("SELECT min(id) FROM contact WHERE episode_id = ?", [.integer(try episode(okandID))])?.int(0))
        try harness.register.removeContact(first)
        try harness.register.correctEpisode(try episode(okandID), EpisodeCorrection(registrationReason: "STUDIEBEVIS"))
        let page = sara.get("/scb").text
        #expect(page.contains("1 rader tillagda, 1 borttagna, 1 ändrade"), "\(page)")
        #expect(page.contains("<tr class=\"added\"><td>tillagd</td><td><a href=\"/personer/\(silentID)\">"))
        #expect(page.contains("<tr class=\"changed\"><td>ändrad</td><td><a href=\"/personer/\(okandID)\">") && page.contains("<td>1 2026-09-10 1 </td><td>1 2026-09-10 3 </td>"))
        #expect(page.contains("<tr class=\"removed\"><td>borttagen</td>") && page.contains("2 2026-09-12  N"))
        // The diff is an audited read of the people whose lines changed.
        let shown = try harness.register.database.query("""
            SELECT p.person_id FROM audit_log a JOIN audit_shown_person p ON p.set_id = a.shown_set WHERE a.action = 'report.scb.diff' ORDER BY a.id DESC LIMIT 2
            """).map { try $0.int(0) }
        #expect(Set(shown) == [okandID, silentID])
    }

    @Test func refusesHostilePeriodsAndForgedPosts() throws {
        let sara = try harness.loggedIn("sara")
        for value in ["2026-11", "2027-H1", "x", "<script>", ""] where !value.isEmpty {
            let page = sara.get("/scb", query: ["period": value])
            #expect(page.status == 400 && !page.text.contains("<script>") && !page.text.contains("Kontroller"), "\(value)")
            #expect(sara.post("/scb/hamta", [("period", value), ("utkast", "on")]).status == 400, "\(value)")
        }
        #expect(sara.get("/scb", items: [("period", "2026-H2"), ("period", "2026-H1")]).status == 400)
        #expect(sara.post("/scb/hamta", [("period", "2026-H2"), ("period", "2026-H1"), ("utkast", "on")]).status == 400)
        #expect(sara.post("/scb/hamta", [("period", "2026-H2"), ("utkast", "on")], csrf: "forged").status == 403)
        #expect(sara.post("/scb/hamta", [("period", "2026-H2"), ("utkast", "on")], origin: "http://evil.test").status == 403)
        #expect(try submissions() == 0)
    }

    @Test func withoutAStoredMappingEveryFileIsADraft() throws {
        let bare = try SCBPageTests(mapping: false)
        let sara = try bare.harness.loggedIn("sara")
        let page = sara.get("/scb")
        #expect(page.text.contains("Ingen SCB-mappning är inlagd under Inställningar"), "\(page.text)")
        let refused = sara.post("/scb/hamta", [("period", "2026-H2")])
        #expect(refused.status == 400)
        let draft = sara.post("/scb/hamta", [("period", "2026-H2"), ("utkast", "ja")])
        #expect(draft.status == 200 && draft.text.prefix(12).contains("DRAFT") && draft.header("Content-Disposition")?.contains("-DRAFT") == true, "\(draft.status)")
        // With the mapping stored, the page no longer says so.
        _ = try bare.harness.register.changeSetting(.scbMapping, to: Self.exampleMapping, confirmed: true)
        #expect(!sara.get("/scb").text.contains("Ingen SCB-mappning är inlagd"))
    }
}
