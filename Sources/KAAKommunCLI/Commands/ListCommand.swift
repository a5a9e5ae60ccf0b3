import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa list [--date D] [--all] [--json]`.
enum ListCommand: KommunCommand {
    static let date = Arg.option("--date", .date, "Inskrivningar som pågår detta datum (standard: i dag).")
    static let all = Arg.flag("--all", "Alla inskrivningar, även avslutade.")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec("list", "Lista pågående inskrivningar (med --all alla).", arguments: [date, all, json],
                                  exclusive: [[date, all]], discussion: "Läsningen loggas i granskningsloggen: en rad per körning, med alla personer den visade.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let entries = try register.list(on: arguments[date], all: arguments[all])
        if arguments[json] {
            try context.console.json(object: entries.map { entry -> [String: Any] in
                ["personnummer": entry.personnummer.digits, "name": entry.name, "protected": entry.isProtected, "episode_id": entry.episodeID,
                 "registered_on": entry.registeredOn.description, "registration_reason": entry.registrationReason,
                 "deregistered_on": entry.deregisteredOn.map { $0.description } ?? NSNull(),
                 "deregistration_reason": entry.deregistrationReason ?? NSNull()]
            })
            return
        }
        let rows = entries.map { entry in
            // Labels, not codes: people read this table (scripts read --json, which keeps the codes).
            [entry.personnummer.formatted, entry.name + (entry.isProtected ? " [skyddad identitet]" : ""), String(entry.episodeID),
             entry.registeredOn.description, register.catalog.label(entry.registrationReason, in: .registrationReason),
             entry.deregisteredOn?.description ?? "", entry.deregistrationReason.map { register.catalog.label($0, in: .deregistrationReason) } ?? ""]
        }
        context.output.write(Table.render(header: ["PERSONNUMMER", "NAMN", "INSKRIVNING", "INSKRIVEN", "ORSAK", "AVREGISTRERAD", "ORSAK"], rows: rows))
        context.output.line("\(entries.count) \(entries.count == 1 ? "inskrivning" : "inskrivningar")")
    }
}
