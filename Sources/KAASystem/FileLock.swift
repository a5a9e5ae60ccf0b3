#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a lock file, held while the value lives.
///
/// `flock` rather than `fcntl` locks: it belongs to the open file, so two threads of one process
/// exclude each other as two processes do, and the kernel drops it when the process dies (even by
/// `kill -9`), so no stale lock file ever has to be cleaned up by hand.
public final class FileLock {
    /// The lock file.
    public var path: String { descriptor.path }
    // Releasing the only descriptor of the open file (FileDescriptor closes it) releases the lock.
    private let descriptor: FileDescriptor

    private init(descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    /// Takes the lock on `path` (created 0600 if missing) without waiting; nil when another holder has it.
    public static func tryLocking(_ path: String) throws(SystemError) -> FileLock? {
        let descriptor = try FileDescriptor.openOrCreate(path)
        do {
            _ = try retryingOnInterrupt("flock", path: path) { flock(descriptor.rawValue, LOCK_EX | LOCK_NB) }
        } catch where error.errno == EWOULDBLOCK {
            return nil
        }
        return FileLock(descriptor: descriptor)
    }
}
