import KAARegister
import KAASync

/// Errors at the command line's edge, each with its exit code.
enum CLIError: Error, CustomStringConvertible {
    /// Wrong words: unknown option, missing argument (exit 64).
    case usage(String)
    /// A value that cannot be used, naming the option (exit 65).
    case badValue(option: String, message: String)
    /// The register refused or failed.
    case register(RegisterError)
    /// Some inputs were invalid; each was already reported (exit 65).
    case reported
    /// The sync ended early (exit 75 temporary, 65 refused, 1 failure).
    case sync(SyncError)
    /// The hub's admin commands failed.
    case hub(String, isBadInput: Bool)

    var description: String {
        switch self {
        case let .usage(message): return message
        case let .badValue(option, message): return "\(option): \(message)"
        case let .register(error): return error.description
        case .reported: return ""
        case let .sync(error): return error.description
        case let .hub(message, _): return message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: return ExitCode.usage
        case .badValue, .reported: return ExitCode.dataError
        case let .register(error): return error.isBadInput ? ExitCode.dataError : ExitCode.failure
        case let .sync(error): return error.exitCode
        case let .hub(_, isBadInput): return isBadInput ? ExitCode.dataError : ExitCode.failure
        }
    }
}

/// The exit codes of design §10.
public enum ExitCode {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let temporary: Int32 = 75
}
