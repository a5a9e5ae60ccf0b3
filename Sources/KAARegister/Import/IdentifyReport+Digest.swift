import KAACore
import KAACrypto

extension IdentifyReport {
    /// SHA-256 (hex) of what the run does: who enters and leaves and why, which details change or
    /// differ, which items are left for review, and the counts. A dry run and the real run on the
    /// same files and register have the same digest (review items' ids are left out: a dry run
    /// has none for new ones), so a commit can prove that it does what its preview showed.
    public var digest: String {
        var lines: [String] = ["date \(date)", "rows \(rows)", "population \(population)", "unchanged \(unchanged)"]
        lines += new.map { "in \($0.personnummer.digits) \($0.reason) \($0.occupation ?? "-")" }.sorted()
        lines += left.map { "out \($0.personnummer.digits) \($0.reason) \($0.date)" }.sorted()
        lines += detailChanges.map { "detail \($0.personnummer.digits) \($0.field.rawValue) \($0.isApplied) \($0.before ?? "\u{0}") \($0.extract)" }.sorted()
        lines += review.map { "review \($0.key)" }.sorted()
        return Crypto.sha256Hex(Array(lines.joined(separator: "\n").utf8))
    }
}

extension IdentifyReport.Review {
    /// Names an item the same way in a dry run and the real run (its kind, person and message;
    /// not its id): 32 hex digits, safe in a form field's name.
    static func key(kind: ReviewKind, personnummer: PersonalIdentityNumber, message: String) -> String {
        String(Crypto.sha256Hex(Array("\(kind.rawValue)\n\(personnummer.digits)\n\(message)".utf8)).prefix(32))
    }
}
