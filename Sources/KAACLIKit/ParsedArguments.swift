/// A command's arguments after parsing: typed values, read with the command's own declarations.
public struct ParsedArguments: Sendable {
    private var values: [String: any Sendable]
    /// Whether `-h` or `--help` was given (then nothing else was checked).
    public let wantsHelp: Bool

    /// The value of a declared argument.
    public subscript<Value>(_ argument: Argument<Value>) -> Value {
        guard let value = values[argument.declaration.name] as? Value else {
            preconditionFailure("\(argument.declaration.name) is not an argument of this command")
        }
        return value
    }

    /// Parses `words` against `spec`: unknown options, missing values, repeated single options,
    /// exclusive combinations and missing required arguments are usage errors (exit 64); a value
    /// its kind cannot read is a bad value naming the argument (exit 65).
    public static func parse(_ words: [String], spec: CommandSpec, environment: any ArgumentEnvironment) throws -> ParsedArguments {
        var scan = Scan(spec: spec)
        try scan.read(words[...], stopAtFirstPositional: false)
        return try scan.finish(environment: environment)
    }

    /// Parses the options before a command (`--db FILE`), returning them and the words from the first non-option on.
    public static func parsePrefix(_ words: [String], spec: CommandSpec, environment: any ArgumentEnvironment) throws -> (ParsedArguments, ArraySlice<String>) {
        var scan = Scan(spec: spec)
        let rest = try scan.read(words[...], stopAtFirstPositional: true)
        return (try scan.finish(environment: environment), rest)
    }

    private init(values: [String: any Sendable], wantsHelp: Bool) {
        self.values = values
        self.wantsHelp = wantsHelp
    }

    /// The words as they were sorted out, before decoding.
    private struct Scan {
        let spec: CommandSpec
        var positionals: [String] = []
        var given: [String: [String]] = [:]
        var wantsHelp = false

        init(spec: CommandSpec) {
            self.spec = spec
        }

        @discardableResult
        mutating func read(_ words: ArraySlice<String>, stopAtFirstPositional: Bool) throws(CommandLineError) -> ArraySlice<String> {
            var remaining = words
            var onlyPositionals = false
            while let word = remaining.first {
                if onlyPositionals || !word.hasPrefix("-") || word == "-" || Self.looksLikeNegativeNumber(word) {
                    if stopAtFirstPositional { return remaining }
                    positionals.append(word)
                    remaining = remaining.dropFirst()
                    continue
                }
                remaining = remaining.dropFirst()
                if word == "--" {
                    onlyPositionals = true
                    continue
                }
                if word == "-h" || word == "--help" {
                    wantsHelp = true
                    if stopAtFirstPositional { return remaining }
                    continue
                }
                var name = word
                var inlineValue: String?
                if let equals = word.firstIndex(of: "=") {
                    name = String(word[..<equals])
                    inlineValue = String(word[word.index(after: equals)...])
                }
                guard let option = spec.options.first(where: { $0.name == name }) else {
                    throw .usage("okänt alternativ '\(name)'")
                }
                switch option.role {
                case .flag:
                    guard inlineValue == nil else { throw .usage("'\(name)' tar inget värde") }
                    given[name, default: []].append("")
                case .option:
                    let value: String
                    if let inlineValue {
                        value = inlineValue
                    } else {
                        guard let next = remaining.first else { throw .usage("värde saknas för '\(name)'") }
                        value = next
                        remaining = remaining.dropFirst()
                    }
                    if !option.isRepeated, given[name] != nil { throw .usage("'\(name)' angavs mer än en gång") }
                    given[name, default: []].append(value)
                case .positional:
                    preconditionFailure("positionals are not options")
                }
            }
            return remaining
        }

        func finish(environment: any ArgumentEnvironment) throws -> ParsedArguments {
            if wantsHelp { return ParsedArguments(values: [:], wantsHelp: true) }
            try check()
            var values: [String: any Sendable] = [:]
            let declared = spec.positionals
            for (index, declaration) in declared.enumerated() {
                let texts = declaration.isRepeated ? Array(positionals.dropFirst(index)) : (index < positionals.count ? [positionals[index]] : [])
                values[declaration.name] = try Self.decode(declaration, texts, environment)
            }
            for option in spec.options {
                values[option.name] = try Self.decode(option, given[option.name] ?? [], environment)
            }
            return ParsedArguments(values: values, wantsHelp: false)
        }

        /// The usage rules, checked before any value is read.
        func check() throws(CommandLineError) {
            for group in spec.exclusiveGroups {
                let present = group.filter { given[$0] != nil }
                if present.count > 1 {
                    throw .usage(present.map { "'\($0)'" }.joined(separator: " och ") + " kan inte kombineras")
                }
            }
            let declared = spec.positionals
            if let missing = declared.dropFirst(positionals.count).first(where: \.isRequired) {
                throw .usage("argumentet \(missing.name) saknas")
            }
            if declared.last?.isRepeated != true, positionals.count > declared.count {
                throw .usage("oväntat argument '\(positionals[declared.count])'")
            }
            for option in spec.options where option.isRequired && given[option.name] == nil {
                throw .usage("alternativet '\(option.name)' krävs")
            }
        }

        /// Reads one argument's texts; a value its kind refuses names the argument. Other errors (a
        /// register whose clock cannot be read, say) pass through with their own exit code.
        static func decode(_ declaration: ArgumentDeclaration, _ texts: [String], _ environment: any ArgumentEnvironment) throws -> any Sendable {
            do {
                return try declaration.decode(texts, environment)
            } catch let invalid as InvalidValue {
                throw CommandLineError.badValue(argument: declaration.name, message: invalid.message)
            }
        }

        // Personnummer never start with "-", but a negative number is a value, not an option.
        static func looksLikeNegativeNumber(_ word: String) -> Bool {
            word.count > 1 && word.dropFirst().allSatisfy(\.isNumber)
        }
    }
}
