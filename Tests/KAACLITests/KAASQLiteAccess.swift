import KAASQLite

/// Direct database access for tests that inspect or tamper with a register file.
enum KAASQLiteAccess {
    static func open(_ path: String) throws -> Database {
        try Database(path: path)
    }
}
