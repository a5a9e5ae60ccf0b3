import KAASQLite

/// What can go wrong at the hub, for the admin CLI (the HTTP side answers with status codes).
public enum HubError: Error, CustomStringConvertible {
    case invalidInput(String)
    case notFound(String)
    case database(SQLiteError)
    case other(String)

    public var description: String {
        switch self {
        case let .invalidInput(message), let .notFound(message), let .other(message): return message
        case let .database(error): return "databasfel: \(error)"
        }
    }

    public var isBadInput: Bool {
        switch self {
        case .invalidInput, .notFound: return true
        default: return false
        }
    }

    /// Whether SQLite found the database locked by another connection past its busy timeout.
    public var isBusy: Bool {
        if case let .database(error) = self { return error.isBusy }
        return false
    }

    static func wrap(_ error: any Error) -> HubError {
        switch error {
        case let error as HubError: return error
        case let error as SQLiteError: return .database(error)
        default: return .other(String(describing: error))
        }
    }
}
