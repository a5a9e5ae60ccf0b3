/// The one check for characters that may not be stored in a name, an address or free text, used
/// by every input (command-line values, import files, and any future form) so all refuse alike.
///
/// Control characters (ESC sequences, NUL…), line and paragraph separators (VT, FF, U+0085,
/// U+2028, U+2029) and bidirectional overrides (U+202E…) can rewrite a terminal, split a line in a
/// CSV file a coordinator opens, or make a name read backwards on a letter; none belongs in a
/// person's details. Multi-line free text may keep line feeds, carriage returns and tabs.
public enum TextSafety {
    /// The first character in `text` that may not be stored, or nil when there is none.
    public static func forbiddenCharacter(in text: String, allowsLineBreaks: Bool = false) -> Unicode.Scalar? {
        // The common case, printable ASCII, never needs the scalar table.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return nil }
        return text.unicodeScalars.first { isForbidden($0, allowsLineBreaks: allowsLineBreaks) }
    }

    /// Whether `scalar` may not be stored (see the type's summary).
    public static func isForbidden(_ scalar: Unicode.Scalar, allowsLineBreaks: Bool = false) -> Bool {
        if allowsLineBreaks, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
        switch scalar.value {
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0xFEFF:
            // Bidirectional marks, embeddings, overrides and isolates; a stray byte order mark.
            return true
        default:
            break
        }
        // Unicode's control category (Cc) is exactly C0, DEL and C1, and the line and paragraph
        // separator categories hold one character each, so value ranges decide without the scalar
        // property table (which cost 4 % of identify on names with å, ä and ö).
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// A Swedish message for `text`'s first forbidden character (the caller names the field), or nil.
    public static func problem(in text: String, allowsLineBreaks: Bool = false) -> String? {
        guard let scalar = forbiddenCharacter(in: text, allowsLineBreaks: allowsLineBreaks) else { return nil }
        let code = String(scalar.value, radix: 16, uppercase: true)
        return "får inte innehålla styrtecken eller dolda riktningstecken (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code))"
    }
}
