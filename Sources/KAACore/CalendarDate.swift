/// A calendar date (no time, no zone), as the register uses them: ISO `YYYY-MM-DD`.
///
/// Stored as a day number so that comparisons and day arithmetic are integer operations.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public let dayNumber: Int

    /// The date with this day number.
    public init(dayNumber: Int) {
        self.dayNumber = dayNumber
    }

    /// The date with these components, or nil when they name no real date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        dayNumber = CalendarDate.days(year: year, month: month, day: day)
    }

    /// Parses a strict ISO date `YYYY-MM-DD`; nil for anything else.
    public init?(iso text: some StringProtocol) {
        self.init(isoBytes: Array(text.utf8)[...])
    }

    /// `YYYY-MM-DD` as bytes read from a file.
    public init?(isoBytes bytes: ArraySlice<UInt8>) {
        let base = bytes.startIndex
        guard bytes.count == 10, bytes[base + 4] == UInt8(ascii: "-"), bytes[base + 7] == UInt8(ascii: "-") else { return nil }
        guard let year = CalendarDate.number(bytes[base..<base + 4]),
              let month = CalendarDate.number(bytes[base + 5..<base + 7]),
              let day = CalendarDate.number(bytes[base + 8..<base + 10]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Year, month and day of this date.
    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    public var year: Int { components.year }
    public var month: Int { components.month }
    public var day: Int { components.day }

    /// The date `count` days later (earlier when negative).
    public func adding(days count: Int) -> CalendarDate {
        CalendarDate(dayNumber: dayNumber + count)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int {
        other.dayNumber - dayNumber
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for a moment in whole seconds since 1970 (UTC), written byte by byte:
    /// the register's audit rows and the hub's records each carry one.
    public static func utcTimestamp(secondsSince1970 seconds: Int) -> String {
        let day = CalendarDate(dayNumber: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = seconds - day.dayNumber * 86_400
        let (year, month, dayOfMonth) = day.components
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &text) { out in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var rest = value
                for position in (offset..<offset + width).reversed() {
                    out[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
            }
            put(year, 4, at: 0)
            put(month, 2, at: 5)
            put(dayOfMonth, 2, at: 8)
            put(rest / 3600, 2, at: 11)
            put(rest / 60 % 60, 2, at: 14)
            put(rest % 60, 2, at: 17)
            out[4] = UInt8(ascii: "-")
            out[7] = UInt8(ascii: "-")
            out[10] = UInt8(ascii: "T")
            out[13] = UInt8(ascii: ":")
            out[16] = UInt8(ascii: ":")
            out[19] = UInt8(ascii: "Z")
            return String(decoding: UnsafeRawBufferPointer(rebasing: out[0..<20]), as: UTF8.self)
        }
    }

    /// ISO `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        return CalendarDate.pad(y, 4) + "-" + CalendarDate.pad(m, 2) + "-" + CalendarDate.pad(d, 2)
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        lhs.dayNumber < rhs.dayNumber
    }

    /// Whether `year` is a leap year in the Gregorian calendar.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil.
    private static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
