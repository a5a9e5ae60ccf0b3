import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa review list [--all] [--json]`: the "Att granska" items.
enum ReviewListCommand: KommunCommand {
    static let all = Arg.flag("--all", "Även avgjorda punkter.")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec(
        "review list", "Visa det som identifieringen har lämnat åt en handläggare (Att granska).", arguments: [all, json],
        discussion: """
            Punkterna: BESLUT_SKILJER (filerna säger något annat än en handläggares beslut, eller en avregistrering
            skulle ge en inskrivning utan dagar), SAKNAS_I_UTTAGET (avregistrerad FLYTTAT; rätta orsaken om personen
            har utvandrat eller avlidit), UPPGIFT_SKILJER (uttaget har en annan kontaktuppgift än den en handläggare
            matat in), REGEL (kontrollera), SYSSELSATTNING_KOMVUX (komvux har delats i grundläggande och gymnasial nivå).
            Läsningen loggas i granskningsloggen, en rad per person.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let items = try register.reviewItems(includeResolved: arguments[all])
        if arguments[json] {
            try context.console.json(object: items.map { item -> [String: Any] in
                ["id": item.id, "personnummer": item.personnummer.digits, "name": item.name, "kind": item.kind.rawValue,
                 "label": item.kind.label, "message": item.message, "episode_id": item.episodeID ?? NSNull(),
                 "proposed_reason": item.proposedReason ?? NSNull(), "proposed_on": item.proposedOn?.description ?? NSNull(),
                 "field": item.field?.rawValue ?? NSNull(), "proposed_value": item.proposedValue ?? NSNull(),
                 "seen_on": item.seenOn.description, "resolved": item.isResolved, "decision": item.decision?.rawValue ?? NSNull(),
                 "resolved_at": item.resolvedAt ?? NSNull()]
            })
            return
        }
        let out = context.output
        if items.isEmpty { out.line(arguments[all] ? "Inga punkter." : "Inget att granska.") }
        for item in items {
            let name = item.name.isEmpty ? item.personnummer.formatted : "\(item.name) (\(item.personnummer.formatted))"
            out.line("[\(item.id)] \(name) – \(item.kind.label), \(item.seenOn)")
            out.line("    \(item.message)")
            if let reason = item.proposedReason, let day = item.proposedOn {
                out.line("    Förslag: avregistrera \(day) (\(register.catalog.label(reason, in: .deregistrationReason)))")
            }
            if let decision = item.decision {
                out.line("    Avgjord: \(decision.label) (\(item.resolvedBy ?? "") \(item.resolvedAt?.prefix(10) ?? ""))")
            }
        }
    }
}

/// `kaa review resolve ID --decision BESLUT [--reason KOD] [--date D]`.
enum ReviewResolveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Punktens id (se 'kaa review list').")
    static let decision = Arg.required("--decision", ValueKind<ReviewDecision>.reviewDecision,
                                       "behall (behåll registrets uppgift), andra (ändra enligt förslaget) eller klar (rättad på annat sätt).")
    static let reason = Arg.option("--reason", .code, "Med andra: avregistreringsorsak i stället för förslagets (t.ex. UTVANDRAT, AVLIDEN).")
    static let date = Arg.option("--date", .date, "Med andra: avregistreringsdatum i stället för förslagets.")
    static let spec = CommandSpec(
        "review resolve", "Avgör en punkt under Att granska.", arguments: [id, decision, reason, date],
        discussion: """
            andra gör det punkten föreslår: avregistrerar (BESLUT_SKILJER), tar uttagets kontaktuppgift (UPPGIFT_SKILJER)
            eller rättar avregistreringsorsaken till --reason (SAKNAS_I_UTTAGET). Beslutet loggas. En avgjord punkt
            kommer inte tillbaka så länge filerna säger samma sak.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let item = try register.resolveReview(arguments[id], decision: arguments[decision], reason: arguments[reason], date: arguments[date])
        let name = item.name.isEmpty ? item.personnummer.formatted : "\(item.name) (\(item.personnummer.formatted))"
        var line = "Punkt \(item.id) för \(name) avgjord: \(arguments[decision].label)"
        if let reason = arguments[reason] { line += ", orsak \(register.catalog.label(reason, in: .deregistrationReason))" }
        context.output.line(line + ".")
    }
}

extension ValueKind where Value == ReviewDecision {
    /// A review decision in any case, with or without å/ä/ö.
    static var reviewDecision: ValueKind<ReviewDecision> {
        ValueKind(placeholder: "beslut") { text, _ in
            guard let decision = ReviewDecision(text: text) else {
                throw InvalidValue("okänt beslut '\(text.prefix(40))'; välj behall, andra eller klar")
            }
            return decision
        }
    }
}
