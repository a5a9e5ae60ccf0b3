import KAACore
import KAAProtocol

/// The fuzz targets: each takes any bytes, must never trap, and checks a property that holds for
/// every input (a differential or round-trip oracle), trapping when it does not — so libFuzzer
/// reports a wrong answer the same way as a crash.
enum FuzzTarget: String, CaseIterable {
    /// The CSV reader (`CSVParser`), fed in one piece and in two.
    case csv
    /// The personnummer parser.
    case personnummer
    /// The hub's batch decoder (`Batch.decode`).
    case batch

    func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .csv: Self.csv(data)
        case .personnummer: Self.personnummer(data)
        case .batch: Self.batch(data)
        }
    }

    /// What one parse produced: every record's fields, line and byte range, or the error's line.
    private static func parseCSV(_ bytes: UnsafeBufferPointer<UInt8>, splitAt split: Int) -> [String] {
        var parser = CSVParser(delimiter: CSVParser.detectDelimiter(headerLine: bytes))
        var seen: [String] = []
        let emit: (CSVRecord) -> Void = { record in
            // The record's own invariants: field ends rise within its bytes, its range within the input.
            var previous = -1
            for end in record.ends {
                precondition(end > previous && end <= record.bytes.count, "field ends out of order")
                previous = end
            }
            precondition(record.start <= record.end && record.end <= bytes.count, "record range outside the input")
            seen.append("\(record.line)|\(record.start)|\(record.end)|\(record.fields.map { Array($0) })")
        }
        do {
            try parser.feed(UnsafeBufferPointer(rebasing: bytes[0..<split]), emit)
            try parser.feed(UnsafeBufferPointer(rebasing: bytes[split...]), emit)
            try parser.finish(emit)
        } catch let error as CSVSyntaxError {
            seen.append("error at line \(error.line)")
        } catch {
            preconditionFailure("CSVParser threw something other than CSVSyntaxError: \(error)")
        }
        return seen
    }

    private static func csv(_ data: UnsafeRawBufferPointer) {
        data.withMemoryRebound(to: UInt8.self) { bytes in
            let whole = parseCSV(bytes, splitAt: bytes.count)
            // Where one read of the file ends must not change what is read (the reader feeds 64 KB pieces).
            let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            precondition(parseCSV(bytes, splitAt: split) == whole, "a split at \(split) changed the records")
        }
    }

    private static let today = CalendarDate(year: 2026, month: 11, day: 23) ?? CalendarDate(dayNumber: 0)

    private static func personnummer(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data.prefix(64))
        guard let pnr = try? PersonalIdentityNumber(utf8: bytes[...], today: today) else { return }
        // Every accepted number reads back the same from its digits, its formatted text and its key.
        precondition((try? PersonalIdentityNumber(pnr.digits, today: today)) == pnr, "digits do not read back")
        precondition((try? PersonalIdentityNumber(pnr.formatted, today: today)) == pnr, "formatted does not read back")
        precondition((try? PersonalIdentityNumber(number: pnr.number)) == pnr, "number does not read back")
        precondition(pnr.digits.utf8.count == 12 && pnr.digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "digits are not 12 digits")
    }

    private static func batch(_ data: UnsafeRawBufferPointer) {
        guard let batch = try? Batch.decode(Array(data)) else { return }
        // What the hub accepts it can write canonically, and that reads back to the same bytes.
        let encoded = batch.encoded()
        guard let again = try? Batch.decode(encoded) else { preconditionFailure("an accepted batch does not decode once re-encoded") }
        precondition(again.encoded() == encoded, "re-encoding an accepted batch is not stable")
    }
}
