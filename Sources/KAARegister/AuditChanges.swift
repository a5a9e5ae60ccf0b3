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
