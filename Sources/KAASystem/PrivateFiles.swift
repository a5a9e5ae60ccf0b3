#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files of personal data or reports so that no other user can ever read them, and so that
/// a set of files appears whole or not at all.
///
/// Every file is created `open(O_CREAT|O_EXCL, 0600)` in a fresh `0700` directory beside its target
/// (so the umask never matters and nobody can read it while it is being written), synced, and then
/// renamed onto its target. A file the target replaces is moved aside first and put back if a
/// later rename fails, so a failure midway leaves the targets as they were before the call.
public enum PrivateFiles {
    /// One file to write: where it goes and its bytes.
    public struct File: Sendable {
        /// The target path.
        public let path: String
        /// The whole content.
        public let bytes: [UInt8]

        /// A file of `bytes` for `path`.
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// Writes every file in `files` or none; `beforeRename` (tests only) runs before the rename of
    /// each file, by index, and may throw to simulate a failure at that point.
    public static func write(_ files: [File], beforeRename: (Int) throws(SystemError) -> Void = { _ throws(SystemError) in }) throws(SystemError) {
        var directories: [String: String] = [:]
        defer {
            for staging in directories.values { removeStaging(staging) }
        }
        var staged: [String] = []
        for (index, file) in files.enumerated() {
            let parent = parentDirectory(of: file.path)
            let staging: String
            if let known = directories[parent] {
                staging = known
            } else {
                staging = try makeStagingDirectory(in: parent)
                directories[parent] = staging
            }
            let temporary = staging + "/new-\(index)"
            let descriptor = try FileDescriptor.createNew(temporary, permissions: 0o600)
            // `withUnsafeBytes` rethrows untyped errors, so the typed one is carried out by hand.
            var failure: SystemError?
            file.bytes.withUnsafeBytes { buffer in
                do throws(SystemError) { try descriptor.write(buffer, at: 0) } catch { failure = error }
            }
            if let failure { throw failure }
            _ = try retryingOnInterrupt("fsync", path: file.path) { fsync(descriptor.rawValue) }
            staged.append(temporary)
        }
        // Renamed together: any failure puts back what the earlier renames replaced.
        var done: [(target: String, aside: String?)] = []
        do throws(SystemError) {
            for (index, file) in files.enumerated() {
                try beforeRename(index)
                let staging = directories[parentDirectory(of: file.path)] ?? ""
                var aside: String?
                var info = stat()
                // Only a file or a link is moved aside: a directory at the target is an error of the
                // rename below, never something this call moves or removes.
                if lstat(file.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG || (info.st_mode & S_IFMT) == S_IFLNK {
                    let path = staging + "/old-\(index)"
                    _ = try retryingOnInterrupt("rename", path: file.path) { rename(file.path, path) }
                    aside = path
                }
                do throws(SystemError) {
                    _ = try retryingOnInterrupt("rename", path: file.path) { rename(staged[index], file.path) }
                } catch {
                    if let aside { _ = rename(aside, file.path) }
                    throw error
                }
                done.append((file.path, aside))
            }
        } catch {
            for (target, aside) in done.reversed() {
                _ = unlink(target)
                if let aside { _ = rename(aside, target) }
            }
            throw error
        }
    }

    /// The folder a path is in (`.` for a bare name).
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A new `0700` directory in `parent` (mkdtemp makes it so, whatever the umask).
    static func makeStagingDirectory(in parent: String) throws(SystemError) -> String {
        var template = Array((parent + "/.kaa-write.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkdtemp($0) } ?? nil }
        guard made != nil else { throw SystemError(call: "mkdtemp", path: parent, errno: currentErrno()) }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes a staging directory and what is left in it (only files this type made).
    static func removeStaging(_ directory: String) {
        guard let stream = opendir(directory) else { return }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { _ = unlink(directory + "/" + name) }
        }
        closedir(stream)
        _ = rmdir(directory)
    }
}
