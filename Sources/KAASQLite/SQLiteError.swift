internal import CSQLite
import KAASystem

/// An SQLite failure: result code, SQLite's message and the SQL (never its arguments).
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// A primary SQLite result code by name (sqlite3.h), so that no caller compares with a bare number.
    public struct ResultCode: RawRepresentable, Sendable, Hashable {
        /// The C value.
        public let rawValue: Int32
        /// Makes a code from its C value.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `SQLITE_ERROR`: a generic error (bad SQL, a missing table).
        public static let error = ResultCode(rawValue: SQLITE_ERROR)
        /// `SQLITE_ABORT`: the operation or the whole transaction was rolled back.
        public static let abort = ResultCode(rawValue: SQLITE_ABORT)
        /// `SQLITE_BUSY`: the file is locked by another connection.
        public static let busy = ResultCode(rawValue: SQLITE_BUSY)
        /// `SQLITE_LOCKED`: a table is locked within this connection's shared cache.
        public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
        /// `SQLITE_CANTOPEN`: the file could not be opened or created.
        public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
        /// `SQLITE_CONSTRAINT`: a CHECK, FOREIGN KEY, UNIQUE, NOT NULL or RAISE(ABORT) refused the write.
        public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
        /// `SQLITE_FULL`: the disk (or the database's page limit) is full; the write was rolled back.
        public static let full = ResultCode(rawValue: SQLITE_FULL)
        /// `SQLITE_MISMATCH`: a value is not of the type expected.
        public static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
        /// `SQLITE_MISUSE`: the library was used against its rules.
        public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
        /// `SQLITE_RANGE`: a parameter index or count is wrong.
        public static let range = ResultCode(rawValue: SQLITE_RANGE)
    }

    /// The primary or extended result code.
    public let code: Int32
    /// SQLite's message (or ours, for decoding errors).
    public let message: String
    /// The statement that failed, if any.
    public let sql: String?
    /// The system call behind the failure, when the file itself could not be made or opened.
    public let systemError: SystemError?

    /// An error with SQLite's (primary or extended) result code as a number.
    public init(code: Int32, message: String, sql: String? = nil, systemError: SystemError? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.systemError = systemError
    }

    /// An error with a named primary result code.
    public init(_ code: ResultCode, message: String, sql: String? = nil) {
        self.init(code: code.rawValue, message: message, sql: sql)
    }

    /// The primary result code (the low byte).
    public var primaryCode: Int32 { code & 0xFF }

    /// The primary result code by name.
    public var resultCode: ResultCode { ResultCode(rawValue: primaryCode) }

    /// Whether a constraint (CHECK, FOREIGN KEY, UNIQUE, NOT NULL, RAISE(ABORT)) refused the write.
    public var isConstraintViolation: Bool { resultCode == .constraint }

    /// Whether the database was locked or busy past the timeout.
    public var isBusy: Bool { resultCode == .busy || resultCode == .locked }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " (SQL: \(sql.split(whereSeparator: \.isNewline).joined(separator: " ")))" }
        return text
    }
}
