/// Spreadsheet formula neutralisation for the CSV files people open (OWASP's CSV injection rule).
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
/// Excel and LibreOffice (`=HYPERLINK(…)` in a name), so such a cell is written with a single quote
/// in front, which the spreadsheet shows as text and hides. To make `kaa import history` read
/// `kaa export history` back exactly, a cell that begins with a quote followed by one of those
/// characters or by another quote also gets one, and `restored` removes exactly one.
public enum CSVCell {
    /// Whether `byte` starts a formula in a spreadsheet.
    static func startsFormula(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == 0x09 || byte == 0x0D
    }

    /// `field` as written to a CSV file for people: quoted in front when a spreadsheet would run it.
    public static func neutralised(_ field: String) -> String {
        var bytes = field.utf8.makeIterator()
        guard let first = bytes.next() else { return field }
        if startsFormula(first) { return "'" + field }
        if first == UInt8(ascii: "'"), let second = bytes.next(), startsFormula(second) || second == UInt8(ascii: "'") { return "'" + field }
        return field
    }

    /// The value `neutralised` was given: one leading quote removed where it added one.
    public static func restored(_ field: String) -> String {
        var bytes = field.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "'"), let second = bytes.next(), startsFormula(second) || second == UInt8(ascii: "'") else { return field }
        return String(field.dropFirst())
    }
}
