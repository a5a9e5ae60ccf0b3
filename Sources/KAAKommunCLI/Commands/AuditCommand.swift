import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa audit [--person PNR] [--staff NAME] [--action A] [--from D] [--to D] [--json] [--export FILE]`.
enum AuditCommand: KommunCommand {
    static let person = Arg.option("--person", .personnummer, "Bara händelser för en person.")
    static let staff = Arg.option("--staff", ValueKind.text.named("namn"), "Bara en handläggare.")
    static let action = Arg.option("--action", ValueKind.text.named("händelse"), "Bara en händelse (t.ex. show, contact eller contact.add).")
    static let from = Arg.option("--from", .date, "Från och med datum (i kommunens tidszon).")
    static let to = Arg.option("--to", .date, "Till och med datum (i kommunens tidszon).")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let export = Arg.option("--export", .path, "Skriv urvalet som CSV för dataskyddsombudet.")
    static let spec = CommandSpec("audit", "Visa granskningsloggen (vem läste eller ändrade vad).",
                                  arguments: [person, staff, action, from, to, json, export, SafetyArguments.force], exclusive: [[json, export]],
                                  discussion: """
                                      Loggen namnger personer med registrets interna id, aldrig med personnummer eller namn.
                                      Varje ändring visar vad som ändrades (fält: före → efter); koder och datum skrivs ut,
                                      personuppgifter (namn, adress, telefon, e-post) och fritext bara som "ändrad",
                                      "tillagd" eller "borttagen". Varje läsning visar sammanhanget (personsida,
                                      bevakningslista, sökning, export, brevutskick). En körning av en lista är en rad med
                                      alla personer den visade; --person hittar också de listor som visade personen.
                                      Tiderna visas i kommunens tidszon (konfigurationens timeZone); de lagras i UTC
                                      (--json och --export har båda). En sökning loggas med antalet träffar, aldrig med
                                      söktexten.
                                      """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let filter = AuditFilter(person: arguments[person], staff: arguments[staff], action: arguments[action],
                                 from: arguments[from], through: arguments[to])
        if let from = filter.from, let through = filter.through, through < from {
            throw CommandLineError.badValue(argument: "--to", message: "slutdatumet \(through) ligger före startdatumet \(from)")
        }
        let register = try context.openRegister()
        if let path = arguments[export] {
            try SafetyArguments.checkWritable(path, force: arguments[SafetyArguments.force], argument: "--export")
            let count = try register.exportAudit(filter, to: path)
            context.output.line("\(count) rader ur granskningsloggen skrivna till \(path).")
            return
        }
        let entries = try register.auditEntries(filter)
        if arguments[json] {
            try context.console.json(object: entries.map { entry -> [String: Any] in
                ["id": entry.id, "at": entry.at, "local_time": register.localTime(entry.at), "staff": entry.staff, "action": entry.action,
                 "context": entry.context?.rawValue ?? NSNull(), "person_id": entry.personID ?? NSNull(),
                 "shown_person_ids": entry.shownPersonIDs, "changes": entry.changes ?? NSNull(), "detail": entry.detail ?? NSNull()]
            })
            return
        }
        let rows = entries.map { entry in
            [register.localTime(entry.at), entry.staff, entry.action, entry.context?.label ?? "", people(entry),
             [entry.changes, entry.detail].compactMap { $0 }.joined(separator: " | ")]
        }
        let zone = register.configuration.timeZone
        context.output.write(Table.render(header: ["TID (\(zone))", "HANDLÄGGARE", "HÄNDELSE", "SAMMANHANG", "PERSON-ID", "ÄNDRINGAR / DETALJER"], rows: rows))
    }

    /// The person column: the one person, or a listing's people (the first ten, then how many more).
    static func people(_ entry: AuditEntry) -> String {
        if let id = entry.personID { return String(id) }
        let ids = entry.shownPersonIDs
        guard !ids.isEmpty else { return "" }
        let shown = ids.prefix(10).map(String.init).joined(separator: ",")
        return ids.count > 10 ? "\(ids.count) personer: \(shown) …" : "\(ids.count) st: \(shown)"
    }
}
