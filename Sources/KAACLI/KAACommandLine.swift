import KAACore
import KAARegister

/// One `kaa` subcommand.
protocol KAACommand: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws
}

/// The `kaa` command line: global options, then a command (design §10, conventions).
public enum KAACommandLine {
    static let commands: [any KAACommand.Type] = [
        InitCommand.self, PersonnummerCommand.self, RegisterCommand.self, DeregisterCommand.self,
        ContactAddCommand.self, ContactCorrectCommand.self, ContactRemoveCommand.self,
        OccupationSetCommand.self, OccupationCorrectCommand.self, OccupationRemoveCommand.self,
        MeasureAddCommand.self, MeasureEndCommand.self, MeasureCorrectCommand.self, MeasureRemoveCommand.self,
        EpisodeCorrectCommand.self, EpisodeRemoveCommand.self, PersonUpdateCommand.self,
        ShowCommand.self, ListCommand.self, WorklistCommand.self, StatsCommand.self, AuditCommand.self,
        IdentifyCommand.self, ImportHistoryCommand.self, ExportHistoryCommand.self, CodesCommand.self, BackupCommand.self,
    ]

    static let rootSpec = CommandSpec(
        path: "", abstract: "KAA-registret: det kommunala aktivitetsansvaret (Skollagen 29 kap. 9 §).",
        options: [
            .value("--db", "fil", "Registrets SQLite-fil (standard: $KAA_DB, annars ./kaa.sqlite)."),
            .value("--config", "fil", "Konfigurationsfil i JSON (standard: $KAA_CONFIG, annars inbyggda standardvärden)."),
        ])

    /// Runs `kaa` with `arguments` (without the program name); returns the exit code.
    public static func main(arguments: [String], context: CommandContext) -> Int32 {
        var remaining = arguments[...]
        // Global options come before the command.
        while let first = remaining.first, first.hasPrefix("-") {
            remaining = remaining.dropFirst()
            if first == "-h" || first == "--help" {
                context.output.write(rootHelp)
                return ExitCode.success
            }
            var name = first
            var value: String?
            if let equals = first.firstIndex(of: "=") {
                name = String(first[..<equals])
                value = String(first[first.index(after: equals)...])
            }
            guard name == "--db" || name == "--config" else {
                return fail(.usage("unknown option '\(name)'"), spec: nil, context: context)
            }
            if value == nil {
                guard let next = remaining.first else { return fail(.usage("missing value for '\(name)'"), spec: nil, context: context) }
                value = next
                remaining = remaining.dropFirst()
            }
            guard let value, !value.isEmpty else { return fail(.usage("'\(name)' needs a value"), spec: nil, context: context) }
            if name == "--db" { context.databasePath = value } else { context.configurationPath = value }
        }
        guard let word = remaining.first else {
            return fail(.usage("no command given"), spec: nil, context: context)
        }
        if word == "help" {
            if remaining.dropFirst().first == "--reference" {
                context.output.write(referenceDocument)
                return ExitCode.success
            }
            let path = remaining.dropFirst().joined(separator: " ")
            if path.isEmpty {
                context.output.write(rootHelp)
                return ExitCode.success
            }
            if let command = commands.first(where: { $0.spec.path == path }) {
                context.output.write(command.spec.help)
                return ExitCode.success
            }
            if let group = groupHelp(path) {
                context.output.write(group)
                return ExitCode.success
            }
            return fail(.usage("unknown command '\(path)'"), spec: nil, context: context)
        }
        // The longest command path that matches the words (so "contact add" wins over "contact").
        let words = Array(remaining)
        let match = commands
            .filter { command in
                let parts = command.spec.path.split(separator: " ").map(String.init)
                return words.count >= parts.count && Array(words.prefix(parts.count)) == parts
            }
            .max { $0.spec.path.count < $1.spec.path.count }
        guard let command = match else {
            guard let group = groupHelp(word) else { return fail(.usage("unknown command '\(word)'"), spec: nil, context: context) }
            if words.count > 1, words[1] == "-h" || words[1] == "--help" {
                context.output.write(group)
                return ExitCode.success
            }
            let message = words.count == 1 ? "'\(word)' needs a subcommand" : "unknown subcommand '\(words[1])' of '\(word)'"
            return fail(.usage(message), spec: nil, context: context, extra: group)
        }
        let spec = command.spec
        let rest = Array(words.dropFirst(spec.path.split(separator: " ").count))
        do {
            let parsed = try ParsedArguments.parse(rest, spec: spec)
            if parsed.wantsHelp {
                context.output.write(spec.help)
                return ExitCode.success
            }
            try command.run(parsed, context)
            return ExitCode.success
        } catch let error as CLIError {
            return fail(error, spec: spec, context: context)
        } catch let error as RegisterError {
            return fail(.register(error), spec: spec, context: context)
        } catch {
            context.errorOutput.line("Error: \(error)")
            return ExitCode.failure
        }
    }

    private static func fail(_ error: CLIError, spec: CommandSpec?, context: CommandContext, extra: String? = nil) -> Int32 {
        if case .reported = error { return error.exitCode }
        context.errorOutput.line("Error: \(error.description)")
        if case .usage = error {
            if let spec {
                context.errorOutput.line("Usage: \(spec.usage)")
                context.errorOutput.line("  See 'kaa \(spec.path) --help' for more information.")
            } else {
                context.errorOutput.line("Usage: kaa [--db <fil>] [--config <fil>] <kommando>")
                context.errorOutput.line("  See 'kaa --help' for more information.")
            }
            if let extra { context.errorOutput.write(extra) }
        }
        return error.exitCode
    }

    static var rootHelp: String {
        var text = """
            OVERVIEW: \(rootSpec.abstract)

            USAGE: kaa [--db <fil>] [--config <fil>] <kommando>

            OPTIONS:
              --db <fil>                Registrets SQLite-fil (standard: $KAA_DB, annars ./kaa.sqlite).
              --config <fil>            Konfigurationsfil i JSON (standard: $KAA_CONFIG).
              -h, --help                Visa den här hjälpen.

            ENVIRONMENT:
              KAA_TODAY=ÅÅÅÅ-MM-DD      Använd detta datum som dagens (för test, demo och omkörning).

            COMMANDS:

            """
        for command in commands {
            let path = command.spec.path
            text += "  " + path + String(repeating: " ", count: max(1, 24 - path.count)) + command.spec.abstract + "\n"
        }
        text += "\n  See 'kaa help <kommando>' for detailed help ('kaa help --reference' for all of it).\n"
        return text
    }

    /// Every command's help as one Markdown document (`docs/commands.md` is this output).
    static var referenceDocument: String {
        var text = "# kaa commands\n\nGenerated by `kaa help --reference`; a test keeps it equal to the commands' own help.\n\n"
        text += "Exit codes: 0 ok, 1 failure, 64 wrong usage, 65 bad input data.\n\n```\n" + rootHelp + "```\n"
        for command in commands {
            text += "\n## kaa \(command.spec.path)\n\n```\n" + command.spec.help + "```\n"
        }
        return text
    }

    private static func groupHelp(_ group: String) -> String? {
        let members = commands.filter { $0.spec.path.hasPrefix(group + " ") }
        guard !members.isEmpty else { return nil }
        var text = "USAGE: kaa \(group) <underkommando>\n\nSUBCOMMANDS:\n"
        for command in members {
            let path = command.spec.path
            text += "  " + path + String(repeating: " ", count: max(1, 24 - path.count)) + command.spec.abstract + "\n"
        }
        return text
    }
}
