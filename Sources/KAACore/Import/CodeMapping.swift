import KAAResources

/// Translates another system's codes to ours, per code list (`config/code-mapping.example.json`).
public struct CodeMapping: Sendable {
    private let mappings: [CodeList: [String: String]]

    /// No translation: files use our codes.
    public init() {
        mappings = [:]
    }

    /// A mapping from `{"<list>": {"<their code>": "<our code>"}}`; every target must be a known code.
    public init(_ raw: [String: [String: String]], catalog: CodeCatalog = .builtIn) throws(CodeMappingError) {
        var mappings: [CodeList: [String: String]] = [:]
        for (listName, entries) in raw {
            guard let list = CodeList(rawValue: listName) else {
                throw CodeMappingError("okänd kodlista \"\(listName)\"; giltiga: " + CodeList.allCases.map(\.rawValue).joined(separator: ", "))
            }
            for (theirs, ours) in entries {
                guard catalog.contains(ours, in: list) else {
                    throw CodeMappingError("\"\(listName)\": \"\(theirs)\" översätts till \"\(ours)\", som inte är en kod i listan")
                }
                mappings[list, default: [:]][theirs.trimmingWhitespace] = ours
            }
        }
        self.mappings = mappings
    }

    /// Our code for `value` in `list` (the value itself, upper-cased, when not mapped).
    public func code(_ value: String, in list: CodeList) -> String {
        mappings[list]?[value] ?? value.uppercased()
    }
}

/// A mapping file that cannot be used.
public struct CodeMappingError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
