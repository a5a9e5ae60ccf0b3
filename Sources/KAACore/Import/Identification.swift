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

    public init(programme: Programme, status: EnrolmentStatus, date: CalendarDate) {
        self.programme = programme
        self.status = status
        self.date = date
    }
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

    public init(open: (id: Int64, registeredOn: CalendarDate, latestRecord: CalendarDate)? = nil,
                lastClosed: (deregisteredOn: CalendarDate, reason: String)? = nil) {
        self.open = open
        self.lastClosed = lastClosed
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
            func leave(_ reason: String, _ day: CalendarDate) -> IdentifyAction {
                // Never before the registration, nor before anything logged in the episode, nor in a frozen period.
                .deregister(reason: reason, on: max(day, open.registeredOn, open.latestRecord, firstOpenDay))
            }
            switch status {
            case let .inKAA(_, occupation): return .stay(occupation: occupation)
            case let .turned20(on: birthday): return leave(KnownCode.fyllt20, birthday)
            case let .studying(fact): return leave(KnownCode.borjatStudera, fact.date)
            case let .completed(fact): return leave(KnownCode.fullfoljt, fact.date)
            case .tooYoung: return .review("har en öppen period men är för ung för aktivitetsansvaret")
            }
        }
        guard case let .inKAA(reason, occupation) = status else { return .nothing }
        guard let closed = state.lastClosed else { return .register(reason: reason, occupation: occupation) }
        if closed.deregisteredOn > date {
            return .review("avregistrerades \(closed.deregisteredOn), efter körningens datum")
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
    public static func missingFromExtract(state: RegisterState, date: CalendarDate, firstOpenDay: CalendarDate) -> IdentifyAction {
        guard let open = state.open else { return .nothing }
        return .deregister(reason: KnownCode.flyttat, on: max(date, open.registeredOn, open.latestRecord))
    }
}
