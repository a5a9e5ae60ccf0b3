import KAACore
import KAATestFixtures
import Testing

@Suite struct DecisionRuleTests {
    func d(_ text: String) -> CalendarDate { TestDates.date(text) }

    @Test func aCoordinatorsOpenEpisodeIsProposedNotClosed() {
        let fact = EnrolmentFact(programme: .nationellt, status: .studerar, date: d("2024-08-20"), origin: "en.csv rad 2")
        let manual = RegisterState(open: (id: 7, registeredOn: d("2026-11-16"), latestRecord: d("2026-11-16")), openIsDecision: true)
        let action = IdentificationRules.decide(status: .studying(fact), state: manual, enrolment: fact, date: d("2026-11-20"), firstOpenDay: d("2026-01-01"))
        guard case let .propose(reason, day, evidence, why) = action else {
            Issue.record("expected a proposal, got \(action)")
            return
        }
        #expect(reason == "BORJAT_STUDERA" && day == d("2026-11-17") && evidence == "episode=7 NP STUDERAR 2024-08-20")
        #expect(why.contains("en.csv rad 2: NP STUDERAR från 2024-08-20"))
        // The law's end is not a judgement: the 20th birthday ends a coordinator's episode too.
        #expect(IdentificationRules.decide(status: .turned20(on: d("2026-11-18")), state: manual, enrolment: nil, date: d("2026-11-20"),
                                           firstOpenDay: d("2026-01-01")) == .deregister(reason: "FYLLT_20", on: d("2026-11-18")))
    }

    @Test func noRuleEndsAnEpisodeOnItsFirstDay() {
        let state = RegisterState(open: (id: 1, registeredOn: d("2026-11-02"), latestRecord: d("2026-11-02")))
        let fact = EnrolmentFact(programme: .nationellt, status: .studerar, date: d("2026-08-20"))
        guard case .propose = IdentificationRules.decide(status: .studying(fact), state: state, enrolment: fact, date: d("2026-11-02"), firstOpenDay: d("2026-01-01")),
              case .propose = IdentificationRules.missingFromExtract(state: state, date: d("2026-11-02"), firstOpenDay: d("2026-01-01")) else {
            Issue.record("a zero-day end must be proposed")
            return
        }
        #expect(IdentificationRules.missingFromExtract(state: state, date: d("2026-11-03"), firstOpenDay: d("2026-01-01")) == .deregister(reason: "FLYTTAT", on: d("2026-11-03")))
    }

    @Test func aCoordinatorsDeregistrationNeedsNewerEvidence() {
        let closed = RegisterState(lastClosed: (d("2026-10-05"), "FLYTTAT"), closedIsDecision: true)
        let status = TargetGroupStatus.inKAA(reason: "EJ_PABORJAT", occupation: nil)
        guard case .review = IdentificationRules.decide(status: status, state: closed, enrolment: nil, date: d("2026-10-10"), firstOpenDay: d("2026-01-01")) else {
            Issue.record("a manual de-registration must not be undone")
            return
        }
        let newer = EnrolmentFact(programme: .nationellt, status: .avbrott, date: d("2026-10-08"))
        #expect(IdentificationRules.decide(status: .inKAA(reason: "AVBROTT_NP", occupation: nil), state: closed, enrolment: newer, date: d("2026-10-10"),
                                           firstOpenDay: d("2026-01-01")) == .register(reason: "AVBROTT_NP", occupation: nil))
    }
}
