/// What identifies a cell: its table, period and dims (design §6). Two cells with the same key
/// count the same people group; their `n` and `ck` may differ.
public struct CellKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The table the cell belongs to.
    public let table: CellTable
    /// The month or half-year it counts.
    public let period: Period
    /// Its dimension values.
    public let dims: Dims

    /// The key of the cell of `table` in `period` with `dims`.
    public init(table: CellTable, period: Period, dims: Dims) {
        self.table = table
        self.period = period
        self.dims = dims
    }

    /// `table|period|dims`, as people read it in messages (and as the digest line begins).
    public var description: String { "\(table.rawValue)|\(period)|\(dims.encoded)" }

    /// Listing order: table, period, dims (bytewise).
    public static func < (lhs: CellKey, rhs: CellKey) -> Bool {
        if lhs.table != rhs.table { return lhs.table < rhs.table }
        if lhs.period != rhs.period { return lhs.period < rhs.period }
        return lhs.dims < rhs.dims
    }
}
