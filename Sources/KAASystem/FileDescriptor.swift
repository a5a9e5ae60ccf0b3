#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file that owns its descriptor and closes it when released.
///
/// Every call is wrapped once here: retried on `EINTR`, and any other failure thrown as a
/// `SystemError` naming the call and the path. Reads and writes at an offset loop until the whole
/// range is done, so callers never see a partial transfer.
public final class FileDescriptor {
    /// The raw descriptor (valid until this object is released).
    public let rawValue: Int32
    /// The path it was opened by, for messages (an unlinked temporary file keeps its old name).
    public let path: String

    private init(rawValue: Int32, path: String) {
        self.rawValue = rawValue
        self.path = path
    }

    deinit {
        // After close, the descriptor is released even when close reports EINTR (Linux, POSIX 2024),
        // so a retry could close someone else's; a reading caller has nothing to lose here.
        _ = systemClose(rawValue)
    }

    /// Opens an existing file for reading.
    public static func openForReading(_ path: String) throws(SystemError) -> FileDescriptor {
        let fd = try retryingOnInterrupt("open", path: path) { systemOpen(path, O_RDONLY | O_CLOEXEC, 0) }
        return FileDescriptor(rawValue: fd, path: path)
    }

    /// Creates a new file for reading and writing with `permissions`; fails with `EEXIST` when
    /// anything is at `path` already (a file, or a symbolic link, dangling or not), so a file made by
    /// someone else is never taken over.
    public static func createNew(_ path: String, permissions: mode_t = 0o600) throws(SystemError) -> FileDescriptor {
        let fd = try retryingOnInterrupt("open", path: path) {
            systemOpen(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_RDWR | O_CLOEXEC, permissions)
        }
        return FileDescriptor(rawValue: fd, path: path)
    }

    /// Opens `path` for reading and writing, creating it 0600 when missing, never following a link
    /// (a planted link is refused) and never truncating: what a lock file needs.
    public static func openOrCreate(_ path: String) throws(SystemError) -> FileDescriptor {
        let fd = try retryingOnInterrupt("open", path: path) {
            systemOpen(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }
        return FileDescriptor(rawValue: fd, path: path)
    }

    /// Creates a file in `directory` that has no name: it is unlinked as soon as it is open, so it
    /// disappears with the descriptor (or the process) whatever happens.
    public static func makeAnonymousTemporaryFile(in directory: String) throws(SystemError) -> FileDescriptor {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        var template = Array((base + "kaa-spill.XXXXXX").utf8CString)
        let fd = try retryingOnInterrupt("mkstemp", path: directory) { mkstemp(&template) }
        let descriptor = FileDescriptor(rawValue: fd, path: directory)
        let name = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        _ = try retryingOnInterrupt("unlink", path: name) { unlink(name) }
        return descriptor
    }

    /// Reads at the current position into `buffer`; returns the byte count, 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        try retryingOnInterrupt("read", path: path) { systemRead(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Fills `buffer` from `offset`; a file that ends before the buffer is full is an error (the
    /// caller asked for bytes it knows are there).
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemError) {
        var done = 0
        while done < buffer.count {
            let count = try retryingOnInterrupt("pread", path: path) {
                systemPread(rawValue, buffer.baseAddress.map { $0 + done }, buffer.count - done, off_t(offset + done))
            }
            guard count > 0 else {
                throw SystemError(call: "pread", path: path, reason: "the file ends at byte \(offset + done), before \(offset + buffer.count) (did it change while being read?)")
            }
            done += count
        }
    }

    /// Writes all of `buffer` at `offset`.
    public func write(_ buffer: UnsafeRawBufferPointer, at offset: Int) throws(SystemError) {
        var done = 0
        while done < buffer.count {
            let count = try retryingOnInterrupt("pwrite", path: path) {
                systemPwrite(rawValue, buffer.baseAddress.map { $0 + done }, buffer.count - done, off_t(offset + done))
            }
            guard count > 0 else { throw SystemError(call: "pwrite", path: path, reason: "nothing was written") }
            done += count
        }
    }

    /// Moves the read position to `offset` from the start.
    public func seek(to offset: Int) throws(SystemError) {
        _ = try retryingOnInterrupt("lseek", path: path) { lseek(rawValue, off_t(offset), SEEK_SET) }
    }
}

// File-level fronts for the C calls: inside `FileDescriptor`, `read` and `write` name its own
// methods, and `Glibc.read` would not build on macOS.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ offset: off_t) -> Int {
    pread(fd, buffer, count, offset)
}
private func systemPwrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, _ offset: off_t) -> Int {
    pwrite(fd, buffer, count, offset)
}
