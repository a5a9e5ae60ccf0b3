import Dispatch
import KAACore

/// Counts the population on its own serial queue, one bucket of personnummer at a time.
final class PopulationWorker: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `counter` is touched only on `queue`.
    private var counter: PopulationCounter
    private let queue = DispatchQueue(label: "kaa.identify.population")

    init(_ counter: PopulationCounter) {
        self.counter = counter
    }

    /// Queues a bucket's people (as 12-digit numbers).
    func count(_ numbers: [Int64]) {
        queue.async { [self] in
            for number in numbers {
                if let pnr = try? PersonalIdentityNumber(number: number) { counter.add(pnr) }
            }
        }
    }

    /// Waits for every queued bucket and returns the counts.
    func finish() -> PopulationCounter {
        queue.sync { counter }
    }
}
