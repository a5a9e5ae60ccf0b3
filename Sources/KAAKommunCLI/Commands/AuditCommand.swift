import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa audit [--person PNR] [--staff NAME] [--action A] [--from D] [--to D] [--json] [--export FILE]`.
enum AuditCommand: KommunCommand {
    static let person = Arg.option("--person", .personnummer, "Bara händelser för en person.")
    static let staff = Arg.option("--staff", ValueKind.text.named("namn"), "Bara en handläggare.")
    static let action = Arg.option("--action", ValueKind.text.named("händelse"), "Bara en händelse (t.ex. show, contact eller contact.add).")
    static let from = Arg.option("--from", .date, "Från och med datum (UTC).")
    static let to = Arg.option("--to", .date, "Till och med datum (UTC).")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let export = Arg.option("--export", .path, "Skriv urvalet som CSV för dataskyddsombudet.")
    static let spec = CommandSpec("audit", "Visa granskningsloggen (vem läste eller ändrade vad).",
                                  arguments: [person, staff, action, from, to, json, export], exclusive: [[json, export]],
                                  discussion: "Loggen namnger personer med registrets interna id, aldrig med personnummer eller namn.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let filter = AuditFilter(person: arguments[person], staff: arguments[staff], action: arguments[action],
                                 from: arguments[from], through: arguments[to])
        if let from = filter.from, let through = filter.through, through < from {
            throw CommandLineError.badValue(argument: "--to", message: "slutdatumet \(through) ligger före startdatumet \(from)")
        }
        let register = try context.openRegister()
        if let path = arguments[export] {
            let count = try register.exportAudit(filter, to: path)
            context.output.line("\(count) rader ur granskningsloggen skrivna till \(path).")
            return
        }
        let entries = try register.auditEntries(filter)
        if arguments[json] {
            try context.console.json(object: entries.map { entry -> [String: Any] in
                ["id": entry.id, "at": entry.at, "staff": entry.staff, "action": entry.action,
                 "person_id": entry.personID ?? NSNull(), "detail": entry.detail ?? NSNull()]
            })
            return
        }
        let rows = entries.map { [$0.at, $0.staff, $0.action, $0.personID.map(String.init) ?? "", $0.detail ?? ""] }
        context.output.write(Table.render(header: ["TID (UTC)", "HANDLÄGGARE", "HÄNDELSE", "PERSON-ID", "DETALJER"], rows: rows))
    }
}
