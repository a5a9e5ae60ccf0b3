import KAACore

/// The protected figures of one period (design §8): `GET /v1/published` and, region figures only,
/// `GET /v1/sites/{kommun}/region`. Every value is `n + noise`; exact counts never leave the hub.
///
/// A hub of several län adds the county level in fields of its own (`counties`, `county_cells`,
/// `county_shares`), so that `cells` and `shares` keep their meaning: a figure there with
/// `kommun` null is always the whole hub's (the region's), never a län's.
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

    /// One published figure of a län (the county level): the sum of its reporting kommuner's cells.
    public struct CountyFigure: Codable, Sendable, Equatable {
        /// The län's two-digit county code.
        public let lan: String
        /// The cell's dims; empty for a table total.
        public let dims: [String: String]
        public let table: CellTable
        /// `n + noise`, never negative.
        public let value: Int

        /// The figure `value` of `table` and `dims` for the län `lan`.
        public init(lan: String, dims: [String: String], table: CellTable, value: Int) {
            self.lan = lan
            self.dims = dims
            self.table = table
            self.value = value
        }
    }

    /// The share of 16–19-year-olds in KAA for a län, from its published figures.
    public struct CountyShare: Codable, Sendable, Equatable {
        /// The län's two-digit county code.
        public let lan: String
        /// Nil when there is no share to show; `reason` says why (as for `Share`).
        public let share: Double?
        public let reason: String?

        /// The share `share` for the län `lan`, or nil for `reason`.
        public init(lan: String, share: Double?, reason: String? = nil) {
            self.lan = lan
            self.share = share
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey { case lan, share, reason }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(lan, forKey: .lan)
            try container.encode(share.map { FixedPoint($0, places: 4) }, forKey: .share)
            try container.encodeIfPresent(reason, forKey: .reason)
        }
    }

    /// A län of the county level: how many of its enrolled kommuner have reported.
    public struct County: Codable, Sendable, Equatable {
        /// The two-digit county code.
        public let lan: String
        /// `Uppsala län`.
        public let name: String
        /// The län's kommuner with figures for the period.
        public let kommuner: Int
        /// The län's kommuner enrolled at the hub.
        public let of: Int

        /// The län `lan` (`name`): `kommuner` of `of` have reported.
        public init(lan: String, name: String, kommuner: Int, of: Int) {
            self.lan = lan
            self.name = name
            self.kommuner = kommuner
            self.of = of
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
    /// The län of the county level, by code (only from a hub of several län; absent otherwise).
    public let counties: [County]?
    /// The county level's figures, sorted by län, table and dims (absent where `counties` is).
    public let countyCells: [CountyFigure]?
    /// The shares of 16–19-year-olds in KAA per län (absent where `counties` is).
    public let countyShares: [CountyShare]?

    /// The figures of `period`; the county level only from a hub of several län.
    public init(cells: [Figure], period: String, preliminary: Bool, reporting: Reporting, shares: [Share], shareMinimumDenominator: Int? = nil,
                counties: [County]? = nil, countyCells: [CountyFigure]? = nil, countyShares: [CountyShare]? = nil) {
        self.cells = cells
        self.period = period
        self.preliminary = preliminary
        self.reporting = reporting
        self.shares = shares
        self.shareMinimumDenominator = shareMinimumDenominator
        self.counties = counties
        self.countyCells = countyCells
        self.countyShares = countyShares
    }

    enum CodingKeys: String, CodingKey {
        case cells, period, preliminary, reporting, shares, counties
        case shareMinimumDenominator = "share_minimum_denominator"
        case countyCells = "county_cells"
        case countyShares = "county_shares"
    }
}
