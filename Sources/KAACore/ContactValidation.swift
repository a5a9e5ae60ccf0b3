/// Checks and normalises phone numbers and e-mail addresses, the two contact details whose form
/// is known, so that every write path (a coordinator's entry, a folkbokföring extract, a history
/// import) stores them the same way and an extract's number compares equal to a coordinator's.
public enum ContactValidation {
    /// A Swedish message saying why a detail was refused; the caller adds the field's name.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The message, without the field.
        public let message: String
        /// The message.
        public var description: String { message }
    }

    /// A phone number in E.164 form (`+46701234567`): Swedish numbers written nationally
    /// (`070-123 45 67`, `08-123 456 78`) or internationally (`+46 70 123 45 67`, `0046 …`,
    /// `+46 (0)70 …`), and other countries' numbers with `+` or `00`. Spaces, hyphens, dots, slashes
    /// brackets and no-break spaces are separators; anything else (letters, a second `+`, notes) is refused.
    public static func phone(_ text: String) throws(Problem) -> String {
        let trimmed = text.trimmingWhitespace
        let refusal = Problem(message: "ogiltigt telefonnummer '\(Self.shown(trimmed))'; ange t.ex. 070-123 45 67, 08-123 456 78 eller +46 70 123 45 67")
        var digits: [UInt8] = []
        var international = false
        var previous: Character = " "
        for (index, character) in trimmed.enumerated() {
            defer { previous = character }
            switch character {
            case "+" where index == 0:
                international = true
            case "0"..."9":
                digits.append(UInt8(character.asciiValue ?? 48) - 48)
            case " ", "\u{A0}", "\u{202F}", "-", "\u{2010}", "\u{2011}", "\u{2013}", ".", "/":
                // Spaces (also the no-break ones a word processor leaves) and dashes only group digits.
                continue
            case "(", ")":
                // "+46 (0)70 …": the bracketed trunk zero is dropped; other brackets are separators.
                if character == ")", previous == "0", international, digits.last == 0, digits.count == 3 {
                    digits.removeLast()
                }
                continue
            default:
                throw refusal
            }
        }
        if !international, digits.starts(with: [0, 0]) {
            international = true
            digits.removeFirst(2)
        }
        let national: [UInt8]
        if international {
            guard let first = digits.first, first != 0 else { throw refusal }
            guard digits.starts(with: [4, 6]) else {
                // Another country: E.164 allows at most 15 digits; fewer than 7 is no number anywhere.
                guard (7...15).contains(digits.count) else { throw refusal }
                return "+" + digits.map(String.init).joined()
            }
            national = Array(digits.dropFirst(2))
        } else {
            // A national number starts with the trunk zero (then the area code or 7 for mobiles).
            guard digits.first == 0 else { throw refusal }
            national = Array(digits.dropFirst())
        }
        // Swedish national significant numbers have 7 to 9 digits and do not begin with 0.
        guard (7...9).contains(national.count), national.first != 0 else { throw refusal }
        return "+46" + national.map(String.init).joined()
    }

    /// An e-mail address with its domain in lower case and surrounding spaces removed: one `@`,
    /// a local part of printable ASCII without spaces or `<>()[],;:\"`, a domain of at least two
    /// labels (letters, digits, hyphens) whose last is at least two letters.
    public static func email(_ text: String) throws(Problem) -> String {
        let trimmed = text.trimmingWhitespace
        let refusal = Problem(message: "ogiltig e-postadress '\(Self.shown(trimmed))'; ange t.ex. namn@exempel.se")
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2 else { throw refusal }
        let local = parts[0], domain = parts[1].lowercased()
        let forbidden: Set<Character> = ["<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\"", " "]
        guard (1...64).contains(local.utf8.count), local.allSatisfy({ $0.isASCII && !$0.isWhitespace && ($0.asciiValue ?? 0) > 32 && ($0.asciiValue ?? 0) < 127 && !forbidden.contains($0) }),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { throw refusal }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
        }), let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter) else { throw refusal }
        return "\(local)@\(domain)"
    }

    /// Text for a message: at most 40 characters, control characters shown as `?`.
    static func shown(_ text: String) -> String {
        String(String(text.map { $0.isASCII && ($0.asciiValue ?? 0) < 32 ? "?" : $0 }).prefix(40))
    }
}
