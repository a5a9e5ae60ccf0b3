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

    /// `YYYY-MM-DDTHH:MM:SSZ` (every audit row has one).
    static func utcTimestamp(_ date: Date) -> String {
        CalendarDate.utcTimestamp(secondsSince1970: Int(date.timeIntervalSince1970.rounded(.down)))
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
