#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KAACore

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

    /// Reads the file: `header` gets the header row, `row` every further row with its line number.
    /// Problems with the file itself are thrown; the callbacks report their own.
    func read(header: ([String]) throws -> Void, row: ([String], Int) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ImportProblem(file: displayName, line: 0, message: "kan inte läsa filen: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)

        // Pass 1: encoding from the whole file, delimiter from the first line.
        var detector = TextEncodingDetector()
        var firstLine: [UInt8] = []
        var sawNewline = false
        try forEachChunk(fd, &buffer) { chunk in
            detector.feed(chunk)
            if !sawNewline {
                for byte in chunk {
                    if byte == UInt8(ascii: "\n") { sawNewline = true; break }
                    firstLine.append(byte)
                    if firstLine.count > 65_536 { sawNewline = true; break }
                }
            }
        }
        guard lseek(fd, 0, SEEK_SET) == 0 else {
            throw ImportProblem(file: displayName, line: 0, message: "kan inte läsa filen på nytt: \(String(cString: strerror(errno)))")
        }
        let format = Format(encoding: detector.encoding, delimiter: CSVParser.detectDelimiter(headerLine: firstLine),
                            hasByteOrderMark: detector.hasByteOrderMark)

        // Pass 2: parse.
        var parser = CSVParser(delimiter: format.delimiter)
        var sawHeader = false
        var skipBOM = format.hasByteOrderMark
        func emit(_ record: CSVRecord) throws {
            let fields = record.fields.map { format.encoding.decode($0) }
            if sawHeader {
                try row(fields, record.line)
            } else {
                sawHeader = true
                try header(fields)
            }
        }
        do {
            try forEachChunk(fd, &buffer) { chunk in
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
    }

    /// Reads a table: the header is mapped against the columns, each row is checked for width and
    /// handed to `row` with the mapping. Problems (a missing column, a row of the wrong width, an
    /// `ImportFieldError` thrown by `row`, an unreadable file) are appended to `problems` with file and
    /// line, so that every bad row is reported, not just the first.
    func readTable(required: [String: [String]], optional: [String: [String]], problems: inout [ImportProblem],
                   row: (ColumnMap, [String], Int) throws -> Void) throws {
        var columns: ColumnMap?
        do {
            try read(header: { header in
                do {
                    columns = try ColumnMap(header: header, required: required, optional: optional)
                } catch let error as ImportColumnError {
                    problems.append(ImportProblem(file: displayName, line: 1, message: error.message))
                }
            }, row: { fields, line in
                guard let columns else { return }
                // Fewer fields than the header is an error; extra fields only if they hold something.
                if fields.count < columns.count || (fields.count > columns.count && fields[columns.count...].contains { !$0.isEmpty }) {
                    problems.append(ImportProblem(file: displayName, line: line, message: "raden har \(fields.count) fält men rubrikraden \(columns.count)"))
                    return
                }
                do {
                    try row(columns, fields, line)
                } catch let error as ImportFieldError {
                    problems.append(ImportProblem(file: displayName, line: line, message: error.message))
                }
            })
        } catch let problem as ImportProblem {
            problems.append(problem)
        }
    }

    private func forEachChunk(_ fd: Int32, _ buffer: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, raw.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ImportProblem(file: displayName, line: 0, message: "läsfel: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
    }
}
