/// The tables of cell catalogue v1 (design §6).
public enum CellTable: String, CaseIterable, Sendable, Comparable, Codable {
    case inKAA = "in_kaa"
    case inKAAReason = "in_kaa_reason"
    case new = "new"
    case contacted = "contacted"
    case firstContactDays = "first_contact_days"
    case inMeasure = "in_measure"
    case declined = "declined"
    case deregistered = "deregistered"
    case occupationEnd = "occupation_end"
    case population = "population"

    /// The catalogue version the kommun and the hub agree on.
    public static let catalogueVersion = 1

    public static func < (lhs: CellTable, rhs: CellTable) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A cell's dimension values, kept sorted by key; encoded `k=v,k=v` as in the digest (design §7).
public struct Dims: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The `(key, value)` pairs sorted by key.
    public let pairs: [(key: String, value: String)]
    /// `k=v,k=v`, keys sorted: computed once, since cells are hashed and compared by it constantly.
    public let encoded: String

    /// Dims from a dictionary.
    public init(_ values: [String: String]) {
        pairs = values.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        encoded = pairs.map { $0.key + "=" + $0.value }.joined(separator: ",")
    }

    /// Parses the `k=v,k=v` encoding; nil if malformed.
    public init?(encoded: String) {
        if encoded.isEmpty {
            self.init([:])
            return
        }
        var values: [String: String] = [:]
        for part in encoded.split(separator: ",", omittingEmptySubsequences: false) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2, !kv[0].isEmpty, values[String(kv[0])] == nil else { return nil }
            values[String(kv[0])] = String(kv[1])
        }
        self.init(values)
    }

    /// The dims as a dictionary.
    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) })
    }

    public var description: String { encoded }

    public static func == (lhs: Dims, rhs: Dims) -> Bool { lhs.encoded == rhs.encoded }
    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }
    public static func < (lhs: Dims, rhs: Dims) -> Bool { lhs.encoded.utf8.lexicographicallyPrecedes(rhs.encoded.utf8) }
}

/// One aggregate: how many distinct people (`n`) and the sum of their period keys (`ck`).
public struct Cell: Hashable, Sendable {
    public let table: CellTable
    public let period: Period
    public let dims: Dims
    public let n: Int
    public let ck: UInt32

    public init(table: CellTable, period: Period, dims: Dims, n: Int, ck: UInt32) {
        self.table = table
        self.period = period
        self.dims = dims
        self.n = n
        self.ck = ck
    }

    /// The cell's identity: which table, period and dims it counts.
    public var key: CellKey { CellKey(table: table, period: period, dims: dims) }

    /// Listing order: table, period, dims (bytewise).
    public static func listingOrder(_ lhs: Cell, _ rhs: Cell) -> Bool {
        if lhs.table != rhs.table { return lhs.table < rhs.table }
        if lhs.period != rhs.period { return lhs.period < rhs.period }
        return lhs.dims < rhs.dims
    }
}

/// The bands of `first_contact_days`.
public enum FirstContactBand: String, CaseIterable, Sendable {
    case days0to7 = "0-7"
    case days8to30 = "8-30"
    case days31to90 = "31-90"
    case days91plus = "91+"
    case none = "none"

    /// The band for a number of days from registration to first reached contact.
    public init(days: Int) {
        switch days {
        case ..<8: self = .days0to7
        case 8...30: self = .days8to30
        case 31...90: self = .days31to90
        default: self = .days91plus
        }
    }
}
