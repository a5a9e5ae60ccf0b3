import KAACore

/// The protected figures of one period (design §8): `GET /v1/published` and, region figures only,
/// `GET /v1/sites/{kommun}/region`. Every value is `n + noise`; exact counts never leave the hub.
public struct PublicationResponse: WireBody, Equatable {
    /// One published figure: a kommun's (or with `kommun` nil the region's) cell, or with empty
    /// `dims` a table total.
    public struct Figure: Codable, Sendable, Equatable {
        /// The cell's dims; empty for a table total.
        public let dims: [String: String]
        /// The kommun, or nil for the region.
        public let kommun: String?
        public let table: CellTable
        /// `n + noise`, never negative.
        public let value: Int

        /// The figure `value` of `table` and `dims` for `kommun` (nil: the region).
        public init(dims: [String: String], kommun: String?, table: CellTable, value: Int) {
            self.dims = dims
            self.kommun = kommun
            self.table = table
            self.value = value
        }

        enum CodingKeys: String, CodingKey { case dims, kommun, table, value }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(dims, forKey: .dims)
            try container.encode(kommun, forKey: .kommun) // null for the region
            try container.encode(table, forKey: .table)
            try container.encode(value, forKey: .value)
        }
    }

    /// How many kommuner have figures for the period, of how many enrolled, and which have not.
    public struct Reporting: Codable, Sendable, Equatable {
        /// Kommuner with figures for the period.
        public let kommuner: Int
        /// Kommuner enrolled.
        public let of: Int
        /// The enrolled kommuner without figures for the period (`..` on the dashboard); absent
        /// from hubs before issue #17.
        public let notReported: [String]?
        /// Reporting kommuner that sent no `population` for the period (no folkbokföring
        /// extract): their population figures and shares are not reported, not zero.
        public let populationNotReported: [String]?

        /// `kommuner` of `of` have reported; `notReported` have not.
        public init(kommuner: Int, of: Int, notReported: [String]? = nil, populationNotReported: [String]? = nil) {
            self.kommuner = kommuner
            self.of = of
            self.notReported = notReported
            self.populationNotReported = populationNotReported
        }

        enum CodingKeys: String, CodingKey {
            case kommuner, of
            case notReported = "not_reported"
            case populationNotReported = "population_not_reported"
        }
    }

    /// The share of 16–19-year-olds in KAA for a kommun (nil: the region), from published figures.
    public struct Share: Codable, Sendable, Equatable {
        /// The kommun, or nil for the region.
        public let kommun: String?
        /// Nil when there is no share to show; `reason` says why.
        public let share: Double?
        /// Why `share` is nil: `not_reported` (no population figure) or `small_denominator` (the
        /// published population is below the hub's `share_minimum_denominator`).
        public let reason: String?

        /// The share `share` for `kommun`, or nil for `reason`.
        public init(kommun: String?, share: Double?, reason: String? = nil) {
            self.kommun = kommun
            self.share = share
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey { case kommun, share, reason }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kommun, forKey: .kommun)
            // Four decimals, as the wire has always carried them.
            try container.encode(share.map { FixedPoint($0, places: 4) }, forKey: .share)
            try container.encodeIfPresent(reason, forKey: .reason)
        }
    }

    /// The figures, sorted by kommun (region first), table and dims.
    public let cells: [Figure]
    /// `2026-11` or `2026-H2`.
    public let period: String
    /// An open period's figures may still change.
    public let preliminary: Bool
    /// How many kommuner the figures cover (`var`: the responder adds which have not reported).
    public var reporting: Reporting
    /// The shares of 16–19-year-olds in KAA, region first.
    public let shares: [Share]
    /// The smallest published population a share is computed from (absent before issue #17).
    public let shareMinimumDenominator: Int?

    /// The figures of `period`.
    public init(cells: [Figure], period: String, preliminary: Bool, reporting: Reporting, shares: [Share], shareMinimumDenominator: Int? = nil) {
        self.cells = cells
        self.period = period
        self.preliminary = preliminary
        self.reporting = reporting
        self.shares = shares
        self.shareMinimumDenominator = shareMinimumDenominator
    }

    enum CodingKeys: String, CodingKey {
        case cells, period, preliminary, reporting, shares
        case shareMinimumDenominator = "share_minimum_denominator"
    }
}
