/// A Swedish personnummer or samordningsnummer, validated and normalised to 12 digits.
///
/// Accepts 10 or 12 digits with or without a `-` or `+` separator before the last four. `+` means
/// the person is 100 or older; a 10-digit number takes the most recent century that makes the
/// person under 100 on the reference date (with `+`: 100 or more). Interim numbers (a letter in
/// position 9) are rejected: they are no identity in folkbokföringen.
public struct PersonalIdentityNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Personnummer or samordningsnummer.
    public enum Kind: String, Sendable {
        case personnummer
        case samordningsnummer
    }

    /// The normalised 12 digits, `YYYYMMDDNNNC` (made from `number` when asked: a small string, no allocation).
    public var digits: String {
        var twelve: (UInt64, UInt32) = (0, 0)
        return withUnsafeMutableBytes(of: &twelve) { out in
            writeDigits(to: out)
            return String(decoding: UnsafeRawBufferPointer(rebasing: out[0..<12]), as: UTF8.self)
        }
    }
    /// Birth date (for a samordningsnummer, with 60 taken off the day).
    public let birthDate: CalendarDate
    /// Personnummer or samordningsnummer.
    public let kind: Kind
    /// `K` (even ninth digit) or `M` (odd).
    public let sex: Sex
    /// The 12 digits as one integer (a compact key; `init(number:)` is its inverse).
    public let number: Int64

    /// Parses and validates `text`; `today` decides the century of a 10-digit number.
    public init(_ text: some StringProtocol, today: CalendarDate) throws(PersonalIdentityNumberError) {
        var input = String(text)
        try self.init(utf8: input.withUTF8 { Array($0)[...] }, today: today)
    }

    /// Parses and validates the UTF-8 (or ASCII) bytes of a number, as read from a file; the error
    /// names the text. Allocates nothing on the way to a valid number.
    public init(utf8 bytes: ArraySlice<UInt8>, today: CalendarDate) throws(PersonalIdentityNumberError) {
        func refuse(_ reason: PersonalIdentityNumberError.Reason) -> PersonalIdentityNumberError {
            .init(input: String(decoding: bytes, as: UTF8.self), reason: reason)
        }
        guard !bytes.isEmpty else { throw refuse(.empty) }
        let start = bytes.startIndex
        var length = bytes.count
        var separator: UInt8?
        if length == 11 || length == 13 {
            let candidate = bytes[start + length - 5]
            guard candidate == UInt8(ascii: "-") || candidate == UInt8(ascii: "+") else {
                throw refuse(Self.hasLetterInSerial(bytes) ? .interim : .malformed)
            }
            separator = candidate
            length -= 1
        }
        guard length == 10 || length == 12 else { throw refuse(.wrongLength) }
        // The digit values without the separator, YY(YY)MMDDNNNC, in a fixed buffer.
        var values: (UInt64, UInt64) = (0, 0)
        let digitsValid = withUnsafeMutableBytes(of: &values) { out in
            var position = 0
            for index in start..<(start + bytes.count) {
                let byte = bytes[index]
                if separator != nil, index == start + bytes.count - 5 { continue }
                let value = byte &- UInt8(ascii: "0")
                guard value <= 9 else { return false }
                out[position] = value
                position += 1
            }
            return true
        }
        guard digitsValid else { throw refuse(Self.hasLetterInSerial(bytes) ? .interim : .malformed) }
        func digit(_ position: Int) -> Int { withUnsafeBytes(of: values) { Int($0[position]) } }
        let first = length - 10 // where YYMMDDNNNC begins

        // Luhn over the ten digits YYMMDDNNNC.
        var sum = 0
        for index in 0..<10 {
            let value = digit(first + index)
            let weighted = index % 2 == 0 ? value * 2 : value
            sum += weighted > 9 ? weighted - 9 : weighted
        }
        guard sum % 10 == 0 else { throw refuse(.checkDigit) }

        // The birth number (three digits before the check digit) is never 000.
        guard digit(first + 6) != 0 || digit(first + 7) != 0 || digit(first + 8) != 0 else { throw refuse(.invalidSerial) }

        let yy = digit(first) * 10 + digit(first + 1)
        let month = digit(first + 2) * 10 + digit(first + 3)
        var day = digit(first + 4) * 10 + digit(first + 5)
        var kind = Kind.personnummer
        if day > 60 {
            day -= 60
            kind = .samordningsnummer
        }

        let year: Int
        if length == 12 {
            year = digit(0) * 1000 + digit(1) * 100 + yy
        } else {
            // The most recent century that makes the person under 100 (or, with "+", 100 or more).
            var candidate = (today.year / 100) * 100 + yy
            if let birthday = CalendarDate(year: candidate, month: month, day: day), birthday > today {
                candidate -= 100
            } else if CalendarDate(year: candidate, month: month, day: day) == nil, candidate > today.year {
                candidate -= 100
            }
            if separator == UInt8(ascii: "+") { candidate -= 100 }
            year = candidate
        }
        // Twelve digits whose century is 00–09 would give a year below 1000: no one's, and not a
        // number `init(number:)` (the compact key) can hold, so the two would disagree.
        guard year >= 1000, let birthDate = CalendarDate(year: year, month: month, day: day) else {
            throw refuse(.invalidDate)
        }
        if length == 12, separator == UInt8(ascii: "+"), birthDate.age(on: today) < 100 {
            throw refuse(.separatorMismatch)
        }
        self.birthDate = birthDate
        self.kind = kind
        self.sex = digit(first + 8) % 2 == 0 ? .female : .male
        var rest: Int64 = 0 // MMDDNNNC (day as written: +60 for a samordningsnummer)
        for index in 2..<10 { rest = rest * 10 + Int64(digit(first + index)) }
        number = Int64(year) * 100_000_000 + rest
    }

    /// The number whose 12 digits are `number` (the inverse of `number`), checked like a 12-digit
    /// text without a separator. For numbers kept as integers while a file is read; no text is parsed.
    public init(number: Int64) throws(PersonalIdentityNumberError) {
        func refuse(_ reason: PersonalIdentityNumberError.Reason) -> PersonalIdentityNumberError {
            .init(input: String(number), reason: reason)
        }
        guard number >= 1000_00_00_0000, number <= 9999_99_99_9999 else { throw refuse(.wrongLength) }
        let ten = Int(number % 10_000_000_000) // YYMMDDNNNC
        // Luhn over the ten digits, the first doubled.
        var sum = 0
        var rest = ten
        for index in 0..<10 {
            let value = rest % 10
            rest /= 10
            let weighted = index % 2 == 1 ? value * 2 : value // from the right: the check digit is not doubled
            sum += weighted > 9 ? weighted - 9 : weighted
        }
        guard sum % 10 == 0 else { throw refuse(.checkDigit) }
        let serial = ten / 10 % 1000
        guard serial != 0 else { throw refuse(.invalidSerial) }
        let year = Int(number / 100_000_000)
        let month = ten / 1_000_000 % 100
        var day = ten / 10_000 % 100
        var kind = Kind.personnummer
        if day > 60 {
            day -= 60
            kind = .samordningsnummer
        }
        guard let birthDate = CalendarDate(year: year, month: month, day: day) else { throw refuse(.invalidDate) }
        self.birthDate = birthDate
        self.kind = kind
        sex = serial % 2 == 0 ? .female : .male
        self.number = number
    }

    /// Writes the 12 ASCII digits to `buffer` (at least 12 bytes).
    public func writeDigits(to buffer: UnsafeMutableRawBufferPointer) {
        var rest = number
        for index in (0..<12).reversed() {
            buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// The 12 digits.
    public var description: String { digits }

    /// `YYYYMMDD-NNNC`, the form coordinators read.
    public var formatted: String {
        String(digits.prefix(8)) + "-" + String(digits.suffix(4))
    }

    // Equal numbers have equal everything else: the number alone decides.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.number == rhs.number }
    public func hash(into hasher: inout Hasher) { hasher.combine(number) }
    /// The order of the 12 digits as text (all numbers have 12).
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.number < rhs.number }

    private static func hasLetterInSerial(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.contains { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
    }
}

/// Legal sex as coded in the personnummer: `K` or `M`.
public enum Sex: String, Sendable, CaseIterable, Comparable {
    case female = "K"
    case male = "M"

    public static func < (lhs: Sex, rhs: Sex) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Why a personnummer was refused.
public struct PersonalIdentityNumberError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of refusal.
    public enum Reason: Sendable, Equatable {
        case empty, wrongLength, malformed, interim, checkDigit, invalidDate, invalidSerial, separatorMismatch
    }

    /// The text as given.
    public let input: String
    /// Why it was refused.
    public let reason: Reason

    /// A Swedish sentence for coordinators, naming the input.
    public var description: String {
        let what: String
        switch reason {
        case .empty: what = "är tomt"
        case .wrongLength: what = "ska ha 10 eller 12 siffror"
        case .malformed: what = "får bara innehålla siffror och ett '-' eller '+' före de fyra sista"
        case .interim: what = "är ett interimsnummer, som inte kan registreras"
        case .checkDigit: what = "har fel kontrollsiffra"
        case .invalidDate: what = "har inget giltigt födelsedatum"
        case .invalidSerial: what = "har födelsenumret 000, som aldrig tilldelas"
        case .separatorMismatch: what = "har '+' men personen är under 100 år"
        }
        return "ogiltigt personnummer '\(input)': \(what)"
    }
}
