/// What a command takes and says about itself; help and usage lines are generated from it.
public struct CommandSpec: Sendable {
    /// The words after the program's name (`contact add`).
    public let path: String
    /// One line: what the command does.
    public let abstract: String
    /// Every argument, in the order help lists them (positionals in the order they are given).
    public let arguments: [ArgumentDeclaration]
    /// Groups of options and flags of which at most one may be given.
    public let exclusiveGroups: [[String]]
    /// More help after the options.
    public let discussion: String?

    /// A command's spec. `exclusive` lists groups of arguments that cannot be combined.
    public init(_ path: String, _ abstract: String, arguments: [any ArgumentDeclaring] = [], exclusive: [[any ArgumentDeclaring]] = [],
                discussion: String? = nil) {
        self.path = path
        self.abstract = abstract
        self.arguments = arguments.map(\.declaration)
        self.exclusiveGroups = exclusive.map { $0.map(\.declaration.name) }
        self.discussion = discussion
        precondition(exclusive.allSatisfy { $0.allSatisfy { member in arguments.contains { $0.declaration.name == member.declaration.name } } },
                     "\(path): an exclusive group names an argument the command does not declare")
        let positionals = self.arguments.filter { $0.role == .positional }
        precondition(positionals.dropLast().allSatisfy { $0.isRequired && !$0.isRepeated },
                     "\(path): only the last positional may be optional or repeated")
    }

    var positionals: [ArgumentDeclaration] { arguments.filter { $0.role == .positional } }
    var options: [ArgumentDeclaration] { arguments.filter { $0.role != .positional } }

    /// The usage line after `program`: positionals, then the required options, then `[<alternativ>]`.
    public func usage(program: String) -> String {
        var parts = [program]
        if !path.isEmpty { parts.append(path) }
        for positional in positionals {
            var text = positional.name
            if positional.isRepeated { text += "..." }
            if !positional.isRequired { text = "[\(text)]" }
            parts.append(text)
        }
        for option in options where option.isRequired {
            parts.append("\(option.name) <\(option.placeholder ?? "värde")>")
        }
        if options.contains(where: { !$0.isRequired }) { parts.append("[<alternativ>]") }
        return parts.joined(separator: " ")
    }

    /// The whole help text.
    public func help(program: String) -> String {
        var text = "ÖVERSIKT: \(abstract)\n\nANVÄNDNING: \(usage(program: program))\n"
        if !positionals.isEmpty {
            text += "\nARGUMENT:\n"
            for positional in positionals {
                text += HelpColumns.row(positional.name, positional.help)
            }
        }
        text += "\nALTERNATIV:\n"
        for option in options {
            var label = option.name
            if let placeholder = option.placeholder { label += " <\(placeholder)>" }
            var help = option.help
            if option.isRequired { help += " (Krävs.)" }
            if option.isRepeated { help += " (Får anges flera gånger.)" }
            text += HelpColumns.row(label, help)
        }
        text += HelpColumns.row("-h, --help", "Visa den här hjälpen.")
        for group in exclusiveGroups {
            text += "\nKan inte kombineras: " + group.joined(separator: ", ") + ".\n"
        }
        if let discussion { text += "\n" + discussion + "\n" }
        return text
    }
}

/// Help's two columns: a label padded to 26 characters, or on a line of its own when longer.
enum HelpColumns {
    static func row(_ label: String, _ help: String, width: Int = 26) -> String {
        let padded = label.count >= width - 1 ? label + "\n" + String(repeating: " ", count: width + 2) : label + String(repeating: " ", count: width - label.count)
        return "  " + padded + help + "\n"
    }
}
