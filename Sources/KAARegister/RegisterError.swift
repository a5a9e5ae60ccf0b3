import KAACore
import KAASQLite
import KAASystem

/// Everything that can go wrong in the register, with a Swedish message for coordinators.
public enum RegisterError: Error, CustomStringConvertible {
    /// Bad input: a value the register refuses, naming the field (`--date`) where there is one.
    case invalidInput(field: String?, message: String)
    /// A person, episode, contact or measure that does not exist.
    case notFound(String)
    /// The register file is missing or not initialised.
    case notInitialised(path: String)
    /// `init` on a register that already exists.
    case alreadyInitialised(path: String)
    /// The configuration file is invalid.
    case invalidConfiguration(String)
    /// The schema could not be brought up to date.
    case migration(MigrationError)
    /// SQLite failed.
    case database(SQLiteError)
    /// A file could not be read or written.
    case file(String)
    /// The operating system failed a call (a temporary file, a read, a full disk): not the input's fault.
    case system(SystemError)
    /// Bad rows or files in an import; nothing was changed.
    case importProblems([ImportProblem])
    /// A removal that takes more than the record named was not confirmed; nothing was changed.
    case needsConfirmation(RemovalPlan)
    /// The logged-in staff member may not see or change this (role or caseload); the refusal is audited.
    case forbidden(String)
    /// A form was made from a view that has since changed (another coordinator saved first); nothing was changed.
    case staleView(String)

    public var description: String {
        switch self {
        case let .invalidInput(field, message):
            return field.map { "\($0): \(message)" } ?? message
        case let .notFound(what): return what
        case let .notInitialised(path):
            return "registret \(path) finns inte eller är inte initierat; kör 'kaa init --kommun KOD' först"
        case let .alreadyInitialised(path): return "registret \(path) finns redan"
        case let .invalidConfiguration(message): return "ogiltig konfiguration: \(message)"
        case let .migration(error): return "databasschemat kunde inte uppdateras: \(error)"
        case let .database(error):
            // Said as such: "database or disk is full" reads as a database problem to a coordinator.
            if error.resultCode == .full { return "disken är full: registret kunde inte skrivas (\(error))" }
            return "databasfel: \(error)"
        case let .file(message): return message
        case let .system(error): return "systemfel: \(error)"
        case let .importProblems(problems):
            let shown = problems.prefix(200).map(\.description)
            let more = problems.count > 200 ? ["… och \(problems.count - 200) fel till"] : []
            return "\(problems.count) fel i importen; ingenting har ändrats:\n" + (shown + more).joined(separator: "\n")
        case let .needsConfirmation(plan):
            return "\(plan.description) Bekräfta med --yes; ingenting har ändrats"
        case let .forbidden(message): return message
        case let .staleView(message): return message
        }
    }

    /// Whether the error is the input's fault (exit 65) rather than the system's (exit 1).
    public var isBadInput: Bool {
        switch self {
        case .invalidInput, .notFound, .invalidConfiguration, .importProblems, .staleView: return true
        default: return false
        }
    }

    /// Whether the disk (or quota) under the register or its temporary files is full: the
    /// write failed as a whole and nothing changed, so trying again later is right.
    public var isDiskFull: Bool {
        switch self {
        case let .database(error): return error.resultCode == .full || error.systemError?.isDiskFull == true
        case let .system(error): return error.isDiskFull
        default: return false
        }
    }

    /// Wraps any error thrown inside the register as a `RegisterError`.
    static func wrap(_ error: any Error) -> RegisterError {
        switch error {
        case let error as RegisterError: return error
        case let error as SQLiteError: return .database(error)
        case let error as MigrationError: return .migration(error)
        case let error as SystemError: return .system(error)
        case let error as PersonalIdentityNumberError: return .invalidInput(field: "personnummer", message: error.description)
        case let error as ImportProblem: return .importProblems([error])
        default: return .file(String(describing: error))
        }
    }
}
