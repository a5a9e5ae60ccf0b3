import Dispatch
import KAACore
import Synchronization

/// Writes an identification run's entrants on its own serial queue, in the run's transaction, while
/// the calling thread goes on deciding. Entrants go in batches; at most a few batches wait at a time,
/// so memory stays flat. The first failure stops the writing and is rethrown by `add` or `finish`.
final class EntrantWriter: @unchecked Sendable {
    // Invariant for @unchecked Sendable: from `init` until `drain` returns, the register is used only
    // on `queue` (the calling thread does not touch it: deciding needs no database); `pending` only on
    // the calling thread; `failure` is behind its mutex.
    struct Entrant: Sendable {
        let row: FolkbokforingRow
        let date: CalendarDate
        let reason: String
        let occupation: String?
    }

    static let batchSize = 256
    private let register: Register
    private let queue = DispatchQueue(label: "kaa.identify.entrants")
    /// Batches sent and not yet written, at most this many.
    private let slots = DispatchSemaphore(value: 4)
    private let failure = Mutex<(any Error)?>(nil)
    private var pending: [Entrant] = []

    init(_ register: Register) {
        self.register = register
        pending.reserveCapacity(Self.batchSize)
    }

    /// Queues one entrant; throws the writer's failure, if it had one, so the run stops early.
    func add(_ entrant: Entrant) throws {
        pending.append(entrant)
        if pending.count >= Self.batchSize { try send() }
    }

    /// Sends what is queued, waits until everything is written and throws the first failure.
    func finish() throws {
        try send()
        drain()
        if let failure = failure.withLock({ $0 }) { throw failure }
    }

    /// Waits until every batch sent is written (or skipped after a failure). Safe to call again.
    func drain() {
        queue.sync {}
    }

    private func send() throws {
        if let failure = failure.withLock({ $0 }) { throw failure }
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard failure.withLock({ $0 }) == nil else { return }
            do {
                for entrant in batch {
                    try register.registerFromExtract(entrant.row, on: entrant.date, reason: entrant.reason, occupation: entrant.occupation)
                }
            } catch {
                failure.withLock { $0 = error }
            }
        }
    }
}
