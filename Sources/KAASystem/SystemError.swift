#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which call, on which path, and the operating system's reason.
///
/// The one error type for the system edge, so that every caller reports an OS failure the same way
/// (and the command line can tell "the system failed" from "the input is bad").
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`open`, `pread`, `mkstemp`…).
    public let call: String
    /// The file it was about, if any.
    public let path: String?
    /// `errno` after the call, or nil when the call returned without an errno (a short read).
    public let errno: Int32?
    /// The reason in words: `strerror(errno)`, or ours when there is no errno.
    public let reason: String

    /// A failure reported through `errno`.
    public init(call: String, path: String?, errno code: Int32) {
        self.call = call
        self.path = path
        self.errno = code
        self.reason = Self.reason(errno: code)
    }

    /// A failure the call did not report through `errno` (for example a file that shrank under us).
    public init(call: String, path: String?, reason: String) {
        self.call = call
        self.path = path
        self.errno = nil
        self.reason = reason
    }

    /// `strerror(code)`, with a full disk or quota said in Swedish first: that is the one a
    /// coordinator must act on (free space), and "No space left on device" is easy to misread.
    static func reason(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case ENOSPC: return "disken är full (\(text))"
        case EDQUOT: return "diskkvoten är slut (\(text))"
        default: return text
        }
    }

    /// Whether the call failed because the disk (or the user's quota) is full.
    public var isDiskFull: Bool { errno == ENOSPC || errno == EDQUOT }

    /// `call path: reason`, as a log line or an error message shows it.
    public var description: String {
        "\(call)\(path.map { " \($0)" } ?? ""): \(reason)"
    }
}

/// Runs `body` (a system call returning -1 on failure) again while it is interrupted by a signal,
/// and turns any other failure into a `SystemError`.
@inlinable
public func retryingOnInterrupt<Result: FixedWidthInteger>(_ call: String, path: String?,
                                                           _ body: () -> Result) throws(SystemError) -> Result {
    while true {
        let result = body()
        guard result == -1 else { return result }
        let code = currentErrno()
        if code == EINTR { continue }
        throw SystemError(call: call, path: path, errno: code)
    }
}

/// `errno`, readable from inlinable code on both platforms.
@usableFromInline
func currentErrno() -> Int32 { errno }
