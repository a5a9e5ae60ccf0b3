/// A reporting period: a month (`2026-11`) or a half-year (`2026-H2`).
public enum Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    case month(year: Int, month: Int)
    case half(year: Int, half: Int)

    /// Parses `YYYY-MM` or `YYYY-H1`/`YYYY-H2`; nil for anything else.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)), year >= 1000,
              bytes[0..<4].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        if bytes[5] == UInt8(ascii: "H") {
            guard bytes[6] == UInt8(ascii: "1") || bytes[6] == UInt8(ascii: "2") else { return nil }
            self = .half(year: year, half: Int(bytes[6] - UInt8(ascii: "0")))
        } else {
            guard bytes[5...6].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let month = Int(String(decoding: bytes[5...6], as: UTF8.self)), (1...12).contains(month) else { return nil }
            self = .month(year: year, month: month)
        }
    }

    /// The month containing `date`.
    public static func month(of date: CalendarDate) -> Period {
        let (y, m, _) = date.components
        return .month(year: y, month: m)
    }

    /// The half-year containing `date`.
    public static func half(of date: CalendarDate) -> Period {
        let (y, m, _) = date.components
        return .half(year: y, half: m <= 6 ? 1 : 2)
    }

    /// Whether this is a month (else a half-year).
    public var isMonth: Bool {
        if case .month = self { return true }
        return false
    }

    /// The first day of the period.
    public var firstDay: CalendarDate {
        switch self {
        case let .month(year, month): return CalendarDate(year: year, month: month, day: 1) ?? CalendarDate(dayNumber: 0)
        case let .half(year, half): return CalendarDate(year: year, month: half == 1 ? 1 : 7, day: 1) ?? CalendarDate(dayNumber: 0)
        }
    }

    /// The last day of the period.
    public var lastDay: CalendarDate {
        next.firstDay.adding(days: -1)
    }

    /// The period right after this one, of the same kind.
    public var next: Period {
        switch self {
        case let .month(year, month): return month == 12 ? .month(year: year + 1, month: 1) : .month(year: year, month: month + 1)
        case let .half(year, half): return half == 2 ? .half(year: year + 1, half: 1) : .half(year: year, half: 2)
        }
    }

    /// The half-year this period belongs to.
    public var halfYear: Period {
        Period.half(of: firstDay)
    }

    /// Whether `date` lies in the period.
    public func contains(_ date: CalendarDate) -> Bool {
        date >= firstDay && date <= lastDay
    }

    /// The day figures are judged on: the period's last day, or `today` while the period runs.
    public func judgementDay(today: CalendarDate) -> CalendarDate {
        min(lastDay, today)
    }

    /// A period stays open until the end of the half-year after its own half-year (design §5).
    public func isFrozen(today: CalendarDate) -> Bool {
        today > halfYear.next.lastDay
    }

    /// Whether the period has begun on `today`.
    public func hasStarted(today: CalendarDate) -> Bool {
        firstDay <= today
    }

    /// The first date that is not frozen on `today`: writes dated before it are refused.
    public static func firstOpenDay(today: CalendarDate) -> CalendarDate {
        Period.half(of: today).previousHalf.firstDay
    }

    /// The half-year before this half-year (for a month: before its half-year).
    public var previousHalf: Period {
        switch halfYear {
        case let .half(year, half): return half == 1 ? .half(year: year - 1, half: 2) : .half(year: year, half: 1)
        case .month: return self // unreachable: halfYear is always a half
        }
    }

    /// Every month and half-year that has started and overlaps `from...today`, oldest first, months
    /// before half-years of the same start.
    public static func all(from start: CalendarDate, through today: CalendarDate) -> [Period] {
        var result: [Period] = []
        var month = Period.month(of: start)
        while month.firstDay <= today {
            result.append(month)
            month = month.next
        }
        var half = Period.half(of: start)
        while half.firstDay <= today {
            result.append(half)
            half = half.next
        }
        return result.sorted()
    }

    /// `2026-11` or `2026-H2`.
    /// Writes the 7 ASCII bytes of `description` to `buffer` (at least 7 bytes): no string is made.
    public func writeUTF8(to buffer: UnsafeMutableRawBufferPointer) {
        let (year, second, isHalf): (Int, Int, Bool)
        switch self {
        case let .month(y, m): (year, second, isHalf) = (y, m, false)
        case let .half(y, h): (year, second, isHalf) = (y, h, true)
        }
        buffer[0] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: year / 1000 % 10)
        buffer[1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: year / 100 % 10)
        buffer[2] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: year / 10 % 10)
        buffer[3] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: year % 10)
        buffer[4] = UInt8(ascii: "-")
        if isHalf {
            buffer[5] = UInt8(ascii: "H")
            buffer[6] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: second % 10)
        } else {
            buffer[5] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: second / 10 % 10)
            buffer[6] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: second % 10)
        }
    }

    public var description: String {
        var seven: UInt64 = 0
        return withUnsafeMutableBytes(of: &seven) { out in
            writeUTF8(to: out)
            return String(decoding: UnsafeRawBufferPointer(rebasing: out[0..<7]), as: UTF8.self)
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        if lhs.firstDay != rhs.firstDay { return lhs.firstDay < rhs.firstDay }
        return lhs.isMonth && !rhs.isMonth
    }
}
