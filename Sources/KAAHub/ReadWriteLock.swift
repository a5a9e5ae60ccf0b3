#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value behind a POSIX read-write lock: readers share it, a writer has it alone.
///
/// For the public API's hot path, where 50 readers look up the same cached answer: a `Mutex`
/// made them take turns, and its spinning slow path was a sixth of the hub's CPU.
/// `@unchecked Sendable`: `value` is only reached under the lock.
final class ReadWriteLock<Value>: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        let code = pthread_rwlock_init(lock, nil)
        precondition(code == 0, "pthread_rwlock_init failed (\(code))")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// `body` with the value, beside other readers.
    func read<T>(_ body: (Value) throws -> T) rethrows -> T {
        let code = pthread_rwlock_rdlock(lock)
        precondition(code == 0, "pthread_rwlock_rdlock failed (\(code))")
        defer { pthread_rwlock_unlock(lock) }
        return try body(value)
    }

    /// `body` with the value alone, to change it.
    func write<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        let code = pthread_rwlock_wrlock(lock)
        precondition(code == 0, "pthread_rwlock_wrlock failed (\(code))")
        defer { pthread_rwlock_unlock(lock) }
        return try body(&value)
    }
}
