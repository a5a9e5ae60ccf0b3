/// A value bound to or read from SQLite.
public enum SQLValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }

    /// Text, or NULL for nil.
    public init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    /// An integer, or NULL for nil.
    public init(_ number: Int?) { self = number.map { .integer(Int64($0)) } ?? .null }
    /// An integer, or NULL for nil.
    public init(_ number: Int64?) { self = number.map { .integer($0) } ?? .null }
    /// 1 or 0.
    public init(_ flag: Bool) { self = .integer(flag ? 1 : 0) }
    /// Bytes.
    public init(_ bytes: [UInt8]) { self = .blob(bytes) }
}

/// One result row, with its values read out of the statement.
public struct Row: Sendable {
    /// Column values in select order.
    public let values: [SQLValue]
    /// Column names in select order.
    public let columnNames: [String]
    let sql: String

    /// The raw value at `index`.
    public subscript(index: Int) -> SQLValue {
        index < values.count ? values[index] : .null
    }

    /// A non-null integer.
    public func int(_ index: Int) throws(SQLiteError) -> Int64 {
        guard case let .integer(value) = self[index] else { throw mismatch(index, "integer") }
        return value
    }

    /// An integer or nil for NULL.
    public func optionalInt(_ index: Int) throws(SQLiteError) -> Int64? {
        if case .null = self[index] { return nil }
        return try int(index)
    }

    /// A non-null text.
    public func text(_ index: Int) throws(SQLiteError) -> String {
        guard case let .text(value) = self[index] else { throw mismatch(index, "text") }
        return value
    }

    /// A text or nil for NULL.
    public func optionalText(_ index: Int) throws(SQLiteError) -> String? {
        if case .null = self[index] { return nil }
        return try text(index)
    }

    /// An integer column read as a Boolean (non-zero is true).
    public func bool(_ index: Int) throws(SQLiteError) -> Bool {
        try int(index) != 0
    }

    /// A non-null blob.
    public func blob(_ index: Int) throws(SQLiteError) -> [UInt8] {
        guard case let .blob(value) = self[index] else { throw mismatch(index, "blob") }
        return value
    }

    private func mismatch(_ index: Int, _ expected: String) -> SQLiteError {
        let name = index < columnNames.count ? columnNames[index] : "#\(index)"
        return SQLiteError(.mismatch, message: "column \(name) is not \(expected) (found \(self[index]))", sql: sql)
    }
}
