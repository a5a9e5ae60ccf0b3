/// One declared argument of a command, with its type erased: what the parser and the help read.
public struct ArgumentDeclaration: Sendable {
    /// Whether the argument is a flag, an option with a value, or a positional.
    public enum Role: Sendable {
        /// `--json`: no value.
        case flag
        /// `--date 2026-11-23` or `--date=2026-11-23`.
        case option
        /// A word after the command.
        case positional
    }

    /// `--date` for options and flags, `PNR` for positionals.
    public let name: String
    /// The role.
    public let role: Role
    /// The value's placeholder (`datum`); nil for flags.
    public let placeholder: String?
    /// Whether its value is a path, so shell completion offers files.
    public let completesFiles: Bool
    /// One line of help.
    public let help: String
    /// Whether the command cannot run without it.
    public let isRequired: Bool
    /// Whether it may be given more than once (or, for a positional, take every remaining word).
    public let isRepeated: Bool
    /// Turns the texts given (none, one or several) into the typed value the command reads.
    let decode: @Sendable ([String], any ArgumentEnvironment) throws -> any Sendable
}

/// Anything that declares arguments (an `Argument<Value>`), so one command's list can mix types.
public protocol ArgumentDeclaring: Sendable {
    /// The declaration.
    var declaration: ArgumentDeclaration { get }
}

/// A typed argument: declared once as a command's static property, read in `run()` as
/// `arguments[Self.date]`, which is a `CalendarDate` for a required option and a
/// `CalendarDate?` for an optional one.
public struct Argument<Value: Sendable>: ArgumentDeclaring {
    /// The declaration.
    public let declaration: ArgumentDeclaration
}

/// Declares arguments: `Arg.required("--date", .date, "…")`.
public enum Arg {
    /// A flag (`--json`); reads as `true` when given.
    public static func flag(_ name: String, _ help: String) -> Argument<Bool> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .flag, placeholder: nil, completesFiles: false, help: help, isRequired: false, isRepeated: false) { texts, _ in
            !texts.isEmpty
        })
    }

    /// An option that may be left out; reads as nil then.
    public static func option<T: Sendable>(_ name: String, _ kind: ValueKind<T>, _ help: String) -> Argument<T?> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .option, placeholder: kind.placeholder, completesFiles: kind.completesFiles, help: help, isRequired: false, isRepeated: false) { texts, environment in
            try texts.last.map { try kind.read($0, environment) } as T?
        })
    }

    /// An option with a default used when it is left out.
    public static func option<T: Sendable>(_ name: String, _ kind: ValueKind<T>, default value: T, _ help: String) -> Argument<T> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .option, placeholder: kind.placeholder, completesFiles: kind.completesFiles, help: help, isRequired: false, isRepeated: false) { texts, environment in
            try texts.last.map { try kind.read($0, environment) } ?? value
        })
    }

    /// An option the command cannot run without; usage lines name it.
    public static func required<T: Sendable>(_ name: String, _ kind: ValueKind<T>, _ help: String) -> Argument<T> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .option, placeholder: kind.placeholder, completesFiles: kind.completesFiles, help: help, isRequired: true, isRepeated: false) { texts, environment in
            guard let text = texts.last else { throw InvalidValue("saknas") }
            return try kind.read(text, environment)
        })
    }

    /// An option that may be given several times; reads as every value in order.
    public static func repeated<T: Sendable>(_ name: String, _ kind: ValueKind<T>, _ help: String) -> Argument<[T]> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .option, placeholder: kind.placeholder, completesFiles: kind.completesFiles, help: help, isRequired: false, isRepeated: true) { texts, environment in
            try texts.map { try kind.read($0, environment) }
        })
    }

    /// A positional the command needs.
    public static func positional<T: Sendable>(_ name: String, _ kind: ValueKind<T>, _ help: String) -> Argument<T> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .positional, placeholder: kind.placeholder, completesFiles: kind.completesFiles, help: help, isRequired: true, isRepeated: false) { texts, environment in
            guard let text = texts.first else { throw InvalidValue("saknas") }
            return try kind.read(text, environment)
        })
    }

    /// A positional that may be left out (it must come last).
    public static func optionalPositional<T: Sendable>(_ name: String, _ kind: ValueKind<T>, _ help: String) -> Argument<T?> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .positional, placeholder: kind.placeholder, completesFiles: kind.completesFiles, help: help, isRequired: false, isRepeated: false) { texts, environment in
            try texts.first.map { try kind.read($0, environment) } as T?
        })
    }

    /// One or more positionals (it must come last); reads as all of them.
    public static func positionals<T: Sendable>(_ name: String, _ kind: ValueKind<T>, _ help: String) -> Argument<[T]> {
        Argument(declaration: ArgumentDeclaration(name: name, role: .positional, placeholder: kind.placeholder, completesFiles: kind.completesFiles, help: help, isRequired: true, isRepeated: true) { texts, environment in
            try texts.map { try kind.read($0, environment) }
        })
    }
}
