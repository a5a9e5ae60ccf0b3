import KAACore
import KAASQLite
import Synchronization

/// What a long-running server computed for its viewers, kept while the register stands still.
///
/// "Idag" reads the histories of a whole caseload (hundreds of people) and a name search folds
/// every name in it, for each request; the answers change only when the register does. Every
/// change that can alter them moves `register_change.counter` (a trigger per table, migration
/// 0011, whoever writes: the web, a command, the nightly job), so an entry is valid for the counter
/// it was computed at, read in the same transaction as the data. The audit rows of each view are
/// still written for each request: a cached answer is a read like any other.
///
/// Shared by the web server's connections (one register each); the CLI has none.
public final class ViewCache: Sendable {
    /// What one "Idag" answers.
    struct TodayKey: Hashable {
        let reach: Register.Reach
        let today: CalendarDate
        let followUpDays: Int
        let limit: Int?
        let unlimited: String?
    }

    /// One person as a name search sees them.
    struct SearchEntry: Sendable {
        let personID: Int64
        /// The personnummer as stored (12 digits), as UTF-8.
        let personnummer: [UInt8]
        let name: String
        /// The name folded by `Register.searchKey`, as UTF-8.
        let key: [UInt8]
        let isProtected: Bool
        let isOpen: Bool
    }

    private struct State {
        /// The counter the entries were computed at.
        var counter: Int64 = -1
        var today: [TodayKey: TodaysWork] = [:]
        var directories: [Register.Reach: [SearchEntry]] = [:]
        var computed = 0
    }

    private let state = Mutex(State())
    /// Entries kept at most of each kind (viewers × variants); all are dropped beyond it.
    let capacity: Int

    public init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// How many answers were computed rather than served from the cache (for tests of its validity).
    public var computed: Int { state.withLock { $0.computed } }

    /// The register's change counter, in the caller's transaction.
    static func counter(_ database: Database) throws -> Int64 {
        try database.cachedStatement("SELECT counter FROM register_change WHERE id = 1").rows().first?.int(0) ?? -1
    }

    func todaysWork(_ key: TodayKey, counter: Int64, make: () throws -> TodaysWork) rethrows -> TodaysWork {
        try cached(counter, { $0.today[key] }, make) { state, value in
            if state.today.count >= capacity { state.today.removeAll() }
            state.today[key] = value
        }
    }

    func directory(_ reach: Register.Reach, counter: Int64, make: () throws -> [SearchEntry]) rethrows -> [SearchEntry] {
        try cached(counter, { $0.directories[reach] }, make) { state, value in
            if state.directories.count >= capacity { state.directories.removeAll() }
            state.directories[reach] = value
        }
    }

    /// The entry for `counter`, made (outside the lock) when missing. A reader whose transaction
    /// began before a newer counter was seen computes for itself and stores nothing; a newer
    /// counter empties the cache.
    private func cached<T>(_ counter: Int64, _ lookup: (State) -> T?, _ make: () throws -> T, store: (inout State, T) -> Void) rethrows -> T {
        let hit: T? = state.withLock { state in
            guard counter >= 0, state.counter == counter else { return nil }
            return lookup(state)
        }
        if let hit { return hit }
        let value = try make()
        state.withLock { state in
            state.computed += 1
            guard counter >= 0, counter >= state.counter else { return }
            if counter > state.counter {
                state = State(counter: counter, computed: state.computed)
            }
            store(&state, value)
        }
        return value
    }
}
