/// `GET /v1/periods`: the periods that have figures, each with its reporting status.
public struct PeriodsResponse: WireBody, Equatable {
    /// One period with figures.
    public struct Period: Codable, Sendable, Equatable {
        /// `2026-11` or `2026-H2`.
        public let period: String
        /// `month` or `half_year`.
        public let kind: String
        /// Kommuner that have reported figures for it.
        public let reported: Int
        /// Kommuner enrolled at the hub.
        public let of: Int
        /// An open period's figures may still change (design §5).
        public let preliminary: Bool
        /// When its published figures last changed (RFC 3339, UTC).
        public let lastChanged: String

        /// The status of `period`.
        public init(period: String, kind: String, reported: Int, of: Int, preliminary: Bool, lastChanged: String) {
            self.period = period
            self.kind = kind
            self.reported = reported
            self.of = of
            self.preliminary = preliminary
            self.lastChanged = lastChanged
        }

        enum CodingKeys: String, CodingKey {
            case period, kind, reported, of, preliminary
            case lastChanged = "last_changed"
        }
    }

    /// Newest first, months before the half-year they end.
    public let periods: [Period]

    /// The periods with figures.
    public init(periods: [Period]) {
        self.periods = periods
    }
}
