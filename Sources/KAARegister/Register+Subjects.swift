import KAACore
import KAASQLite

/// A kind of record a command names by its id.
public enum RecordKind: String, Sendable {
    /// An episode (inskrivning).
    case episode = "episode"
    /// A contact attempt.
    case contact = "contact"
    /// An occupation fact.
    case occupationFact = "occupation_fact"
    /// A measure.
    case measure = "measure"
}

extension Register {
    /// Whom a change is about, as its confirmation names them: `Måns Åkesson (20071002-2393)`, or the
    /// personnummer alone when no name is held. Not audited as a read: it only repeats, to the one
    /// making the change, whose record the audited change touched.
    public func subject(of pnr: PersonalIdentityNumber) throws(RegisterError) -> String {
        try read { try subject(personID: personID(pnr)) }
    }

    /// Whom the record `id` of `kind` belongs to (see `subject(of:)`).
    public func subject(ofRecord kind: RecordKind, id: Int64) throws(RegisterError) -> String {
        try read {
            let sql = kind == .episode ? "SELECT person_id FROM episode WHERE id = ?"
                : "SELECT e.person_id FROM \(kind.rawValue) r JOIN episode e ON e.id = r.episode_id WHERE r.id = ?"
            guard let personID = try database.queryOne(sql, [.integer(id)])?.int(0) else {
                throw RegisterError.notFound("\(kind.swedishName) \(id) finns inte")
            }
            return try subject(personID: personID)
        }
    }

    func subject(personID: Int64) throws -> String {
        guard let row = try database.queryOne("SELECT personnummer, first_name, last_name FROM person WHERE id = ?", [.integer(personID)]) else {
            throw RegisterError.notFound("person \(personID) finns inte")
        }
        let pnr = try PersonalIdentityNumber(try row.text(0), today: today)
        let name = [try row.optionalText(1), try row.optionalText(2)].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? pnr.formatted : "\(name) (\(pnr.formatted))"
    }
}

extension RecordKind {
    /// The Swedish noun for messages.
    public var swedishName: String {
        switch self {
        case .episode: return "inskrivning"
        case .contact: return "kontakt"
        case .occupationFact: return "sysselsättning"
        case .measure: return "åtgärd"
        }
    }
}
