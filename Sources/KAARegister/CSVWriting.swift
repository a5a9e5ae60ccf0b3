import Foundation
import KAACore
import KAASystem

/// Excel-friendly CSV for people to open: `;`, UTF-8 with BOM, CRLF, quoted where needed, every
/// cell neutralised against formulas (`CSVCell`), written as a private file (`PrivateFiles`).
public enum CSVWriting {
    /// The bytes of `rows` as such a file.
    public static func bytes(_ rows: [[String]]) -> [UInt8] {
        func quoted(_ raw: String) -> String {
            let field = CSVCell.neutralised(raw)
            return field.contains(";") || field.contains("\"") || field.contains("\n") || field.contains("\r")
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        let text = rows.map { $0.map(quoted).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// Writes `rows` to `path` (mode 0600 from the start, whole or not at all).
    public static func write(_ rows: [[String]], to path: String) throws(SystemError) {
        try PrivateFiles.write([PrivateFiles.File(path: path, bytes: bytes(rows))])
    }
}
