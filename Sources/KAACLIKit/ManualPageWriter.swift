import Foundation

/// Writes a program's manual pages into a folder all at once: every page is written into a fresh
/// folder beside them first and moved into place only when all are whole, so a failure leaves the
/// folder as it was.
enum ManualPageWriter {
    /// The date of a page when SOURCE_DATE_EPOCH is not set: fixed, so the pages are the same on
    /// every machine and the committed ones can be compared with what the programs make.
    static let fixedDate = "2026-12-01"

    /// `ÅÅÅÅ-MM-DD` of SOURCE_DATE_EPOCH (reproducible builds) in UTC, else the fixed date.
    static func date(environment: [String: String]) throws -> String {
        guard let text = environment["SOURCE_DATE_EPOCH"], !text.isEmpty else { return fixedDate }
        guard text.allSatisfy(\.isASCII), let seconds = Int64(text), seconds >= 0, seconds < 253_402_300_800 else {
            throw CommandLineError.badValue(argument: "SOURCE_DATE_EPOCH", message: "'\(text)' är inte sekunder sedan 1970 (ett heltal)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return padded(parts.year, 4) + "-" + padded(parts.month, 2) + "-" + padded(parts.day, 2)
    }

    /// Writes `pages` into `directory`, which must exist.
    static func write(_ pages: [(name: String, text: String)], into directory: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw CommandLineError.badValue(argument: "--man", message: "katalogen '\(directory)' finns inte")
        }
        guard isDirectory.boolValue else {
            throw CommandLineError.badValue(argument: "--man", message: "'\(directory)' är ingen katalog")
        }
        var template = Array((directory + "/.man-XXXXXX").utf8CString)
        let staging: String = try template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else {
                throw CommandLineError.failed("kan inte skriva manualsidorna i katalogen '\(directory)': \(String(cString: strerror(errno)))")
            }
            return String(cString: base)
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        // mkdtemp makes the folder 0700; the pages are for everyone to read.
        chmod(staging, 0o755)
        for page in pages {
            let path = staging + "/" + page.name
            guard FileManager.default.createFile(atPath: path, contents: Data(page.text.utf8), attributes: [.posixPermissions: 0o644]) else {
                throw CommandLineError.failed("kan inte skriva manualsidan '\(page.name)' i katalogen '\(directory)'")
            }
        }
        for page in pages where rename(staging + "/" + page.name, directory + "/" + page.name) != 0 {
            throw CommandLineError.failed("kan inte flytta manualsidan '\(page.name)' till katalogen '\(directory)': \(String(cString: strerror(errno)))")
        }
    }
}
