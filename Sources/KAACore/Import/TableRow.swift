/// One row of a table as read: its record and the file's encoding. Fields are decoded only when
/// asked for, so a row nobody needs costs no strings.
public struct TableRow: Sendable {
    public let record: CSVRecord
    public let encoding: ImportEncoding

    public init(record: CSVRecord, encoding: ImportEncoding) {
        self.record = record
        self.encoding = encoding
    }

    /// The physical line the row starts on.
    public var line: Int { record.line }

    /// The bytes of column `index` without surrounding spaces and tabs; nil when the column is absent
    /// or empty. A value that begins or ends with a non-ASCII byte (maybe a no-break space) is
    /// trimmed by `value` instead.
    public func bytes(_ index: Int?) -> ArraySlice<UInt8>? {
        guard let index, index < record.count else { return nil }
        var field = record.field(index)
        while let first = field.first, first == 0x20 || first == 0x09 { field.removeFirst() }
        while let last = field.last, last == 0x20 || last == 0x09 { field.removeLast() }
        return field.isEmpty ? nil : field
    }

    /// The trimmed text of column `index`; nil when the column is absent or the value is empty.
    public func value(_ index: Int?) -> String? {
        guard let field = bytes(index) else { return nil }
        if let first = field.first, let last = field.last, first < 0x80, last < 0x80 { return encoding.decode(field) }
        let text = encoding.decode(field).trimmingWhitespace
        return text.isEmpty ? nil : text
    }

    /// The case of `T` whose raw value equals column `index` ignoring ASCII case, compared on the
    /// bytes (no string is made for the common, valid row).
    public func code<T: CaseIterable & RawRepresentable>(_ index: Int?, as type: T.Type) -> T? where T.RawValue == String {
        guard let field = bytes(index) else { return nil }
        return T.allCases.first { candidate in
            let raw = candidate.rawValue.utf8
            guard raw.count == field.count else { return false }
            return zip(raw, field).allSatisfy { wanted, found in
                wanted == found || (found >= UInt8(ascii: "a") && found <= UInt8(ascii: "z") && wanted == found - 32)
            }
        }
    }
}
