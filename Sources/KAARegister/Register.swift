import Foundation
import KAACore
import KAACrypto
import KAAResources
import KAASQLite

/// A kommun's KAA register: one SQLite file (design §5).
///
/// Every operation that reads or writes a person's data runs in one transaction that also writes
/// its audit row, so a failure midway leaves nothing behind and nothing goes unlogged.
public final class Register {
    /// The connection (tests and admin tools reach it directly).
    public let database: Database
    /// Where "today" comes from.
    public let clock: any RegisterClock
    /// The staff member every read and write is attributed to: the OS user for a command, the
    /// login of the staff member a web request acts for (`acting(as:_:)`).
    public internal(set) var staff: String
    /// The logged-in staff member a web request acts for; nil for a command (kommun IT at the
    /// shell, who reaches everything). What they may see is decided in `Register+Access.swift`.
    public internal(set) var viewer: Viewer?
    /// A person a granskare asked to see from the log view, for the one request that asked.
    var reviewGrant: Int64?
    /// Whether this connection belongs to the web server (`kaa web`): then every audit row it
    /// writes says `via = web`, also those written before anyone is logged in (login attempts,
    /// session starts and expiries), which name the login tried.
    public var servesWeb = false
    /// A long-running server's answers kept while the register stands still (`ViewCache`), shared
    /// by its connections; nil (a command) computes every answer.
    public var viewCache: ViewCache?
    /// A hash with the configured parameters that no password matches, made once per connection
    /// (`Register+Staff.swift`).
    lazy var unknownAccountHash: String = makeUnknownAccountHash()
    /// While a `readAudited` body runs, the audit rows it asks for, written after its read.
    var deferredAudits: [() throws -> Void]?
    /// The configuration in force.
    public let configuration: RegisterConfiguration
    /// The kommun code this register belongs to.
    public let kommun: String
    /// The code lists.
    public let catalog = CodeCatalog.builtIn
    let cellKeySecret: [UInt8]
    /// The episodes this opening closed at the 20th birthday (`closeEpisodesAtTwentieth`), for a
    /// command that reports who left (identify).
    public private(set) var closedAtOpening: [Int64] = []
    /// `cellKeySecret` prepared for the many period keys of a night or an extract.
    let cellKey: HMACSHA256Key

    /// The register's migrations, embedded from `migrations/register/`.
    public static let migrator: Migrator = {
        do {
            return try Migrator(files: EmbeddedFiles.files(under: "migrations/register"))
        } catch {
            preconditionFailure("the embedded register migrations are invalid: \(error)")
        }
    }()

    private init(database: Database, clock: any RegisterClock, staff: String, configuration: RegisterConfiguration) throws {
        self.database = database
        self.clock = clock
        self.staff = staff
        self.configuration = configuration
        guard let kommun = try database.queryOne("SELECT value FROM setting WHERE key = 'kommun'")?.text(0),
              let secret = try database.queryOne("SELECT value FROM secret WHERE name = 'cell_key'")?.blob(0) else {
            throw RegisterError.notInitialised(path: database.path)
        }
        self.kommun = kommun
        self.cellKeySecret = secret
        self.cellKey = try HMACSHA256Key(key: secret)
    }

    /// "Today" in the kommun.
    public var today: CalendarDate { clock.today }

    // MARK: - Creating and opening

    /// Creates a new register for `kommun` at `path` (mode 0600), with a fresh cell-key secret.
    /// On failure nothing is left behind.
    public static func create(at path: String, kommun: String, clock: any RegisterClock, staff: String,
                              configuration: RegisterConfiguration = RegisterConfiguration()) throws(RegisterError) -> Register {
        guard Kommuner.all[kommun] != nil else {
            throw .invalidInput(field: "--kommun", message: "okänd kommunkod '\(kommun)' (fyra siffror, t.ex. 0380 för Uppsala)")
        }
        // Created with O_EXCL (no check-then-create race): anything already at `path`, a file another
        // process made or a planted link, is refused and left alone. Only a file made here is removed.
        let database: Database
        do {
            database = try Database(path: path, options: Database.Options(create: true))
        } catch where error.systemError?.errno == EEXIST {
            throw .alreadyInitialised(path: path)
        } catch {
            throw .database(error)
        }
        do {
            try migrate(database, clock: clock, path: path)
            try database.write {
                try seed(database)
                let settings: [(String, String)] = [
                    ("kommun", kommun), ("created_on", clock.today.description),
                    ("audit_retention_months", String(configuration.auditRetentionMonths)),
                ]
                for (key, value) in settings {
                    try database.execute("INSERT INTO setting (key, value) VALUES (?, ?)", [.text(key), .text(value)])
                }
                try database.execute("INSERT INTO secret (name, value) VALUES ('cell_key', ?)", [.blob(try Crypto.randomBytes(32))])
            }
            let register = try Register(database: database, clock: clock, staff: staff, configuration: configuration)
            try database.write { try register.audit("init", detail: "kommun=\(kommun)") }
            return register
        } catch {
            // The file is ours (created above with O_EXCL), so removing it takes nobody else's.
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            throw .wrap(error)
        }
    }

    /// Opens an existing register, bringing its schema up to date (after a backup) when needed.
    ///
    /// Opening closes every episode still open on its 20th birthday (`closeEpisodesAtTwentieth`), so
    /// that any command and the nightly job keep the register within the law. `writesAutomaticCloses:
    /// false` (`sync --dry-run`, which promises to write nothing) skips that write; every read then
    /// computes as if the close were done, so what it shows is what the real run will do.
    public static func open(at path: String, clock: any RegisterClock, staff: String,
                            configuration: RegisterConfiguration = RegisterConfiguration(),
                            writesAutomaticCloses: Bool = true) throws(RegisterError) -> Register {
        guard FileManager.default.fileExists(atPath: path) else { throw .notInitialised(path: path) }
        do {
            let database = try Database(path: path)
            guard try database.queryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'") != nil else {
                throw RegisterError.notInitialised(path: path)
            }
            if try migrate(database, clock: clock, path: path) {
                try database.write { try seed(database) }
            }
            let register = try Register(database: database, clock: clock, staff: staff, configuration: configuration)
            try register.applyConfiguration()
            if writesAutomaticCloses { register.closedAtOpening = try register.closeEpisodesAtTwentieth() }
            return register
        } catch {
            throw .wrap(error)
        }
    }

    /// Applies pending migrations; before the first on a register with data, takes a backup beside it.
    @discardableResult
    static func migrate(_ database: Database, clock: any RegisterClock, path: String) throws -> Bool {
        let applied = try migrator.migrate(database, now: clock.now) { fromVersion in
            let stamp = clock.now.filter { $0.isNumber }
            try database.backup(to: "\(path).before-v\(migrator.latestVersion)-from-v\(fromVersion)-\(stamp).sqlite")
        }
        return !applied.isEmpty
    }

    /// Loads code lists, counties and kommuner from the embedded seeds (insert or relabel; never delete).
    static func seed(_ database: Database) throws {
        // A list whose table a later migration makes is seeded after that migration (a register
        // seeded at an older version, as the migration tests make one).
        let tables = Set(try database.query("SELECT name FROM sqlite_master WHERE type = 'table'").map { try $0.text(0) })
        for code in CodeCatalog.builtIn.codes where tables.contains(code.list.tableName) {
            try database.execute(
                "INSERT INTO \(code.list.tableName) (code, label) VALUES (?, ?) ON CONFLICT(code) DO UPDATE SET label = excluded.label",
                [.text(code.code), .text(code.label)])
        }
        for (code, name) in Kommuner.counties {
            try database.execute("INSERT INTO county (code, name) VALUES (?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name",
                                 [.text(code), .text(name)])
        }
        for kommun in Kommuner.all.values {
            try database.execute(
                "INSERT INTO kommun (code, name, county) VALUES (?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name, county = excluded.county",
                [.text(kommun.code), .text(kommun.name), .text(kommun.county)])
        }
    }

    private func applyConfiguration() throws {
        let stored = try database.queryOne("SELECT value FROM setting WHERE key = 'audit_retention_months'")?.text(0)
        // A retention changed in Inställningar stays over the config file's.
        let wanted = String(try auditRetentionInForce())
        if stored != wanted {
            try database.write {
                try database.execute("INSERT INTO setting (key, value) VALUES ('audit_retention_months', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [.text(wanted)])
                var changes = AuditChanges()
                changes.value("audit_retention_months", stored, wanted)
                try audit("settings", detail: "audit_retention_months=\(wanted)", changes: changes)
            }
        }
    }

    // MARK: - Running operations

    /// Runs `body` in one write transaction, translating every error to `RegisterError`.
    func write<T>(_ body: () throws -> T) throws(RegisterError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw .wrap(error)
        }
    }

    /// Runs a read of people (`body`, which asks for its audit rows as a write would) in a read
    /// transaction, then writes its audit rows in one short write. Readers then never wait for the
    /// write lock while they compute; nothing is returned, so nothing is shown, unless the audit
    /// rows were written.
    func readAudited<T>(_ body: () throws -> T) throws(RegisterError) -> T {
        precondition(deferredAudits == nil, "readAudited does not nest")
        deferredAudits = []
        defer { deferredAudits = nil }
        let result = try read(body)
        let audits = deferredAudits ?? []
        deferredAudits = nil
        try write { for audit in audits { try audit() } }
        return result
    }

    /// Runs `body` in one read transaction, translating every error to `RegisterError`.
    func read<T>(_ body: () throws -> T) throws(RegisterError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw .wrap(error)
        }
    }

    /// The SQL of a new person's id: above every id ever used (migration 0015), so that a purged
    /// person's id, and their audit rows with it, never pass to someone registered later.
    static let newPersonID = "(SELECT max(max_id, coalesce((SELECT max(id) FROM person), 0)) + 1 FROM person_id_high_water)"

    /// The staff name of what the register does by itself (the close at the 20th birthday).
    public static let systemStaff = "system"

    /// Appends an audit row. `detail` holds ids and codes only, never a personnummer or a name;
    /// `changes` what a write changed (`AuditChanges` keeps personal details out of it); `context`
    /// where a read showed the data. `staff` defaults to whoever runs the command; the register's
    /// own acts name `systemStaff`.
    func audit(_ action: String, personID: Int64? = nil, detail: String? = nil, changes: AuditChanges? = nil,
               context: AuditContext? = nil, staff: String? = nil, shownSet: Int64? = nil) throws {
        if deferredAudits != nil {
            let at = clock.now, who = staff ?? self.staff
            deferredAudits?.append { [self] in
                try insertAudit(at: at, staff: who, action: action, personID: personID, detail: detail, changes: changes, context: context, shownSet: shownSet)
            }
            return
        }
        try insertAudit(at: clock.now, staff: staff ?? self.staff, action: action, personID: personID, detail: detail, changes: changes,
                        context: context, shownSet: shownSet)
    }

    private func insertAudit(at: String, staff: String, action: String, personID: Int64?, detail: String?, changes: AuditChanges?,
                             context: AuditContext?, shownSet: Int64?) throws {
        try database.cachedStatement("INSERT INTO audit_log (at, staff, action, person_id, detail, changes, context, via, shown_set) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .run([.text(at), .text(staff), .text(action), SQLValue(personID), SQLValue(detail), SQLValue(changes?.text),
                  SQLValue(context?.rawValue), .text(viewer == nil && !servesWeb ? "cli" : "web"), SQLValue(shownSet)])
    }

    // MARK: - Validation shared by every write

    /// Parses a personnummer given on the command line or in a file.
    public func personnummer(_ text: String, field: String = "personnummer") throws(RegisterError) -> PersonalIdentityNumber {
        do {
            return try PersonalIdentityNumber(text, today: today)
        } catch {
            throw .invalidInput(field: field, message: error.description)
        }
    }

    /// The code of `list` that `text` names (any case, å/ä/ö, `-` for `_`: `CodeCatalog.canonical`);
    /// a text naming none is refused with the valid codes.
    func canonicalCode(_ text: String, _ list: CodeList, field: String) throws(RegisterError) -> String {
        guard let code = catalog.canonical(text, in: list) else {
            let valid = catalog.codes(in: list).map(\.code).joined(separator: ", ")
            throw .invalidInput(field: field, message: "'\(Self.shown(text))' är ingen giltig kod för \(list.swedishName); giltiga koder: \(valid)")
        }
        try checkCode(code, list, field: field)
        return code
    }

    /// A value as a message may quote it: at most 40 characters, control characters as `?` (a
    /// pasted or hostile value must not fill or rewrite the coordinator's terminal).
    static func shown(_ text: String) -> String {
        let clean = String(text.map { $0.isNewline || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } ? "?" : $0 })
        return clean.count > 40 ? String(clean.prefix(40)) + "…" : clean
    }

    /// Checks that `code` is in `list`; the message lists the valid codes.
    func checkCode(_ code: String, _ list: CodeList, field: String) throws(RegisterError) {
        guard catalog.contains(code, in: list) else {
            let valid = catalog.codes(in: list).map(\.code).joined(separator: ", ")
            throw .invalidInput(field: field, message: "'\(code)' är ingen giltig kod för \(list.swedishName); giltiga koder: \(valid)")
        }
        if let replacement = KnownCode.retired[list]?[code] {
            throw .invalidInput(field: field, message: "'\(code)' används inte längre för nya uppgifter; ange \(replacement)")
        }
    }

    /// Checks that an event date is not after today and not inside a frozen period (design §5).
    func checkEventDate(_ date: CalendarDate, field: String) throws(RegisterError) {
        if date > today {
            throw .invalidInput(field: field, message: "datumet \(date) ligger efter dagens datum \(today)")
        }
        let firstOpen = Period.firstOpenDay(today: today)
        if date < firstOpen {
            let frozen = Period.half(of: date)
            throw .invalidInput(field: field, message: "datumet \(date) ligger i en låst period (\(frozen) är låst; "
                + "ändringar före \(firstOpen) skulle ändra redan fastställd statistik)")
        }
    }

    /// The internal id of a person, or a not-found error.
    func personID(_ pnr: PersonalIdentityNumber) throws -> Int64 {
        guard let id = try database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])?.int(0) else {
            throw RegisterError.notFound("personen \(pnr.formatted) finns inte i registret")
        }
        return id
    }

    /// The open episode of a person: `(episodeID, registeredOn)`, or an error naming what to do.
    func openEpisode(personID: Int64, pnr: PersonalIdentityNumber) throws -> (id: Int64, registeredOn: CalendarDate) {
        guard let row = try database.queryOne(
            "SELECT id, registered_on FROM episode WHERE person_id = ? AND deregistered_on IS NULL", [.integer(personID)]) else {
            throw RegisterError.invalidInput(field: nil, message: "\(pnr.formatted) har ingen öppen inskrivning i aktivitetsansvaret (inskrivningen är avslutad)")
        }
        return (try row.int(0), try date(row, 1))
    }

    /// Reads a date column.
    func date(_ row: Row, _ index: Int) throws -> CalendarDate {
        let text = try row.text(index)
        guard let date = CalendarDate(iso: text) else {
            throw SQLiteError(.mismatch, message: "column \(index) holds '\(text)', not a date")
        }
        return date
    }

    /// Reads a nullable date column.
    func optionalDate(_ row: Row, _ index: Int) throws -> CalendarDate? {
        guard try row.optionalText(index) != nil else { return nil }
        return try date(row, index)
    }
}

extension SQLValue {
    /// An ISO date, or NULL for nil.
    init(_ date: CalendarDate?) {
        self = date.map { .text($0.description) } ?? .null
    }
}
