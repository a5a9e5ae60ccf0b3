import Foundation
import Synchronization

/// Apply latencies, kept in memory as a Prometheus histogram.
final class LatencyHistogram: Sendable {
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Counts {
        var buckets = Array(repeating: 0, count: LatencyHistogram.bounds.count)
        var total = 0
        var sum = 0.0
    }

    private let counts = Mutex(Counts())

    /// Counts one apply that took `seconds`.
    func record(_ seconds: Double) {
        counts.withLock { counts in
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { counts.buckets[index] += 1 }
            counts.total += 1
            counts.sum += seconds
        }
    }

    /// The histogram in Prometheus text under `name`.
    func text(name: String) -> String {
        let counts = counts.withLock { $0 }
        var out = "# HELP \(name) Seconds from a valid batch to its commit.\n# TYPE \(name) histogram\n"
        for (bound, count) in zip(Self.bounds, counts.buckets) { out += "\(name)_bucket{le=\"\(bound)\"} \(count)\n" }
        out += "\(name)_bucket{le=\"+Inf\"} \(counts.total)\n\(name)_sum \(String(format: "%.6f", counts.sum))\n\(name)_count \(counts.total)\n"
        return out
    }
}
