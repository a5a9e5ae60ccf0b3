import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// A small deterministic generator (SplitMix64) for tests of the sample's choice.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Plants an audit row as the register writes one; returns its id.
@discardableResult
func plant(_ register: Register, at: String, staff: String, action: String = "show", person: Int64?, context: String? = "person") throws -> Int64 {
    try register.database.execute("INSERT INTO audit_log (at, staff, action, person_id, context, via) VALUES (?, ?, ?, ?, ?, 'web')",
                                  [.text(at), .text(staff), .text(action), SQLValue(person), SQLValue(context)])
    return register.database.lastInsertRowID
}

/// Loggkontroll's risk views (issue 16): each finds a planted event and not an innocent one.
@Suite struct LogRiskTests {
    let fixture = RegisterFixture()
    let d = TestDates.date
    let october = (TestDates.date("2026-10-01"), TestDates.date("2026-10-31"))

    /// hanna and hugo (handläggare); Alva in hanna's caseload, Bo in hugo's, Cissi in nobody's.
    func setUp() throws -> (Register, alva: Int64, bo: Int64, cissi: Int64) {
        let register = try fixture.create()
        _ = try register.addStaff(login: "hanna", name: "Hanna H", role: .handlaggare)
        _ = try register.addStaff(login: "hugo", name: "Hugo H", role: .handlaggare)
        var ids: [Int64] = []
        for (index, name) in ["Alva", "Bo", "Cissi"].enumerated() {
            let pnr = TestPeople.person(born: 2008, index)
            try register.register(pnr, on: d("2026-09-01"), reason: "OKAND", details: ContactDetails(firstName: name, lastName: "Test"))
            ids.append(try #require(try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])).int(0))
        }
        try register.assignCaseload(TestPeople.person(born: 2008, 0), to: "hanna")
        try register.assignCaseload(TestPeople.person(born: 2008, 1), to: "hugo")
        return (register, ids[0], ids[1], ids[2])
    }

    func found(_ register: Register, _ risk: LogRisk) throws -> [Int64] {
        try register.logRisks(risk, from: october.0, through: october.1).findings.map(\.auditID)
    }

    @Test func readsOutsideTheCaseloadAtTheTime() throws {
        let (register, alva, bo, cissi) = try setUp()
        let own = try plant(register, at: "2026-10-06T08:00:00Z", staff: "hanna", person: alva)
        let others = try plant(register, at: "2026-10-06T08:05:00Z", staff: "hanna", person: bo)
        let nobodys = try plant(register, at: "2026-10-06T08:06:00Z", staff: "hanna", person: cissi)
        let samordnare = try plant(register, at: "2026-10-06T08:07:00Z", staff: "sara", person: bo)
        // Alva moves to hugo afterwards: hanna's read before stays innocent, hugo's before is not.
        let hugoEarly = try plant(register, at: "2026-10-06T08:08:00Z", staff: "hugo", person: alva)
        try register.assignCaseload(TestPeople.person(born: 2008, 0), to: "hugo")
        let hugoAfter = try plant(register, at: "2026-10-06T08:09:00Z", staff: "hugo", person: alva)
        let hannaAfter = try plant(register, at: "2026-10-06T08:10:00Z", staff: "hanna", person: alva)
        let report = try register.logRisks(.outsideCaseload, from: october.0, through: october.1)
        let ids = report.findings.map(\.auditID)
        #expect(Set(ids) == [others, nobodys, hugoEarly, hannaAfter])
        #expect(!ids.contains(own) && !ids.contains(samordnare) && !ids.contains(hugoAfter))
        #expect(report.findings.first { $0.auditID == others }?.note == "i ärendelistan hos hugo")
        #expect(report.findings.first { $0.auditID == nobodys }?.note == "ingen handläggare vid tillfället")
        #expect(ids == ids.sorted(by: >), "newest first")
    }

    @Test func readsWithNoFollowingActionWithinADay() throws {
        let (register, alva, bo, cissi) = try setUp()
        let idle = try plant(register, at: "2026-10-07T09:00:00Z", staff: "sara", person: alva)
        let acted = try plant(register, at: "2026-10-08T09:00:00Z", staff: "sara", person: bo)
        try plant(register, at: "2026-10-08T10:00:00Z", staff: "sara", action: "contact.add", person: bo, context: nil)
        let actedByAnother = try plant(register, at: "2026-10-09T09:00:00Z", staff: "sara", person: cissi)
        try plant(register, at: "2026-10-09T10:00:00Z", staff: "hanna", action: "contact.add", person: cissi, context: nil)
        let actedTooLate = try plant(register, at: "2026-10-10T09:00:00Z", staff: "sara", person: alva)
        try plant(register, at: "2026-10-11T09:00:01Z", staff: "sara", action: "measure.add", person: alva, context: nil)
        let onlyReadAgain = try plant(register, at: "2026-10-12T09:00:00Z", staff: "sara", person: bo)
        try plant(register, at: "2026-10-12T10:00:00Z", staff: "sara", action: "denied", person: bo, context: nil)
        let reviewed = try plant(register, at: "2026-10-13T09:00:00Z", staff: "greta", action: "review_access", person: bo)
        let ids = try found(register, .noFollowingAction)
        #expect(Set(ids).isSuperset(of: [idle, actedByAnother, actedTooLate, onlyReadAgain]))
        #expect(!ids.contains(acted) && !ids.contains(reviewed))
    }

    @Test func everyReadOfAProtectedIdentity() throws {
        let (register, alva, bo, _) = try setUp()
        try register.database.execute("UPDATE person SET is_protected = 1, address = NULL, postal_code = NULL, city = NULL WHERE id = ?", [.integer(bo)])
        let protectedRead = try plant(register, at: "2026-10-06T08:00:00Z", staff: "hugo", person: bo)
        let card = try plant(register, at: "2026-10-06T09:00:00Z", staff: "sara", action: "review_access", person: bo)
        let plain = try plant(register, at: "2026-10-06T08:01:00Z", staff: "hanna", person: alva)
        let write = try plant(register, at: "2026-10-06T08:02:00Z", staff: "hugo", action: "contact.add", person: bo, context: nil)
        let ids = try found(register, .protectedIdentity)
        #expect(Set(ids) == [protectedRead, card])
        #expect(!ids.contains(plain) && !ids.contains(write))
    }

    @Test func readsOutsideOfficeHoursInStockholmTime() throws {
        let (register, alva, _, _) = try setUp()
        // 2026-10-07 is a Wednesday (CEST, UTC+2); 2026-10-10 a Saturday; 2026-10-26 a Monday (CET, UTC+1).
        let evening = try plant(register, at: "2026-10-07T17:30:00Z", staff: "hanna", person: alva)     // 19:30
        let morning = try plant(register, at: "2026-10-07T04:30:00Z", staff: "hanna", person: alva)     // 06:30
        let office = try plant(register, at: "2026-10-07T08:00:00Z", staff: "hanna", person: alva)      // 10:00
        let opening = try plant(register, at: "2026-10-07T05:00:00Z", staff: "hanna", person: alva)     // 07:00
        let lastMinute = try plant(register, at: "2026-10-07T16:59:59Z", staff: "hanna", person: alva)  // 18:59:59
        let saturday = try plant(register, at: "2026-10-10T10:00:00Z", staff: "hanna", person: alva)
        let winterEarly = try plant(register, at: "2026-10-26T05:30:00Z", staff: "hanna", person: alva) // 06:30 CET
        let winterOffice = try plant(register, at: "2026-10-26T06:30:00Z", staff: "hanna", person: alva) // 07:30 CET
        let write = try plant(register, at: "2026-10-07T20:00:00Z", staff: "hanna", action: "contact.add", person: alva, context: nil)
        let report = try register.logRisks(.afterHours, from: october.0, through: october.1)
        let ids = Set(report.findings.map(\.auditID))
        #expect(ids == [evening, morning, saturday, winterEarly])
        #expect(ids.isDisjoint(with: [office, opening, lastMinute, winterOffice, write]))
        #expect(report.findings.first { $0.auditID == evening }?.note == "kl. 19:30")
    }

    @Test func manyPeopleInAShortTime() throws {
        let (register, _, _, _) = try setUp()
        var hugosFirst: Int64 = 0
        // hugo: 21 different people in 9 minutes 20 s (one of them twice): one burst.
        for index in 0..<22 {
            let person = Int64(1000 + min(index, 20))
            let second = index * 25
            let id = try plant(register, at: String(format: "2026-10-14T10:%02d:%02dZ", second / 60, second % 60), staff: "hugo", person: person)
            if index == 0 { hugosFirst = id }
        }
        // hanna: exactly 20 in 9 minutes, then 25 more spread over an hour: no burst.
        for index in 0..<20 {
            try plant(register, at: String(format: "2026-10-14T12:%02d:%02dZ", index * 27 / 60, index * 27 % 60), staff: "hanna", person: Int64(2000 + index))
        }
        for index in 0..<25 {
            try plant(register, at: String(format: "2026-10-14T14:%02d:00Z", index * 2 + 5), staff: "hanna", person: Int64(3000 + index))
        }
        let report = try register.logRisks(.burst, from: october.0, through: october.1)
        #expect(report.findings.count == 1)
        let burst = try #require(report.findings.first)
        #expect(burst.auditID == hugosFirst && burst.staff == "hugo" && burst.personID == nil)
        #expect(burst.note?.hasPrefix("21 olika personer på 9 min") == true)
        // A second burst later the same day is its own finding.
        for index in 0..<21 {
            try plant(register, at: String(format: "2026-10-14T16:00:%02dZ", index), staff: "hugo", person: Int64(4000 + index))
        }
        #expect(try register.logRisks(.burst, from: october.0, through: october.1).findings.count == 2)
    }

    @Test func refusesABadPeriodAndAnotherRole() throws {
        let (register, _, _, _) = try setUp()
        #expect(throws: RegisterError.self) { try register.logRisks(.burst, from: d("2026-10-02"), through: d("2026-10-01")) }
        #expect(throws: RegisterError.self) { try register.logRisks(.burst, from: d("2024-10-01"), through: d("2026-10-01")) }
        let hanna = try #require(try register.database.queryOne("SELECT id FROM staff WHERE login = 'hanna'")).int(0)
        #expect(throws: RegisterError.self) {
            try register.acting(as: Viewer(staffID: hanna, login: "hanna", name: "Hanna H", role: .handlaggare)) { () throws(RegisterError) in
                try register.logRisks(.burst, from: d("2026-10-01"), through: d("2026-10-31"))
            }
        }
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'denied' AND staff = 'hanna' AND detail LIKE 'action=log_risk%'") == 1)
    }

    @Test func aRiskViewAnswersQuicklyOnALargeLog() throws {
        let (register, alva, bo, _) = try setUp()
        // 350 000 rows over a year: person reads by 40 staff of 5 000 people, a write every fourth row.
        try register.database.execute("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 350000)
            INSERT INTO audit_log (at, staff, action, person_id, context, via)
            SELECT strftime('%Y-%m-%dT%H:%M:%SZ', '2025-11-01', '+' || (i * 90) || ' seconds'), 'staff' || (i % 40),
                   CASE WHEN i % 4 = 0 THEN 'contact.add' ELSE 'show' END, (i * 7919) % 5000 + 1,
                   CASE WHEN i % 4 = 0 THEN NULL ELSE 'person' END, 'web' FROM n
            """)
        try register.database.execute("""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 39)
            INSERT INTO staff (login, name, role, password_hash, totp_secret, created_at)
            SELECT 'staff' || i, 'Handläggare ' || i, 'handlaggare', '$argon2id$test', randomblob(16), '2025-01-01T00:00:00Z' FROM n
            """)
        try plant(register, at: "2026-10-06T08:05:00Z", staff: "hanna", person: bo)
        try plant(register, at: "2026-10-06T08:06:00Z", staff: "hanna", person: alva)
        for risk in LogRisk.allCases {
            let started = Date()
            let report = try register.logRisks(risk, from: d("2026-10-01"), through: d("2026-10-30"))
            let seconds = Date().timeIntervalSince(started)
            print("log_risk=\(risk.rawValue) findings=\(report.total) seconds=\(String(format: "%.3f", seconds))")
            // Alone, a debug build answers each in 0.1–0.25 s; the bound leaves room for the other
            // suites running beside it on two cores, and still catches a plan that scans per row.
            #expect(seconds < 3.0, "\(risk.rawValue) took \(seconds) s")
        }
    }
}

/// Loggkontroll's monthly sample-and-sign-off (issue 16, migration 0019).
@Suite struct LogReviewSampleTests {
    let fixture = RegisterFixture()

    /// 200 person reads in October 2026 by three staff members, and some that do not count.
    func setUp() throws -> (Register, [Int64]) {
        let register = try fixture.create(staff: "greta")
        var reads: [Int64] = []
        for index in 0..<200 {
            reads.append(try plant(register, at: String(format: "2026-10-%02dT%02d:%02d:00Z", index % 28 + 1, index % 10 + 7, index % 60),
                                   staff: ["hanna", "hugo", "sara"][index % 3], person: Int64(index % 50 + 1)))
        }
        try plant(register, at: "2026-10-05T10:00:00Z", staff: "greta", action: "review_access", person: 3)        // the reviewer's own
        try plant(register, at: "2026-10-05T10:00:00Z", staff: "hanna", action: "contact.add", person: 3, context: nil) // a write
        try plant(register, at: "2026-10-05T10:00:00Z", staff: "hanna", action: "find", person: nil, context: "search") // a listing
        try plant(register, at: "2026-09-30T21:59:59Z", staff: "hanna", person: 3)  // 23:59:59 on 30 September in Stockholm
        try plant(register, at: "2026-10-31T23:00:00Z", staff: "hanna", person: 3)  // 00:00 on 1 November in Stockholm
        return (register, reads)
    }

    @Test func theChoiceIsUniformOverThePopulation() {
        var generator = SplitMix64(state: 42)
        var hits = [Int](repeating: 0, count: 100)
        for _ in 0..<5000 {
            let chosen = LogReviewSampling.positions(count: 20, of: 100, using: &generator)
            #expect(chosen.count == 20 && Set(chosen).count == 20 && chosen == chosen.sorted())
            for position in chosen { hits[position] += 1 }
        }
        // Each position is chosen with probability 1/5: 1 000 times expected, standard deviation 28.
        #expect(hits.allSatisfy { (850...1150).contains($0) }, "\(hits)")
        #expect(LogReviewSampling.positions(count: 20, of: 7, using: &generator) == Array(0..<7))
        #expect(LogReviewSampling.positions(count: 20, of: 0, using: &generator).isEmpty)
    }

    @Test func drawsTwentyOfTheMonthsReadsAndStoresThemWhole() throws {
        let (register, reads) = try setUp()
        let review = try register.drawLogReview(month: "2026-10")
        #expect(review.month == "2026-10" && review.population == 200 && review.items.count == 20 && !review.isSignedOff)
        #expect(review.drawnBy == "greta")
        let ids = review.items.map(\.auditID)
        #expect(Set(ids).isSubset(of: Set(reads)), "only the month's person reads by others")
        #expect(ids != Array(reads.prefix(20)), "not the first rows")
        #expect(review.items.map(\.position) == Array(1...20))
        #expect(review.items.map(\.at) == review.items.map(\.at).sorted(), "in the month's time order")
        for item in review.items {
            let row = try #require(try register.database.queryOne("SELECT at, staff, action, person_id, context FROM audit_log WHERE id = ?", [.integer(item.auditID)]))
            #expect(try row.text(0) == item.at && row.text(1) == item.staff && row.text(2) == item.action && row.int(3) == item.personID)
            #expect(item.context == .person && item.verdict == nil)
        }
        // It stands on its own: no foreign key to the log, whose rows gallring may delete.
        let keys = try register.database.query("PRAGMA foreign_key_list(log_review_item)").map { try $0.text(2) }
        #expect(keys == ["log_review"])
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'log_review.draw' AND staff = 'greta' AND detail = 'review=\(review.id) month=2026-10 sample=20 population=200'") == 1)
        // Once per month.
        #expect(throws: RegisterError.self) { try register.drawLogReview(month: "2026-10") }
        #expect(try count(register, "SELECT count(*) FROM log_review") == 1)
    }

    @Test(arguments: ["2026-13", "2026-1", "abcd-ef", "2026-10-01", "' OR 1=1 --", "", "1999-12", "2026-11", "2027-01"])
    func refusesABadOrUnendedMonth(month: String) throws {
        let (register, _) = try setUp()
        #expect(throws: RegisterError.self) { try register.drawLogReview(month: month) }
        #expect(try count(register, "SELECT count(*) FROM log_review") == 0)
    }

    @Test func anEmptyMonthStoresNothing() throws {
        let (register, _) = try setUp()
        do {
            _ = try register.drawLogReview(month: "2026-08")
            Issue.record("an empty month was drawn")
        } catch let error {
            guard case let .invalidInput(field, message) = error else { throw error }
            #expect(field == "month" && message.contains("inga läsningar"))
        }
        #expect(try count(register, "SELECT count(*) FROM log_review") == 0)
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action LIKE 'log_review.%'") == 0)
    }

    @Test func gallringOfTheLogLeavesAReviewWhole() throws {
        let register = try fixture.create(staff: "greta")
        for index in 0..<5 {
            try plant(register, at: "2024-03-1\(index)T10:00:00Z", staff: "hanna", person: Int64(index + 1))
        }
        let before = try register.drawLogReview(month: "2024-03")
        try register.judgeLogReview(id: before.id, before.items.map { LogReviewJudgement(position: $0.position, verdict: .justified, comment: nil) })
        _ = try register.signOffLogReview(id: before.id)
        // The sampled rows are past the log's retention (24 months): gallring deletes them.
        let report = try register.purge(dryRun: false)
        #expect(report.auditRows >= 5)
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE at < '2024-04'") == 0)
        let after = try register.logReview(id: before.id)
        #expect(after.items.count == 5 && after.isSignedOff && after.judged == 5)
        #expect(after.items.map(\.auditID) == before.items.map(\.auditID) && after.items.map(\.at) == before.items.map(\.at))
        #expect(after.items.map(\.staff) == Array(repeating: "hanna", count: 5) && Set(after.items.map(\.personID)) == [1, 2, 3, 4, 5])
        #expect(try register.exportLogReview(id: before.id).count == 6)
    }

    @Test func judgedSignedAndThenFrozen() throws {
        let (register, _) = try setUp()
        var review = try register.drawLogReview(month: "2026-10")
        // Not justified needs a comment; a forged number is refused; neither saves anything.
        #expect(throws: RegisterError.self) { try register.judgeLogReview(id: review.id, [LogReviewJudgement(position: 1, verdict: .unjustified, comment: "  ")]) }
        #expect(throws: RegisterError.self) {
            try register.judgeLogReview(id: review.id, [LogReviewJudgement(position: 1, verdict: .justified, comment: nil),
                                                        LogReviewJudgement(position: 99, verdict: .justified, comment: nil)])
        }
        #expect(throws: RegisterError.self) { try register.judgeLogReview(id: 999, [LogReviewJudgement(position: 1, verdict: .justified, comment: nil)]) }
        #expect(try register.logReview(id: review.id).judged == 0)
        // Signing before all are judged is refused.
        try register.judgeLogReview(id: review.id, [LogReviewJudgement(position: 1, verdict: .unjustified, comment: "Ingen kontakt planerad")])
        #expect(throws: RegisterError.self) { try register.signOffLogReview(id: review.id) }
        try register.judgeLogReview(id: review.id, (2...20).map { LogReviewJudgement(position: $0, verdict: .justified, comment: nil) })
        review = try register.signOffLogReview(id: review.id)
        #expect(review.isSignedOff && review.signedBy == "greta" && review.judged == 20)
        #expect(review.items[0].verdict == .unjustified && review.items[0].comment == "Ingen kontakt planerad" && review.items[0].judgedBy == "greta")
        // Frozen: signing twice, judging again, and the database itself refuse.
        do {
            _ = try register.signOffLogReview(id: review.id)
            Issue.record("signed twice")
        } catch let error {
            guard case .staleView = error else { throw error }
        }
        #expect(throws: RegisterError.self) { try register.judgeLogReview(id: review.id, [LogReviewJudgement(position: 2, verdict: .unjustified, comment: "x")]) }
        #expect(throws: (any Error).self) { try register.database.execute("UPDATE log_review_item SET verdict = 'unjustified', comment = 'x' WHERE review_id = \(review.id) AND position = 2") }
        #expect(throws: (any Error).self) { try register.database.execute("UPDATE log_review SET signed_by = 'mallory' WHERE id = \(review.id)") }
        #expect(throws: (any Error).self) { try register.database.execute("DELETE FROM log_review_item WHERE review_id = \(review.id)") }
        #expect(throws: (any Error).self) { try register.database.execute("DELETE FROM log_review WHERE id = \(review.id)") }
        #expect(try register.logReview(id: review.id).items[1].verdict == .justified)
        // Audited: each judgement save, the sign-off, the export.
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'log_review.judge'") == 2)
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'log_review.sign' AND detail LIKE '%unjustified=1'") == 1)
        let rows = try register.exportLogReview(id: review.id)
        #expect(rows.count == 21 && rows[0].contains("bedomning") && rows[1].contains("inte befogad") && rows[1].contains("Ingen kontakt planerad"))
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'log_review.export'") == 1)
        let summary = try #require(try register.logReviews().first)
        #expect(summary.judged == 20 && summary.unjustified == 1 && summary.signedBy == "greta")
    }
}

/// Loggkontroll's search by person: the lookup is logged, the filters narrow it.
@Suite struct LogPersonSearchTests {
    let fixture = RegisterFixture()

    @Test func theLookupIsLoggedAndTheFiltersCombine() throws {
        let register = try fixture.create(staff: "greta")
        let alva = TestPeople.person(born: 2008, 0), bo = TestPeople.person(born: 2008, 1)
        try register.register(alva, on: TestDates.date("2026-09-01"), reason: "OKAND", details: ContactDetails(firstName: "Alva", lastName: "Test"))
        try register.register(bo, on: TestDates.date("2026-09-01"), reason: "OKAND", details: ContactDetails(firstName: "Bo", lastName: "Test"))
        let id = try #require(try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(alva.digits)])).int(0)
        let other = try #require(try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(bo.digits)])).int(0)
        try plant(register, at: "2026-10-06T08:00:00Z", staff: "hanna", person: id)
        try plant(register, at: "2026-10-07T08:00:00Z", staff: "hugo", person: id)
        try plant(register, at: "2026-10-07T09:00:00Z", staff: "hugo", action: "contact.add", person: id, context: nil)
        try plant(register, at: "2026-10-07T09:00:00Z", staff: "hugo", person: other)
        let all = try register.auditLog(ofPerson: alva, filter: AuditFilter())
        #expect(all.personID == id)
        #expect(all.rows.allSatisfy { $0.entry.personIDs.contains(id) })
        #expect(all.rows.first?.entry.action == "audit.person", "the lookup is itself the newest row")
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'audit.person' AND staff = 'greta' AND person_id = \(id) AND context = 'log_review'") == 1)
        let hugo = try register.auditLog(ofPerson: alva, filter: AuditFilter(staff: "hugo"))
        #expect(hugo.rows.count == 2 && hugo.total == 2)
        let hugosReads = try register.auditLog(ofPerson: alva, filter: AuditFilter(staff: "hugo", action: "show", from: TestDates.date("2026-10-07"), through: TestDates.date("2026-10-07")))
        #expect(hugosReads.rows.map(\.entry.action) == ["show"])
        #expect(try register.auditLog(ofPerson: alva, filter: AuditFilter(staff: "hugo", from: TestDates.date("2026-10-08"))).rows.isEmpty)
        // Unknown: logged without a person, answered not found.
        let stranger = TestPeople.person(born: 2007, 5)
        #expect(throws: RegisterError.self) { try register.auditLog(ofPerson: stranger, filter: AuditFilter()) }
        #expect(try count(register, "SELECT count(*) FROM audit_log WHERE action = 'audit.person' AND person_id IS NULL AND detail = 'found=0'") == 1)
    }
}
