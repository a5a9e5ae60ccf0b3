import Dispatch
import Foundation

/// Group commit for batches that arrive together.
///
/// A durable commit costs an fsync, and SQLite has one writer: applied one by one, a national
/// night's 290 batches would wait for 290 fsyncs in a row. Here the first thread to arrive becomes
/// the leader and runs everything queued meanwhile as one group (one transaction, one fsync); the
/// others wait until their group has committed. Nobody is answered before the commit that holds
/// their batch.
final class GroupCommit: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `queue` and `leading` are touched only under `lock`; a job's
    // `result` is written by the leader before `done` is signalled and read by its owner after.
    private final class Job: @unchecked Sendable {
        let work: () throws -> HubAnswer
        var result: Result<HubAnswer, any Error>?
        let done = DispatchSemaphore(value: 0)

        init(_ work: @escaping () throws -> HubAnswer) { self.work = work }
    }

    private let lock = NSLock()
    private var queue: [Job] = []
    private var leading = false
    /// The most jobs in one group: bounds one transaction's size and the wait of the first in it.
    let maxGroup: Int

    init(maxGroup: Int = 64) {
        self.maxGroup = maxGroup
    }

    /// Queues `work` and returns its answer once its group has committed. `execute` runs a group.
    ///
    /// Leadership passes on: a leader runs groups until its own job is done, then wakes the first
    /// job still queued (with no result yet) to lead the rest, so no thread serves others forever.
    func run(_ execute: ([() throws -> HubAnswer]) -> [Result<HubAnswer, any Error>],
             _ work: @escaping () throws -> HubAnswer) throws -> HubAnswer {
        let job = Job(work)
        lock.lock()
        queue.append(job)
        let lead = !leading
        if lead { leading = true }
        lock.unlock()
        if !lead {
            job.done.wait()
            if let result = job.result { return try result.get() }
            // Woken without a result: our turn to lead.
        }
        while job.result == nil {
            lock.lock()
            let group = Array(queue.prefix(maxGroup))
            queue.removeFirst(group.count)
            lock.unlock()
            let results = execute(group.map(\.work))
            for (member, result) in zip(group, results) {
                member.result = result
                if member !== job { member.done.signal() }
            }
        }
        lock.lock()
        if let next = queue.first {
            next.done.signal()
        } else {
            leading = false
        }
        lock.unlock()
        guard let result = job.result else { throw HubError.other("the batch was not applied") }
        return try result.get()
    }
}
