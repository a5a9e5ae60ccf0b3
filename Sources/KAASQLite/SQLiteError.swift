/// An SQLite failure: result code, SQLite's message and the SQL (never its arguments).
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The primary or extended result code.
    public let code: Int32
    /// SQLite's message (or ours, for decoding errors).
    public let message: String
    /// The statement that failed, if any.
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte).
    public var primaryCode: Int32 { code & 0xFF }

    /// Whether a constraint (CHECK, FOREIGN KEY, UNIQUE, NOT NULL, RAISE(ABORT)) refused the write.
    public var isConstraintViolation: Bool { primaryCode == 19 }

    /// Whether the database was locked or busy past the timeout.
    public var isBusy: Bool { primaryCode == 5 || primaryCode == 6 }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (SQL: \(sql.split(whereSeparator: \.isNewline).joined(separator: " ")))" }
        return text
    }
}
