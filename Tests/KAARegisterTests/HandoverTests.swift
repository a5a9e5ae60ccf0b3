import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Utslussning (issue 16): a hand-over at 20 or at de-registration, with the youth's answer on
/// sharing, checked before anything is written, audited, counted in the period report.
@Suite struct HandoverTests {
    let fixture = RegisterFixture()
    let d = TestDates.date
    let young = TestPeople.person(born: 2008, 0)                                      // 18: far from 20
    let turning = TestPeople.person(bornOn: TestDates.date("2006-12-01")) ?? TestPeople.person(born: 2006, 0)   // 20 in 8 days

    func handover(_ receiver: String = "ARBETSFORMEDLINGEN", on date: String = "2026-11-20", consent: Bool = true, method: String = "MUNTLIGT") -> Handover {
        Handover(receiver: receiver, handedOverOn: d(date), consent: consent, consentOn: d("2026-11-19"), consentMethod: method)
    }

    func rows(_ register: Register) throws -> Int64 { try count(register, "SELECT count(*) FROM handover") }

    /// The field and message of the invalid-input refusal `body` throws (nil: it succeeded).
    func refusal(_ body: () throws(RegisterError) -> Void) -> (field: String, message: String)? {
        do {
            try body()
            return nil
        } catch {
            guard case let .invalidInput(field, message) = error else { return ("another error: \(error)", "") }
            return (field ?? "", message)
        }
    }

    @Test func onlyAt20OrAfterDeregistration() throws {
        let register = try fixture.create()
        try register.register(young, on: d("2026-09-01"), reason: "OKAND")
        try register.register(turning, on: d("2026-09-01"), reason: "OKAND")
        let refused = refusal { () throws(RegisterError) in try register.recordHandover(young, handover()) }
        #expect(refused?.field == "--handed-over" && refused?.message.contains("fyller 20") == true, "\(String(describing: refused))")
        #expect(try rows(register) == 0)
        // Within turning20Days of the birthday, and after a de-registration.
        try register.recordHandover(turning, handover())
        try register.deregister(young, on: d("2026-11-10"), reason: "BORJAT_STUDERA")
        try register.recordHandover(young, handover("ARBETSMARKNADSENHET", consent: false, method: "SKRIFTLIGT"))
        #expect(try rows(register) == 2)
        let audit = try register.auditEntries(AuditFilter(action: "handover"))
        #expect(audit.map(\.action) == ["handover.record", "handover.record"])
        #expect(audit.last?.changes?.contains("consent: – → 0") == true && audit.last?.changes?.contains("receiver: – → ARBETSMARKNADSENHET") == true,
                "\(audit.last?.changes ?? "")")
        #expect(audit.allSatisfy { !($0.detail ?? "").contains(young.digits) && !($0.changes ?? "").contains(young.digits) })
    }

    @Test func aSecondRecordCorrectsTheFirstAndSaysWhatChanged() throws {
        let register = try fixture.create()
        try register.register(turning, on: d("2026-09-01"), reason: "OKAND")
        let version = try count(register, "SELECT version FROM person")
        try register.recordHandover(turning, handover())
        try register.recordHandover(turning, handover("FORSAKRINGSKASSAN", consent: false))
        #expect(try rows(register) == 1)
        #expect(try register.database.queryOne("SELECT receiver, consent FROM handover")?.text(0) == "FORSAKRINGSKASSAN")
        let correction = try #require(try register.auditEntries(AuditFilter(action: "handover.correct")).first)
        #expect(correction.changes?.contains("ARBETSFORMEDLINGEN → FORSAKRINGSKASSAN") == true)
        #expect(try count(register, "SELECT version FROM person") > version, "a stale form on the person is refused afterwards")
    }

    @Test func badInputNamesItsFieldAndWritesNothing() throws {
        let register = try fixture.create()
        try register.register(turning, on: d("2026-09-01"), reason: "OKAND")
        let cases: [(Handover, String)] = [
            (handover("NASA"), "--receiver"),
            (handover("'; DROP TABLE handover; --"), "--receiver"),
            (handover(method: "TELEPATI"), "--consent-method"),
            (handover(on: "2026-11-24"), "--handed-over"),
            (Handover(receiver: "LSS", handedOverOn: d("2026-11-20"), consent: true, consentOn: d("2027-01-01"), consentMethod: "MUNTLIGT"), "--consent-date"),
            (handover(on: "2026-08-31"), "--handed-over"),
        ]
        for (value, field) in cases {
            #expect(refusal { () throws(RegisterError) in try register.recordHandover(turning, value) }?.field == field, "\(value)")
        }
        #expect(try rows(register) == 0)
        #expect(try register.auditEntries(AuditFilter(action: "handover")).isEmpty)
        // Codes in any case, with å/ä/ö as the other code lists take them.
        try register.recordHandover(turning, handover("arbetsformedlingen", method: "digitalt"))
        #expect(try register.database.queryOne("SELECT consent_method FROM handover")?.text(0) == "DIGITALT")
    }

    @Test func theReportCountsAPeriodsHandovers() throws {
        let register = try fixture.create()
        try register.register(turning, on: d("2026-09-01"), reason: "OKAND")
        try register.register(young, on: d("2026-09-01"), reason: "OKAND")
        try register.deregister(young, on: d("2026-10-10"), reason: "FLYTTAT")
        try register.recordHandover(turning, handover("LSS"))
        try register.recordHandover(young, handover("ARBETSFORMEDLINGEN", on: "2026-10-12", consent: false))
        let november = try register.handoverCounts(in: try #require(Period("2026-11")))
        #expect(november.total == 1 && november.withConsent == 1 && november.byReceiver.map(\.code) == ["LSS"])
        let half = try register.handoverCounts(in: try #require(Period("2026-H2")))
        #expect(half.total == 2 && half.withConsent == 1 && half.byReceiver.map(\.code) == ["ARBETSFORMEDLINGEN", "LSS"])
        // An episode removed takes its hand-over with it.
        let episode = try count(register, "SELECT episode_id FROM handover WHERE receiver = 'LSS'")
        try register.removeEpisode(episode, confirming: try register.removalPlan(ofEpisode: episode))
        #expect(try rows(register) == 1)
    }
}
