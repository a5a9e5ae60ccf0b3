import Dispatch
import KAASQLite
import Synchronization

/// Group commit for writes that arrive together.
///
/// A durable commit costs an fsync, and SQLite has one writer: applied one by one, a national
/// night's 290 batches would wait for 290 fsyncs in a row. Here the first thread to arrive becomes
/// the leader and runs everything queued meanwhile as one group (one transaction, one fsync); the
/// others wait until their group has committed. Nobody is answered before the commit that holds
/// their write. How a group runs (the transaction) is the caller's `execute`.
final class GroupCommit<Output: Sendable>: Sendable {
    /// One queued write: its work runs on the leader's thread, with the leader's connection.
    typealias Work = (Database) throws -> Output

    // Invariant for @unchecked Sendable: `result` is written by the leader before `done` is
    // signalled and read by its owner only after (or by the leader itself); `work` is immutable.
    final class Job: @unchecked Sendable {
        let work: Work
        var result: Result<Output, any Error>?
        let done = DispatchSemaphore(value: 0)

        init(_ work: @escaping Work) { self.work = work }
    }

    private struct Queue {
        var jobs: [Job] = []
        var isLeading = false
    }

    private let queue = Mutex(Queue())
    /// The most jobs in one group: bounds one transaction's size and the wait of the first in it.
    let maxGroup: Int

    init(maxGroup: Int = 64) {
        self.maxGroup = maxGroup
    }

    /// Queues `work` and returns its output once its group has committed. `execute` runs a group
    /// and returns one result per job, in order.
    ///
    /// Leadership passes on: a leader runs groups until its own job is done, then wakes the first
    /// job still queued (with no result yet) to lead the rest, so no thread serves others forever.
    func run(_ execute: ([Work]) -> [Result<Output, any Error>], _ work: @escaping Work) throws -> Output {
        let job = Job(work)
        let lead = queue.withLock { queue in
            queue.jobs.append(job)
            defer { queue.isLeading = true }
            return !queue.isLeading
        }
        if !lead {
            job.done.wait()
            if let result = job.result { return try result.get() }
            // Woken without a result: our turn to lead.
        }
        while job.result == nil {
            let group = queue.withLock { queue in
                let group = Array(queue.jobs.prefix(maxGroup))
                queue.jobs.removeFirst(group.count)
                return group
            }
            let results = execute(group.map(\.work))
            for (member, result) in zip(group, results) {
                member.result = result
                if member !== job { member.done.signal() }
            }
        }
        queue.withLock { queue in
            if let next = queue.jobs.first {
                next.done.signal()
            } else {
                queue.isLeading = false
            }
        }
        guard let result = job.result else { throw HubError.other("the write was not applied") }
        return try result.get()
    }
}
