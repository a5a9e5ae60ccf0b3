import Foundation
import Synchronization

/// Durations kept in memory as a Prometheus histogram (seconds, cumulative buckets).
final class LatencyHistogram: Sendable {
    static let bounds: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Counts {
        var buckets = Array(repeating: 0, count: LatencyHistogram.bounds.count)
        var total = 0
        var sum = 0.0
    }

    private let counts = Mutex(Counts())

    /// Counts one event that took `seconds`.
    func record(_ seconds: Double) {
        counts.withLock { counts in
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { counts.buckets[index] += 1 }
            counts.total += 1
            counts.sum += max(0, seconds)
        }
    }

    /// The histogram in Prometheus text under `name`, with its `# HELP` and `# TYPE` lines.
    func text(name: String, help: String) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) histogram\n" + samples(name: name)
    }

    /// The sample lines only, each with `labels` (`route="/healthz"`) before `le`: for a histogram
    /// of several label values under one `# TYPE` line.
    func samples(name: String, labels: String = "") -> String {
        let counts = counts.withLock { $0 }
        let prefix = labels.isEmpty ? "" : labels + ","
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        var out = ""
        for (bound, count) in zip(Self.bounds, counts.buckets) { out += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(count)\n" }
        out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(counts.total)\n"
        out += "\(name)_sum\(braces) \(String(format: "%.6f", counts.sum))\n\(name)_count\(braces) \(counts.total)\n"
        return out
    }
}
