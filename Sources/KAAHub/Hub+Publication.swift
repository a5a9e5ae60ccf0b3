import Foundation
import KAACore
import KAASQLite

extension Hub {
    /// The protected figures of `period` (design §8): the full grid of every reporting kommun and
    /// of the region, each figure perturbed from its own summed `n` and `ck`. `table` and
    /// `kommun` narrow the result.
    ///
    /// A cell a reporting kommun did not send is a true zero (`n = 0`, `ck = 0`: the empty sum)
    /// and is published like any other, so that a published 0 never tells an empty group from
    /// one of one or two people. A kommun without a cell for the period has not reported and gets
    /// no figures at all; `population`, which a register without a folkbokföring extract cannot
    /// send, is not reported for a kommun that sent none of it.
    public func publication(period: Period, table: CellTable? = nil, kommun: String? = nil, today: CalendarDate) throws(HubError) -> Publication {
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
        // Sum n and ck per (kommun or region, table, dims), adding table totals with empty dims.
        var sums: [FigureKey: (n: Int, ck: UInt32)] = [:]
        func add(_ kommun: String?, _ table: CellTable, _ dims: Dims, _ n: Int, _ ck: UInt32) {
            let key = FigureKey(kommun: kommun, table: table, dims: dims)
            let current = sums[key] ?? (0, 0)
            sums[key] = (SaturatingSum.add(current.n, n), current.ck &+ ck)
        }
        let empty = Dims([:])
        for (owner, cell) in exact {
            add(owner, cell.table, cell.dims, cell.n, cell.ck)
            add(nil, cell.table, cell.dims, cell.n, cell.ck)
            if cell.table.definition.hasPeopleTotal {
                add(owner, cell.table, empty, cell.n, cell.ck)
                add(nil, cell.table, empty, cell.n, cell.ck)
            }
        }
        // The grid: every cell of every table for the region and each reporting kommun asked for.
        let tables = table.map { [$0] } ?? CellTable.allCases
        // No kommun has reported: no grid, not even the region's (it would be all zeros).
        let owners: [String?] = reporting.isEmpty ? [] : [nil] + reporting.filter { kommun == nil || $0 == kommun }.map { Optional($0) }
        // Made in the published order (region first, then kommun, table and dims bytewise; the
        // grids are sorted and a total's empty dims come first), so a national grid needs no sort.
        var figures: [PublishedFigure] = []
        var covered = 0
        let sortedTables = tables.sorted { $0.rawValue < $1.rawValue }
        for owner in owners {
            for table in sortedTables {
                if table.definition.mayBeUnreported {
                    let sent = owner.map(withPopulation.contains) ?? !withPopulation.isEmpty
                    guard sent else { continue }
                }
                for dims in (table.definition.hasPeopleTotal ? [empty] : []) + table.grid {
                    let sum = sums[FigureKey(kommun: owner, table: table, dims: dims)]
                    if sum != nil { covered += 1 }
                    figures.append(PublishedFigure(kommun: owner, table: table, dims: dims, value: perturbation.publish(n: sum?.n ?? 0, ck: sum?.ck ?? 0)))
                }
            }
        }
        // A stored cell outside today's grid (a code since retired) is still published: rare, so
        // only then is anything searched and sorted.
        let inScope = sums.keys.filter { $0.kommun == nil || (kommun == nil || $0.kommun == kommun) }
        if covered < inScope.count {
            let published = Set(figures.map { FigureKey(kommun: $0.kommun, table: $0.table, dims: $0.dims) })
            for key in inScope where !published.contains(key) {
                let sum = sums[key] ?? (0, 0)
                figures.append(PublishedFigure(kommun: key.kommun, table: key.table, dims: key.dims, value: perturbation.publish(n: sum.n, ck: sum.ck)))
            }
            figures.sort { ($0.kommun ?? "", $0.table.rawValue, $0.dims.encoded) < ($1.kommun ?? "", $1.table.rawValue, $1.dims.encoded) }
        }
        let shares = Self.shares(figures, owners: owners, populationMissing: populationMissing, minimum: shareMinimumDenominator)
        return Publication(period: period, isPreliminary: !period.isFrozen(today: today), reported: reporting,
                           notReported: sites.map(\.kommun).filter { !reported.contains($0) }, populationNotReported: populationMissing,
                           figures: figures, shares: shares, shareMinimumDenominator: shareMinimumDenominator,
                           names: Dictionary(uniqueKeysWithValues: sites.map { ($0.kommun, $0.name) }))
    }

    /// One figure's identity while summing.
    private struct FigureKey: Hashable {
        let kommun: String?
        let table: CellTable
        let dims: Dims
    }

    /// The shares of 16–19-year-olds in KAA for `owners`, from the published totals of the same
    /// grid: none where the population is not reported or published below `minimum`.
    private static func shares(_ figures: [PublishedFigure], owners: [String?], populationMissing: [String], minimum: Int) -> [PublishedShare] {
        var totals: [FigureKey: Int] = [:]
        for figure in figures where figure.dims.pairs.isEmpty && (figure.table == .inKAA || figure.table == .population) {
            totals[FigureKey(kommun: figure.kommun, table: figure.table, dims: figure.dims)] = figure.value
        }
        let empty = Dims([:])
        return owners.compactMap { owner -> PublishedShare? in
            guard let inKAA = totals[FigureKey(kommun: owner, table: .inKAA, dims: empty)] else { return nil }
            // The region's share needs every reporting kommun's population: a numerator over all
            // of them and a denominator over some would overstate it.
            guard let population = totals[FigureKey(kommun: owner, table: .population, dims: empty)], owner != nil || populationMissing.isEmpty else {
                return PublishedShare(kommun: owner, share: nil, reason: .notReported)
            }
            guard population >= max(1, minimum) else { return PublishedShare(kommun: owner, share: nil, reason: .smallDenominator) }
            return PublishedShare(kommun: owner, share: Double(inKAA) / Double(population), reason: nil)
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
