import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Need-to-know in one place (issue 15): what each role reaches, denials audited and kept, versions
/// that refuse a stale write.
@Suite struct AccessTests {
    let fixture = RegisterFixture()
    let mine = TestPeople.person(born: 2008, 0)
    let theirs = TestPeople.person(born: 2008, 1)
    let nobodys = TestPeople.person(born: 2008, 2)

    /// A register with hanna's and hugo's caseloads and one unassigned person; the viewers by login.
    func setUp() throws -> (Register, [String: Viewer]) {
        let register = try fixture.create()
        var viewers: [String: Viewer] = [:]
        for (login, role) in [("hanna", StaffRole.handlaggare), ("hugo", .handlaggare), ("sara", .samordnare), ("greta", .granskare), ("adam", .admin)] {
            _ = try register.addStaff(login: login, name: login.capitalized, role: role)
            let id = try #require(try register.database.queryOne("SELECT id FROM staff WHERE login = ?", [.text(login)])?.int(0))
            viewers[login] = Viewer(staffID: id, login: login, name: login.capitalized, role: role)
        }
        for (pnr, name) in [(mine, "Alva"), (theirs, "Bo"), (nobodys, "Cleo")] {
            try register.register(pnr, on: TestDates.date("2026-09-01"), reason: "EJ_PABORJAT", details: ContactDetails(firstName: name, lastName: "Test"))
        }
        try register.assignCaseload(mine, to: "hanna")
        try register.assignCaseload(theirs, to: "hugo")
        return (register, viewers)
    }

    func id(_ register: Register, _ pnr: PersonalIdentityNumber) throws -> Int64 {
        try #require(try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])?.int(0))
    }

    @Test func eachRoleReachesWhatItShould() throws {
        let (register, viewers) = try setUp()
        func found(_ login: String) throws -> Set<String> {
            let viewer = try #require(viewers[login])
            return try register.acting(as: viewer) { () throws(RegisterError) in Set(try register.find("Test").map(\.name)) }
        }
        #expect(try found("hanna") == ["Alva Test"])
        #expect(try found("hugo") == ["Bo Test"])
        #expect(try found("sara") == ["Alva Test", "Bo Test", "Cleo Test"])
        #expect(try found("greta") == [])
        #expect(try found("adam") == [])
        // The CLI (no viewer) reaches everyone, and acting restores it afterwards.
        #expect(Set(try register.find("Test").map(\.name)).count == 3)
        #expect(register.viewer == nil && register.staff == "handlaggare1")
    }

    @Test func aDeniedPersonPageIsRefusedAndItsAuditRowIsKept() throws {
        let (register, viewers) = try setUp()
        let hanna = try #require(viewers["hanna"])
        let before = try count(register, "SELECT count(*) FROM audit_log WHERE action = 'show'")
        #expect(throws: RegisterError.self) {
            try register.acting(as: hanna) { () throws(RegisterError) in _ = try register.show(theirs) }
        }
        let denied = try register.database.query("SELECT staff, person_id, via, detail FROM audit_log WHERE action = 'denied'")
        #expect(denied.count == 1)
        #expect(try denied.first?.text(0) == "hanna")
        #expect(try denied.first?.int(1) == (try id(register, theirs)))
        #expect(try denied.first?.text(2) == "web")
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'show'") == before, "no read was logged as done")
        // Her own person opens, as her.
        let record = try register.acting(as: hanna) { () throws(RegisterError) in try register.show(mine) }
        #expect(record.personnummer == mine)
        #expect(try register.database.queryOne("SELECT staff FROM audit_log WHERE action = 'show' ORDER BY id DESC")?.text(0) == "hanna")
    }

    @Test func aGranskareReachesOnePersonOnlyForTheRequestThatAskedForThem() throws {
        let (register, viewers) = try setUp()
        let greta = try #require(viewers["greta"])
        let person = try id(register, theirs)
        let record = try register.acting(as: greta, reviewing: person) { () throws(RegisterError) in try register.show(theirs) }
        #expect(record.personID == person)
        #expect(throws: RegisterError.self) {
            try register.acting(as: greta, reviewing: person) { () throws(RegisterError) in _ = try register.show(mine) }
        }
        #expect(throws: RegisterError.self) {
            try register.acting(as: greta) { () throws(RegisterError) in _ = try register.show(theirs) }
        }
        // A handläggare cannot borrow the granskare's grant.
        let hanna = try #require(viewers["hanna"])
        #expect(throws: RegisterError.self) {
            try register.acting(as: hanna, reviewing: person) { () throws(RegisterError) in _ = try register.show(theirs) }
        }
    }

    @Test func worklistsAndListingsAreLimitedToTheCaseload() throws {
        let (register, viewers) = try setUp()
        let hanna = try #require(viewers["hanna"])
        let people = try register.acting(as: hanna) { () throws(RegisterError) in try register.worklist(.notReached).map(\.entry.personID) }
        #expect(people == [try id(register, mine)])
        let listed = try register.acting(as: hanna) { () throws(RegisterError) in try register.list().map(\.personID) }
        #expect(listed == [try id(register, mine)])
        let work = try register.acting(as: hanna) { () throws(RegisterError) in try register.todaysWork() }
        #expect(work.unassigned == nil)
        let sara = try #require(viewers["sara"])
        let all = try register.acting(as: sara) { () throws(RegisterError) in try register.todaysWork() }
        #expect(all.unassigned?.map(\.entry.personID) == [try id(register, nobodys)])
    }

    @Test func aRoleCheckRefusesAndAudits() throws {
        let (register, viewers) = try setUp()
        let adam = try #require(viewers["adam"])
        #expect(throws: RegisterError.self) {
            try register.acting(as: adam) { () throws(RegisterError) in try register.checkRole([.samordnare], for: "GET /personer") }
        }
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'denied' AND staff = 'adam'") == 1)
    }

    @Test func everyChangeToAPersonMovesTheirVersionAndAStaleWriteIsRefusedWhole() throws {
        let (register, _) = try setUp()
        let person = try id(register, mine)
        var version = try register.version(ofPerson: person)
        func moved() throws -> Bool {
            let now = try register.version(ofPerson: person)
            defer { version = now }
            return now != version
        }
        let contact = try register.addContact(mine, on: TestDates.date("2026-10-01"), channel: "TELEFON", isReached: true)
        #expect(try moved())
        try register.correctContact(contact, ContactCorrection(channel: "SMS"))
        #expect(try moved())
        let measure = try register.addMeasure(mine, NewMeasure(type: "SYV", offeredOn: TestDates.date("2026-10-02")))
        #expect(try moved())
        _ = try register.addFollowUp(measure: measure, on: TestDates.date("2026-10-10"), next: nil, note: nil)
        #expect(try moved())
        try register.unassignCaseload(mine)
        #expect(try moved())
        _ = try register.show(mine)
        #expect(try !moved(), "a read does not change the version")
        let stale = version - 1
        let contactsBefore = try count(register, "SELECT count(*) FROM contact")
        #expect(throws: RegisterError.self) {
            try register.writing(person: person, atVersion: stale) { () throws(RegisterError) in
                _ = try register.addContact(mine, on: TestDates.date("2026-10-11"), channel: "TELEFON", isReached: false)
            }
        }
        #expect(try count(register, "SELECT count(*) FROM contact") == contactsBefore)
        try register.writing(person: person, atVersion: version) { () throws(RegisterError) in
            _ = try register.addContact(mine, on: TestDates.date("2026-10-11"), channel: "TELEFON", isReached: false)
        }
        #expect(try count(register, "SELECT count(*) FROM contact") == contactsBefore + 1)
    }

    @Test func theCLIsRowsSayCliAndTheWebsSayWeb() throws {
        let (register, viewers) = try setUp()
        let sara = try #require(viewers["sara"])
        _ = try register.find("Alva")
        _ = try register.acting(as: sara) { () throws(RegisterError) in try register.find("Alva") }
        let rows = try register.database.query("SELECT staff, via FROM audit_log WHERE action = 'find' ORDER BY id")
        #expect(try rows.map { "\(try $0.text(0))/\(try $0.text(1))" } == ["handlaggare1/cli", "sara/web"])
    }
}
