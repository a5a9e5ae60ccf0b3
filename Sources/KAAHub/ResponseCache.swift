import KAAHTTP

/// Answers of the public read API as they go out: the body, its gzip and its validators, kept
/// for one version of the hub's data (`PublicationCache.version`), so that a `304` or a gzip
/// answer costs a lookup, not a hash or a compression of a national table.
final class ResponseCache: Sendable {
    /// One answer's representation.
    struct Representation: Sendable {
        /// The identity body.
        let body: [UInt8]
        /// The same compressed, when compressing was worth it.
        let gzip: [UInt8]?
        let validators: Validators
        let contentType: String
        let cacheControl: String
        /// Headers every answer of it carries (`Content-Disposition`).
        let headers: [String: String]
    }

    private struct Entries {
        var representations: [String: (version: String, representation: Representation)] = [:]
        var made = 0
    }

    private let entries = ReadWriteLock(Entries())
    /// Entries kept at most; all are dropped beyond it (a hostile client asking for every kommun ×
    /// period cannot grow it without bound).
    let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// How many representations were made rather than found (for tests).
    var made: Int { entries.read { $0.made } }

    /// The representation for `key` at `version`, made (outside the lock) when missing or stale;
    /// stored only if the version is still current afterwards (`currentVersion`).
    func representation(_ key: String, version: String, currentVersion: () throws -> String,
                        make: () throws -> Representation) throws -> Representation {
        let hit = entries.read { entries in entries.representations[key].flatMap { $0.version == version ? $0.representation : nil } }
        if let hit { return hit }
        let made = try make()
        let still = try currentVersion()
        entries.write { entries in
            entries.made += 1
            guard still == version else { return }
            if entries.representations.count >= capacity { entries.representations.removeAll() }
            entries.representations[key] = (version, made)
        }
        return made
    }
}
