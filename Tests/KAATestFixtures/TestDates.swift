import KAACore

/// Dates the tests share.
public enum TestDates {
    /// The design's reference day: open periods are 2026-H1, 2026-H2 and 2026-01 … 2026-11.
    public static let today = date("2026-11-23")

    /// A date from ISO text (a test's own literal).
    public static func date(_ text: String) -> CalendarDate {
        guard let date = CalendarDate(iso: text) else { preconditionFailure("bad test date \(text)") }
        return date
    }
}
