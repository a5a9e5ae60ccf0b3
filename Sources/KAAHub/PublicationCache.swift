import Foundation
import KAASQLite

/// Rendered publications, kept until the hub's data changes.
///
/// Published figures change only when a batch is applied or a site changes; readers (the dashboard,
/// analysts, 50 at a time) ask for the same few tables far more often. An entry is valid for one
/// data version: the hub's own commits bump `ownWrites`, and SQLite's `data_version` moves when
/// another process (the admin CLI) commits.
final class PublicationCache: @unchecked Sendable {
    // Invariant for @unchecked Sendable: every stored property is touched only under `lock`.
    private let lock = NSLock()
    private var ownWrites = 0
    private var entries: [String: (version: String, body: [UInt8])] = [:]
    private var madeCount = 0
    /// Entries kept at most (distinct period × table × kommun × format); all are dropped beyond it.
    let capacity: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// Called after each of the hub's own commits.
    func invalidate() {
        lock.withLock {
            ownWrites += 1
            entries.removeAll()
        }
    }

    /// How many bodies were made rather than served from the cache (for tests of its validity).
    var made: Int { lock.withLock { madeCount } }

    /// The body for `key` at data version `dataVersion`, made (outside the lock) when missing or stale.
    func body(_ key: String, dataVersion: Int64, make: () throws -> [UInt8]) rethrows -> [UInt8] {
        let version = lock.withLock { "\(ownWrites).\(dataVersion)" }
        if let hit = lock.withLock({ entries[key] }), hit.version == version { return hit.body }
        let body = try make()
        lock.withLock {
            madeCount += 1
            // Stored only if nothing was written meanwhile (else the next reader makes it again).
            guard "\(ownWrites).\(dataVersion)" == version else { return }
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = (version, body)
        }
        return body
    }
}
