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

    /// Reads a row; throws a Swedish message naming the bad field.
    public init(fields: [String], columns: ColumnMap, today: CalendarDate) throws(ImportFieldError) {
        personnummer = try ImportFields.personnummer(columns.value("personnummer", in: fields), today: today)
        let isProtected = try ImportFields.flag(columns.value("skyddad", in: fields), column: "skyddad")
        func text(_ name: String) throws(ImportFieldError) -> String? {
            guard let value = columns.value(name, in: fields) else { return nil }
            guard value.count <= 200 else { throw ImportFieldError("\(name): högst 200 tecken") }
            return value
        }
        details = ContactDetails(
            firstName: try text("fornamn"), lastName: try text("efternamn"),
            address: isProtected ? nil : try text("adress"), postalCode: isProtected ? nil : try text("postnummer"),
            city: isProtected ? nil : try text("postort"), phone: try text("telefon"), email: try text("epost"), isProtected: isProtected)
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

    public init(fields: [String], columns: ColumnMap, today: CalendarDate) throws(ImportFieldError) {
        personnummer = try ImportFields.personnummer(columns.value("personnummer", in: fields), today: today)
        guard columns.value("skola", in: fields) != nil else { throw ImportFieldError("skola saknas") }
        let programmeText = columns.value("utbildning", in: fields)?.uppercased() ?? ""
        guard let programme = Programme(rawValue: programmeText) else {
            throw ImportFieldError("okänd utbildning '\(programmeText)'; giltiga: " + Programme.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let statusText = columns.value("status", in: fields)?.uppercased() ?? ""
        guard let status = EnrolmentStatus(rawValue: statusText) else {
            throw ImportFieldError("okänd status '\(statusText)'; giltiga: " + EnrolmentStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        fact = EnrolmentFact(programme: programme, status: status, date: try ImportFields.date(columns.value("datum", in: fields), column: "datum"))
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
