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

    /// The normalised 12 digits, `YYYYMMDDNNNC`.
    public let digits: String
    /// Birth date (for a samordningsnummer, with 60 taken off the day).
    public let birthDate: CalendarDate
    /// Personnummer or samordningsnummer.
    public let kind: Kind
    /// `K` (even ninth digit) or `M` (odd).
    public let sex: Sex

    /// Parses and validates `text`; `today` decides the century of a 10-digit number.
    public init(_ text: some StringProtocol, today: CalendarDate) throws(PersonalIdentityNumberError) {
        let input = String(text)
        var bytes = Array(input.utf8)
        guard !bytes.isEmpty else { throw .init(input: input, reason: .empty) }
        var separator: UInt8?
        if bytes.count == 11 || bytes.count == 13 {
            let candidate = bytes[bytes.count - 5]
            guard candidate == UInt8(ascii: "-") || candidate == UInt8(ascii: "+") else {
                throw .init(input: input, reason: Self.hasLetterInSerial(bytes) ? .interim : .malformed)
            }
            separator = candidate
            bytes.remove(at: bytes.count - 5)
        }
        guard bytes.count == 10 || bytes.count == 12 else { throw .init(input: input, reason: .wrongLength) }
        guard bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .init(input: input, reason: Self.hasLetterInSerial(bytes) ? .interim : .malformed)
        }
        let numbers = bytes.map { Int($0 - UInt8(ascii: "0")) }
        let tail = Array(numbers.suffix(10))

        // Luhn over the ten digits YYMMDDNNNC.
        var sum = 0
        for (index, digit) in tail.enumerated() {
            let weighted = index % 2 == 0 ? digit * 2 : digit
            sum += weighted > 9 ? weighted - 9 : weighted
        }
        guard sum % 10 == 0 else { throw .init(input: input, reason: .checkDigit) }

        // The birth number (three digits before the check digit) is never 000.
        guard tail[6] != 0 || tail[7] != 0 || tail[8] != 0 else { throw .init(input: input, reason: .invalidSerial) }

        let yy = tail[0] * 10 + tail[1]
        let month = tail[2] * 10 + tail[3]
        var day = tail[4] * 10 + tail[5]
        var kind = Kind.personnummer
        if day > 60 {
            day -= 60
            kind = .samordningsnummer
        }

        let year: Int
        if numbers.count == 12 {
            year = numbers[0] * 1000 + numbers[1] * 100 + yy
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
        guard let birthDate = CalendarDate(year: year, month: month, day: day) else {
            throw .init(input: input, reason: .invalidDate)
        }
        if numbers.count == 12, separator == UInt8(ascii: "+"),
           birthDate.age(on: today) < 100 {
            throw .init(input: input, reason: .separatorMismatch)
        }
        self.birthDate = birthDate
        self.kind = kind
        self.sex = tail[8] % 2 == 0 ? .female : .male
        let (y, _, _) = birthDate.components
        self.digits = CalendarDate.pad(y, 4) + String(decoding: bytes.suffix(8), as: UTF8.self)
    }

    /// The 12 digits.
    public var description: String { digits }

    /// `YYYYMMDD-NNNC`, the form coordinators read.
    public var formatted: String {
        String(digits.prefix(8)) + "-" + String(digits.suffix(4))
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.digits < rhs.digits }

    private static func hasLetterInSerial(_ bytes: [UInt8]) -> Bool {
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
