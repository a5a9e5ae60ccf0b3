/// The kinds of education in enrolment files.
public enum Programme: String, CaseIterable, Sendable {
    case grundskola = "GRUNDSKOLA"
    case nationellt = "NP"
    case introduktion = "IM"
    case anpassad = "ANPASSAD"
    case ib = "IB"
    case komvuxGymnasial = "KOMVUX_GY"
    case folkhogskola = "FOLKHOGSKOLA"
    case utland = "UTLAND"

    /// Gymnasium or equivalent: studying here ends KAA (introduktionsprogram included since 2018).
    var isQualifyingStudy: Bool {
        switch self {
        case .nationellt, .introduktion, .anpassad, .ib, .komvuxGymnasial, .utland: return true
        case .grundskola, .folkhogskola: return false
        }
    }
}

/// An enrolment status as of its date.
public enum EnrolmentStatus: String, CaseIterable, Sendable {
    case studerar = "STUDERAR"
    case avbrott = "AVBROTT"
    case examen = "EXAMEN"
    case studiebevis = "STUDIEBEVIS"
    case bevisAnpassad = "BEVIS_ANPASSAD"
}

/// One person's latest enrolment row.
public struct EnrolmentFact: Sendable, Equatable {
    public let programme: Programme
    public let status: EnrolmentStatus
    public let date: CalendarDate
    /// Where the row is (`en.csv rad 3`), for a coordinator who checks a proposal against it.
    public var origin: String?

    public init(programme: Programme, status: EnrolmentStatus, date: CalendarDate, origin: String? = nil) {
        self.programme = programme
        self.status = status
        self.date = date
        self.origin = origin
    }

    /// The row as evidence: what it says, not where it is (a later file with the same row is the same evidence).
    public var evidence: String { "\(programme.rawValue) \(status.rawValue) \(date)" }

    /// The row for a coordinator: `en.csv rad 3: NP STUDERAR från 2024-08-20`.
    public var shown: String { (origin.map { "\($0): " } ?? "") + "\(programme.rawValue) \(status.rawValue) från \(date)" }
}

/// Where the rules of design §3 put a person on a date.
public enum TargetGroupStatus: Sendable, Equatable {
    /// Not yet in the age rule (before 1 July of the year they turn 16).
    case tooYoung
    /// 20 or older: KAA ended on the 20th birthday.
    case turned20(on: CalendarDate)
    /// In compulsory school, or in gymnasium or equivalent, since the fact's date.
    case studying(EnrolmentFact)
    /// Completed gymnasium or equivalent (examen, bevis from anpassad gymnasieskola).
    case completed(EnrolmentFact)
    /// In KAA, with the registration reason and the occupation the enrolment tells, if any.
    case inKAA(reason: String, occupation: String?)

    /// Classifies a person born on `birthDate` with `enrolment` (their latest row dated on or before `date`).
    public static func classify(birthDate: CalendarDate, enrolment: EnrolmentFact?, on date: CalendarDate) -> TargetGroupStatus {
        if date < KAAAgeRule.firstDay(birthDate: birthDate) { return .tooYoung }
        let twentieth = KAAAgeRule.endDay(birthDate: birthDate)
        if date >= twentieth { return .turned20(on: twentieth) }
        guard let fact = enrolment else { return .inKAA(reason: KnownCode.ejPaborjat, occupation: nil) }
        switch (fact.programme, fact.status) {
        case (.grundskola, .studerar):
            return .studying(fact)
        case (_, .studerar) where fact.programme.isQualifyingStudy:
            return .studying(fact)
        case (.grundskola, .examen):
            // Finished compulsory school and nothing since: has not started gymnasium.
            return .inKAA(reason: KnownCode.ejPaborjat, occupation: nil)
        case (.introduktion, .examen):
            // An introduktionsprogram gives no examen; finishing one does not end KAA.
            return .inKAA(reason: KnownCode.registrationUnknown, occupation: nil)
        case (_, .examen), (_, .bevisAnpassad):
            return .completed(fact)
        case (.nationellt, .avbrott), (.ib, .avbrott):
            return .inKAA(reason: KnownCode.avbrottNP, occupation: nil)
        case (.introduktion, .avbrott):
            return .inKAA(reason: KnownCode.avbrottIM, occupation: nil)
        case (_, .studiebevis):
            return .inKAA(reason: KnownCode.studiebevis, occupation: nil)
        case (.folkhogskola, .studerar):
            return .inKAA(reason: KnownCode.registrationUnknown, occupation: "STUDIER_FOLKHOGSKOLA")
        default:
            return .inKAA(reason: KnownCode.registrationUnknown, occupation: nil)
        }
    }
}

/// What the register holds about a person that identification needs.
public struct RegisterState: Sendable {
    /// The open episode: its id, registration date, and the latest date of anything logged in it.
    public var open: (id: Int64, registeredOn: CalendarDate, latestRecord: CalendarDate)?
    /// The latest closed episode: when and why it ended.
    public var lastClosed: (deregisteredOn: CalendarDate, reason: String)?
    /// Whether the open episode is a coordinator's decision (registered or reopened by hand).
    public var openIsDecision: Bool
    /// Whether the latest closed episode was closed (or its closing corrected) by a coordinator.
    public var closedIsDecision: Bool

    public init(open: (id: Int64, registeredOn: CalendarDate, latestRecord: CalendarDate)? = nil,
                lastClosed: (deregisteredOn: CalendarDate, reason: String)? = nil, openIsDecision: Bool = false, closedIsDecision: Bool = false) {
        self.open = open
        self.lastClosed = lastClosed
        self.openIsDecision = openIsDecision
        self.closedIsDecision = closedIsDecision
    }
}

/// What identification does with one person.
public enum IdentifyAction: Sendable, Equatable {
    /// Register a new episode on the run's date.
    case register(reason: String, occupation: String?)
    /// Already in KAA; stays (recording the occupation the enrolment tells, if any).
    case stay(occupation: String?)
    /// De-register the open episode.
    case deregister(reason: String, on: CalendarDate)
    /// Left for the coordinator: why.
    case review(String)
    /// The files disagree with the register in a way identify may not settle itself (a coordinator's
    /// decision, or a change that would make an episode end on the day it began): proposed for
    /// review as a de-registration with `reason` on `on`. `evidence` names what was seen, `why` says it.
    case propose(reason: String, on: CalendarDate, evidence: String, why: String)
    /// Not in KAA and not in the register: nothing to do.
    case nothing
}

/// The identification rules of design §3 and §5, as a pure function.
public enum IdentificationRules {
    /// Decides for a person in the folkbokföring extract dated `date`. `firstOpenDay` bounds
    /// de-registration dates: a date inside a frozen period would change published figures.
    public static func decide(status: TargetGroupStatus, state: RegisterState, enrolment: EnrolmentFact?,
                              date: CalendarDate, firstOpenDay: CalendarDate) -> IdentifyAction {
        if let open = state.open {
            func leave(_ reason: String, _ day: CalendarDate, _ fact: EnrolmentFact) -> IdentifyAction {
                // Never before the registration, nor before anything logged in the episode, nor in a frozen period.
                let end = max(day, open.registeredOn, open.latestRecord, firstOpenDay)
                if state.openIsDecision {
                    return .propose(reason: reason, on: max(end, open.registeredOn.adding(days: 1)), evidence: "episode=\(open.id) \(fact.evidence)",
                                    why: "inskriven av en handläggare \(open.registeredOn) men filerna säger \(fact.shown); "
                                        + "registrets beslut står kvar tills någon ändrar det")
                }
                guard end > open.registeredOn else {
                    // Ending on the first day would be an episode of no days: the registration itself is in doubt.
                    return .propose(reason: reason, on: open.registeredOn.adding(days: 1), evidence: "episode=\(open.id) \(fact.evidence)",
                                    why: "registrerad \(open.registeredOn) men filerna säger \(fact.shown), från före eller samma dag som "
                                        + "registreringen; avregistrera med rätt datum eller som felregistrerad")
                }
                return .deregister(reason: reason, on: end)
            }
            switch status {
            case let .inKAA(_, occupation): return .stay(occupation: occupation)
            case let .turned20(on: birthday):
                // The law ends KAA on the 20th birthday whoever registered the episode.
                let end = max(birthday, open.registeredOn, open.latestRecord, firstOpenDay)
                guard end > open.registeredOn else { return .review("fyller 20 år \(birthday), samma dag som registreringen") }
                return .deregister(reason: KnownCode.fyllt20, on: end)
            case let .studying(fact): return leave(KnownCode.borjatStudera, fact.date, fact)
            case let .completed(fact): return leave(KnownCode.fullfoljt, fact.date, fact)
            case .tooYoung: return .review("har en öppen period men är för ung för aktivitetsansvaret")
            }
        }
        guard case let .inKAA(reason, occupation) = status else { return .nothing }
        guard let closed = state.lastClosed else { return .register(reason: reason, occupation: occupation) }
        if closed.deregisteredOn > date {
            return .review("avregistrerades \(closed.deregisteredOn), efter körningens datum")
        }
        if state.closedIsDecision, closed.reason != KnownCode.felregistrerad {
            // A coordinator's de-registration stands until the files say something newer than it.
            guard let enrolment, enrolment.date >= closed.deregisteredOn else {
                return .review("avregistrerad av en handläggare \(closed.deregisteredOn) (\(closed.reason)) men uppfyller villkoren "
                    + "enligt filerna; registrera igen med kaa register om det stämmer")
            }
            return .register(reason: reason, occupation: occupation)
        }
        switch closed.reason {
        case KnownCode.felregistrerad:
            return .review("avregistrerad som felregistrerad; registreras inte om automatiskt")
        case KnownCode.borjatStudera, KnownCode.fullfoljt:
            // A coordinator's (or an earlier run's) decision stands until the files say something newer.
            guard let enrolment, enrolment.date >= closed.deregisteredOn else {
                return .review("avregistrerad \(closed.deregisteredOn) (\(closed.reason)) men uppfyller villkoren enligt filerna; kontrollera")
            }
            return .register(reason: reason, occupation: occupation)
        case KnownCode.flyttat, "UTVANDRAT":
            return .register(reason: reason, occupation: occupation)
        default:
            return .review("avregistrerad \(closed.deregisteredOn) (\(closed.reason)) men uppfyller villkoren enligt filerna; kontrollera")
        }
    }

    /// For a person with an open episode who is not in the folkbokföring extract: moved out.
    /// The kommun's duty ends with the folkbokföring, whoever registered the episode; an episode that
    /// would end on its first day is proposed instead.
    public static func missingFromExtract(state: RegisterState, date: CalendarDate, firstOpenDay: CalendarDate) -> IdentifyAction {
        guard let open = state.open else { return .nothing }
        let end = max(date, open.registeredOn, open.latestRecord)
        guard end > open.registeredOn else {
            return .propose(reason: KnownCode.flyttat, on: open.registeredOn.adding(days: 1), evidence: "episode=\(open.id) saknas \(date)",
                            why: "saknas i folkbokföringsuttaget per \(date), samma dag som registreringen; avregistrera om personen har flyttat")
        }
        return .deregister(reason: KnownCode.flyttat, on: end)
    }
}
