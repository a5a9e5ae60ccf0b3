import KAACore
import Synchronization

/// Rendered publications, kept until the hub's data changes.
///
/// Published figures change only when a batch is applied or a site changes; readers (the dashboard,
/// analysts, 50 at a time) ask for the same few tables far more often. An entry is valid for one
/// data version: the hub's own commits that change figures bump `ownWrites`, and SQLite's
/// `data_version` moves when another process (the admin CLI) commits.
final class PublicationCache: Sendable {
    /// What one cached body answers.
    struct Key: Hashable, Sendable {
        let period: Period
        let table: CellTable?
        let kommun: String?
        /// The län asked for (`lan`).
        var county: String? = nil
        let isRegionOnly: Bool
        let format: PublicationFormat
        /// Whether figures are preliminary depends on the day.
        let day: CalendarDate
    }

    private struct Entries {
        var ownWrites = 0
        var bodies: [Key: (version: String, body: [UInt8])] = [:]
        var made = 0
    }

    private let entries = Mutex(Entries())
    /// `ownWrites`, readable without the lock (the public API asks for the version on every request).
    private let writes = Atomic<Int>(0)
    /// Entries kept at most (distinct period × table × kommun × format); all are dropped beyond it.
    let capacity: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// Called after each of the hub's own commits that changes figures or sites.
    func invalidate() {
        entries.withLock { entries in
            entries.ownWrites += 1
            writes.store(entries.ownWrites, ordering: .sequentiallyConsistent)
            entries.bodies.removeAll()
        }
    }

    /// The version of the hub's data that entries made now belong to: other caches of answers
    /// derived from the data (the responder's validators and gzip bodies) use it too.
    func version(dataVersion: Int64) -> String {
        "\(writes.load(ordering: .sequentiallyConsistent)).\(dataVersion)"
    }

    /// How many bodies were made rather than served from the cache (for tests of its validity).
    var made: Int { entries.withLock { $0.made } }

    /// The body for `key` at data version `dataVersion`, made (outside the lock) when missing or stale.
    func body(_ key: Key, dataVersion: Int64, make: () throws -> [UInt8]) rethrows -> [UInt8] {
        let (version, hit) = entries.withLock { entries in
            let version = "\(entries.ownWrites).\(dataVersion)"
            return (version, entries.bodies[key].flatMap { $0.version == version ? $0.body : nil })
        }
        if let hit { return hit }
        let body = try make()
        entries.withLock { entries in
            entries.made += 1
            // Stored only if nothing was written meanwhile (else the next reader makes it again).
            guard "\(entries.ownWrites).\(dataVersion)" == version else { return }
            if entries.bodies.count >= capacity { entries.bodies.removeAll() }
            entries.bodies[key] = (version, body)
        }
        return body
    }
}
