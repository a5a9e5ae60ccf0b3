import KAACore

/// What kind of disagreement an "Att granska" item is about.
public enum ReviewKind: String, CaseIterable, Sendable {
    /// The files say an episode should end, but its state is a coordinator's decision (or ending it would leave no day).
    case decisionDiffers = "BESLUT_SKILJER"
    /// The person was missing from the extract and was de-registered FLYTTAT; the reason may be wrong.
    case missingFromExtract = "SAKNAS_I_UTTAGET"
    /// The extract has another value for a detail a coordinator entered.
    case detailDiffers = "UPPGIFT_SKILJER"
    /// One of identification's rules left the person for a coordinator (FELREGISTRERAD, too young, …).
    case rule = "REGEL"
    /// An occupation "Studier på komvux" became the grundläggande variant by migration 0004.
    case occupationMapped = "SYSSELSATTNING_KOMVUX"

    /// The Swedish label.
    public var label: String {
        switch self {
        case .decisionDiffers: return "Filerna säger något annat än registret"
        case .missingFromExtract: return "Saknas i folkbokföringsuttaget"
        case .detailDiffers: return "Kontaktuppgift skiljer sig från uttaget"
        case .rule: return "Kontrollera"
        case .occupationMapped: return "Kontrollera komvuxnivå"
        }
    }
}

/// How a coordinator settles an "Att granska" item.
public enum ReviewDecision: String, CaseIterable, Sendable {
    /// Keep what the register holds (the file is wrong or out of date).
    case keep = "BEHALL"
    /// Do what the item proposes: de-register as proposed, take the extract's value, or (for a
    /// person missing from the extract) correct the de-registration's reason with `--reason`.
    case change = "ANDRA"
    /// Settled another way (the coordinator corrected the register by hand).
    case done = "KLAR"

    /// The Swedish label.
    public var label: String {
        switch self {
        case .keep: return "Behåll registrets uppgift"
        case .change: return "Ändra enligt förslaget"
        case .done: return "Klar (rättad på annat sätt)"
        }
    }

    /// Reads a decision in any case, with or without å/ä/ö (`behåll`, `BEHALL`, `ändra`).
    public init?(text: String) {
        let folded = String(text.uppercased().map { character -> Character in
            switch character {
            case "Å", "Ä": return "A"
            case "Ö": return "O"
            default: return character
            }
        })
        self.init(rawValue: folded)
    }
}

/// One "Att granska" item.
public struct ReviewItem: Sendable {
    /// Its id (`kaa review resolve ID`).
    public let id: Int64
    /// The person's internal id.
    public let personID: Int64
    /// Who.
    public let personnummer: PersonalIdentityNumber
    /// First and last name, as the register holds them ("" when it holds none).
    public let name: String
    /// The episode the item is about, if any.
    public let episodeID: Int64?
    /// What kind of item.
    public let kind: ReviewKind
    /// What was found, in Swedish.
    public let message: String
    /// For a proposed de-registration: its reason (a code).
    public let proposedReason: String?
    /// For a proposed de-registration: its date.
    public let proposedOn: CalendarDate?
    /// For a detail that differs: which one.
    public let field: ContactField?
    /// For a detail that differs: the extract's value ("" when the extract's cell is empty).
    public let proposedValue: String?
    /// The date of the run that found it.
    public let seenOn: CalendarDate
    /// When it was settled (UTC; nil while open).
    public let resolvedAt: String?
    /// Who settled it (nil while open).
    public let resolvedBy: String?
    /// How it was settled (nil while open).
    public let decision: ReviewDecision?

    /// Whether a coordinator has settled it.
    public var isResolved: Bool { decision != nil }
}
