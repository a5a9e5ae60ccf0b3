import KAAHTML

/// An audit row's `changes` (`registration_reason: OKAND → AVBROTT_NP; phone: ändrad`) as the log
/// views show it: one line per field, the field's Swedish name, before → after, flags as ja/nej.
enum LogChanges {
    /// Swedish names of the fields the register's writes name (AuditChanges); unknown fields are
    /// shown as stored.
    static let labels: [String: String] = [
        "registration_reason": "Registreringsorsak", "registreringsorsak": "Registreringsorsak",
        "registered_on": "Registrerad", "registrerad": "Registrerad",
        "deregistered_on": "Avregistrerad", "avregistrerad": "Avregistrerad",
        "deregistration_reason": "Avregistreringsorsak", "avregistreringsorsak": "Avregistreringsorsak",
        "reports_deregistration": "Avregistrering rapporteras",
        "first_name": "Förnamn", "fornamn": "Förnamn", "last_name": "Efternamn", "efternamn": "Efternamn", "namn": "Namn",
        "address": "Adress", "adress": "Adress", "postal_code": "Postnummer", "postnummer": "Postnummer",
        "city": "Postort", "postort": "Postort", "phone": "Telefon", "telefon": "Telefon", "email": "E-post", "epost": "E-post",
        "is_protected": "Skyddad identitet", "skyddad": "Skyddad identitet", "personnummer": "Personnummer",
        "contacted_on": "Kontaktdatum", "datum": "Datum", "channel": "Kontaktsätt", "kontaktsatt": "Kontaktsätt",
        "is_reached": "Nådd", "nadd": "Nådd", "next_contact_on": "Nästa kontakt",
        "occupation": "Sysselsättning", "sysselsattning": "Sysselsättning",
        "occupation_after": "Sysselsättning efter", "sysselsattning_efter": "Sysselsättning efter", "noted_on": "Noterad",
        "measure_type": "Åtgärd", "typ": "Åtgärd", "offered_on": "Erbjuden", "erbjuden": "Erbjuden",
        "decision": "Beslut", "beslut": "Beslut", "planned_start_on": "Planerad start", "planerad_start": "Planerad start",
        "started_on": "Startade", "start": "Start", "ended_on": "Avslutad", "slut": "Slut",
        "end_reason": "Avslutsorsak", "avslutsorsak": "Avslutsorsak", "plan": "Plan", "responsible": "Ansvarig", "ansvarig": "Ansvarig",
        "follow_up_on": "Uppföljning", "uppfoljning": "Uppföljning",
        "handläggare": "Handläggare", "roll": "Roll", "avstängd": "Avstängd",
        "receiver": "Mottagare", "handed_over_on": "Överlämnad", "consent": "Samtycke", "consent_on": "Samtycke lämnat",
        "consent_method": "Samtycke lämnat hur", "audit_retention_months": "Loggens gallringsfrist (månader)",
    ]

    /// Fields whose values are flags (`1` / `0`).
    static let flags: Set<String> = ["is_protected", "skyddad", "is_reached", "nadd", "reports_deregistration", "avstängd", "consent"]

    /// One change: the field's label, and the before/after text (nil for a note with no field).
    struct Item: Equatable {
        let label: String?
        let text: String
    }

    /// The items of a `changes` text.
    static func items(_ changes: String) -> [Item] {
        changes.split(separator: "; ", omittingEmptySubsequences: true).map { part in
            guard let colon = part.range(of: ": ") else { return Item(label: nil, text: String(part)) }
            let field = String(part[..<colon.lowerBound])
            var value = String(part[colon.upperBound...])
            if flags.contains(field) {
                value = value.split(separator: " → ", omittingEmptySubsequences: false)
                    .map { $0 == "1" ? "ja" : $0 == "0" ? "nej" : String($0) }.joined(separator: " → ")
            }
            return Item(label: labels[field] ?? field, text: value)
        }
    }

    /// The changes as a list (nil text: a dash).
    static func render(_ changes: String?) -> Node {
        guard let changes, !changes.isEmpty else { return .text("–") }
        return .ul([.class("changes")], .fragment(items(changes).map { item in
            .li([], item.label.map { Node.fragment([.span([.class("field")], .text($0)), .text(": ")]) } ?? .empty, .text(item.text))
        }))
    }
}
