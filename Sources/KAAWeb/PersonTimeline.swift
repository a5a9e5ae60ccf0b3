import KAACore
import KAARegister

/// The Personkort's timeline in Swedish: what each audit action means, who did it, and each
/// change as "fält: före → efter" with codes as their labels.
enum PersonTimeline {
    static let actions: [String: String] = [
        "register": "Registrerad i aktivitetsansvaret",
        "deregister": "Avregistrerad",
        "handover.record": "Utslussning registrerad", "handover.correct": "Utslussning ändrad",
        "contact.add": "Kontaktförsök loggat",
        "contact.correct": "Kontaktförsök rättat",
        "contact.remove": "Kontaktförsök borttaget",
        "occupation.set": "Sysselsättning noterad",
        "occupation.correct": "Sysselsättning rättad",
        "occupation.remove": "Sysselsättning borttagen",
        "measure.add": "Åtgärd erbjuden",
        "measure.decide": "Beslut om åtgärd",
        "measure.start": "Åtgärd påbörjad",
        "measure.follow_up": "Uppföljning av åtgärd",
        "measure.end": "Åtgärd avslutad",
        "measure.correct": "Åtgärd rättad",
        "measure.remove": "Åtgärd borttagen",
        "episode.correct": "Inskrivning rättad",
        "episode.remove": "Inskrivning borttagen",
        "person.update": "Kontaktuppgifter ändrade",
        "person.refresh": "Kontaktuppgifter uppdaterade från folkbokföringsuttaget",
        "caseload_assign": "Handläggare tilldelad",
        "caseload_unassign": "Handläggare borttagen",
        "review.add": "Ny punkt att granska",
        "review.resolve": "Punkt att granska avgjord",
        "import.history": "Historik importerad",
    ]

    /// The Swedish words for a field of the changes text, and the code list of its values.
    static let fields: [String: (String, CodeList?)] = [
        "contacted_on": ("datum", nil), "channel": ("kontaktsätt", .contactChannel), "is_reached": ("nådd", nil),
        "occupation": ("sysselsättning", .occupation), "next_contact_on": ("nästa kontakt", nil),
        "reports_deregistration": ("meddelade avregistreringen", nil), "noted_on": ("datum", nil),
        "measure_type": ("åtgärdstyp", .measureType), "offered_on": ("erbjuden", nil), "decision": ("beslut", nil),
        "started_on": ("påbörjad", nil), "ended_on": ("avslutad", nil), "end_reason": ("avslutsorsak", .measureEndReason),
        "occupation_after": ("sysselsättning efter", .occupation), "follow_up_on": ("uppföljning", nil),
        "planned_start_on": ("planerad start", nil), "responsible": ("ansvarig", nil), "plan": ("plan", nil),
        "registered_on": ("registrerad", nil), "registration_reason": ("registreringsorsak", .registrationReason),
        "deregistered_on": ("avregistrerad", nil), "deregistration_reason": ("avregistreringsorsak", .deregistrationReason),
        "first_name": ("förnamn", nil), "last_name": ("efternamn", nil), "address": ("adress", nil), "postal_code": ("postnummer", nil),
        "city": ("postort", nil), "phone": ("telefon", nil), "email": ("e-post", nil), "is_protected": ("skyddad identitet", nil),
        "follow_up.done_on": ("uppföljning gjord", nil), "follow_up.next_on": ("nästa uppföljning", nil), "follow_up.note": ("anteckning", nil),
    ]

    /// The action in Swedish (the action itself when it has no words yet).
    static func label(_ action: String) -> String { actions[action] ?? action }

    /// Who: a login, the register itself, or the OS user of a command.
    static func who(_ staff: String) -> String {
        staff == Register.systemStaff ? "registret självt" : staff
    }

    /// The changes text (`a: x → y; b: tillagd`) as lines in Swedish.
    static func changes(_ text: String, register: Register) -> [String] {
        text.components(separatedBy: "; ").map { item in
            guard let colon = item.range(of: ": ") else { return item }
            let key = String(item[..<colon.lowerBound])
            let rest = String(item[colon.upperBound...])
            if key == "orsak" { return "orsak: " + (ChangeReason(folding: rest)?.label.lowercased() ?? rest) }
            guard let (name, list) = fields[key] else { return item }
            let parts = rest.components(separatedBy: " → ")
            guard parts.count == 2 else { return "\(name): \(rest)" }
            func shown(_ value: String) -> String {
                if value == "–" { return value }
                if key == "is_reached" || key == "is_protected" || key == "reports_deregistration" { return value == "1" ? "ja" : "nej" }
                if key == "decision" { return value == MeasureDecision.accepted.rawValue ? "accepterad" : value == MeasureDecision.declined.rawValue ? "avböjd" : value }
                return list.map { register.catalog.label(value, in: $0) } ?? value
            }
            return "\(name): \(shown(parts[0])) → \(shown(parts[1]))"
        }
    }
}
