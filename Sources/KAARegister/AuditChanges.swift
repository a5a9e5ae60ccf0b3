import KAACore

/// What one write changed, field by field (`registration_reason: OKAND → AVBROTT_NP`), as the
/// audit log keeps it.
///
/// Codes, dates, ids and flags are written out: they say what was done and are no more than the
/// register holds for the person. Personal details (name, address, phone, e-mail) and free text
/// (a measure's plan, its responsible party) are written only as `ändrad`, `tillagd` or
/// `borttagen`, so the log never copies them (design §5 "Who did it").
public struct AuditChanges: Sendable, Equatable {
    /// The changed fields, in the order they were compared.
    public private(set) var items: [String] = []

    /// No changes yet.
    public init() {}

    /// Compares a code, date or flag and records `field: before → after` when it differs.
    mutating func value(_ field: String, _ before: String?, _ after: String?) {
        guard before != after else { return }
        items.append("\(field): \(before ?? "–") → \(after ?? "–")")
    }

    /// A date's change.
    mutating func date(_ field: String, _ before: CalendarDate?, _ after: CalendarDate?) {
        value(field, before?.description, after?.description)
    }

    /// A flag's change (`1` / `0`).
    mutating func flag(_ field: String, _ before: Bool?, _ after: Bool?) {
        value(field, before.map { $0 ? "1" : "0" }, after.map { $0 ? "1" : "0" })
    }

    /// A personal detail's or free text's change, said without its value.
    mutating func personal(_ field: String, _ before: String?, _ after: String?) {
        let before = before.flatMap { $0.isEmpty ? nil : $0 }, after = after.flatMap { $0.isEmpty ? nil : $0 }
        guard before != after else { return }
        switch (before, after) {
        case (nil, _): items.append("\(field): tillagd")
        case (_, nil): items.append("\(field): borttagen")
        default: items.append("\(field): ändrad")
        }
    }

    /// A note that is not a field (`measures_ended: 2`).
    mutating func note(_ text: String) {
        items.append(text)
    }

    /// The column's text: the items joined by `; `, nil when nothing changed.
    public var text: String? { items.isEmpty ? nil : items.joined(separator: "; ") }
}

/// Where a read showed a person's data: the context the audit log keeps for every read.
public enum AuditContext: String, Sendable, CaseIterable {
    /// A person's page (`kaa show`).
    case person
    /// A worklist (`kaa worklist`).
    case worklist
    /// A search (`kaa find`, or `kaa show` by name).
    case search
    /// A listing of episodes (`kaa list`).
    case list
    /// An export of records to a file (history export).
    case export
    /// A report with person rows (the SCB file).
    case report
    /// A letter list (`kaa letters`).
    case letter
    /// A subject-access extract (GDPR art. 15) given to the person.
    case subjectAccess = "subject_access"
    /// The "Att granska" list (`kaa review list`).
    case review

    /// The Swedish words for the context, as the log and the extract show it.
    public var label: String {
        switch self {
        case .person: "personsida"
        case .worklist: "bevakningslista"
        case .search: "sökning"
        case .list: "lista över inskrivningar"
        case .export: "export"
        case .report: "rapport till SCB"
        case .letter: "brevutskick"
        case .subjectAccess: "registerutdrag till personen"
        case .review: "att granska"
        }
    }

    /// Why the data was consulted, as the subject-access extract tells the person (GDPR art. 15.1 a).
    public var purpose: String {
        switch self {
        case .person, .search: "handläggning av aktivitetsansvaret (kontakt, åtgärder, uppföljning)"
        case .worklist, .list: "uppföljning av vilka som behöver kontaktas eller erbjudas åtgärder"
        case .letter: "utskick av brev till personen"
        case .export: "överföring av registrets uppgifter (t.ex. vid byte av system)"
        case .report: "statistikrapportering till SCB"
        case .subjectAccess: "personens begäran om registerutdrag"
        case .review: "kontroll av uppgifter där kommunens filer och registret inte stämmer överens"
        }
    }
}
