/// The coordinator's weekly worklists over open episodes.
public enum Worklist: String, CaseIterable, Sendable {
    /// Not yet reached in the current episode.
    case notReached = "ej-nadda"
    /// No contact attempt for N days.
    case noContact = "ingen-kontakt"
    /// No measure offered in the current episode.
    case noMeasure = "ingen-atgard"
    /// Turning 20 within N days.
    case turning20 = "fyller-20"
    /// Measures whose follow-up date has come.
    case followUpDue = "uppfoljning"
    /// Measures whose planned start has passed without a start.
    case plannedStartPassed = "planerad-start"

    /// A Swedish title.
    public var title: String {
        switch self {
        case .notReached: return "Ännu inte nådda"
        case .noContact: return "Ingen kontakt på länge"
        case .noMeasure: return "Ingen åtgärd erbjuden"
        case .turning20: return "Fyller 20 snart"
        case .followUpDue: return "Uppföljning att göra"
        case .plannedStartPassed: return "Planerad start har passerat"
        }
    }

    /// The list `text` names, typed as people type: any case, with å/ä/ö (`ej-nådda`), `_` for `-`.
    public init?(folding text: String) {
        guard text.count <= 64 else { return nil }
        let folded = CodeCatalog.fold(text)
        guard let list = Self.allCases.first(where: { CodeCatalog.fold($0.rawValue) == folded }) else { return nil }
        self = list
    }

    /// Whether the list takes a number of days (for the follow-ups: how many days ahead; 0 by default).
    public var takesDays: Bool { self == .noContact || self == .turning20 || self == .followUpDue }

    /// The entries of this list on `today`, oldest date first.
    public func entries(people: [PersonHistory], today: CalendarDate, days: Int) -> [WorklistEntry] {
        var result: [WorklistEntry] = []
        for person in people {
            guard let episode = person.openEpisode, episode.registeredOn <= today else { continue }
            func add(_ date: CalendarDate, _ note: String, measureID: Int64? = nil) {
                result.append(WorklistEntry(personID: person.personID, personnummer: person.personnummer, episodeID: episode.id,
                                            measureID: measureID, date: date, note: note))
            }
            switch self {
            case .notReached:
                if !episode.contacts.contains(where: \.isReached) {
                    let attempts = episode.contacts.count
                    add(episode.registeredOn, "registrerad \(episode.registeredOn), \(attempts) kontaktförsök")
                }
            case .noContact:
                let last = episode.contacts.map(\.date).max()
                let since = last ?? episode.registeredOn
                if since.days(until: today) >= days {
                    add(since, last.map { "senaste kontaktförsök \($0)" } ?? "inget kontaktförsök sedan registreringen \(episode.registeredOn)")
                }
            case .noMeasure:
                if episode.measures.isEmpty {
                    add(episode.registeredOn, "registrerad \(episode.registeredOn), ingen åtgärd erbjuden")
                }
            case .turning20:
                let birthday = KAAAgeRule.endDay(birthDate: person.personnummer.birthDate)
                if birthday >= today, today.days(until: birthday) <= days {
                    add(birthday, "fyller 20 år \(birthday)")
                }
            case .followUpDue:
                // The next follow-up due: after a follow-up is done, the date it set, not the first one.
                for measure in episode.measures where measure.endedOn == nil {
                    if let followUp = measure.nextFollowUpOn, followUp <= today.adding(days: days) {
                        add(followUp, "åtgärd \(measure.id) (\(Self.label(measure.type))) uppföljning \(followUp)", measureID: measure.id)
                    }
                }
            case .plannedStartPassed:
                for measure in episode.measures where measure.endedOn == nil && measure.startedOn == nil && measure.decision != .declined {
                    if let planned = measure.plannedStartOn, planned < today {
                        add(planned, "åtgärd \(measure.id) (\(Self.label(measure.type))) skulle starta \(planned), ingen start registrerad",
                            measureID: measure.id)
                    }
                }
            }
        }
        return result.sorted { ($0.date, $0.personID) < ($1.date, $1.personID) }
    }
}

extension Worklist {
    /// A measure type's Swedish label (notes are read by people, not scripts).
    static func label(_ type: String) -> String {
        CodeCatalog.builtIn.label(type, in: .measureType)
    }
}

/// One line of a worklist.
public struct WorklistEntry: Sendable {
    public let personID: Int64
    public let personnummer: PersonalIdentityNumber
    public let episodeID: Int64
    public let measureID: Int64?
    /// The date the entry is about (registration, last contact, birthday, follow-up).
    public let date: CalendarDate
    /// A Swedish note.
    public let note: String

    /// An entry from its parts.
    public init(personID: Int64, personnummer: PersonalIdentityNumber, episodeID: Int64, measureID: Int64?, date: CalendarDate, note: String) {
        self.personID = personID
        self.personnummer = personnummer
        self.episodeID = episodeID
        self.measureID = measureID
        self.date = date
        self.note = note
    }
}
