/// The exit codes of design §10.
public enum ExitCode {
    /// 0: done.
    public static let success: Int32 = 0
    /// 1: a failure that is neither the caller's input nor temporary.
    public static let failure: Int32 = 1
    /// 64: wrong usage (unknown option, missing argument).
    public static let usage: Int32 = 64
    /// 65: bad input data; the message names the field, line or value.
    public static let dataError: Int32 = 65
    /// 75: temporary; try again later (a hub that could not be reached).
    public static let temporary: Int32 = 75
}

/// An error that knows how a program reports it: its exit code and its message. Every module's
/// error reaches the exit code through this one protocol, conformed once in each program's module.
public protocol ExitCodeError: Error {
    /// The exit code (one of `ExitCode`).
    var exitCode: Int32 { get }
    /// The message after `Fel: `, in Swedish, naming what failed; empty when it was already reported.
    var message: String { get }
}

/// The command line's own errors.
public enum CommandLineError: ExitCodeError, Equatable, CustomStringConvertible {
    /// Wrong words: unknown option, missing argument, exclusive options combined (exit 64).
    case usage(String)
    /// A value that cannot be used, naming the argument (exit 65).
    case badValue(argument: String, message: String)
    /// Some inputs were invalid and each was already reported (exit 65).
    case reported
    /// A failure outside the caller's input (exit 1).
    case failed(String)

    /// The exit code.
    public var exitCode: Int32 {
        switch self {
        case .usage: return ExitCode.usage
        case .badValue, .reported: return ExitCode.dataError
        case .failed: return ExitCode.failure
        }
    }

    /// The message.
    public var message: String {
        switch self {
        case let .usage(message), let .failed(message): return message
        case let .badValue(argument, message): return "\(argument): \(message)"
        case .reported: return ""
        }
    }

    /// The message.
    public var description: String { message }
}

/// A library error that already tells the input's fault from the system's (`isBadInput`): it
/// reports as 65 or 1 with its own description, so each program conforms its libraries' errors in
/// one line.
public protocol InputOrSystemError: ExitCodeError, CustomStringConvertible {
    /// Whether the error is the input's fault (exit 65) rather than the system's (exit 1).
    var isBadInput: Bool { get }
}

extension InputOrSystemError {
    /// 65 for the input's fault, 1 for the system's.
    public var exitCode: Int32 { isBadInput ? ExitCode.dataError : ExitCode.failure }
    /// The error's own description.
    public var message: String { description }
}
