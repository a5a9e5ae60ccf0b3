/// Field readers shared by every import format.
public enum ImportFields {
    /// A personnummer in any accepted format.
    public static func personnummer(_ text: String?, today: CalendarDate) throws(ImportFieldError) -> PersonalIdentityNumber {
        guard let text else { throw ImportFieldError("personnummer saknas") }
        do {
            return try PersonalIdentityNumber(text, today: today)
        } catch {
            throw ImportFieldError(error.description)
        }
    }

    /// An ISO date.
    public static func date(_ text: String?, column: String) throws(ImportFieldError) -> CalendarDate {
        guard let text else { throw ImportFieldError("\(column) saknas") }
        guard let date = CalendarDate(iso: text) else { throw ImportFieldError("\(column): ogiltigt datum '\(text)' (ÅÅÅÅ-MM-DD)") }
        return date
    }

    /// An optional ISO date.
    public static func optionalDate(_ text: String?, column: String) throws(ImportFieldError) -> CalendarDate? {
        guard let text else { return nil }
        return try date(text, column: column)
    }

    /// J/N, ja/nej, 1/0, true/false (any case) as bytes; empty is false.
    public static func flag(_ bytes: ArraySlice<UInt8>?, column: String) throws(ImportFieldError) -> Bool {
        guard let bytes else { return false }
        if bytes.count == 1 {
            switch bytes[bytes.startIndex] | 0x20 {
            case UInt8(ascii: "n"), UInt8(ascii: "0"): return false
            case UInt8(ascii: "j"), UInt8(ascii: "1"), UInt8(ascii: "y"): return true
            default: break
            }
        }
        return try flag(String(decoding: bytes, as: UTF8.self), column: column)
    }

    /// J/N, ja/nej, 1/0, true/false (any case); empty is false.
    public static func flag(_ text: String?, column: String) throws(ImportFieldError) -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "j", "ja", "1", "true", "y", "yes": return true
        case "n", "nej", "0", "false", "no": return false
        default: throw ImportFieldError("\(column): '\(text)' ska vara J eller N")
        }
    }
}
