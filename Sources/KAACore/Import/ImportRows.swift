/// A bad row or file in an import, with where it is.
public struct ImportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based line; 0 for the file as a whole.
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}

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

/// One row of a folkbokföring extract.
public struct FolkbokforingRow: Sendable {
    public let personnummer: PersonalIdentityNumber
    public let details: ContactDetails

    public static let required: [String: [String]] = [
        "personnummer": ["personnummer"], "fornamn": ["fornamn", "förnamn"], "efternamn": ["efternamn"],
        "adress": ["adress", "utdelningsadress"], "postnummer": ["postnummer"], "postort": ["postort", "ort"],
    ]
    public static let optional: [String: [String]] = [
        "telefon": ["telefon"], "epost": ["epost", "e-post"], "skyddad": ["skyddad", "sekretessmarkering"],
    ]

    /// The columns of one file, resolved once from its header.
    public struct Columns: Sendable {
        let personnummer: Int?, firstName: Int?, lastName: Int?, address: Int?, postalCode: Int?, city: Int?
        let phone: Int?, email: Int?, isProtected: Int?
        /// The free-text columns present in the file, with their names for messages (made once).
        fileprivate let texts: [(name: String, index: Int)]

        public init(_ map: ColumnMap) {
            personnummer = map.index(of: "personnummer")
            firstName = map.index(of: "fornamn")
            lastName = map.index(of: "efternamn")
            address = map.index(of: "adress")
            postalCode = map.index(of: "postnummer")
            city = map.index(of: "postort")
            phone = map.index(of: "telefon")
            email = map.index(of: "epost")
            isProtected = map.index(of: "skyddad")
            texts = [("fornamn", firstName), ("efternamn", lastName), ("adress", address), ("postnummer", postalCode),
                     ("postort", city), ("telefon", phone), ("epost", email)].compactMap { name, index in index.map { (name, $0) } }
        }
    }

    /// What every row is checked for, without decoding its names: the personnummer, the flag, and
    /// that every text is at most 200 characters on one line. Throws a Swedish message naming the field.
    public static func check(_ row: TableRow, columns: Columns, today: CalendarDate) throws(ImportFieldError)
        -> (personnummer: PersonalIdentityNumber, isProtected: Bool) {
        guard let digits = row.bytes(columns.personnummer) else { throw ImportFieldError("personnummer saknas") }
        let personnummer: PersonalIdentityNumber
        do {
            personnummer = try PersonalIdentityNumber(utf8: digits, today: today)
        } catch {
            throw ImportFieldError(error.description)
        }
        let isProtected = try ImportFields.flag(row.bytes(columns.isProtected), column: "skyddad")
        for (name, index) in columns.texts where index < row.record.count {
            // A line break can only be inside a quoted field; 200 bytes are at most 200 characters,
            // so only a longer field needs counting.
            switch row.record.scanField(index) {
            case .plain: continue
            case .lineBreak: throw ImportFieldError("\(name): får inte innehålla radbrytningar")
            case .long: if let text = row.value(index), text.count > 200 { throw ImportFieldError("\(name): högst 200 tecken") }
            }
        }
        return (personnummer, isProtected)
    }

    /// Reads a checked row's contact details (a protected person's address is not read).
    public init(_ row: TableRow, columns: Columns, personnummer: PersonalIdentityNumber, isProtected: Bool) {
        self.personnummer = personnummer
        details = ContactDetails(
            firstName: row.value(columns.firstName), lastName: row.value(columns.lastName),
            address: isProtected ? nil : row.value(columns.address), postalCode: isProtected ? nil : row.value(columns.postalCode),
            city: isProtected ? nil : row.value(columns.city), phone: row.value(columns.phone), email: row.value(columns.email),
            isProtected: isProtected)
    }
}

/// One row of an enrolment file.
public struct EnrolmentRow: Sendable {
    public let personnummer: PersonalIdentityNumber
    public let fact: EnrolmentFact

    public static let required: [String: [String]] = [
        "personnummer": ["personnummer"], "skola": ["skola"], "utbildning": ["utbildning"], "status": ["status"], "datum": ["datum"],
    ]
    public static let optional: [String: [String]] = ["huvudman": ["huvudman"]]

    /// The columns of one file, resolved once from its header.
    public struct Columns: Sendable {
        let personnummer: Int?, school: Int?, programme: Int?, status: Int?, date: Int?

        public init(_ map: ColumnMap) {
            personnummer = map.index(of: "personnummer")
            school = map.index(of: "skola")
            programme = map.index(of: "utbildning")
            status = map.index(of: "status")
            date = map.index(of: "datum")
        }
    }

    public init(_ row: TableRow, columns: Columns, today: CalendarDate) throws(ImportFieldError) {
        guard let digits = row.bytes(columns.personnummer) else { throw ImportFieldError("personnummer saknas") }
        do {
            personnummer = try PersonalIdentityNumber(utf8: digits, today: today)
        } catch {
            throw ImportFieldError(error.description)
        }
        guard row.bytes(columns.school) != nil else { throw ImportFieldError("skola saknas") }
        guard let programme = row.code(columns.programme, as: Programme.self) else {
            let programmeText = row.value(columns.programme)?.uppercased() ?? ""
            throw ImportFieldError("okänd utbildning '\(programmeText)'; giltiga: " + Programme.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let status = row.code(columns.status, as: EnrolmentStatus.self) else {
            let statusText = row.value(columns.status)?.uppercased() ?? ""
            throw ImportFieldError("okänd status '\(statusText)'; giltiga: " + EnrolmentStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let dateText = row.bytes(columns.date)
        guard let dateText else { throw ImportFieldError("datum saknas") }
        guard let date = CalendarDate(isoBytes: dateText) else {
            throw ImportFieldError("datum: ogiltigt datum '\(row.value(columns.date) ?? "")' (ÅÅÅÅ-MM-DD)")
        }
        fact = EnrolmentFact(programme: programme, status: status, date: date)
    }
}

/// A bad field in a row.
public struct ImportFieldError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Field readers shared by every import format.
public enum ImportFields {
    /// A personnummer in any accepted format.
    public static func personnummer(_ text: String?, today: CalendarDate) throws(ImportFieldError) -> PersonalIdentityNumber {
        guard let text else { throw ImportFieldError("personnummer saknas") }
        do {
            return try PersonalIdentityNumber(text, today: today)
        } catch {
            throw ImportFieldError(error.description)
        }
    }

    /// An ISO date.
    public static func date(_ text: String?, column: String) throws(ImportFieldError) -> CalendarDate {
        guard let text else { throw ImportFieldError("\(column) saknas") }
        guard let date = CalendarDate(iso: text) else { throw ImportFieldError("\(column): ogiltigt datum '\(text)' (ÅÅÅÅ-MM-DD)") }
        return date
    }

    /// An optional ISO date.
    public static func optionalDate(_ text: String?, column: String) throws(ImportFieldError) -> CalendarDate? {
        guard let text else { return nil }
        return try date(text, column: column)
    }

    /// J/N, ja/nej, 1/0, true/false (any case) as bytes; empty is false.
    public static func flag(_ bytes: ArraySlice<UInt8>?, column: String) throws(ImportFieldError) -> Bool {
        guard let bytes else { return false }
        if bytes.count == 1 {
            switch bytes[bytes.startIndex] | 0x20 {
            case UInt8(ascii: "n"), UInt8(ascii: "0"): return false
            case UInt8(ascii: "j"), UInt8(ascii: "1"), UInt8(ascii: "y"): return true
            default: break
            }
        }
        return try flag(String(decoding: bytes, as: UTF8.self), column: column)
    }

    /// J/N, ja/nej, 1/0, true/false (any case); empty is false.
    public static func flag(_ text: String?, column: String) throws(ImportFieldError) -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "j", "ja", "1", "true", "y", "yes": return true
        case "n", "nej", "0", "false", "no": return false
        default: throw ImportFieldError("\(column): '\(text)' ska vara J eller N")
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{A0}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{A0}" { scalars.removeLast() }
        return String(scalars)
    }
}
