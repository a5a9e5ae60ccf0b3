import Synchronization

/// At most one log line per interval for an event anyone can cause (an unauthenticated request),
/// with how many were left out since the last line: a flood must not fill the disk through the
/// log, while the operator still sees that it happens and how much (the full count is in /metrics).
final class RateLimitedLog: Sendable {
    private struct State {
        var nextLineAt: Double = 0
        var suppressed = 0
    }

    private let state = Mutex(State())
    /// Seconds between lines.
    let interval: Double

    init(interval: Double) {
        self.interval = interval
    }

    /// Whether a line may be written at `now` (seconds on a monotonic clock), and if so how many
    /// events were left out before it.
    func mayLog(now: Double) -> (allowed: Bool, suppressed: Int) {
        state.withLock { state in
            guard now >= state.nextLineAt else {
                state.suppressed += 1
                return (false, 0)
            }
            let suppressed = state.suppressed
            state.suppressed = 0
            state.nextLineAt = now + interval
            return (true, suppressed)
        }
    }
}
