import Foundation
import KAACore
import KAASQLite

extension Hub {
    /// The protected figures of `period`: every kommun's cells and table totals and the region's,
    /// each perturbed from its own summed `n` and `ck`. `table` and `kommun` narrow the result.
    public func publication(period: Period, table: CellTable? = nil, kommun: String? = nil, today: CalendarDate) throws(HubError) -> Publication {
        // One read transaction: the sites, the count and the cells are of one moment.
        let (sites, reporting, exact) = try reading { database -> ([SiteInfo], Int, [(kommun: String, cell: Cell)]) in
            let sites = try Self.sites(database)
            // Counted before the table filter: a kommun that reported for the period has reported,
            // whatever table is asked for.
            let reporting = Int(try database.queryOne("SELECT count(DISTINCT kommun) FROM cell WHERE period = ?", [.text(period.description)])?.int(0) ?? 0)
            var exact: [(kommun: String, cell: Cell)] = []
            let filter = table == nil ? "" : " AND table_name = ?"
            let arguments: [SQLValue] = [.text(period.description)] + (table.map { [.text($0.rawValue)] } ?? [])
            try database.cachedStatement("SELECT kommun, table_name, dims, n, ck FROM cell WHERE period = ?" + filter)
                .forEach(arguments) { row in
                    guard let table = CellTable(rawValue: try row.text(1)), let dims = Dims(encoded: try row.text(2)) else { return }
                    exact.append((try row.text(0), Cell(table: table, period: period, dims: dims, n: Int(try row.int(3)), ck: UInt32(truncatingIfNeeded: try row.int(4)))))
                }
            return (sites, reporting, exact)
        }
        // Sum n and ck per (kommun or region, table, dims), adding table totals with empty dims.
        struct FigureKey: Hashable {
            let kommun: String?
            let table: CellTable
            let dims: Dims
        }
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
        let figures = sums
            .filter { kommun == nil || $0.key.kommun == nil || $0.key.kommun == kommun }
            .map { PublishedFigure(kommun: $0.key.kommun, table: $0.key.table, dims: $0.key.dims, value: perturbation.publish(n: $0.value.n, ck: $0.value.ck)) }
            .sorted { ($0.kommun ?? "", $0.table.rawValue, $0.dims.encoded) < ($1.kommun ?? "", $1.table.rawValue, $1.dims.encoded) }
        var shares: [(String?, Double?)] = []
        let owners: [String?] = [nil] + Set(figures.compactMap(\.kommun)).sorted().map { Optional($0) }
        for owner in owners {
            let inKAA = figures.first { $0.kommun == owner && $0.table == .inKAA && $0.dims.pairs.isEmpty }?.value
            let population = figures.first { $0.kommun == owner && $0.table == .population && $0.dims.pairs.isEmpty }?.value
            if inKAA == nil && population == nil { continue }
            shares.append((owner, population.flatMap { $0 > 0 ? Double(inKAA ?? 0) / Double($0) : nil }))
        }
        return Publication(period: period, isPreliminary: !period.isFrozen(today: today), reporting: reporting,
                           enrolled: sites.count, figures: figures, shares: shares,
                           names: Dictionary(uniqueKeysWithValues: sites.map { ($0.kommun, $0.name) }))
    }

    /// Today's date in Sweden, for marking open periods preliminary.
    public static func swedishToday() -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CalendarDate(dayNumber: 0)
    }
}
