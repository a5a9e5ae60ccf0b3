import KAASQLite

extension Register {
    /// Writes a consistent copy of the register to `path` (SQLite's online backup API).
    public func backup(to path: String) throws(RegisterError) {
        do {
            try database.backup(to: path)
            try database.write { try audit("backup") }
        } catch {
            throw .wrap(error)
        }
    }
}
