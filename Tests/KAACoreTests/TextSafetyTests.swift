import KAACore
import Testing

@Suite struct TextSafetyTests {
    @Test(arguments: ["\u{1B}[31m", "\u{0}", "\u{7}", "\u{7F}", "\u{85}", "\u{9B}", "\u{0B}", "\u{0C}", "\u{2028}", "\u{2029}",
                      "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
                      "\u{200E}", "\u{200F}", "\u{061C}", "\u{FEFF}"])
    func refusesControlAndBidiCharacters(_ text: String) {
        #expect(TextSafety.problem(in: "Anna" + text + "Berg") != nil)
        #expect(TextSafety.problem(in: "Anna" + text + "Berg", allowsLineBreaks: true) != nil)
    }

    @Test func acceptsNamesOfEveryScriptAndLineBreaksInFreeText() {
        for name in ["Åsa Öberg", "Zoë d'Arcy", "Ngọc Ánh", "محمد", "Иван", "李", "Nasrin\u{200C}Hosseini", "Ali Üz-Sağ"] {
            #expect(TextSafety.problem(in: name) == nil, "\(name)")
        }
        #expect(TextSafety.problem(in: "rad 1\nrad 2") != nil)
        #expect(TextSafety.problem(in: "rad 1\r\n\trad 2", allowsLineBreaks: true) == nil)
        #expect(TextSafety.problem(in: "A\u{202E}B")?.contains("U+202E") == true)
    }
}

@Suite struct CSVCellTests {
    @Test(arguments: ["=1+1", "+46701234567", "-2", "@SUM(A1)", "\tx", "\rx", "'", "'x", "'=x", "''", "''=x", "x=", "", "Åsa", "'''"])
    func neutralisedCellsAreRestoredExactly(_ text: String) {
        let written = CSVCell.neutralised(text)
        #expect(CSVCell.restored(written) == text)
        if let first = written.first { #expect(!"=+-@\t\r".contains(first), "\(written)") }
    }
}
