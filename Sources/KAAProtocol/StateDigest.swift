import KAACore
import KAACrypto

/// The digest of a kommun's state (design §7): SHA-256, lowercase hex, over the cells sorted
/// bytewise as lines `table|period|dims|n|ck\n`, `dims` as `k=v` pairs sorted by key joined by `,`.
/// Cells with `n = 0` do not exist and are left out. The empty state is SHA-256 of nothing.
public enum StateDigest {
    /// The digest line of one cell, without its newline.
    public static func line(_ cell: Cell) -> String {
        line(table: cell.table.rawValue, period: cell.period.description, dims: cell.dims.encoded, n: Int64(cell.n), ck: Int64(cell.ck))
    }

    /// The digest line of a cell given as stored (the hub's rows, without parsing them back into cells).
    public static func line(table: String, period: String, dims: String, n: Int64, ck: Int64) -> String {
        "\(table)|\(period)|\(dims)|\(n)|\(ck)"
    }

    /// The digest of a set of cells.
    public static func digest(_ cells: some Sequence<Cell>) -> String {
        digest(lines: cells.filter { $0.n > 0 }.map(line))
    }

    /// The digest of digest lines (without newlines) in any order.
    public static func digest(lines text: [String]) -> String {
        var lines = text.map { Array($0.utf8) }
        lines.sort { $0.lexicographicallyPrecedes($1) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines {
            bytes += line
            bytes.append(UInt8(ascii: "\n"))
        }
        return Crypto.sha256Hex(bytes)
    }

    /// The digest of the empty state.
    public static let empty = Crypto.sha256Hex([UInt8]())
}
