import KAACore
import KAACrypto
import KAAProtocol
import KAASQLite

/// A regional hub allowed to write some kommuner's sites on this (upper) hub (issue 20).
public struct RelayInfo: Sendable, Equatable {
    public let name: String
    public let kommuner: [String]
    public let tokenIssuedAt: String?
    public let isRevoked: Bool
    public let lastContactAt: String?
    public let rejects: Int
    /// The publication parameters it last forwarded with (`Hub.protection`), nil before its first request.
    public let protection: String?
}

/// Who a bearer token belongs to.
public enum Principal: Sendable, Equatable {
    /// A kommun's own token; `relay` names the relay its site is fed by (then the token may not write).
    case site(kommun: String)
    /// A regional hub's relay token, with the kommuner it may write.
    case relay(name: String, kommuner: Set<String>)
}

/// Relays: the upper hub's side of a hub of hubs. A relay's kommuner get sites without a token of
/// their own, so that a kommun is never fed both directly and through a relay, and no kommun by
/// two relays (`site.relay` holds one name; a CHECK keeps relayed sites tokenless).
extension Hub {
    /// Whether `name` can name a relay: 1–40 characters of a–z, 0–9 and `-`.
    public static func isValidRelayName(_ name: String) -> Bool {
        (1...40).contains(name.utf8.count) && name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }

    /// Creates a relay for `kommuner` and returns its token (shown once; only its hash is kept).
    /// Each kommun gets a site fed by the relay; a kommun already fed by another relay, or enrolled
    /// with a token of its own, is refused, and then nothing is created.
    public func addRelay(name: String, kommuner: [String], actor: String) throws(HubError) -> String {
        guard Self.isValidRelayName(name) else { throw .invalidInput("reläets namn '\(name)' får bara ha a–z, 0–9 och bindestreck (1–40 tecken)") }
        guard !kommuner.isEmpty else { throw .invalidInput("ange reläets kommuner med --kommuner K1,K2,...") }
        var seen = Set<String>()
        for kommun in kommuner {
            guard Kommuner.all[kommun] != nil else { throw .invalidInput("okänd kommunkod '\(kommun)' i --kommuner") }
            guard seen.insert(kommun).inserted else { throw .invalidInput("kommun \(kommun) står två gånger i --kommuner") }
            guard scope.accepts(kommun) else {
                throw .invalidInput("kommun \(kommun) ligger utanför hubbens område (\"lan\"/\"kommuner\" i konfigurationen): den tar emot \(scope.description)")
            }
        }
        return try relayTransaction { database in
            guard try database.queryOne("SELECT 1 FROM relay WHERE name = ?", [.text(name)]) == nil else {
                throw HubError.invalidInput("reläet \(name) finns redan; använd 'kaa-hub relay rotate \(name)' för en ny token")
            }
            let token = try Self.makeToken()
            try database.execute("INSERT INTO relay (name, token_hash, created_at, token_issued_at) VALUES (?, ?, ?, ?)",
                                 [.text(name), .blob(Self.hash(token)), .text(now()), .text(now())])
            for kommun in kommuner.sorted() {
                if let site = try database.queryOne("SELECT relay, token_hash IS NOT NULL, revoked_at IS NOT NULL FROM site WHERE kommun = ?", [.text(kommun)]) {
                    // A kommun spärrad on its relay (site revoke) may move to another one (a
                    // kommun added to the wrong relay, or one that changed län).
                    if let other = try site.optionalText(0), try !site.bool(2) {
                        throw HubError.invalidInput("kommun \(kommun) vidarebefordras redan av reläet \(other); en kommun kan bara ha ett relä "
                            + "(spärra den där först med 'kaa-hub site revoke \(kommun)' om den ska flytta)")
                    }
                    if try site.bool(1) {
                        throw HubError.invalidInput("kommun \(kommun) skickar direkt till den här hubben med en egen token; "
                            + "återkalla den först ('kaa-hub site revoke \(kommun)') så att kommunen inte räknas två gånger")
                    }
                    try database.execute("UPDATE site SET relay = ?, revoked_at = NULL WHERE kommun = ?", [.text(name), .text(kommun)])
                } else {
                    try database.execute("""
                        INSERT INTO site (kommun, name, created_at, digest, relay) VALUES (?, ?, ?, ?, ?)
                        """, [.text(kommun), .text(Kommuner.all[kommun]?.name ?? kommun), .text(now()), .text(StateDigest.empty), .text(name)])
                }
            }
            try relayAudit(database, actor, "relay.add", name, detail: kommuner.sorted().joined(separator: ","))
            return token
        }
    }

    /// Issues a new token for a relay; the old one stops working at once (also after a revoke).
    public func rotateRelay(name: String, actor: String) throws(HubError) -> String {
        try relayTransaction { database in
            let token = try Self.makeToken()
            try database.execute("UPDATE relay SET token_hash = ?, token_issued_at = ?, revoked_at = NULL WHERE name = ?",
                                 [.blob(Self.hash(token)), .text(now()), .text(name)])
            guard database.changes == 1 else { throw HubError.notFound("reläet \(name) finns inte") }
            try relayAudit(database, actor, "relay.rotate", name)
            return token
        }
    }

    /// Revokes a relay's token: every request with it is refused until a rotate. Its kommuner keep
    /// their figures and stay bound to it (a new relay for them needs this one's kommuner freed).
    public func revokeRelay(name: String, actor: String) throws(HubError) {
        try relayTransaction { database in
            try database.execute("UPDATE relay SET token_hash = NULL, revoked_at = ? WHERE name = ?", [.text(now()), .text(name)])
            guard database.changes == 1 else { throw HubError.notFound("reläet \(name) finns inte") }
            try relayAudit(database, actor, "relay.revoke", name)
        }
    }

    /// Every relay with its kommuner.
    public func relays() throws(HubError) -> [RelayInfo] {
        try reading { database in
            var kommuner: [String: [String]] = [:]
            for row in try database.query("SELECT relay, kommun FROM site WHERE relay IS NOT NULL ORDER BY kommun") {
                kommuner[try row.text(0), default: []].append(try row.text(1))
            }
            return try database.query("""
                SELECT name, token_issued_at, revoked_at IS NOT NULL, last_contact_at, rejects, protection FROM relay ORDER BY name
                """).map { row in
                let name = try row.text(0)
                return RelayInfo(name: name, kommuner: kommuner[name] ?? [], tokenIssuedAt: try row.optionalText(1), isRevoked: try row.bool(2),
                                 lastContactAt: try row.optionalText(3), rejects: Int(try row.int(4)), protection: try row.optionalText(5))
            }
        }
    }

    /// Who a bearer token belongs to, or nil (unknown or revoked token). Sites and relays share
    /// one space of random tokens; each lookup is by hash, compared again in constant time.
    func principal(token: String) -> Principal? {
        let hash = Self.hash(token)
        return try? reading { database -> Principal? in
            if let row = try database.queryOne("SELECT kommun, token_hash FROM site WHERE token_hash = ? AND revoked_at IS NULL", [.blob(hash)]),
               Crypto.constantTimeEquals(try row.blob(1), hash) {
                return .site(kommun: try row.text(0))
            }
            guard let row = try database.queryOne("SELECT name, token_hash FROM relay WHERE token_hash = ? AND revoked_at IS NULL", [.blob(hash)]),
                  Crypto.constantTimeEquals(try row.blob(1), hash) else { return nil }
            let name = try row.text(0)
            // A relayed kommun spärrad with `site revoke` is not the relay's to write any more.
            let kommuner = try database.query("SELECT kommun FROM site WHERE relay = ? AND revoked_at IS NULL", [.text(name)]).map { try $0.text(0) }
            return .relay(name: name, kommuner: Set(kommuner))
        } ?? nil
    }

    /// Records that an authenticated request came from relay `name` for `kommun` (the kommun's
    /// last contact too: its stream arrived), with the protection it forwarded with; in the same
    /// group commit as the batches arriving meanwhile.
    func recordRelayContact(name: String, kommun: String, protection: String) throws {
        let at = now()
        _ = try inGroupCommit { database in
            try database.write {
                try database.execute("UPDATE relay SET last_contact_at = ?, protection = ? WHERE name = ?", [.text(at), .text(protection), .text(name)])
                try database.execute("UPDATE site SET last_contact_at = ? WHERE kommun = ?", [.text(at), .text(kommun)])
            }
            return .contactRecorded
        }
    }

    /// Records a relay's refused request (a kommun outside its list, other protection): counted on
    /// the relay, and in the refusal history under the kommun it asked for (a fixed code only).
    /// `countedOnSite`: the refusal concerns the kommun's own stream (a relay's kommun), so the
    /// site counts it too.
    /// Only a real kommun's code enters the history (a relay could name any four digits); `protection`
    /// (on a 412) is what the relay sent, kept so that the upper hub can follow a change made on the
    /// regional hubs first.
    func recordRelayReject(name: String, kommun: String, status: Int, reason: RejectReason, countedOnSite: Bool = false, protection: String? = nil) {
        if Kommuner.all[kommun] != nil { recordReject(kommun: kommun, status: status, reason: reason, countedOnSite: countedOnSite) }
        _ = try? writing { database in
            try database.execute("UPDATE relay SET rejects = rejects + 1, protection = coalesce(?, protection) WHERE name = ?",
                                 [protection.map { .text(String($0.prefix(200))) } ?? .null, .text(name)])
        }
    }

    /// The relays whose last forward used publication parameters other than this hub's, each
    /// with what differs (empty: the hub may start).
    /// Revoked relays do not count: they send nothing.
    public func relayProtectionMismatches() throws(HubError) -> [(relay: String, differences: [String])] {
        try relays().compactMap { relay in
            guard !relay.isRevoked, let theirs = relay.protection else { return nil }
            let differences = Self.protectionDifferences(ours: protection, theirs: theirs)
            return differences.isEmpty ? nil : (relay.name, differences)
        }
    }

    private func relayTransaction<T: Sendable>(_ body: (Database) throws -> T) throws(HubError) -> T {
        defer { publicationCache.invalidate() }
        return try writing(body)
    }

    private func relayAudit(_ database: Database, _ actor: String, _ action: String, _ relay: String, detail: String? = nil) throws {
        try database.execute("INSERT INTO admin_audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                             [.text(now()), .text(actor), .text(action), .text("relay=\(relay)" + (detail.map { " kommuner=\($0)" } ?? ""))])
    }
}

/// The publication parameters two levels must share (issue 20: the same noise at every level).
extension Hub {
    /// A hub's Cell Key Method parameters as one line (`Hub.protection`), sent by a forwarding hub with every
    /// request (`KAA-Protection`) and compared by the hub above it: `noiseMaximum=D;noiseVariance=V;table=H`,
    /// H the first 16 hex digits of SHA-256 over the perturbation table's rows (12 significant digits each) (guards against a
    /// table made another way from the same D and V).
    static func protectionLine(_ perturbation: PerturbationTable) -> String {
        // 12 significant digits: the table's floating point may differ in its last bits between machines.
        let rows = perturbation.rows.map { row in row.map { String(format: "%.12g", $0) }.joined(separator: ",") }.joined(separator: "\n")
        let table = String(Crypto.sha256Hex(Array(rows.utf8)).prefix(16))
        return "noiseMaximum=\(perturbation.maximumNoise);noiseVariance=\(String(format: "%g", perturbation.variance));table=\(table)"
    }

    /// Records the parameters this hub publishes with (`kaa-hub serve` at start), for `forward`.
    public func recordPublicationParameters() throws(HubError) {
        let protection = self.protection, at = now()
        try writing { database in
            try database.execute("""
                INSERT INTO publication_parameters (id, protection, recorded_at) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET protection = excluded.protection, recorded_at = excluded.recorded_at
                """, [.text(protection), .text(at)])
        }
    }

    /// The parameters `kaa-hub serve` last started with, nil before its first start.
    public func recordedPublicationParameters() throws(HubError) -> String? {
        try reading { database in try database.queryOne("SELECT protection FROM publication_parameters WHERE id = 1")?.text(0) }
    }

    /// The header a forwarding hub sends its protection in.
    public static let protectionHeader = "KAA-Protection"

    /// What differs between two protection lines, in words naming the config keys (empty: the same).
    public static func protectionDifferences(ours: String, theirs: String) -> [String] {
        func fields(_ line: String) -> [String: String] {
            var result: [String: String] = [:]
            for part in line.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { result[pair[0]] = pair[1] }
            }
            return result
        }
        let mine = fields(ours), other = fields(theirs)
        guard !other.isEmpty else { return ["okända skyddsparametrar"] }
        return ["noiseMaximum", "noiseVariance", "table"].compactMap { key in
            guard mine[key] != other[key] else { return nil }
            let what = key == "table" ? "störtabellen" : key
            return "\(what) är \(mine[key] ?? "–") här men \(other[key].map { String($0.prefix(20)) } ?? "–") hos den regionala hubben"
        }
    }
}
