import KAACrypto

/// A granskare's monthly sample of person reads (migration 0019): drawn once per month, each read
/// judged, then signed off, after which nothing in it changes.
public struct LogReview: Sendable {
    /// SHA-256 (hex) of every item's verdict, comment and judge: what a sign-off form was made from.
    public var judgementsDigest: String {
        let text = items.map { "\($0.auditID)|\($0.verdict.map { "\($0)" } ?? "-")|\($0.comment ?? "")|\($0.judgedBy ?? "")" }.joined(separator: "\n")
        return Crypto.sha256Hex(Array(text.utf8))
    }

    /// One sampled read, as it stands in the review (a copy of its audit row, so the review outlives
    /// gallring of the log), with its judgement.
    public struct Item: Sendable {
        /// The item's number in the review (1…), in the log's time order.
        public let position: Int
        /// The audit row it was drawn from (it may since have been purged).
        public let auditID: Int64
        /// When (UTC, as the log stores it).
        public let at: String
        /// Who read.
        public let staff: String
        /// The read's action (`show`…).
        public let action: String
        /// Where the data was shown.
        public let context: AuditContext?
        /// Whom, by internal id.
        public let personID: Int64
        /// The judgement; nil until judged.
        public let verdict: Verdict?
        /// The granskare's comment.
        public let comment: String?
        /// Who judged it, and when (UTC).
        public let judgedBy: String?
        public let judgedAt: String?
    }

    /// A read's judgement.
    public enum Verdict: String, Sendable, CaseIterable {
        case justified
        case unjustified

        /// The Swedish words.
        public var label: String {
            switch self {
            case .justified: "befogad"
            case .unjustified: "inte befogad"
            }
        }
    }

    /// The review's id.
    public let id: Int64
    /// The month, `YYYY-MM`, in the kommun's time zone.
    public let month: String
    /// When it was drawn (UTC) and by whom.
    public let drawnAt: String
    public let drawnBy: String
    /// How many person reads the month held when the sample was drawn.
    public let population: Int
    /// The sign-off: when (UTC) and by whom; nil while open.
    public let signedAt: String?
    public let signedBy: String?
    /// The sampled reads, in the log's time order.
    public let items: [Item]

    /// Whether the review is signed off (and so can no longer change).
    public var isSignedOff: Bool { signedAt != nil }
    /// How many items are judged.
    public var judged: Int { items.filter { $0.verdict != nil }.count }
}

/// A judgement to record: which item, the verdict, the comment.
public struct LogReviewJudgement: Sendable {
    public let position: Int
    public let verdict: LogReview.Verdict
    public let comment: String?

    /// A judgement of item `position`.
    public init(position: Int, verdict: LogReview.Verdict, comment: String?) {
        self.position = position
        self.verdict = verdict
        self.comment = comment
    }
}

/// The choice of a sample: `count` distinct positions among `population`, each subset equally
/// likely (Floyd's algorithm), from a generator the caller gives (the register's is the system's
/// CSPRNG, so no one can predict or reproduce a draw).
public enum LogReviewSampling {
    /// The default sample size of a month.
    public static let size = 20

    /// `min(count, population)` distinct positions in `0..<population`, ascending.
    public static func positions(count: Int, of population: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
        let wanted = max(0, min(count, population))
        var chosen = Set<Int>()
        for j in (population - wanted)..<population {
            let t = Int.random(in: 0...j, using: &generator)
            chosen.insert(chosen.contains(t) ? j : t)
        }
        return chosen.sorted()
    }
}
