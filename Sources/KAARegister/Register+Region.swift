import KAACore
import KAASQLite

/// The region's protected figures for one period, as fetched from the hub.
public struct RegionFigures: Sendable {
    public let period: Period
    public let fetchedAt: String
    public let isPreliminary: Bool
    public let reporting: Int
    public let enrolled: Int
    /// (table, dims) → published value; dims empty for a table's total.
    public let values: [String: Int]

    public init(period: Period, fetchedAt: String, isPreliminary: Bool, reporting: Int, enrolled: Int, values: [String: Int]) {
        self.period = period
        self.fetchedAt = fetchedAt
        self.isPreliminary = isPreliminary
        self.reporting = reporting
        self.enrolled = enrolled
        self.values = values
    }

    /// The key of a figure in `values`.
    public static func key(_ table: CellTable, _ dims: Dims) -> String { "\(table.rawValue)|\(dims.encoded)" }
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
            for (key, value) in figures.values {
                let parts = key.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 else { continue }
                try insert.run([.text(figures.period.description), .text(parts[0]), .text(parts[1]), .integer(Int64(value))])
            }
        }
    }

    /// The stored region figures of a period, if any were fetched.
    public func regionFigures(_ period: Period) throws(RegisterError) -> RegionFigures? {
        try read {
            guard let fetch = try database.queryOne("SELECT fetched_at, preliminary, reporting, enrolled FROM region_fetch WHERE period = ?",
                                                    [.text(period.description)]) else { return nil }
            var values: [String: Int] = [:]
            for row in try database.query("SELECT table_name, dims, value FROM region_figure WHERE period = ?", [.text(period.description)]) {
                values["\(try row.text(0))|\(try row.text(1))"] = Int(try row.int(2))
            }
            return RegionFigures(period: period, fetchedAt: try fetch.text(0), isPreliminary: try fetch.bool(1),
                                 reporting: Int(try fetch.int(2)), enrolled: Int(try fetch.int(3)), values: values)
        }
    }
}
