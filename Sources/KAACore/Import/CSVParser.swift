/// One CSV record: its fields as bytes and the physical line it starts on.
public struct CSVRecord: Sendable {
    public var fields: [ArraySlice<UInt8>]
    /// 1-based line number where the record starts.
    public var line: Int
}

/// A CSV syntax error.
public struct CSVSyntaxError: Error, Sendable, Equatable {
    public let line: Int
    public let message: String
}

/// A streaming RFC 4180 parser over bytes: `;` or `,` delimiters, quoted fields with `""` escapes
/// and embedded delimiters or newlines, CRLF or LF. Bytes only, so it works for UTF-8 and
/// Windows-1252 alike (every syntax character is ASCII). Memory is bounded by the longest record.
public struct CSVParser: Sendable {
    /// The field delimiter.
    public let delimiter: UInt8
    private var field: [UInt8] = []
    private var fields: [ArraySlice<UInt8>] = []
    private var inQuotes = false
    private var quoteClosed = false
    private var afterCR = false
    private var line = 1
    private var recordLine = 1
    private var fieldStarted = false

    public init(delimiter: UInt8) {
        self.delimiter = delimiter
    }

    /// Picks `;` or `,` from a header line: whichever occurs more often outside quotes (`;` on a tie).
    public static func detectDelimiter(headerLine: some Sequence<UInt8>) -> UInt8 {
        var semicolons = 0, commas = 0, quoted = false
        for byte in headerLine {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if byte == UInt8(ascii: ";") { semicolons += 1 }
            if byte == UInt8(ascii: ",") { commas += 1 }
            if byte == UInt8(ascii: "\n") { break }
        }
        return commas > semicolons ? UInt8(ascii: ",") : UInt8(ascii: ";")
    }

    /// Parses the next bytes, calling `emit` for each complete record.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) throws -> Void) throws {
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == lf { continue }
            }
            if inQuotes {
                if byte == quote {
                    inQuotes = false
                    quoteClosed = true
                } else {
                    if byte == lf || byte == cr {
                        line += 1
                        if byte == cr { afterCR = true; field.append(lf); continue }
                    }
                    field.append(byte)
                }
                continue
            }
            if quoteClosed {
                quoteClosed = false
                if byte == quote {
                    // A doubled quote inside a quoted field.
                    inQuotes = true
                    field.append(quote)
                    continue
                }
                guard byte == delimiter || byte == cr || byte == lf else {
                    throw CSVSyntaxError(line: line, message: "tecken efter ett avslutande citattecken")
                }
            }
            switch byte {
            case delimiter:
                endField()
            case cr, lf:
                if byte == cr { afterCR = true }
                try endRecord(emit)
                line += 1
                recordLine = line
            case quote:
                guard !fieldStarted, field.isEmpty else {
                    throw CSVSyntaxError(line: line, message: "citattecken mitt i ett fält utan citattecken runt fältet")
                }
                inQuotes = true
                fieldStarted = true
            default:
                field.append(byte)
                fieldStarted = true
            }
        }
    }

    /// Ends the input: emits the last record if the file does not end with a newline.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) throws {
        if inQuotes { throw CSVSyntaxError(line: recordLine, message: "citattecknet som börjar här avslutas aldrig") }
        quoteClosed = false
        try endRecord(emit)
    }

    private mutating func endField() {
        fields.append(field[...])
        field = []
        fieldStarted = false
    }

    private mutating func endRecord(_ emit: (CSVRecord) throws -> Void) throws {
        if fields.isEmpty, field.isEmpty, !fieldStarted {
            return // an empty line
        }
        endField()
        let record = CSVRecord(fields: fields, line: recordLine)
        fields = []
        try emit(record)
    }
}

/// Matches header names case- and accent-insensitively (`Förnamn`, `FORNAMN`, `e-post` = `epost`).
public enum HeaderName {
    /// Folds a header to lowercase ASCII letters and digits.
    public static func normalise(_ text: String) -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "å", "ä", "á", "à", "â", "ã": result.append("a")
            case "ö", "ø", "ó", "ò", "ô", "õ": result.append("o")
            case "é", "è", "ê", "ë": result.append("e")
            case "ü", "ú", "ù", "û": result.append("u")
            case "í", "ì", "î", "ï": result.append("i")
            case "a"..."z", "0"..."9": result.unicodeScalars.append(scalar)
            default: continue
            }
        }
        return result
    }
}
