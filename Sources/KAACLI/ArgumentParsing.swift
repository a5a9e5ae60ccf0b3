/// One option of a command.
struct OptionSpec: Sendable {
    enum Kind: Sendable {
        /// A flag that takes no value.
        case flag
        /// An option with one value (`--date 2026-11-23` or `--date=2026-11-23`).
        case value(String)
        /// An option that may be repeated.
        case repeated(String)
    }

    let name: String
    let kind: Kind
    let help: String

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, kind: .flag, help: help) }
    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec { OptionSpec(name: name, kind: .value(valueName), help: help) }
}

/// A positional argument.
struct PositionalSpec: Sendable {
    let name: String
    let help: String
    var isRepeated = false
    var isOptional = false
}

/// What a command takes and says about itself.
struct CommandSpec: Sendable {
    /// The words after `kaa` (`contact add`).
    let path: String
    let abstract: String
    var positionals: [PositionalSpec] = []
    var options: [OptionSpec] = []
    var discussion: String?
    /// The program the command belongs to.
    var program = "kaa"

    var usage: String {
        var parts = [program, path]
        for positional in positionals {
            var text = positional.name
            if positional.isRepeated { text += "..." }
            if positional.isOptional { text = "[\(text)]" }
            parts.append(text)
        }
        if !options.isEmpty { parts.append("[<alternativ>]") }
        return parts.joined(separator: " ")
    }

    var help: String {
        var text = "OVERVIEW: \(abstract)\n\nUSAGE: \(usage)\n"
        if !positionals.isEmpty {
            text += "\nARGUMENTS:\n"
            for positional in positionals {
                text += "  " + pad(positional.name, 26) + positional.help + "\n"
            }
        }
        text += "\nOPTIONS:\n"
        for option in options {
            var label = option.name
            switch option.kind {
            case .flag: break
            case let .value(name), let .repeated(name): label += " <\(name)>"
            }
            text += "  " + pad(label, 26) + option.help + "\n"
        }
        text += "  " + pad("-h, --help", 26) + "Visa den här hjälpen.\n"
        if let discussion { text += "\n" + discussion + "\n" }
        return text
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width - 1 ? text + "\n" + String(repeating: " ", count: width + 2) : text + String(repeating: " ", count: width - text.count)
    }
}

/// The arguments of one command, parsed against its spec.
struct ParsedArguments: Sendable {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var wantsHelp = false

    /// The value of a single-value option.
    func value(_ name: String) -> String? { values[name]?.last }

    /// Whether a flag was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// A required option's value.
    func required(_ name: String) throws(CLIError) -> String {
        guard let value = value(name) else { throw .usage("missing required option '\(name)'") }
        return value
    }

    /// Parses `arguments` against `spec`.
    static func parse(_ arguments: [String], spec: CommandSpec) throws(CLIError) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" || isNegativeNumberLike(argument) {
                result.positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            if argument == "-h" || argument == "--help" {
                result.wantsHelp = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                throw .usage("unknown option '\(name)'")
            }
            switch option.kind {
            case .flag:
                guard inlineValue == nil else { throw .usage("'\(name)' takes no value") }
                result.flags.insert(name)
            case .value, .repeated:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw .usage("missing value for '\(name)'") }
                    value = arguments[index]
                    index += 1
                }
                if case .value = option.kind, result.values[name] != nil {
                    throw .usage("'\(name)' given more than once")
                }
                result.values[name, default: []].append(value)
            }
        }
        if result.wantsHelp { return result }
        let required = spec.positionals.filter { !$0.isOptional }.count
        let repeated = spec.positionals.contains { $0.isRepeated }
        if result.positionals.count < required {
            let missing = spec.positionals[result.positionals.count]
            throw .usage("missing expected argument '\(missing.name)'")
        }
        if !repeated, result.positionals.count > spec.positionals.count {
            throw .usage("unexpected argument '\(result.positionals[spec.positionals.count])'")
        }
        return result
    }

    // Personnummer never start with "-", but dates and numbers might be mistaken for options.
    private static func isNegativeNumberLike(_ argument: String) -> Bool {
        argument.count > 1 && argument.dropFirst().allSatisfy(\.isNumber)
    }
}
