#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP dates (RFC 9110 §5.6.7) as seconds since 1970, written and read with the C library's
/// `strftime`, `strptime` and `timegm` in the "C" locale's English names.
public enum HTTPDate {
    /// `Sun, 06 Nov 1994 08:49:37 GMT` for `seconds` since 1970 (UTC).
    public static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "Thu, 01 Jan 1970 00:00:00 GMT" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The seconds since 1970 of an HTTP date, or nil for anything else. The preferred
    /// IMF-fixdate and the obsolete RFC 850 and asctime forms are accepted (recipients must,
    /// RFC 9110 §5.6.7); a value with anything else in it, or longer than any date, is not.
    /// (Glibc's `strptime` is not visible to Swift; the three forms are fixed, so they are read
    /// here and only the calendar arithmetic is left to `timegm`.)
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingASCIIWhitespace
        guard !trimmed.isEmpty, trimmed.utf8.count <= 40, trimmed.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let day, month, year: Int?
        let clock: String
        switch words.count {
        case 6 where words[0].count == 4 && words[0].hasSuffix(",") && words[5] == "GMT":
            // Sun, 06 Nov 1994 08:49:37 GMT
            guard words[1].count == 2, words[3].count == 4, days.contains(String(words[0].dropLast())) else { return nil }
            (day, month, year, clock) = (number(words[1]), months.firstIndex(of: words[2]), number(words[3]), words[4])
        case 4 where words[0].hasSuffix(",") && words[3] == "GMT":
            // Sunday, 06-Nov-94 08:49:37 GMT (a two-digit year in 1970…2069)
            let date = words[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard date.count == 3, date[0].count == 2, date[2].count == 2, let short = number(date[2]),
                  longDays.contains(String(words[0].dropLast())) else { return nil }
            (day, month, year, clock) = (number(date[0]), months.firstIndex(of: date[1]), short < 70 ? 2000 + short : 1900 + short, words[2])
        case 5:
            // Sun Nov  6 08:49:37 1994
            guard days.contains(words[0]), (1...2).contains(words[2].count), words[4].count == 4 else { return nil }
            (day, month, year, clock) = (number(words[2]), months.firstIndex(of: words[1]), number(words[4]), words[3])
        default:
            return nil
        }
        let time = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard let day, let month, let year, time.count == 3, time.allSatisfy({ $0.count == 2 }),
              let hour = number(time[0]), let minute = number(time[1]), let second = number(time[2]),
              (1...31).contains(day), (1970...9999).contains(year), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalises 31 Feb to 3 Mar: such a date is not a date.
        guard seconds >= 0, parts.tm_mday == Int32(day), parts.tm_mon == Int32(month) else { return nil }
        return Int(seconds)
    }

    /// A number written in ASCII digits only (`Int` would take `+9`).
    private static func number(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    private static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

extension String {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace).
    var trimmingASCIIWhitespace: String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
