import Foundation

/// Numbers as Swedish readers expect them: a decimal comma, "–" for a figure that does not exist.
public enum SwedishFormat {
    /// A share (0.163) as a percentage with one decimal: `16,3 %`.
    public static func percent(_ share: Double?) -> String {
        share.map { String(format: "%.1f %%", $0 * 100).replacingOccurrences(of: ".", with: ",") } ?? "–"
    }

    /// A count as a whole number, or a share as a percentage.
    public static func figure(_ value: Double?, isShare: Bool) -> String {
        guard let value else { return "–" }
        return isShare ? percent(value) : String(Int(value))
    }

    /// A date as a Swedish reader says it: `tisdag 1 december 2026`.
    public static func longDate(_ date: CalendarDate) -> String {
        let months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"]
        // 1970-01-01 (day 0) was a Thursday.
        let weekdays = ["torsdag", "fredag", "lördag", "söndag", "måndag", "tisdag", "onsdag"]
        let weekday = weekdays[((date.dayNumber % 7) + 7) % 7]
        return "\(weekday) \(date.day) \(months[max(0, min(11, date.month - 1))]) \(date.year)"
    }
}

extension SwedishFormat {
    /// A whole number as Swedish writes it: groups of three digits separated by a narrow no-break
    /// space (12 345).
    public static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append("\u{202F}") }
            grouped.append(digit)
        }
        return value < 0 ? "−" + grouped : grouped
    }
}
