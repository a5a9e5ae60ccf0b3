import KAACore
import KAASystem

/// Reads single records of a file again, by the byte range the parser reported for them.
///
/// The file was read whole moments before, so failing to open or read it now is the system's
/// failure (a `SystemError`), not a problem with its rows.
final class CSVRecordRereader {
    private let file: FileDescriptor
    private let path: String
    private let format: CSVFileReader.Format
    private var buffer: [UInt8] = []

    init(path: String, format: CSVFileReader.Format) throws(SystemError) {
        self.path = path
        file = try FileDescriptor.openForReading(path)
        self.format = format
    }

    /// The record of `start ..< end` (as `CSVRecord.start` and `.end` gave them), at `line`.
    func row(start: Int, end: Int, line: Int) throws -> TableRow {
        let count = end - start
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
        try buffer.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count]), at: start) }
        var parser = CSVParser(delimiter: format.delimiter, offset: start)
        var found: CSVRecord?
        try buffer.withUnsafeBufferPointer { bytes in
            try parser.feed(UnsafeBufferPointer(rebasing: bytes[0..<count])) { found = $0 }
            try parser.finish { found = $0 }
        }
        guard var record = found else { throw ImportProblem(file: path, line: line, message: "raden gick inte att läsa igen") }
        record.line = line
        return TableRow(record: record, encoding: format.encoding)
    }
}

/// Reads a CSV import file in two streaming passes: the first decides the encoding from every
/// byte, the second parses. Memory stays bounded by the chunk size and the longest record.
struct CSVFileReader {
    let path: String
    /// The name used in messages (the path as given).
    let displayName: String
    private static let chunkSize = 1 << 20

    /// What the first pass found.
    struct Format {
        let encoding: ImportEncoding
        let delimiter: UInt8
        let hasByteOrderMark: Bool
    }

    /// Reads the file: `header` gets the header row decoded, `row` every further row as read.
    /// Problems with the file itself are thrown; the callbacks report their own. A file that cannot
    /// be opened is the input's problem (a wrong path: `ImportProblem`); a read that fails once it is
    /// open is the system's (`SystemError`).
    @discardableResult
    func read(header: ([String]) throws -> Void, row: (TableRow) throws -> Void) throws -> Format {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.openForReading(path)
        } catch {
            throw ImportProblem(file: displayName, line: 0, message: "kan inte läsa filen: \(error.reason)")
        }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)

        // Pass 1: encoding from the whole file, delimiter from the first line.
        var detector = TextEncodingDetector()
        var firstLine: [UInt8] = []
        var sawNewline = false
        try forEachChunk(file, &buffer) { chunk in
            detector.feed(chunk)
            if !sawNewline {
                for byte in chunk {
                    if byte == UInt8(ascii: "\n") { sawNewline = true; break }
                    firstLine.append(byte)
                    if firstLine.count > 65_536 { sawNewline = true; break }
                }
            }
        }
        try file.seek(to: 0)
        let format = Format(encoding: detector.encoding, delimiter: CSVParser.detectDelimiter(headerLine: firstLine),
                            hasByteOrderMark: detector.hasByteOrderMark)

        // Pass 2: parse.
        var parser = CSVParser(delimiter: format.delimiter, offset: format.hasByteOrderMark ? 3 : 0)
        var sawHeader = false
        var skipBOM = format.hasByteOrderMark
        func emit(_ record: CSVRecord) throws {
            if sawHeader {
                try row(TableRow(record: record, encoding: format.encoding))
            } else {
                sawHeader = true
                try header(record.fields.map { format.encoding.decode($0) })
            }
        }
        do {
            try forEachChunk(file, &buffer) { chunk in
                var slice = chunk
                if skipBOM {
                    skipBOM = false
                    slice = UnsafeBufferPointer(rebasing: chunk[min(3, chunk.count)...])
                }
                try parser.feed(slice, emit)
            }
            try parser.finish(emit)
        } catch let error as CSVSyntaxError {
            throw ImportProblem(file: displayName, line: error.line, message: error.message)
        }
        if !sawHeader {
            throw ImportProblem(file: displayName, line: 0, message: "filen är tom (rubrikrad saknas)")
        }
        return format
    }

    /// Reads a table: the header is mapped against the columns, each row is checked for width and
    /// handed to `row` with the mapping. Problems (a missing column, a row of the wrong width, an
    /// `ImportFieldError` thrown by `row`, an unreadable file) are appended to `problems` with file and
    /// line, so that every bad row is reported, not just the first.
    func readTable(required: [String: [String]], optional: [String: [String]], problems: inout [ImportProblem],
                   row: (ColumnMap, [String], Int) throws -> Void) throws {
        try readRows(required: required, optional: optional, problems: &problems) { columns, tableRow in
            try row(columns, (0..<tableRow.record.count).map { tableRow.encoding.decode(tableRow.record.field($0)) }, tableRow.line)
        }
    }

    /// `readTable` without decoding: `row` gets each row as read and decodes what it needs.
    @discardableResult
    func readRows(required: [String: [String]], optional: [String: [String]], problems: inout [ImportProblem],
                  row: (ColumnMap, TableRow) throws -> Void) throws -> Format? {
        var columns: ColumnMap?
        var format: Format?
        do {
            format = try read(header: { header in
                do {
                    columns = try ColumnMap(header: header, required: required, optional: optional)
                } catch let error as ImportColumnError {
                    problems.append(ImportProblem(file: displayName, line: 1, message: error.message))
                }
            }, row: { tableRow in
                guard let columns else { return }
                let record = tableRow.record
                // Fewer fields than the header is an error; extra fields only if they hold something.
                if record.count < columns.count || (record.count > columns.count && (columns.count..<record.count).contains { !record.field($0).isEmpty }) {
                    problems.append(ImportProblem(file: displayName, line: record.line, message: "raden har \(record.count) fält men rubrikraden \(columns.count)"))
                    return
                }
                do {
                    try row(columns, tableRow)
                } catch let error as ImportFieldError {
                    problems.append(ImportProblem(file: displayName, line: record.line, message: error.message))
                }
            })
        } catch let problem as ImportProblem {
            problems.append(problem)
        }
        return format
    }

    private func forEachChunk(_ file: FileDescriptor, _ buffer: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        while true {
            let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if count == 0 { return }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
    }
}
