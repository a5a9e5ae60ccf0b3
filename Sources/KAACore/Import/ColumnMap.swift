/// Which column of a file holds which field, from its header row.
public struct ColumnMap: Sendable {
    private let indexes: [String: Int]
    /// How many columns the header has.
    public let count: Int

    /// Maps `header` (as read) against canonical names and their accepted spellings. Throws a
    /// message naming every missing required column.
    public init(header: [String], required: [String: [String]], optional: [String: [String]] = [:]) throws(ImportColumnError) {
        let normalised = header.map(HeaderName.normalise)
        var indexes: [String: Int] = [:]
        var missing: [String] = []
        for (name, spellings, isRequired) in required.map({ ($0.key, $0.value, true) }) + optional.map({ ($0.key, $0.value, false) }) {
            let wanted = Set(spellings.map(HeaderName.normalise))
            if let index = normalised.firstIndex(where: { wanted.contains($0) }) {
                indexes[name] = index
            } else if isRequired {
                missing.append(spellings.first ?? name)
            }
        }
        guard missing.isEmpty else { throw ImportColumnError(missing: missing.sorted()) }
        self.indexes = indexes
        self.count = header.count
    }

    /// Where column `name` is, nil when the header lacks it (resolve once per file, not per row).
    public func index(of name: String) -> Int? { indexes[name] }

    /// The trimmed value of `name` in a row, nil when the column is absent or the value is empty.
    public func value(_ name: String, in fields: [String]) -> String? {
        guard let index = indexes[name], index < fields.count else { return nil }
        let value = fields[index].trimmingWhitespace
        return value.isEmpty ? nil : value
    }
}

/// Required columns missing from a header.
public struct ImportColumnError: Error, Sendable {
    public let missing: [String]
    public var message: String { "kolumn saknas i rubrikraden: " + missing.joined(separator: ", ") }
}
