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

    public init(id: Int64, date: CalendarDate, channel: String, isReached: Bool, occupation: String?) {
        self.id = id
        self.date = date
        self.channel = channel
        self.isReached = isReached
        self.occupation = occupation
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
    public let endedOn: CalendarDate?
    public let endReason: String?
    public let occupationAfter: String?
    public let followUpOn: CalendarDate?
    /// Who is responsible for carrying out the measure.
    public let responsible: String?
    /// The measure's plan and goal (free text).
    public let plan: String?

    public init(id: Int64, type: String, offeredOn: CalendarDate, decision: MeasureDecision?, startedOn: CalendarDate?,
                endedOn: CalendarDate?, endReason: String?, occupationAfter: String?, followUpOn: CalendarDate?,
                responsible: String? = nil, plan: String? = nil) {
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
