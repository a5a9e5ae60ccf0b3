/// Why a record is corrected or removed (GDPR art. 16), as the audit log keeps it: a code from a
/// fixed list, never free text. The log is append-only for its whole retention, so a reason typed
/// in words could keep a sensitive detail there that nobody could ever remove.
public enum ChangeReason: String, CaseIterable, Sendable {
    case felregistrering
    case felDatum = "fel_datum"
    case felPerson = "fel_person"
    case dubblett
    case nyUppgift = "ny_uppgift"
    case personensBegaran = "personens_begaran"
    case annat

    /// The Swedish label a form shows.
    public var label: String {
        switch self {
        case .felregistrering: "Fel vid registreringen (skrivfel, fel val i listan)"
        case .felDatum: "Fel datum"
        case .felPerson: "Registrerat på fel person"
        case .dubblett: "Dubblett"
        case .nyUppgift: "Ny eller bättre uppgift har kommit fram"
        case .personensBegaran: "Personen har begärt rättelse"
        case .annat: "Annat skäl"
        }
    }

    /// The reason `text` names: its code in any case, `-` or space for `_`, å/ä/ö or not.
    public init?(folding text: String) {
        guard text.count <= 64 else { return nil }
        let folded = CodeCatalog.fold(text)
        guard let reason = Self.allCases.first(where: { CodeCatalog.fold($0.rawValue) == folded }) else { return nil }
        self = reason
    }
}
