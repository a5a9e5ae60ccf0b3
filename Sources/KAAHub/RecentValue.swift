/// A value read at most once per interval (on a monotonic clock), for a check that is cheap to
/// make rarely but a queue when 50 threads make it on every request.
final class RecentValue<Value: Sendable>: Sendable {
    private let seen = ReadWriteLock<(at: Double, value: Value)?>(nil)
    /// Seconds a value stays good (0: read every time).
    let interval: Double

    init(interval: Double) {
        self.interval = interval
    }

    /// The value read less than `interval` before `now`, else a fresh one from `read`.
    func value(now: Double, read: () throws -> Value) rethrows -> Value {
        if let recent = seen.read({ $0 }), now >= recent.at, now - recent.at < interval { return recent.value }
        let value = try read()
        seen.write { $0 = (now, value) }
        return value
    }
}
