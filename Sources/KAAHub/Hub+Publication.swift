import Foundation
import KAACore
import KAASQLite

extension Hub {
    /// The protected figures of `period` (design §8): the full grid of every reporting kommun and
    /// of the region, each figure perturbed from its own summed `n` and `ck`, and on a hub of
    /// several län (`servesSeveralCounties`) of each län with a reporting kommun. `table`,
    /// `kommun` and `county` narrow the result (a kommun's or a län's figures come with the
    /// region's, and a kommun's with its län's).
    ///
    /// A cell a reporting kommun did not send is a true zero (`n = 0`, `ck = 0`: the empty sum)
    /// and is published like any other, so that a published 0 never tells an empty group from
    /// one of one or two people. A kommun without a cell for the period has not reported and gets
    /// no figures at all; `population`, which a register without a folkbokföring extract cannot
    /// send, is not reported for a kommun that sent none of it.
    public func publication(period: Period, table: CellTable? = nil, kommun: String? = nil, county: String? = nil,
                            today: CalendarDate) throws(HubError) -> Publication {
        // One read transaction: the sites, who reported and the cells are of one moment.
        let (sites, reported, withPopulation, exact) = try reading { database -> ([SiteInfo], Set<String>, Set<String>, [(kommun: String, cell: Cell)]) in
            let sites = try Self.sites(database)
            // Judged before the table filter: a kommun that reported for the period has reported,
            // whatever table is asked for.
            var reported = Set<String>(), withPopulation = Set<String>()
            try database.cachedStatement("SELECT DISTINCT kommun, table_name = ? FROM cell WHERE period = ?")
                .forEach([.text(CellTable.population.rawValue), .text(period.description)]) { row in
                    let code = try row.text(0)
                    reported.insert(code)
                    if try row.bool(1) { withPopulation.insert(code) }
                }
            var exact: [(kommun: String, cell: Cell)] = []
            let filter = table == nil ? "" : " AND table_name = ?"
            let arguments: [SQLValue] = [.text(period.description)] + (table.map { [.text($0.rawValue)] } ?? [])
            try database.cachedStatement("SELECT kommun, table_name, dims, n, ck FROM cell WHERE period = ?" + filter)
                .forEach(arguments) { row in
                    guard let table = CellTable(rawValue: try row.text(1)), let dims = Dims(encoded: try row.text(2)) else { return }
                    exact.append((try row.text(0), Cell(table: table, period: period, dims: dims, n: Int(try row.int(3)), ck: UInt32(truncatingIfNeeded: try row.int(4)))))
                }
            return (sites, reported, withPopulation, exact)
        }
        let reporting = sites.map(\.kommun).filter(reported.contains)
        let populationMissing = reporting.filter { !withPopulation.contains($0) }
        let severalCounties = servesSeveralCounties(sites: sites)
        var countyOf: [String: String] = [:]
        for site in sites { countyOf[site.kommun] = Publication.county(of: site.kommun) }
        // Sum n and ck per (kommun, län or region; table; dims), adding table totals with empty dims.
        var sums: [FigureKey: (n: Int, ck: UInt32)] = [:]
        func add(_ owner: Owner, _ table: CellTable, _ dims: Dims, _ n: Int, _ ck: UInt32) {
            let key = FigureKey(owner: owner, table: table, dims: dims)
            let current = sums[key] ?? (0, 0)
            sums[key] = (SaturatingSum.add(current.n, n), current.ck &+ ck)
        }
        let empty = Dims([:])
        for (code, cell) in exact {
            var owners: [Owner] = [.kommun(code), .region]
            if severalCounties { owners.append(.county(countyOf[code] ?? Publication.county(of: code))) }
            for owner in owners {
                add(owner, cell.table, cell.dims, cell.n, cell.ck)
                if cell.table.definition.hasPeopleTotal { add(owner, cell.table, empty, cell.n, cell.ck) }
            }
        }
        // The grid: every cell of every table for the region and each reporting kommun asked for.
        let tables = table.map { [$0] } ?? CellTable.allCases
        let chosen = reporting.filter { (kommun == nil || $0 == kommun) && (county == nil || countyOf[$0] == county) }
        // No kommun has reported: no grid, not even the region's (it would be all zeros).
        let owners: [Owner] = reporting.isEmpty ? [] : [.region] + chosen.map { .kommun($0) }
        // The län with a reporting kommun, narrowed like the kommuner (a kommun's comes with it).
        let counties: [String] = !severalCounties ? [] : Set(reporting.compactMap { countyOf[$0] }).filter { code in
            (county == nil || code == county) && (kommun == nil || countyOf[kommun ?? ""] == code)
        }.sorted()
        let sortedTables = tables.sorted { $0.rawValue < $1.rawValue }
        // Whether an owner has any population figure to publish (a table that may be unreported).
        func sentPopulation(_ owner: Owner) -> Bool {
            switch owner {
            case .region: return !withPopulation.isEmpty
            case let .kommun(code): return withPopulation.contains(code)
            case let .county(code): return withPopulation.contains { countyOf[$0] == code }
            }
        }
        // Made in the published order (region first, then kommun, table and dims bytewise; the
        // grids are sorted and a total's empty dims come first), so a national grid needs no sort.
        var covered = 0
        func grid(_ owners: [Owner]) -> [PublishedFigure] {
            var figures: [PublishedFigure] = []
            for owner in owners {
                for table in sortedTables {
                    if table.definition.mayBeUnreported {
                        guard sentPopulation(owner) else { continue }
                    }
                    for dims in (table.definition.hasPeopleTotal ? [empty] : []) + table.grid {
                        let sum = sums[FigureKey(owner: owner, table: table, dims: dims)]
                        if sum != nil { covered += 1 }
                        figures.append(owner.figure(table, dims, perturbation.publish(n: sum?.n ?? 0, ck: sum?.ck ?? 0)))
                    }
                }
            }
            return figures
        }
        var figures = grid(owners)
        var countyFigures = grid(counties.map { .county($0) })
        // A stored cell outside today's grid (a code since retired) is still published: rare, so
        // only then is anything searched and sorted.
        let inScope = sums.keys.filter { key in
            switch key.owner {
            case .region: return !owners.isEmpty
            case let .kommun(code): return chosen.contains(code)
            case let .county(code): return counties.contains(code)
            }
        }
        if covered < inScope.count {
            let published = Set((figures + countyFigures).map { FigureKey(owner: Owner($0), table: $0.table, dims: $0.dims) })
            for key in inScope where !published.contains(key) {
                let sum = sums[key] ?? (0, 0)
                let figure = key.owner.figure(key.table, key.dims, perturbation.publish(n: sum.n, ck: sum.ck))
                if case .county = key.owner { countyFigures.append(figure) } else { figures.append(figure) }
            }
            let order: (PublishedFigure) -> (String, String, String) = { ($0.county ?? $0.kommun ?? "", $0.table.rawValue, $0.dims.encoded) }
            figures.sort { order($0) < order($1) }
            countyFigures.sort { order($0) < order($1) }
        }
        let minimum = shareMinimumDenominator
        let shares = Self.shares(figures, owners: owners, populationMissing: populationMissing, minimum: minimum)
        let countyShares = Self.shares(countyFigures, owners: counties.map { .county($0) },
                                       populationMissing: populationMissing, countyOf: countyOf, minimum: minimum)
        return Publication(period: period, isPreliminary: !period.isFrozen(today: today), reported: reporting,
                           notReported: sites.map(\.kommun).filter { !reported.contains($0) }, populationNotReported: populationMissing,
                           figures: figures, shares: shares, shareMinimumDenominator: shareMinimumDenominator,
                           names: Dictionary(uniqueKeysWithValues: sites.map { ($0.kommun, $0.name) }),
                           counties: counties, countyFigures: countyFigures, countyShares: countyShares, hasCountyLevel: severalCounties)
    }

    /// Whether the hub serves several län: its scope names two or more, or its enrolled kommuner
    /// lie in two or more. Only such a hub publishes a county level and groups its dashboard by län.
    public func servesSeveralCounties(sites: [SiteInfo]) -> Bool {
        scope.namedCounties.count >= 2 || Set(sites.map { Publication.county(of: $0.kommun) }).count >= 2
    }

    /// Whose figure: a kommun's, a län's or the region's.
    private enum Owner: Hashable {
        case region
        case county(String)
        case kommun(String)

        init(_ figure: PublishedFigure) {
            if let county = figure.county { self = .county(county) } else if let kommun = figure.kommun { self = .kommun(kommun) } else { self = .region }
        }

        func figure(_ table: CellTable, _ dims: Dims, _ value: Int) -> PublishedFigure {
            switch self {
            case .region: return PublishedFigure(kommun: nil, table: table, dims: dims, value: value)
            case let .kommun(code): return PublishedFigure(kommun: code, table: table, dims: dims, value: value)
            case let .county(code): return PublishedFigure(kommun: nil, table: table, dims: dims, value: value, county: code)
            }
        }
    }

    /// One figure's identity while summing.
    private struct FigureKey: Hashable {
        let owner: Owner
        let table: CellTable
        let dims: Dims
    }

    /// The shares of 16–19-year-olds in KAA for `owners`, from the published totals of the same
    /// grid: none where the population is not reported or published below `minimum`.
    private static func shares(_ figures: [PublishedFigure], owners: [Owner], populationMissing: [String], countyOf: [String: String] = [:],
                               minimum: Int) -> [PublishedShare] {
        var totals: [FigureKey: Int] = [:]
        for figure in figures where figure.dims.pairs.isEmpty && (figure.table == .inKAA || figure.table == .population) {
            totals[FigureKey(owner: Owner(figure), table: figure.table, dims: figure.dims)] = figure.value
        }
        let empty = Dims([:])
        return owners.compactMap { owner -> PublishedShare? in
            let (kommun, county): (String?, String?) = switch owner {
            case .region: (nil, nil)
            case let .kommun(code): (code, nil)
            case let .county(code): (nil, code)
            }
            guard let inKAA = totals[FigureKey(owner: owner, table: .inKAA, dims: empty)] else { return nil }
            // The region's (or a län's) share needs every reporting kommun's population: a
            // numerator over all of them and a denominator over some would overstate it.
            let complete = switch owner {
            case .region: populationMissing.isEmpty
            case .kommun: true
            case let .county(code): !populationMissing.contains { countyOf[$0] == code }
            }
            guard let population = totals[FigureKey(owner: owner, table: .population, dims: empty)], complete else {
                return PublishedShare(kommun: kommun, share: nil, reason: .notReported, county: county)
            }
            guard population >= max(1, minimum) else { return PublishedShare(kommun: kommun, share: nil, reason: .smallDenominator, county: county) }
            return PublishedShare(kommun: kommun, share: Double(inKAA) / Double(population), reason: nil, county: county)
        }
    }

    /// The periods with figures, newest first, each with how many kommuner have reported for it.
    public func reportedPeriods() throws(HubError) -> [(period: Period, kommuner: Int)] {
        try reading { database in
            try database.query("SELECT period, count(DISTINCT kommun) FROM cell GROUP BY period").compactMap { row -> (Period, Int)? in
                guard let period = Period(try row.text(0)) else { return nil }
                return (period, Int(try row.int(1)))
            }
        }
        .sorted { $0.period > $1.period }
    }

    /// Today's date in Sweden, for marking open periods preliminary.
    public static func swedishToday() -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CalendarDate(dayNumber: 0)
    }
}
