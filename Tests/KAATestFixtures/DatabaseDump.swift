import KAASQLite

/// A textual dump of a database's tables, to show that an operation changed nothing.
public enum DatabaseDump {
    /// Every row of every table (except those named in `excluding`), in rowid order.
    public static func dump(_ path: String, excluding: Set<String> = []) throws -> String {
        let db = try Database(path: path)
        var text = ""
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .map { try $0.text(0) }.filter { !excluding.contains($0) }
        for table in tables {
            text += "## \(table)\n"
            for row in try db.query("SELECT * FROM \(table)") {
                text += row.values.map { "\($0)" }.joined(separator: "|") + "\n"
            }
        }
        return text
    }
}
