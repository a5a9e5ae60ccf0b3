import KAACore
import KAASQLite

/// Which people the Ungdomar list shows, and in what order (issue 15). Never a name or a
/// personnummer: the filters travel in the page's URL.
public struct PeopleFilter: Sendable, Equatable {
    /// Whether the person is in KAA now.
    public enum Status: Sendable, Equatable, CaseIterable {
        /// An open episode.
        case open
        /// Episodes, none of them open.
        case closed
        /// Both.
        case all
    }

    /// Whose caseload.
    public enum Caseworker: Sendable, Equatable {
        /// The caseload of this handläggare (by login).
        case staff(login: String)
        /// In no caseload.
        case none
    }

    /// How long since the last contact (in the episode shown).
    public enum Contact: Sendable, Equatable {
        /// Never contacted.
        case never
        /// No contact in the last `days` days (never contacted included).
        case notWithin(days: Int)
    }

    /// The column the list is sorted by (ties by id).
    public enum Sort: Sendable, Equatable, CaseIterable {
        /// Last name, then first name.
        case name
        /// Age (ascending: youngest first).
        case age
        /// The date the episode shown was registered.
        case registered
        /// The last contact (ascending: never contacted first).
        case contact
        /// The handläggare's name (ascending: those without one last).
        case caseworker
    }

    /// Open episodes, closed ones or both (default open).
    public var status: Status = .open
    /// A registration reason code of the episode shown.
    public var reason: String?
    /// Age today (16–19).
    public var age: Int?
    /// Whose caseload, or none.
    public var caseworker: Caseworker?
    /// How long since the last contact.
    public var contact: Contact?
    /// Protected identity or not.
    public var isProtected: Bool?
    /// The column sorted by.
    public var sort: Sort = .name
    /// Whether the order is reversed.
    public var isDescending = false

    /// The default list: open episodes by name.
    public init() {}
}

/// One row of the Ungdomar list: a person with the episode shown (the open one, else the latest).
public struct PersonListing: Sendable, Equatable {
    /// The register's internal id.
    public let personID: Int64
    /// The personnummer (the page decides how much of it to show).
    public let personnummer: PersonalIdentityNumber
    /// First and last name, empty when the register has none.
    public let name: String
    /// Whether the person has a protected identity.
    public let isProtected: Bool
    /// Whether the episode shown is open.
    public let isOpen: Bool
    /// When the episode shown was registered.
    public let registeredOn: CalendarDate
    /// Its registration reason code.
    public let registrationReason: String
    /// When it was closed, if it was.
    public let deregisteredOn: CalendarDate?
    /// The last contact in the episode shown.
    public let lastContact: CalendarDate?
    /// The handläggare's login and name, if the person is in a caseload.
    public let caseworkerLogin: String?
    /// The handläggare's full name.
    public let caseworkerName: String?
}

/// A page of the Ungdomar list and how many rows the filter matches in all.
public struct PeopleListPage: Sendable {
    /// The page's rows.
    public let rows: [PersonListing]
    /// How many rows the filter matches in all.
    public let total: Int
    /// The row number (from 0) of the first row.
    public let offset: Int
}

/// A handläggare the list can filter by.
public struct CaseworkerOption: Sendable, Equatable {
    /// The login (the filter's value).
    public let login: String
    /// The full name (the option's label).
    public let name: String
    /// Whether the account is disabled (its caseload was released).
    public let isDisabled: Bool
}

extension Register {
    /// The Ungdomar list (issue 15): one row per person the viewer reaches, filtered and sorted in
    /// SQL, `limit` rows from `offset` (nil: every row, for an export). One audited read of the
    /// people shown, in `context` (`list` for the page, `export` for the CSV).
    ///
    /// Only the page's ids are sorted out of the whole register; the rows' details (last contact,
    /// handläggare) are read for those ids only, so a page costs the same at 50 000 episodes as at 50.
    public func people(_ filter: PeopleFilter, offset: Int = 0, limit: Int? = 50, context: AuditContext = .list) throws(RegisterError) -> PeopleListPage {
        guard offset >= 0, (limit ?? 1) > 0 else { throw .invalidInput(field: "page", message: "sidan finns inte") }
        let reach = self.reach
        return try readAudited {
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            func argument(_ value: SQLValue) -> String {
                arguments.append(value)
                return "?\(arguments.count)"
            }
            switch reach {
            case .everyone: break
            case .nobody: conditions.append("0")
            case let .one(personID): conditions.append("cur.person_id = \(argument(.integer(personID)))")
            case let .caseload(staffID): conditions.append("cur.person_id IN (SELECT person_id FROM caseload WHERE staff_id = \(argument(.integer(staffID))))")
            }
            // The episode shown: the open one (found through the partial index of open episodes), else
            // the latest. No window over every episode: at 50 000 that alone costs more than a page.
            let latestClosed = """
                NOT EXISTS (SELECT 1 FROM episode o WHERE o.person_id = cur.person_id AND o.deregistered_on IS NULL)
                AND NOT EXISTS (SELECT 1 FROM episode o WHERE o.person_id = cur.person_id AND o.registered_on >= cur.registered_on AND o.id <> cur.id
                                AND (o.registered_on > cur.registered_on OR o.id > cur.id))
                """
            switch filter.status {
            case .open: conditions.append("cur.deregistered_on IS NULL")
            case .closed: conditions.append("cur.deregistered_on IS NOT NULL AND \(latestClosed)")
            case .all: conditions.append("(cur.deregistered_on IS NULL OR (\(latestClosed)))")
            }
            if let reason = filter.reason { conditions.append("cur.registration_reason = \(argument(.text(reason)))") }
            let birthKey = "(CAST(substr(p.personnummer, 1, 6) AS INTEGER) * 100 + CAST(substr(p.personnummer, 7, 2) AS INTEGER) % 60)"
            if let age = filter.age {
                // Born after today's date `age + 1` years ago and on or before it `age` years ago
                // (the (month, day) comparison of `CalendarDate.age(on:)`).
                let today = self.today
                let latest = (today.year - age) * 10_000 + today.month * 100 + today.day
                let earliest = (today.year - age - 1) * 10_000 + today.month * 100 + today.day
                conditions.append("\(birthKey) <= \(argument(.integer(Int64(latest)))) AND \(birthKey) > \(argument(.integer(Int64(earliest))))")
            }
            switch filter.caseworker {
            case nil: break
            case .none?: conditions.append("NOT EXISTS (SELECT 1 FROM caseload WHERE person_id = cur.person_id)")
            case let .staff(login)?:
                conditions.append("cur.person_id IN (SELECT person_id FROM caseload JOIN staff ON staff.id = caseload.staff_id WHERE staff.login = \(argument(.text(login))))")
            }
            let lastContact = "(SELECT max(c.contacted_on) FROM contact c WHERE c.episode_id = cur.id)"
            switch filter.contact {
            case nil: break
            case .never?: conditions.append("\(lastContact) IS NULL")
            case let .notWithin(days)?:
                let since = today.adding(days: -days)
                conditions.append("coalesce(\(lastContact) <= \(argument(SQLValue(since))), 1)")
            }
            if let isProtected = filter.isProtected { conditions.append("p.is_protected = \(isProtected ? 1 : 0)") }
            let direction = filter.isDescending ? "DESC" : "ASC"
            // Ties go by id, not by name: a name key on every row would cost more than the page.
            let key: String = switch filter.sort {
            // One key of both names: the space sorts before any letter, so `Berg Ulla` before `Bergman Anna`.
            case .name: "\(Self.swedishOrder("coalesce(p.last_name, '') || ' ' || coalesce(p.first_name, '')")) \(direction)"
            // Older first is a birth date earlier, so the age's order is the birth date's reversed.
            case .age: "\(birthKey) \(filter.isDescending ? "ASC" : "DESC")"
            case .registered: "cur.registered_on \(direction)"
            case .contact: "\(lastContact) \(direction)"
            case .caseworker: "s.name IS NULL \(direction), \(Self.swedishOrder("coalesce(s.name, '')")) \(direction)"
            }
            // Joined only where used: the count of the commonest filters then reads episodes alone.
            let filterSQL = " WHERE " + conditions.joined(separator: " AND ")
            let person = " JOIN person p ON p.id = cur.person_id"
            let staff = filter.sort == .caseworker ? " LEFT JOIN caseload cl ON cl.person_id = cur.person_id LEFT JOIN staff s ON s.id = cl.staff_id" : ""
            let countJoin = filter.age != nil || filter.isProtected != nil ? person : ""
            let total = Int(try database.queryOne("SELECT count(*) FROM episode cur" + countJoin + filterSQL, arguments)?.int(0) ?? 0)
            let from = "FROM episode cur" + person + staff + filterSQL
            var paging = ""
            if let limit { paging = " LIMIT \(limit) OFFSET \(offset)" }
            let ids = try database.query("SELECT cur.id " + from + " ORDER BY \(key), p.id" + paging,
                                         arguments).map { try $0.int(0) }
            let detail = try database.cachedStatement("""
                SELECT p.id, p.personnummer, coalesce(p.first_name, ''), coalesce(p.last_name, ''), p.is_protected,
                       e.registered_on, e.registration_reason, e.deregistered_on,
                       (SELECT max(c.contacted_on) FROM contact c WHERE c.episode_id = e.id), s.login, s.name
                FROM episode e JOIN person p ON p.id = e.person_id
                LEFT JOIN caseload cl ON cl.person_id = p.id LEFT JOIN staff s ON s.id = cl.staff_id
                WHERE e.id = ?
                """)
            var rows: [PersonListing] = []
            rows.reserveCapacity(ids.count)
            for id in ids {
                guard let row = try detail.rows([.integer(id)]).first else { continue }
                rows.append(PersonListing(
                    personID: try row.int(0), personnummer: try PersonalIdentityNumber(try row.text(1), today: today),
                    name: [try row.text(2), try row.text(3)].filter { !$0.isEmpty }.joined(separator: " "), isProtected: try row.bool(4),
                    isOpen: try row.optionalText(7) == nil, registeredOn: try date(row, 5), registrationReason: try row.text(6),
                    deregisteredOn: try optionalDate(row, 7), lastContact: try optionalDate(row, 8),
                    caseworkerLogin: try row.optionalText(9), caseworkerName: try row.optionalText(10)))
            }
            try auditReads(context == .export ? "export.people" : "list", personIDs: rows.map(\.personID), context: context,
                           detail: "total=\(total)")
            return PeopleListPage(rows: rows, total: total, offset: offset)
        }
    }

    /// A sort key for a text expression (never NULL) in Swedish alphabetical order: ASCII case
    /// folded (SQLite's `upper` folds nothing else) and capital Å and Ä moved after Z, before Ö
    /// (UTF-8's bytes put Ä before Å; Ö already comes after both). Lower-case å and ä inside a
    /// name keep UTF-8's order: folding them too doubled the cost of sorting 50 000 rows, and a
    /// collation registered on the connection is the real fix.
    static func swedishOrder(_ expression: String) -> String {
        "replace(replace(upper(\(expression)), 'Å', '[1'), 'Ä', '[2')"
    }

    /// The handläggare accounts (for the list's filter), by name; no person data.
    public func caseworkers() throws(RegisterError) -> [CaseworkerOption] {
        try read {
            try database.query("SELECT login, name, disabled FROM staff WHERE role = 'handlaggare' ORDER BY name, login").map { row in
                CaseworkerOption(login: try row.text(0), name: try row.text(1), isDisabled: try row.int(2) != 0)
            }
        }
    }
}
