import Foundation
import Synchronization

/// Durations kept in memory as a Prometheus histogram (seconds, cumulative buckets).
///
/// Counted with atomics, not a lock: every public request records its duration, and with one lock
/// per route 50 readers' threads spent a fifth of their time waiting on it (case 4 of the
/// benchmark). A scrape still sees a consistent histogram: an event counts in `total` before its
/// buckets, and in a larger bucket before a smaller one, while a scrape reads the buckets from the
/// smallest up and `total` last, so no bucket exceeds the next or the count.
final class LatencyHistogram: Sendable {
    static let bounds: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    private let buckets: [Count] = LatencyHistogram.bounds.map { _ in Count() }
    private let total = Atomic<Int>(0)
    /// The sum in nanoseconds.
    private let nanoseconds = Atomic<Int>(0)

    /// Counts one event that took `seconds`.
    func record(_ seconds: Double) {
        total.add(1, ordering: .sequentiallyConsistent)
        // Bounded, so that a clock gone wrong cannot trap the conversion.
        nanoseconds.add(Int(min(max(0, seconds), 1e9) * 1e9), ordering: .relaxed)
        for index in Self.bounds.indices.reversed() where seconds <= Self.bounds[index] {
            buckets[index].value.add(1, ordering: .sequentiallyConsistent)
        }
    }

    /// The histogram in Prometheus text under `name`, with its `# HELP` and `# TYPE` lines.
    func text(name: String, help: String) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) histogram\n" + samples(name: name)
    }

    /// The sample lines only, each with `labels` (`route="/healthz"`) before `le`: for a histogram
    /// of several label values under one `# TYPE` line.
    func samples(name: String, labels: String = "") -> String {
        let bucketCounts = buckets.map { $0.value.load(ordering: .sequentiallyConsistent) }
        let total = total.load(ordering: .sequentiallyConsistent)
        let sum = Double(nanoseconds.load(ordering: .relaxed)) / 1e9
        let prefix = labels.isEmpty ? "" : labels + ","
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        var out = ""
        for (bound, count) in zip(Self.bounds, bucketCounts) { out += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(count)\n" }
        out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(total)\n"
        out += "\(name)_sum\(braces) \(String(format: "%.6f", sum))\n\(name)_count\(braces) \(total)\n"
        return out
    }
}
