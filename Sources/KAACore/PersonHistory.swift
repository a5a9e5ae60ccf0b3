/// Everything the register holds about one person that figures and worklists need.
public struct PersonHistory: Sendable {
    /// The register's internal id.
    public let personID: Int64
    public let personnummer: PersonalIdentityNumber
    /// Episodes, in any order.
    public var episodes: [EpisodeHistory]

    public init(personID: Int64, personnummer: PersonalIdentityNumber, episodes: [EpisodeHistory]) {
        self.personID = personID
        self.personnummer = personnummer
        self.episodes = episodes
    }

    /// Episodes that count (FELREGISTRERAD ones count nowhere), oldest first.
    public var countingEpisodes: [EpisodeHistory] {
        episodes.filter { $0.deregistrationReason != KnownCode.felregistrerad }.sorted(by: EpisodeHistory.registrationOrder)
    }

    /// The open episode, if any.
    public var openEpisode: EpisodeHistory? {
        episodes.first { $0.deregisteredOn == nil }
    }
}

/// One period in the aktivitetsansvar with what happened in it.
public struct EpisodeHistory: Sendable {
    public let id: Int64
    public let registeredOn: CalendarDate
    public let registrationReason: String
    public let deregisteredOn: CalendarDate?
    public let deregistrationReason: String?
    public var contacts: [ContactFact]
    public var occupationFacts: [OccupationFact]
    public var measures: [MeasureFact]

    public init(id: Int64, registeredOn: CalendarDate, registrationReason: String, deregisteredOn: CalendarDate?,
                deregistrationReason: String?, contacts: [ContactFact] = [], occupationFacts: [OccupationFact] = [],
                measures: [MeasureFact] = []) {
        self.id = id
        self.registeredOn = registeredOn
        self.registrationReason = registrationReason
        self.deregisteredOn = deregisteredOn
        self.deregistrationReason = deregistrationReason
        self.contacts = contacts
        self.occupationFacts = occupationFacts
        self.measures = measures
    }

    /// Whether the episode covers `date` (`registered_on ≤ d < deregistered_on`).
    public func covers(_ date: CalendarDate) -> Bool {
        registeredOn <= date && (deregisteredOn.map { date < $0 } ?? true)
    }

    /// Whether the episode covers at least one day of `first...last`.
    public func overlaps(from first: CalendarDate, through last: CalendarDate) -> Bool {
        let start = max(registeredOn, first)
        let end = deregisteredOn.map { min($0, last.adding(days: 1)) } ?? last.adding(days: 1)
        return start < end
    }

    /// The latest date of anything logged in the episode (contacts, occupation facts, measures'
    /// offers, starts and follow-ups), or nil when nothing is.
    public var latestRecordDate: CalendarDate? {
        (contacts.map(\.date) + occupationFacts.map(\.date) + measures.flatMap { measure in
            [measure.offeredOn] + [measure.startedOn].compactMap { $0 } + measure.followUps.map(\.date)
        }).max()
    }

    /// The episode as the register closes it at the 20th birthday (`KAAAgeRule.automaticClose`): de-registered
    /// `FYLLT_20` on `day`, its measures still running ended `AVREGISTRERAD` there, as `deregister` does.
    public func closedAtTwentieth(on day: CalendarDate) -> EpisodeHistory {
        var closed = EpisodeHistory(id: id, registeredOn: registeredOn, registrationReason: registrationReason, deregisteredOn: day,
                                    deregistrationReason: KnownCode.fyllt20, contacts: contacts, occupationFacts: occupationFacts,
                                    measures: measures)
        closed.measures = measures.map { measure in
            guard measure.endedOn == nil else { return measure }
            var ended = measure
            ended.endedOn = day
            ended.endReason = KnownCode.measureEndAtDeregistration
            return ended
        }
        return closed
    }

    /// Oldest registration first; ties by id.
    public static func registrationOrder(_ lhs: EpisodeHistory, _ rhs: EpisodeHistory) -> Bool {
        (lhs.registeredOn, lhs.id) < (rhs.registeredOn, rhs.id)
    }
}

/// A contact attempt.
public struct ContactFact: Sendable {
    public let id: Int64
    public let date: CalendarDate
    public let channel: String
    public let isReached: Bool
    public let occupation: String?
    /// The contact brought the news of the de-registration (it may be dated after the episode's end).
    public let reportsDeregistration: Bool
    /// The next contact planned when this one was logged (may lie after today).
    public let nextContactOn: CalendarDate?

    public init(id: Int64, date: CalendarDate, channel: String, isReached: Bool, occupation: String?, reportsDeregistration: Bool = false,
                nextContactOn: CalendarDate? = nil) {
        self.id = id
        self.date = date
        self.channel = channel
        self.isReached = isReached
        self.occupation = occupation
        self.reportsDeregistration = reportsDeregistration
        self.nextContactOn = nextContactOn
    }
}

/// One follow-up of a measure done (SFS 2006:39: "tidpunkter för uppföljning och utvärdering").
public struct MeasureFollowUp: Sendable {
    /// The register's id of the follow-up.
    public let id: Int64
    /// The day it was done.
    public let date: CalendarDate
    /// The next follow-up agreed, if any.
    public let nextOn: CalendarDate?
    /// A short note (no sensitive data).
    public let note: String?

    /// A follow-up from its parts.
    public init(id: Int64, date: CalendarDate, nextOn: CalendarDate?, note: String?) {
        self.id = id
        self.date = date
        self.nextOn = nextOn
        self.note = note
    }
}

/// An occupation learned on a date.
public struct OccupationFact: Sendable {
    public let id: Int64
    public let date: CalendarDate
    public let occupation: String

    public init(id: Int64, date: CalendarDate, occupation: String) {
        self.id = id
        self.date = date
        self.occupation = occupation
    }
}

/// A measure's decision on the offer.
public enum MeasureDecision: String, Sendable {
    case accepted = "ACCEPTERAD"
    case declined = "AVBOJD"
}

/// An individual measure.
public struct MeasureFact: Sendable {
    public let id: Int64
    public let type: String
    public let offeredOn: CalendarDate
    public let decision: MeasureDecision?
    public let startedOn: CalendarDate?
    /// The end date (variable: the close at 20 ends a running measure when it reads an episode as closed).
    public var endedOn: CalendarDate?
    /// The end reason (set with `endedOn`).
    public var endReason: String?
    public let occupationAfter: String?
    public let followUpOn: CalendarDate?
    /// Who is responsible for carrying out the measure.
    public let responsible: String?
    /// The measure's plan and goal (free text).
    public let plan: String?
    /// When the measure is planned to begin (SFS 2006:39 § 4: "tidpunkter"); may lie after today.
    public var plannedStartOn: CalendarDate?
    /// The follow-ups done, oldest first.
    public var followUps: [MeasureFollowUp] = []

    /// The follow-up due next: the latest follow-up's next date once there is one, else the first
    /// date agreed (`followUpOn`).
    public var nextFollowUpOn: CalendarDate? {
        followUps.last.map(\.nextOn) ?? followUpOn
    }

    public init(id: Int64, type: String, offeredOn: CalendarDate, decision: MeasureDecision?, startedOn: CalendarDate?,
                endedOn: CalendarDate?, endReason: String?, occupationAfter: String?, followUpOn: CalendarDate?,
                responsible: String? = nil, plan: String? = nil, plannedStartOn: CalendarDate? = nil, followUps: [MeasureFollowUp] = []) {
        self.plannedStartOn = plannedStartOn
        self.followUps = followUps
        self.responsible = responsible
        self.plan = plan
        self.id = id
        self.type = type
        self.offeredOn = offeredOn
        self.decision = decision
        self.startedOn = startedOn
        self.endedOn = endedOn
        self.endReason = endReason
        self.occupationAfter = occupationAfter
        self.followUpOn = followUpOn
    }
}
