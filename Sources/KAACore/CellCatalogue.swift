/// Where the values of one dimension of a cell table come from.
public enum CellDimensionValues: Sendable {
    /// A fixed set (`sex`, `age`, `band`).
    case fixed(Set<String>)
    /// The codes of a code list, less some that count nowhere.
    case codes(CodeList, excluding: Set<String> = [])

    /// The allowed values, with code lists read from `catalog`.
    public func values(catalog: CodeCatalog) -> Set<String> {
        switch self {
        case let .fixed(values): return values
        case let .codes(list, excluded): return Set(catalog.codes(in: list).map(\.code)).subtracting(excluded)
        }
    }
}

/// A plausibility relation between two tables' people totals in one kommun and period: this
/// table's total is at most `percent` % of `table`'s total plus `slack` (checked where `table` has
/// cells for the period: a register without a folkbokföring extract sends no `population`).
public struct PeopleTotalLimit: Sendable, Equatable {
    /// The table whose total bounds this one.
    public let table: CellTable
    /// The share of that total allowed, in percent.
    public let percent: Int
    /// People allowed above that share, so that a small kommun's natural variation never trips it.
    public let slack: Int

    /// The largest total allowed when `table`'s total is `bound` (saturating, never trapping).
    public func allowed(whenBoundIs bound: Int) -> Int {
        let (scaled, overflow) = bound.multipliedReportingOverflow(by: percent)
        return overflow ? Int.max : SaturatingSum.add(scaled / 100, slack)
    }
}

/// One table of the cell catalogue: its dimensions and whether its cells add up to a people total.
public struct CellTableDefinition: Sendable {
    /// Dimension name → where its values come from.
    public let dimensions: [String: CellDimensionValues]
    /// Whether summing the table's cells counts each person once (false where a person can count
    /// in several cells, as in `in_measure`), so that a table total may be published.
    public let hasPeopleTotal: Bool
    /// How far this table's people total may go beyond another's (nil: no relation).
    public let limit: PeopleTotalLimit?
    /// Whether a kommun that reported for a period may have no source for this table at all
    /// (`population`: a register without a folkbokföring extract). Then the table's absence means
    /// "not reported", not a grid of zeros; for every other table an absent cell is a true zero.
    public let mayBeUnreported: Bool

    init(_ dimensions: [String: CellDimensionValues], hasPeopleTotal: Bool = true, limit: PeopleTotalLimit? = nil, mayBeUnreported: Bool = false) {
        self.dimensions = dimensions
        self.hasPeopleTotal = hasPeopleTotal
        self.limit = limit
        self.mayBeUnreported = mayBeUnreported
    }

    /// The dimension names, sorted.
    public var dimensionNames: [String] { dimensions.keys.sorted() }

    /// The allowed values of each dimension, with code lists read from `catalog`.
    public func allowedValues(catalog: CodeCatalog = .builtIn) -> [String: Set<String>] {
        dimensions.mapValues { $0.values(catalog: catalog) }
    }

    /// Every cell's dims of the table's full grid (the product of its dimensions' values), sorted:
    /// what the hub publishes for a reporting kommun, zeros included (design §8).
    public func grid(catalog: CodeCatalog = .builtIn) -> [Dims] {
        var combinations: [[String: String]] = [[:]]
        for (name, values) in allowedValues(catalog: catalog).sorted(by: { $0.key < $1.key }) {
            combinations = combinations.flatMap { partial in
                values.sorted().map { value in partial.merging([name: value]) { $1 } }
            }
        }
        return combinations.map(Dims.init).sorted()
    }
}

extension CellTable {
    private static let sexes = CellDimensionValues.fixed(["K", "M"])
    private static let ages = CellDimensionValues.fixed(["16", "17", "18", "19"])

    /// The table's definition in catalogue v1 (design §6): the sync protocol validates batches and
    /// the hub publishes from it. Adding a table means a case, its definition here and its
    /// computation in `CellCalculator`.
    public var definition: CellTableDefinition {
        Self.definitions[self] ?? Self.makeDefinition(self)
    }

    /// Built once: publication asks for every cell's definition.
    private static let definitions = Dictionary(uniqueKeysWithValues: allCases.map { ($0, makeDefinition($0)) })

    /// The table's full grid with the built-in code lists (see `CellTableDefinition.grid`).
    public var grid: [Dims] {
        Self.grids[self] ?? definition.grid()
    }

    /// Built once: every publication walks every grid.
    private static let grids = Dictionary(uniqueKeysWithValues: allCases.map { ($0, makeDefinition($0).grid()) })

    private static func makeDefinition(_ table: CellTable) -> CellTableDefinition {
        switch table {
        // Those in KAA are a part of the kommun's 16–19-year-olds, but counted over the whole period
        // while `population` is one extract's day: people who moved in or turned 16 meanwhile
        // count only in `in_kaa`. Half again and 20 people more cannot come from that.
        case .inKAA: return CellTableDefinition(["sex": sexes, "age": ages], limit: PeopleTotalLimit(table: .population, percent: 150, slack: 20))
        case .population: return CellTableDefinition(["sex": sexes, "age": ages], mayBeUnreported: true)
        case .inKAAReason: return CellTableDefinition(["reason": .codes(.registrationReason)])
        case .new, .contacted, .declined: return CellTableDefinition(["sex": sexes])
        case .firstContactDays: return CellTableDefinition(["band": .fixed(Set(FirstContactBand.allCases.map(\.rawValue)))])
        // A person with two measure types counts in both cells: no people total.
        case .inMeasure: return CellTableDefinition(["measure": .codes(.measureType)], hasPeopleTotal: false)
        // FELREGISTRERAD episodes count nowhere.
        case .deregistered: return CellTableDefinition(["reason": .codes(.deregistrationReason, excluding: [KnownCode.felregistrerad])])
        case .occupationEnd: return CellTableDefinition(["occupation": .codes(.occupation)])
        }
    }
}

extension CellTable {
    /// The first period of catalogue v1: the kommunala aktivitetsansvaret in its present form
    /// (skollagen 29 kap. 9 §) dates from 1 January 2015, so no register has figures before it.
    public static let firstPeriod = Period.month(year: 2015, month: 1)

    /// The largest count one kommun's cell may hold by default: more than all of Sweden's
    /// 16–19-year-olds (about 480 000), so only a broken or hostile client reaches it, while sums
    /// over every cell of every kommun stay far from `Int`'s limit.
    public static let defaultMaximumCount = 1_000_000

    /// Whether figures for `period` can exist on `today`: not before the catalogue's first period,
    /// and starting no later than a month from today (a register's clock a little ahead is fine).
    public static func isPlausible(_ period: Period, today: CalendarDate) -> Bool {
        let (year, month, day) = today.components
        let next = Period.month(year: year, month: month).next.firstDay.components
        let latest = CalendarDate(year: next.year, month: next.month, day: min(day, CalendarDate.daysIn(month: next.month, year: next.year)))
            ?? today.adding(days: 31)
        return period.firstDay >= firstPeriod.firstDay && period.firstDay <= latest
    }
}
