import Foundation

/// Writes small CSV files the way kommuner receive them, for import tests.
public enum CSVFixture {
    /// The shape of a file.
    public struct Format: Sendable, CustomStringConvertible {
        public var delimiter: String = ";"
        public var encoding: String.Encoding = .utf8
        public var byteOrderMark = false
        public var crlf = false

        public init(delimiter: String = ";", encoding: String.Encoding = .utf8, byteOrderMark: Bool = false, crlf: Bool = false) {
            self.delimiter = delimiter
            self.encoding = encoding
            self.byteOrderMark = byteOrderMark
            self.crlf = crlf
        }

        public var description: String {
            "\(encoding == .utf8 ? "UTF-8" : encoding == .windowsCP1252 ? "Windows-1252" : "ISO-8859-1")\(byteOrderMark ? "+BOM" : "") '\(delimiter)' \(crlf ? "CRLF" : "LF")"
        }
    }

    /// Writes `header` and `rows` to `path`, quoting fields that need it.
    public static func write(_ path: String, header: [String], rows: [[String]], format: Format = Format(), trailingEmptyLines: Int = 0) throws {
        func quoted(_ field: String) -> String {
            field.contains(format.delimiter) || field.contains("\"") || field.contains("\n")
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        let newline = format.crlf ? "\r\n" : "\n"
        let text = ([header] + rows).map { $0.map(quoted).joined(separator: format.delimiter) }.joined(separator: newline)
            + newline + String(repeating: newline, count: trailingEmptyLines)
        guard var data = text.data(using: format.encoding) else { throw CocoaError(.fileWriteInapplicableStringEncoding) }
        if format.byteOrderMark { data = Data([0xEF, 0xBB, 0xBF]) + data }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Writes raw text (for malformed files).
    public static func writeRaw(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The header of a folkbokföring extract.
    public static let folkbokforingHeader = ["personnummer", "förnamn", "efternamn", "utdelningsadress", "postnummer", "postort", "telefon", "skyddad"]
    /// The header of an enrolment list.
    public static let enrolmentHeader = ["personnummer", "skola", "huvudman", "utbildning", "status", "datum"]

    /// A folkbokföring row for a person.
    public static func person(_ pnr: String, first: String = "Testperson", last: String = "Testsson", address: String = "Storgatan 1",
                              phone: String = "", protected: String = "N") -> [String] {
        [pnr, first, last, address, "75320", "Uppsala", phone, protected]
    }

    /// An enrolment row.
    public static func enrolment(_ pnr: String, _ programme: String, _ status: String, _ date: String, school: String = "Katedralskolan") -> [String] {
        [pnr, school, "Uppsala kommun", programme, status, date]
    }
}
