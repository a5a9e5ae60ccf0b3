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
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        // Closing the only descriptor of the open file releases the lock.
        _ = close(descriptor)
    }

    /// Takes the lock on `path` (created 0600 if missing) without waiting; nil when another holder has it.
    public static func tryLocking(_ path: String) throws(SystemError) -> FileLock? {
        let descriptor = try retryingOnInterrupt("open", path: path) { lockFileOpen(path) }
        do {
            _ = try retryingOnInterrupt("flock", path: path) { flock(descriptor, LOCK_EX | LOCK_NB) }
        } catch where error.errno == EWOULDBLOCK {
            _ = close(descriptor)
            return nil
        } catch {
            _ = close(descriptor)
            throw error
        }
        return FileLock(path: path, descriptor: descriptor)
    }
}

// No O_TRUNC (the file holds nothing) and O_NOFOLLOW, so a planted link is refused, not followed.
private func lockFileOpen(_ path: String) -> Int32 { open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600) }
