import KAAResources

/// The register's code lists (design §5), each a reference table seeded from `seeds/codes.csv`.
public enum CodeList: String, CaseIterable, Sendable {
    case registrationReason = "registration_reason"
    case deregistrationReason = "deregistration_reason"
    case occupation = "occupation"
    case measureType = "measure_type"
    case measureEndReason = "measure_end_reason"
    case contactChannel = "contact_channel"
    case handoverReceiver = "handover_receiver"
    case consentMethod = "consent_method"

    /// The reference table holding this list (the same name).
    public var tableName: String { rawValue }

    /// A Swedish name for the list, for messages.
    public var swedishName: String {
        switch self {
        case .registrationReason: return "registreringsorsak"
        case .deregistrationReason: return "avregistreringsorsak"
        case .occupation: return "sysselsättning"
        case .measureType: return "åtgärdstyp"
        case .measureEndReason: return "avslutsorsak"
        case .contactChannel: return "kontaktsätt"
        case .handoverReceiver: return "mottagare vid utslussning"
        case .consentMethod: return "sätt att lämna samtycke"
        }
    }
}

/// One code of a list with its Swedish label.
public struct Code: Hashable, Sendable {
    public let list: CodeList
    public let code: String
    public let label: String
}

/// The code lists as seeded: which codes exist and what they are called.
public struct CodeCatalog: Sendable {
    /// Every code, in seed order.
    public let codes: [Code]
    private let labels: [CodeList: [String: String]]

    /// The catalogue built into this program, from `seeds/codes.csv`.
    public static let builtIn: CodeCatalog = {
        do {
            return try CodeCatalog(csv: EmbeddedFiles.text("seeds/codes.csv") ?? "")
        } catch {
            preconditionFailure("seeds/codes.csv embedded in the build is invalid: \(error)")
        }
    }()

    /// Parses `lista;kod;benamning` lines (with a header row).
    public init(csv: String) throws(CodeCatalogError) {
        var codes: [Code] = []
        var labels: [CodeList: [String: String]] = [:]
        let lines = csv.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() where index > 0 {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let list = CodeList(rawValue: fields[0]), !fields[1].isEmpty, !fields[2].isEmpty else {
                throw CodeCatalogError(line: index + 1, text: String(line))
            }
            guard labels[list, default: [:]][fields[1]] == nil else { throw CodeCatalogError(line: index + 1, text: String(line)) }
            labels[list, default: [:]][fields[1]] = fields[2]
            codes.append(Code(list: list, code: fields[1], label: fields[2]))
        }
        guard codes.count > 0 else { throw CodeCatalogError(line: 1, text: "") }
        self.codes = codes
        self.labels = labels
    }

    /// Whether `code` is in `list`.
    public func contains(_ code: String, in list: CodeList) -> Bool {
        labels[list]?[code] != nil
    }

    /// The code of `list` that `text` names, folded the way people type codes: any case, `å`, `ä`,
    /// `ö` for the `A`, `A`, `O` of the code (its Swedish label has them), `-` or a space for `_`.
    /// Nil when no code matches (the caller lists the valid ones).
    public func canonical(_ text: String, in list: CodeList) -> String? {
        if contains(text, in: list) { return text }
        // A code is short; anything longer is refused before folding (hostile or pasted text).
        guard text.count <= 64 else { return nil }
        let folded = Self.fold(text)
        return codes(in: list).first { Self.fold($0.code) == folded }?.code
    }

    /// The folded form `canonical(_:in:)` compares: upper case, å/ä → A, ö → O, `-` and space → `_`.
    public static func fold(_ text: String) -> String {
        String(text.uppercased().map { character -> Character in
            switch character {
            case "Å", "Ä": return "A"
            case "Ö": return "O"
            case "É": return "E"
            case "-", " ": return "_"
            default: return character
            }
        })
    }

    /// The Swedish label of a code, or the code itself when unknown.
    public func label(_ code: String, in list: CodeList) -> String {
        labels[list]?[code] ?? code
    }

    /// The codes of one list, in seed order.
    public func codes(in list: CodeList) -> [Code] {
        codes.filter { $0.list == list }
    }
}

/// A line of the code seed that could not be read.
public struct CodeCatalogError: Error, CustomStringConvertible {
    public let line: Int
    public let text: String
    public var description: String { "seeds/codes.csv line \(line): expected 'lista;kod;benamning' with a known list and a new code: \(text)" }
}

/// Codes that rules of the domain name (each must exist in `seeds/codes.csv`; a test checks).
public enum KnownCode {
    public static let felregistrerad = "FELREGISTRERAD"
    public static let fyllt20 = "FYLLT_20"
    public static let borjatStudera = "BORJAT_STUDERA"
    public static let fullfoljt = "FULLFOLJT"
    public static let flyttat = "FLYTTAT"
    public static let occupationUnknown = "OKAND"
    public static let avbrottNP = "AVBROTT_NP"
    public static let avbrottIM = "AVBROTT_IM"
    public static let studiebevis = "STUDIEBEVIS"
    public static let ejPaborjat = "EJ_PABORJAT"
    public static let registrationUnknown = "OKAND"
    public static let measureEndAtDeregistration = "AVREGISTRERAD"

    /// Codes kept for the history they describe (frozen figures, the hub's catalogue) but no longer
    /// written, with what replaces them: komvux is split by level (issue 13), since komvux at
    /// gymnasial nivå ends KAA and at grundläggande nivå does not.
    public static let retired: [CodeList: [String: String]] = [
        .occupation: ["STUDIER_KOMVUX": "STUDIER_KOMVUX_GRUND eller STUDIER_KOMVUX_GY"],
    ]

    /// Every (list, code) pair named above.
    public static let all: [(CodeList, String)] = [
        (.deregistrationReason, felregistrerad), (.deregistrationReason, fyllt20),
        (.deregistrationReason, borjatStudera), (.deregistrationReason, fullfoljt),
        (.deregistrationReason, flyttat), (.occupation, occupationUnknown),
        (.registrationReason, avbrottNP), (.registrationReason, avbrottIM),
        (.registrationReason, studiebevis), (.registrationReason, ejPaborjat),
        (.registrationReason, registrationUnknown), (.measureEndReason, measureEndAtDeregistration),
    ]
}
