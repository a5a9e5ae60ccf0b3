import Foundation
import KAACore

/// Where the register learns "today" and "now": injected so tests and replays are deterministic.
public protocol RegisterClock: Sendable {
    /// Today's date in the kommun's time zone.
    var today: CalendarDate { get }
    /// The current instant as UTC ISO 8601 (`2026-11-23T19:44:00Z`), for audit rows.
    var now: String { get }
}

/// The system clock, with "today" taken in the kommun's time zone (design §5).
public struct SystemClock: RegisterClock {
    private let timeZone: TimeZone

    /// A clock for `timeZoneIdentifier` (`Europe/Stockholm`); nil if the zone is unknown.
    public init?(timeZoneIdentifier: String) {
        guard let zone = TimeZone(identifier: timeZoneIdentifier) else { return nil }
        timeZone = zone
    }

    public var today: CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CalendarDate(dayNumber: 0)
    }

    public var now: String { Self.utcTimestamp(Date()) }

    /// `YYYY-MM-DDTHH:MM:SSZ`, written byte by byte (every audit row has one).
    static func utcTimestamp(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
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
}

/// A clock whose date is fixed (`KAA_TODAY`), while audit times still follow the real clock.
public struct FixedDateClock: RegisterClock {
    public let today: CalendarDate

    public init(today: CalendarDate) {
        self.today = today
    }

    public var now: String { SystemClock.utcTimestamp(Date()) }
}
