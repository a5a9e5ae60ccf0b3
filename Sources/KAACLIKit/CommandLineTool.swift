/// A subcommand as a type: its declared arguments (`static let`s and the spec built from them) and
/// what it does with them. Each program refines it with its own context (`KommunCommand`).
public protocol CommandDefinition: Sendable {
    /// The program's context the command runs in.
    associatedtype Context: ProgramContext
    /// What the command takes and says about itself.
    static var spec: CommandSpec { get }
    /// Runs the command with its parsed arguments.
    static func run(_ arguments: ParsedArguments, _ context: Context) throws
}

/// One subcommand of a program: its spec and what it does with its parsed arguments.
public struct Command<Context: ProgramContext>: Sendable {
    /// What it takes and says about itself.
    public let spec: CommandSpec
    /// Runs it.
    public let run: @Sendable (ParsedArguments, Context) throws -> Void

    /// A command from its parts.
    public init(spec: CommandSpec, run: @escaping @Sendable (ParsedArguments, Context) throws -> Void) {
        self.spec = spec
        self.run = run
    }

    /// The command a definition declares.
    public init<Definition: CommandDefinition>(_ definition: Definition.Type) where Definition.Context == Context {
        self.init(spec: definition.spec) { try definition.run($0, $1) }
    }
}

/// A program made of subcommands: global options, help, dispatch, and the translation of every
/// error to a `Fel:` line and an exit code (swift-argument-parser's behaviour, in Swedish).
public struct CommandLineTool<Context: ProgramContext>: Sendable {
    /// The program's name (`kaa`).
    public let program: String
    /// One line: what the program is.
    public let abstract: String
    /// The options before the command (`--db`, `--config`) and how they change the context.
    public let globals: CommandSpec
    let applyGlobals: @Sendable (ParsedArguments, Context) throws -> Void
    /// Every command, in the order help lists them.
    public let commands: [Command<Context>]
    /// Environment variables the program reads, with a line each for help.
    public let environment: [(name: String, help: String)]
    /// The exit codes the program uses and what each means, for the reference document and the manual page.
    public let exitCodes: [(code: Int32, meaning: String)]
    /// Files an installed program uses (the package's configuration and state), for the manual page.
    public let files: [(path: String, help: String)]
    /// Other manual pages worth reading (`kaa-hub(1)`), for the manual page's SE ÄVEN.
    public let seeAlso: [String]
    /// The version `--version` prints.
    public let version: String
    /// The exit code of a value its kind refuses: 65 (bad input data) for `kaa` and `kaa-hub`;
    /// 64 for a helper whose callers treat every argument problem as usage.
    let badValueExitCode: Int32

    /// A program.
    public init(program: String, abstract: String, globals: [any ArgumentDeclaring], environment: [(name: String, help: String)] = [],
                exitCodes: [(code: Int32, meaning: String)], files: [(path: String, help: String)] = [], seeAlso: [String] = [],
                version: String = ProgramVersion.current, badValueExitCode: Int32 = ExitCode.dataError, commands: [Command<Context>],
                applyGlobals: @escaping @Sendable (ParsedArguments, Context) throws -> Void) {
        self.badValueExitCode = badValueExitCode
        self.files = files
        self.seeAlso = seeAlso
        self.version = version
        self.program = program
        self.abstract = abstract
        self.globals = CommandSpec("", abstract, arguments: globals)
        self.environment = environment
        self.exitCodes = exitCodes
        self.commands = commands
        self.applyGlobals = applyGlobals
    }

    /// Runs the program with `arguments` (without its own name); returns the exit code.
    public func main(arguments: [String], context: Context) -> Int32 {
        // Before anything is parsed or opened, so it works without a register, a configuration or
        // an environment (`env -i kaa --version`). Only on its own: a word after it is a usage error
        // rather than silently dropped.
        if arguments.first == "--version" {
            guard arguments.count == 1 else {
                return fail(CommandLineError.usage("'--version' tar inga argument (fick '\(arguments[1])')"), command: nil, context: context)
            }
            context.output.line("\(program) \(version)")
            return ExitCode.success
        }
        let (globalArguments, words): (ParsedArguments, ArraySlice<String>)
        do {
            (globalArguments, words) = try ParsedArguments.parsePrefix(arguments, spec: globals, environment: context)
            if globalArguments.wantsHelp {
                context.output.write(rootHelp)
                return ExitCode.success
            }
            try applyGlobals(globalArguments, context)
        } catch {
            return fail(error, command: nil, context: context)
        }
        guard let word = words.first else {
            return fail(CommandLineError.usage("inget kommando angavs"), command: nil, context: context)
        }
        if word == "help" {
            return help(Array(words.dropFirst()), context: context)
        }
        let list = Array(words)
        // The longest command path that matches the words ("contact add" wins over "contact").
        let match = commands
            .filter { command in
                let parts = command.spec.path.split(separator: " ").map(String.init)
                return list.count >= parts.count && Array(list.prefix(parts.count)) == parts
            }
            .max { $0.spec.path.count < $1.spec.path.count }
        guard let command = match else {
            guard let group = groupHelp(word) else { return fail(CommandLineError.usage("okänt kommando '\(word)'"), command: nil, context: context) }
            if list.count > 1, list[1] == "-h" || list[1] == "--help" {
                context.output.write(group)
                return ExitCode.success
            }
            let message = list.count == 1 ? "'\(word)' behöver ett underkommando" : "okänt underkommando '\(list[1])' till '\(word)'"
            let code = fail(CommandLineError.usage(message), command: nil, context: context)
            context.errorOutput.write(group)
            return code
        }
        let rest = Array(list.dropFirst(command.spec.path.split(separator: " ").count))
        do {
            let parsed = try ParsedArguments.parse(rest, spec: command.spec, environment: context)
            if parsed.wantsHelp {
                context.output.write(command.spec.help(program: program))
                return ExitCode.success
            }
            try command.run(parsed, context)
            return ExitCode.success
        } catch {
            return fail(error, command: command.spec, context: context)
        }
    }

    private func help(_ words: [String], context: Context) -> Int32 {
        switch words.first {
        case "--reference":
            context.output.write(referenceDocument)
            return ExitCode.success
        case "--man":
            guard words.count == 2 else {
                return fail(CommandLineError.usage("'help --man' tar en katalog: '\(program) help --man KATALOG'"), command: nil, context: context)
            }
            do {
                try ManualPageWriter.write(manualPages(date: try ManualPageWriter.date(environment: context.console.environment)), into: words[1])
            } catch {
                return fail(error, command: nil, context: context)
            }
            return ExitCode.success
        case "--bash-completion":
            guard words.count == 1 else {
                return fail(CommandLineError.usage("'help --bash-completion' tar inga argument"), command: nil, context: context)
            }
            context.output.write(bashCompletion)
            return ExitCode.success
        default:
            break
        }
        let path = words.joined(separator: " ")
        if path.isEmpty {
            context.output.write(rootHelp)
            return ExitCode.success
        }
        if let command = commands.first(where: { $0.spec.path == path }) {
            context.output.write(command.spec.help(program: program))
            return ExitCode.success
        }
        if let group = groupHelp(path) {
            context.output.write(group)
            return ExitCode.success
        }
        return fail(CommandLineError.usage("okänt kommando '\(path)'"), command: nil, context: context)
    }

    /// Reports `error` on stderr (`Fel: …`, and for usage errors the usage and where help is) and
    /// returns its exit code: the one place where errors become exit codes.
    private func fail(_ error: any Error, command: CommandSpec?, context: Context) -> Int32 {
        let (code, message): (Int32, String)
        if let error = error as? CommandLineError, case .badValue = error {
            (code, message) = (badValueExitCode, error.message)
        } else if let error = error as? any ExitCodeError {
            (code, message) = (error.exitCode, error.message)
        } else {
            (code, message) = (ExitCode.failure, String(describing: error))
        }
        if !message.isEmpty { context.errorOutput.line("Fel: \(message)") }
        if code == ExitCode.usage {
            if let command {
                context.errorOutput.line("Användning: \(command.usage(program: program))")
                context.errorOutput.line("  Se '\(program) \(command.path) --help' för mer information.")
            } else {
                context.errorOutput.line("Användning: \(rootUsage)")
                context.errorOutput.line("  Se '\(program) --help' för mer information.")
            }
        }
        return code
    }

    private func groupHelp(_ group: String) -> String? {
        let members = commands.filter { $0.spec.path.hasPrefix(group + " ") }
        guard !members.isEmpty else { return nil }
        return "ANVÄNDNING: \(program) \(group) <underkommando>\n\nUNDERKOMMANDON:\n" + members.map { commandRow($0.spec) }.joined()
    }

    private func commandRow(_ spec: CommandSpec) -> String {
        "  " + spec.path + String(repeating: " ", count: max(1, 24 - spec.path.count)) + spec.abstract + "\n"
    }

    /// `kaa [--db <fil>] [--config <fil>] <kommando>`.
    var rootUsage: String {
        ([program] + globals.options.map { "[\($0.name) <\($0.placeholder ?? "värde")>]" } + ["<kommando>"]).joined(separator: " ")
    }

    /// The program's own help: its global options, environment and commands.
    public var rootHelp: String {
        var text = "ÖVERSIKT: \(abstract)\n\nANVÄNDNING: \(rootUsage)\n\nALTERNATIV:\n"
        for option in globals.options {
            text += HelpColumns.row("\(option.name) <\(option.placeholder ?? "värde")>", option.help)
        }
        text += HelpColumns.row("-h, --help", "Visa den här hjälpen.")
        text += HelpColumns.row("--version", "Skriv ut programmets version (ensamt, före allt annat).")
        if !environment.isEmpty {
            text += "\nMILJÖ:\n" + environment.map { HelpColumns.row($0.name, $0.help) }.joined()
        }
        text += "\nKOMMANDON:\n" + commands.map { commandRow($0.spec) }.joined()
        return text + "\n  Se '\(program) help <kommando>' för utförlig hjälp ('\(program) help --reference' för allt).\n"
            + "  '\(program) help --man KATALOG' skriver manualsidorna, '\(program) help --bash-completion' kompletteringen för bash.\n"
    }

    /// `Slutkoder: 0 klart, 1 fel, …`.
    var exitCodeSummary: String {
        "Slutkoder: " + exitCodes.map { "\($0.code) \($0.meaning)" }.joined(separator: ", ") + "."
    }

    /// Every command's help as one Markdown document (`docs/commands.md` holds both programs', one after the other).
    public var referenceDocument: String {
        var text = "# \(program)\n\nGenererad av `\(program) help --reference` (`bash scripts/commands-doc.sh` skriver docs/commands.md); "
            + "ett test håller den lika med kommandonas egen hjälp.\n\n\(exitCodeSummary)\n\n```\n" + rootHelp + "```\n"
        for command in commands {
            text += "\n## \(program) \(command.spec.path)\n\n```\n" + command.spec.help(program: program) + "```\n"
        }
        return text
    }
}
