import KAARegister
import KAASync

/// A program made of subcommands: global options (`--db`, `--config`), help, dispatch, and the
/// translation of errors to `Error:` lines and exit codes (swift-argument-parser's behaviour).
struct CommandLineTool {
    let program: String
    let commands: [any KAACommand.Type]
    let rootHelp: String
    let reference: String

    func main(arguments: [String], context: CommandContext) -> Int32 {
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
                context.output.write(reference)
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

    private func fail(_ error: CLIError, spec: CommandSpec?, context: CommandContext, extra: String? = nil) -> Int32 {
        if case .reported = error { return error.exitCode }
        context.errorOutput.line("Error: \(error.description)")
        if case .usage = error {
            if let spec {
                context.errorOutput.line("Usage: \(spec.usage)")
                context.errorOutput.line("  See '\(program) \(spec.path) --help' for more information.")
            } else {
                context.errorOutput.line("Usage: \(program) [--db <fil>] [--config <fil>] <kommando>")
                context.errorOutput.line("  See '\(program) --help' for more information.")
            }
            if let extra { context.errorOutput.write(extra) }
        }
        return error.exitCode
    }

    private func groupHelp(_ group: String) -> String? {
        let members = commands.filter { $0.spec.path.hasPrefix(group + " ") }
        guard !members.isEmpty else { return nil }
        var text = "USAGE: \(program) \(group) <underkommando>\n\nSUBCOMMANDS:\n"
        for command in members {
            let path = command.spec.path
            text += "  " + path + String(repeating: " ", count: max(1, 24 - path.count)) + command.spec.abstract + "\n"
        }
        return text
    }
}
