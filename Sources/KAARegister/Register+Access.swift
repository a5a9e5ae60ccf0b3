import KAACore
import KAASQLite

/// A logged-in staff member as the register sees them during one web request.
public struct Viewer: Sendable, Equatable {
    /// The staff account's row id.
    public let staffID: Int64
    /// The login, which audit rows name.
    public let login: String
    /// The full name, for the page header.
    public let name: String
    /// What they may see and do.
    public let role: StaffRole

    /// A viewer from the parts of a staff account.
    public init(staffID: Int64, login: String, name: String, role: StaffRole) {
        self.staffID = staffID
        self.login = login
        self.name = name
        self.role = role
    }
}

/// Need-to-know (issue 15), in one place: every read of people and every write to one asks here.
///
/// A command (no viewer) is kommun IT at the shell and reaches everyone. A `samordnare` reaches
/// everyone in the kommun; a `handlaggare` the people in their own caseload; a `granskare` nobody,
/// except a person asked for explicitly (and logged) from the log view; an `admin` nobody.
/// A refusal is an audit row of its own, kept although the request fails.
extension Register {
    /// Who the acting viewer may reach.
    public enum Reach: Sendable, Hashable {
        /// Everyone in the register.
        case everyone
        /// The people in this staff member's caseload.
        case caseload(staffID: Int64)
        /// One person (a granskare's logged request from the log view).
        case one(personID: Int64)
        /// Nobody.
        case nobody
    }

    /// What the acting viewer reaches.
    public var reach: Reach {
        guard let viewer else { return .everyone }
        switch viewer.role {
        case .samordnare: return .everyone
        case .handlaggare: return .caseload(staffID: viewer.staffID)
        case .granskare: return reviewGrant.map { .one(personID: $0) } ?? .nobody
        case .admin: return .nobody
        }
    }

    /// Runs `body` with every read and write attributed to `viewer` and limited to what they reach.
    /// The register is the request's own (one request per connection at a time).
    public func acting<T>(as viewer: Viewer, reviewing person: Int64? = nil, _ body: () throws(RegisterError) -> T) throws(RegisterError) -> T {
        let saved = (staff, self.viewer, reviewGrant)
        staff = viewer.login
        self.viewer = viewer
        reviewGrant = viewer.role == .granskare ? person : nil
        defer { (staff, self.viewer, reviewGrant) = saved }
        return try body()
    }

    /// Of `personIDs`, those the acting viewer reaches (in the order given).
    func reachable(_ personIDs: [Int64]) throws -> [Int64] {
        switch reach {
        case .everyone: return personIDs
        case .nobody: return []
        case let .one(personID): return personIDs.filter { $0 == personID }
        case let .caseload(staffID):
            let mine = Set(try database.query("SELECT person_id FROM caseload WHERE staff_id = ?", [.integer(staffID)]).map { try $0.int(0) })
            return personIDs.filter { mine.contains($0) }
        }
    }

    /// Whether the acting viewer reaches the person.
    func reaches(personID: Int64) throws -> Bool {
        switch reach {
        case .everyone: return true
        case .nobody: return false
        case let .one(id): return id == personID
        case let .caseload(staffID):
            return try database.queryOne("SELECT 1 FROM caseload WHERE person_id = ? AND staff_id = ?",
                [.integer(personID), .integer(staffID)]) != nil
        }
    }

    /// Refuses, with an audit row that stays, a viewer who does not reach the person. Called before
    /// the transaction of the read or write it guards, so that the refusal's row is not rolled back.
    public func checkAccess(toPerson personID: Int64, for action: String) throws(RegisterError) {
        let allowed: Bool
        do {
            allowed = try reaches(personID: personID)
        } catch {
            throw .wrap(error)
        }
        guard !allowed else { return }
        try write { try audit("denied", personID: personID, detail: "action=\(action) role=\(viewer?.role.rawValue ?? "cli")") }
        throw .forbidden("Du har inte behörighet till den här personen. Försöket har loggats.")
    }

    /// Refuses, with an audit row, a viewer whose role may not do `action` at all.
    public func checkRole(_ allowed: Set<StaffRole>, for action: String) throws(RegisterError) {
        guard let viewer, !allowed.contains(viewer.role) else { return }
        try write { try audit("denied", detail: "action=\(action) role=\(viewer.role.rawValue)") }
        throw .forbidden("Din roll (\(viewer.role.swedishName)) får inte göra det här. Försöket har loggats.")
    }

    /// The personnummer of a person by internal id (web URLs name people by id; a personnummer never
    /// enters a URL), after checking the viewer reaches them.
    public func personnummer(ofPerson personID: Int64, for action: String) throws(RegisterError) -> PersonalIdentityNumber {
        let text: String? = try read { try database.queryOne("SELECT personnummer FROM person WHERE id = ?", [.integer(personID)])?.text(0) }
        guard let text else { throw .notFound("det finns ingen person med id \(personID) i registret") }
        try checkAccess(toPerson: personID, for: action)
        return try personnummer(text)
    }

    /// The person's version: it changes with every change to the person or their records.
    public func version(ofPerson personID: Int64) throws(RegisterError) -> Int64 {
        let version: Int64? = try read { try database.queryOne("SELECT version FROM person WHERE id = ?", [.integer(personID)])?.int(0) }
        guard let version else { throw .notFound("det finns ingen person med id \(personID) i registret") }
        return version
    }

    /// Runs `body` (a write to one person) in one transaction that first checks the person is still
    /// at `version`, the one the form was made from: a change saved in between refuses the write,
    /// so no one's update is lost.
    public func writing<T>(person personID: Int64, atVersion expected: Int64, _ body: () throws(RegisterError) -> T) throws(RegisterError) -> T {
        try write {
            let current = try database.queryOne("SELECT version FROM person WHERE id = ?", [.integer(personID)])?.int(0)
            guard let current else { throw RegisterError.notFound("det finns ingen person med id \(personID) i registret") }
            guard current == expected else {
                throw RegisterError.staleView("Någon annan har ändrat uppgifterna sedan sidan visades. Ingenting har sparats; "
                    + "läs in personkortet igen och gör ändringen på nytt.")
            }
            return try body()
        }
    }
}

extension StaffRole {
    /// The role as the UI names it.
    public var swedishName: String {
        switch self {
        case .handlaggare: "handläggare"
        case .samordnare: "samordnare"
        case .granskare: "granskare"
        case .admin: "administratör"
        }
    }
}
