/// Text made safe for a roff (man) page: what `man`, `groff -man -ww` and lintian read without a
/// warning, whatever the help says.
enum Roff {
    /// One line of running text: backslashes, hyphens and quotes escaped, a leading `.` or `'` (a
    /// control line) defused, and every non-ASCII character as a groff glyph, so the page is ASCII
    /// and reads the same under any input encoding.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\e"
            case "-": out += "\\-"
            case "'": out += "\\(aq"
            case "`": out += "\\(ga"
            case "\t": out += " "
            case "\n", "\r": out += " "
            default:
                if let glyph = glyphs[scalar] {
                    out += glyph
                } else if scalar.isASCII, scalar.value >= 0x20, scalar.value != 0x7F {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    continue // control characters have no place on a page
                } else {
                    out += "\\[u" + hex(scalar.value) + "]"
                }
            }
        }
        if out.hasPrefix(".") { out = "\\&" + out }
        return out
    }

    /// Text in bold (a command, an option).
    static func bold(_ text: String) -> String { "\\fB" + escape(text) + "\\fR" }
    /// Text in italics (a placeholder, a file).
    static func italic(_ text: String) -> String { "\\fI" + escape(text) + "\\fR" }

    /// A paragraph of help text: plain lines are filled by the formatter; a paragraph with indented
    /// or listed lines keeps its layout (`.nf`).
    static func paragraphs(_ text: String) -> String {
        var out = ""
        let blocks = text.components(separatedBy: "\n\n").map { $0.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
        for lines in blocks where !lines.isEmpty {
            out += ".PP\n"
            let keepsLayout = lines.dropFirst().contains { $0.hasPrefix(" ") || $0.hasPrefix("-") || $0.hasPrefix("•") }
                || lines.first.map { $0.hasPrefix(" ") } == true
            if keepsLayout {
                out += ".nf\n" + lines.map { escape($0) + "\n" }.joined() + ".fi\n"
            } else {
                out += lines.map { line in escape(line.trimmingLeadingSpaces()) + "\n" }.joined()
            }
        }
        return out
    }

    // Swedish letters by their classic groff names (readable in the source); the rest as \[uXXXX].
    private static let glyphs: [Unicode.Scalar: String] = [
        "å": "\\(oa", "ä": "\\(:a", "ö": "\\(:o", "Å": "\\(oA", "Ä": "\\(:A", "Ö": "\\(:O", "é": "\\('e", "§": "\\(sc",
        "—": "\\(em", "–": "\\(en", "\u{00A0}": "\\~",
    ]

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    fileprivate func trimmingLeadingSpaces() -> String {
        String(drop { $0 == " " })
    }
}
