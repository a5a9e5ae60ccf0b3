/// One CSV record: its fields' bytes one after another, where each ends, and the physical line it
/// starts on. One buffer per record instead of one array per field: the parser reuses it.
public struct CSVRecord: Sendable {
    /// Every field's bytes, one after another, each followed by one separator byte.
    public var bytes: [UInt8]
    /// Where each field ends in `bytes`: field `i` is `bytes[ends[i - 1] + 1 ..< ends[i]]`.
    public var ends: [Int]
    /// 1-based line number where the record starts.
    public var line: Int
    /// Where the record's bytes begin and end in the input (end excludes the line break), counted
    /// from the parser's `offset` at the start: the record can be read again from the file later.
    public var start: Int = 0
    public var end: Int = 0

    /// How many fields the record has.
    public var count: Int { ends.count }

    /// The bytes of field `index` (`0 ..< count`).
    public func field(_ index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1] + 1)..<ends[index]]
    }

    /// Every field's bytes.
    public var fields: [ArraySlice<UInt8>] { (0..<count).map(field) }

    /// What `scanField` found in a field.
    public enum FieldScan: Sendable { case plain, lineBreak, long }

    /// Whether field `index` holds a line break, or else is longer than 200 bytes (before trimming).
    public func scanField(_ index: Int) -> FieldScan {
        let start = index == 0 ? 0 : ends[index - 1] + 1
        let end = ends[index]
        return bytes.withUnsafeBufferPointer { buffer in
            for position in start..<end where buffer[position] == 0x0A || buffer[position] == 0x0D { return .lineBreak }
            return end - start > 200 ? .long : .plain
        }
    }
}

/// A CSV syntax error.
public struct CSVSyntaxError: Error, Sendable, Equatable {
    public let line: Int
    public let message: String
}

/// A streaming RFC 4180 parser over bytes: `;` or `,` delimiters, quoted fields with `""` escapes
/// and embedded delimiters or newlines, CRLF or LF. Bytes only, so it works for UTF-8 and
/// Windows-1252 alike (every syntax character is ASCII). Memory is bounded by the longest record.
/// Runs of unquoted fields are copied at once, delimiters and all (a delimiter is the separator
/// byte after its field); the record buffer is reused from record to record.
public struct CSVParser: Sendable {
    /// The longest field accepted, in bytes: far above any real value (a name is at most 200
    /// characters, a plan 2 000), so only a broken or hostile file reaches it.
    public static let maximumFieldBytes = 64 * 1024
    /// The longest record accepted, in bytes. Reading stops as soon as a record grows past it, so
    /// memory stays bounded by this and the chunk size, not by the file's longest line.
    public static let maximumRecordBytes = 1024 * 1024

    /// The field delimiter.
    public let delimiter: UInt8
    private var record = CSVRecord(bytes: [], ends: [], line: 1)
    private var inQuotes = false
    private var quoteClosed = false
    private var afterCR = false
    private var line = 1
    private var fieldStarted = false
    /// Bytes fed before the current chunk (plus the starting offset).
    private var consumed: Int

    /// A parser; `offset` is where its input begins in the file (after a byte order mark, say).
    public init(delimiter: UInt8, offset: Int = 0) {
        self.delimiter = delimiter
        consumed = offset
        record.start = offset
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
        let delimiter = self.delimiter
        let count = bytes.count
        var index = 0
        defer { consumed += count }
        while index < count {
            // Every append below copies at most what remains of this chunk, so checking here bounds
            // the record to the limit plus one chunk.
            if record.bytes.count > Self.maximumRecordBytes {
                throw CSVSyntaxError(line: record.line, message: "raden är längre än \(Self.maximumRecordBytes / 1024 / 1024) MiB; läsningen avbröts "
                    + "(filen är trasig eller inte en CSV-fil)")
            }
            let byte = bytes[index]
            if afterCR {
                afterCR = false
                if byte == lf {
                    if !inQuotes { record.start = consumed + index + 1 }
                    index += 1
                    continue
                }
            }
            if inQuotes {
                if byte == quote {
                    inQuotes = false
                    quoteClosed = true
                } else if byte == lf || byte == cr {
                    line += 1
                    if byte == cr { afterCR = true }
                    record.bytes.append(lf)
                } else {
                    var end = index + 1
                    while end < count, bytes[end] != quote, bytes[end] != lf, bytes[end] != cr { end += 1 }
                    record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                    continue
                }
                index += 1
                continue
            }
            if quoteClosed {
                quoteClosed = false
                if byte == quote {
                    // A doubled quote inside a quoted field.
                    inQuotes = true
                    record.bytes.append(quote)
                    index += 1
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
                record.end = consumed + index
                try endRecord(emit)
                line += 1
                record.line = line
                record.start = consumed + index + 1
            case quote:
                guard !fieldStarted else {
                    throw CSVSyntaxError(line: line, message: "citattecken mitt i ett fält utan citattecken runt fältet")
                }
                inQuotes = true
                fieldStarted = true
            default:
                // A run of unquoted fields up to the line's end or a quote: their ends are noted
                // at each delimiter, and the run is copied once with the delimiters as separators.
                let base = record.bytes.count - index // where input position p lands in the buffer
                var end = index + 1
                var atFieldStart = false
                while end < count {
                    let next = bytes[end]
                    if next == delimiter {
                        record.ends.append(base + end)
                        end += 1
                        atFieldStart = true
                        continue
                    }
                    if next == lf || next == cr || next == quote { break }
                    atFieldStart = false
                    end += 1
                }
                record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                fieldStarted = !atFieldStart
                index = end
                continue
            }
            index += 1
        }
    }

    /// Ends the input: emits the last record if the file does not end with a newline.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) throws {
        if inQuotes { throw CSVSyntaxError(line: record.line, message: "citattecknet som börjar här avslutas aldrig") }
        quoteClosed = false
        record.end = consumed
        try endRecord(emit)
    }

    private mutating func endField() {
        record.ends.append(record.bytes.count)
        record.bytes.append(delimiter)
        fieldStarted = false
    }

    private mutating func endRecord(_ emit: (CSVRecord) throws -> Void) throws {
        if record.ends.isEmpty, record.bytes.isEmpty, !fieldStarted {
            return // an empty line
        }
        endField()
        if record.bytes.count > Self.maximumRecordBytes {
            throw CSVSyntaxError(line: record.line, message: "raden är längre än \(Self.maximumRecordBytes / 1024 / 1024) MiB; läsningen avbröts "
                + "(filen är trasig eller inte en CSV-fil)")
        }
        var start = 0
        for (index, end) in record.ends.enumerated() {
            if end - start > Self.maximumFieldBytes {
                throw CSVSyntaxError(line: record.line, message: "fält \(index + 1) är längre än \(Self.maximumFieldBytes / 1024) KiB; läsningen avbröts")
            }
            start = end + 1
        }
        // `emit` gets a copy that shares the buffers; once it returns they are ours alone again and
        // are emptied without giving back their capacity.
        try emit(record)
        record.bytes.removeAll(keepingCapacity: true)
        record.ends.removeAll(keepingCapacity: true)
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
