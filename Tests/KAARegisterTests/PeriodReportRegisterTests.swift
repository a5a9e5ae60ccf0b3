import Foundation
import KAACore
import KAACrypto
@testable import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// The period report's shared computation (CLI and web) and need-to-know for its named lines and
/// for the SCB file.
@Suite struct PeriodReportRegisterTests {
    let fixture = RegisterFixture()
    let mine = TestPeople.person(born: 2008, 0)
    let theirs = TestPeople.person(born: 2008, 1)

    func setUp() throws -> (Register, [String: Viewer]) {
        let register = try fixture.create()
        var viewers: [String: Viewer] = [:]
        for (login, role) in [("hanna", StaffRole.handlaggare), ("sara", .samordnare), ("adam", .admin)] {
            _ = try register.addStaff(login: login, name: login.capitalized, role: role)
            let id = try #require(try register.database.queryOne("SELECT id FROM staff WHERE login = ?", [.text(login)])?.int(0))
            viewers[login] = Viewer(staffID: id, login: login, name: login.capitalized, role: role)
        }
        // Both registered without a reason and never contacted.
        for (pnr, name) in [(mine, "Alva"), (theirs, "Bo")] {
            try register.register(pnr, on: TestDates.date("2026-09-01"), reason: "OKAND", details: ContactDetails(firstName: name, lastName: "Test"))
        }
        try register.assignCaseload(mine, to: "hanna")
        return (register, viewers)
    }

    @Test func theDataQualityLinesNameOnlyWhomTheViewerReaches() throws {
        let (register, viewers) = try setUp()
        let period = try #require(Period("2026-11"))
        func named(_ login: String) throws -> [String: [String]] {
            let quality = try register.acting(as: try #require(viewers[login])) { () throws(RegisterError) in try register.periodDataQuality(for: period) }
            return Dictionary(uniqueKeysWithValues: quality.lines.map { ($0.key, $0.people.map(\.name)) })
        }
        #expect(try named("sara")["orsak-saknas"] == ["Alva Test", "Bo Test"])
        #expect(try named("hanna")["orsak-saknas"] == ["Alva Test"])
        #expect(try named("hanna")["ingen-kontakt-60"] == ["Alva Test"] && (try named("hanna")["ingen-kontakt-90"]) == [])
        #expect(try named("adam").values.allSatisfy(\.isEmpty))
        // Every read is one audit row, with whom it named.
        #expect(try register.database.queryOne("SELECT count(*) FROM audit_log WHERE action = 'report.period'")?.int(0) == 5)
    }

    @Test func onlyASamordnareOrTheCommandLineMakesTheSCBFile() throws {
        let (register, viewers) = try setUp()
        let half = try #require(Period("2026-H2"))
        #expect(throws: RegisterError.self) {
            try register.acting(as: try #require(viewers["hanna"])) { () throws(RegisterError) in _ = try register.scbReport(period: half, mapping: SCBMapping()) }
        }
        #expect(try register.database.queryOne("SELECT count(*) FROM audit_log WHERE action = 'denied'")?.int(0) == 1)
        let report = try register.scbReport(period: half, mapping: SCBMapping())
        #expect(report.people == 2 && report.isDraftOnly)
        // Without a mapping only a draft: the file itself is refused, nothing recorded.
        #expect(throws: RegisterError.self) { _ = try register.downloadSCBFile(report, isDraft: false) }
        let draft = try register.downloadSCBFile(report, isDraft: true)
        #expect(draft.submission.isDraft && draft.submission.digest == Crypto.sha256Hex(draft.bytes))
        #expect(try register.scbSubmissions(period: half).map(\.id) == [draft.submission.id])
        // A draft is never the base of a diff.
        #expect(try register.scbDiff(report) == nil)
    }

    @Test func theMedianDaysToFirstContactCountsOnlyThoseReached() throws {
        let (register, _) = try setUp()
        _ = try register.addContact(mine, on: TestDates.date("2026-09-11"), channel: "TELEFON", isReached: true)
        let report = try register.periodReport(for: try #require(Period("2026-H2")))
        #expect(report.medianFirstContactDays.current == 10)
        #expect(report.firstContactBands.first { $0.label == "8–30 dagar" }?.current == 1)
        #expect(report.firstContactBands.first { $0.label == "inte nådd än" }?.current == 1)
        #expect(PeriodReport.median([3, 1, 10, 4]) == 3.5 && PeriodReport.median([]) == nil)
    }

    @Test func theShareWithAMeasureCountsEachPersonOnce() throws {
        let (register, _) = try setUp()
        for type in ["SYV", "PRAKTIK"] {
            _ = try register.addMeasure(mine, NewMeasure(type: type, offeredOn: TestDates.date("2026-10-01"), decision: .accepted,
                                                         startedOn: TestDates.date("2026-10-02")))
        }
        let report = try register.periodReport(for: try #require(Period("2026-H2")))
        let figure = try #require(report.figures.first { $0.label == "Andel med åtgärd" })
        // Two in KAA, one with two measures running: 50 %, where the cells count two measures.
        #expect(figure.current == 0.5 && figure.isShare)
        #expect(report.figures.first { $0.label == "Pågående åtgärder (per typ)" }?.current == 2)
    }

    @Test func aStoredFilesLinesGoWithTheirPersonAtGallring() throws {
        let (register, _) = try setUp()
        let report = try register.scbReport(period: try #require(Period("2026-H2")), mapping: SCBMapping())
        let file = try register.downloadSCBFile(report, isDraft: true)
        let person = try #require(report.personIDs[mine.digits])
        func lines(_ personID: Int64) throws -> Int64 {
            try register.database.queryOne("SELECT count(*) FROM scb_submission_line WHERE person_id = ?", [.integer(personID)])?.int(0) ?? -1
        }
        #expect(try lines(person) == 1)
        try register.database.execute("DELETE FROM person WHERE id = ?", [.integer(person)])
        #expect(try lines(person) == 0)
        // The header, with no personal data, stays.
        #expect(try register.scbSubmissions(period: file.submission.period).count == 1)
    }
}
