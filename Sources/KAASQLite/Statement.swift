internal import CSQLite

/// A prepared statement that owns its `sqlite3_stmt` and finalizes it when released.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL text, for error messages.
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw database.error(code: code, sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `arguments` to its parameters in order.
    public func bind(_ arguments: [SQLValue]) throws(SQLiteError) {
        try database.checkTransactionIsAlive(sql: sql)
        sqlite3_reset(handle)
        // Every parameter is bound below (the count is checked), so no clearing is needed.
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.count == expected else {
            throw SQLiteError(.range, message: "statement takes \(expected) arguments, got \(arguments.count)", sql: sql)
        }
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case let .integer(number): code = sqlite3_bind_int64(handle, index, number)
            case let .real(number): code = sqlite3_bind_double(handle, index, number)
            case let .text(text):
                // The UTF-8 in place with its length: no NUL-terminated copy is made first.
                // (An empty string still binds text, not NULL: its pointer is "".)
                var text = text
                code = text.withUTF8 { utf8 in
                    guard let base = utf8.baseAddress, utf8.count > 0 else { return sqlite3_bind_text(handle, index, "", 0, kaa_sqlite_transient) }
                    guard utf8.count <= Int(Int32.max) else { return SQLITE_TOOBIG }
                    return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(utf8.count), kaa_sqlite_transient)
                    }
                }
            case let .blob(bytes):
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), kaa_sqlite_transient)
                }
            }
            guard code == SQLITE_OK else { throw database.error(code: code, sql: sql) }
        }
    }

    /// Runs the statement to completion, ignoring rows.
    public func run(_ arguments: [SQLValue] = []) throws(SQLiteError) {
        try bind(arguments)
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Runs the statement and returns every row.
    public func rows(_ arguments: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        try bind(arguments)
        defer { sqlite3_reset(handle) }
        let names = columnNames
        var result: [Row] = []
        while try step() {
            result.append(Row(values: currentValues(), columnNames: names, sql: sql))
        }
        return result
    }

    /// Runs the statement and calls `body` for each row as it is read (rows are not kept).
    public func forEach(_ arguments: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        try bind(arguments)
        defer { sqlite3_reset(handle) }
        let names = columnNames
        while try step() {
            try body(Row(values: currentValues(), columnNames: names, sql: sql))
        }
    }

    /// Read once: a statement run many times would otherwise build the names on every call.
    private lazy var columnNames: [String] =
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }

    private func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(code: code, sql: sql)
        }
    }

    private func currentValues() -> [SQLValue] {
        (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
            case SQLITE_TEXT:
                // The length from SQLite, not a NUL terminator: a text may hold U+0000 and must come
                // back whole. (`column_bytes` is read after `column_text`, as SQLite asks.)
                guard let text = sqlite3_column_text(handle, column) else { return .text("") }
                let count = Int(sqlite3_column_bytes(handle, column))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, column))
                guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
                return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
            default: return .null
            }
        }
    }
}
