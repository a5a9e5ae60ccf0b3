import KAACore

/// The kind of a letter: each has one template (migration 0017).
public enum LetterKind: String, Sendable, CaseIterable {
    /// To a youth under 18, with a line for the guardian.
    case under18
    /// At turning 20, about the hand-over (utslussning).
    case turning20
    /// Any other letter.
    case general

    /// The kind as the UI names it.
    public var swedishName: String {
        switch self {
        case .under18: "Under 18 år (med rad till vårdnadshavare)"
        case .turning20: "Fyller 20 år (utslussning)"
        case .general: "Allmänt brev"
        }
    }
}

/// A letter template: plain text with placeholders (`{förnamn}`), never HTML; pages render it
/// escaped, and the print view keeps its line breaks with CSS.
public struct LetterTemplate: Sendable, Equatable {
    public let kind: LetterKind
    public let title: String
    public let body: String
    /// When and by whom it was last changed (nil for the seeded default).
    public let updatedAt: String?
    public let updatedBy: String?

    public init(kind: LetterKind, title: String, body: String, updatedAt: String? = nil, updatedBy: String? = nil) {
        self.kind = kind
        self.title = title
        self.body = body
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    /// The placeholders a template may use, in the order the editor lists them.
    public static let placeholders = ["förnamn", "efternamn", "adress", "postnummer", "ort", "datum", "kommun", "handläggare"]

    /// The longest title and body a template may have (the table's checks say the same).
    public static let maximumTitle = 200
    public static let maximumBody = 10_000

    /// What a letter's placeholders stand for.
    public struct Values: Sendable {
        public var firstName: String
        public var lastName: String
        public var address: String
        public var postalCode: String
        public var city: String
        public var date: String
        public var kommun: String
        public var caseworker: String

        public init(firstName: String, lastName: String, address: String, postalCode: String, city: String, date: String, kommun: String,
                    caseworker: String) {
            (self.firstName, self.lastName, self.address, self.postalCode, self.city) = (firstName, lastName, address, postalCode, city)
            (self.date, self.kommun, self.caseworker) = (date, kommun, caseworker)
        }

        func value(of placeholder: String) -> String {
            switch placeholder {
            case "förnamn": firstName
            case "efternamn": lastName
            case "adress": address
            case "postnummer": postalCode
            case "ort": city
            case "datum": date
            case "kommun": kommun
            case "handläggare": caseworker
            default: ""
            }
        }
    }

    /// A text's pieces: literal text and placeholders; refuses an unknown placeholder (naming it),
    /// a `{` without its `}` and a `}` without its `{`.
    static func pieces(_ text: String, field: String) throws(RegisterError) -> [(isPlaceholder: Bool, text: String)] {
        var result: [(Bool, String)] = []
        var literal = "", name = ""
        var inside = false
        for character in text {
            if inside {
                if character == "}" {
                    let key = name.trimmingCharacters(in: .whitespaces).lowercased()
                    guard placeholders.contains(key) else {
                        throw .invalidInput(field: field, message: "platshållaren {\(Register.shown(name))} finns inte; giltiga platshållare: "
                            + placeholders.map { "{\($0)}" }.joined(separator: ", "))
                    }
                    result.append((true, key))
                    name = ""
                    inside = false
                } else if character == "{" || character.isNewline || name.count > 40 {
                    throw .invalidInput(field: field, message: "en { saknar sin }: { och } används bara runt platshållare som {förnamn}")
                } else {
                    name.append(character)
                }
            } else if character == "{" {
                if !literal.isEmpty { result.append((false, literal)); literal = "" }
                inside = true
            } else if character == "}" {
                throw .invalidInput(field: field, message: "en } saknar sin {: { och } används bara runt platshållare som {förnamn}")
            } else {
                literal.append(character)
            }
        }
        if inside { throw .invalidInput(field: field, message: "en { saknar sin }: { och } används bara runt platshållare som {förnamn}") }
        if !literal.isEmpty { result.append((false, literal)) }
        return result
    }

    /// A template's title and body checked for saving: trimmed, within the limits, line breaks as
    /// `\n`, no control characters, every placeholder known.
    public static func validated(title: String, body: String) throws(RegisterError) -> (title: String, body: String) {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let body = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw .invalidInput(field: "title", message: "rubriken saknas") }
        guard title.count <= maximumTitle else { throw .invalidInput(field: "title", message: "rubriken får vara högst \(maximumTitle) tecken") }
        guard !title.contains(where: \.isNewline) else { throw .invalidInput(field: "title", message: "rubriken ska vara en rad") }
        guard !body.isEmpty else { throw .invalidInput(field: "body", message: "brevtexten saknas") }
        guard body.count <= maximumBody else {
            throw .invalidInput(field: "body", message: "brevtexten får vara högst \(maximumBody) tecken (den är \(body.count))")
        }
        for (field, text) in [("title", title), ("body", body)] {
            let control = text.unicodeScalars.contains { scalar in
                scalar != "\n" && scalar != "\t" && (scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                    && scalar.value != 0x200D)
            }
            guard !control else { throw .invalidInput(field: field, message: "texten innehåller styrtecken; skriv den som vanlig text") }
            _ = try pieces(text, field: field)
        }
        return (title, body)
    }

    /// The text with its placeholders filled in (a template from the register is valid; an unknown
    /// placeholder, which only a hand-edited database could hold, is left as written).
    public static func fill(_ text: String, _ values: Values) -> String {
        guard let parts = try? pieces(text, field: "body") else { return text }
        return parts.map { $0.isPlaceholder ? values.value(of: $0.text) : $0.text }.joined()
    }
}
