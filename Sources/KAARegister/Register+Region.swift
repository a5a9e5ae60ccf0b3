import KAACore
import KAASQLite

/// The region's protected figures for one period, as fetched from the hub.
public struct RegionFigures: Sendable {
    public let period: Period
    public let fetchedAt: String
    public let isPreliminary: Bool
    public let reporting: Int
    public let enrolled: Int
    /// The published value of each cell of the period; dims empty for a table's total.
    public let values: [CellKey: Int]

    /// The region's figures of `period` as fetched at `fetchedAt`.
    public init(period: Period, fetchedAt: String, isPreliminary: Bool, reporting: Int, enrolled: Int, values: [CellKey: Int]) {
        self.period = period
        self.fetchedAt = fetchedAt
        self.isPreliminary = isPreliminary
        self.reporting = reporting
        self.enrolled = enrolled
        self.values = values
    }

    /// The published value of `table`'s cell with `dims` (empty: the table's total), if any.
    public func value(_ table: CellTable, _ dims: Dims = Dims([:])) -> Int? {
        values[CellKey(table: table, period: period, dims: dims)]
    }

    /// `table`'s total: the published total where the table has one, else the sum of its cells
    /// (as for `in_measure`, which has no people total); nil without any figure of the table.
    public func total(_ table: CellTable) -> Int? {
        if let total = value(table) { return total }
        let parts = values.filter { $0.key.table == table }
        return parts.isEmpty ? nil : parts.values.reduce(0, +)
    }
}

extension Register {
    /// Replaces the stored region figures of a period.
    public func storeRegionFigures(_ figures: RegionFigures) throws(RegisterError) {
        try write {
            try database.execute("DELETE FROM region_fetch WHERE period = ?", [.text(figures.period.description)])
            try database.execute("INSERT INTO region_fetch (period, fetched_at, preliminary, reporting, enrolled) VALUES (?, ?, ?, ?, ?)",
                                 [.text(figures.period.description), .text(figures.fetchedAt), SQLValue(figures.isPreliminary),
                                  .integer(Int64(figures.reporting)), .integer(Int64(figures.enrolled))])
            let insert = try database.cachedStatement("INSERT INTO region_figure (period, table_name, dims, value) VALUES (?, ?, ?, ?)")
            for (key, value) in figures.values where key.period == figures.period {
                try insert.run([.text(figures.period.description), .text(key.table.rawValue), .text(key.dims.encoded), .integer(Int64(value))])
            }
        }
    }

    /// The stored region figures of a period, if any were fetched.
    public func regionFigures(_ period: Period) throws(RegisterError) -> RegionFigures? {
        try read {
            guard let fetch = try database.queryOne("SELECT fetched_at, preliminary, reporting, enrolled FROM region_fetch WHERE period = ?",
                                                    [.text(period.description)]) else { return nil }
            var values: [CellKey: Int] = [:]
            for row in try database.query("SELECT table_name, dims, value FROM region_figure WHERE period = ?", [.text(period.description)]) {
                // A table this version does not know (stored by a newer one) is left out.
                guard let table = CellTable(rawValue: try row.text(0)), let dims = Dims(encoded: try row.text(1)) else { continue }
                values[CellKey(table: table, period: period, dims: dims)] = Int(try row.int(2))
            }
            return RegionFigures(period: period, fetchedAt: try fetch.text(0), isPreliminary: try fetch.bool(1),
                                 reporting: Int(try fetch.int(2)), enrolled: Int(try fetch.int(3)), values: values)
        }
    }
}
