import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// The worklist names as a value kind, shared by `worklist` and `letters`.
extension ValueKind where Value == Worklist {
    /// Any case, with å/ä/ö (`ej-nådda` = `ej-nadda`).
    static var worklist: ValueKind<Worklist> {
        ValueKind(placeholder: "lista") { text, _ in
            guard let list = Worklist(folding: text) else {
                throw InvalidValue("okänd arbetslista '\(text.prefix(40))'; välj bland " + Worklist.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return list
        }
    }
}

/// `kaa worklist NAME [--days N] [--json]`.
enum WorklistCommand: KommunCommand {
    static let list = Arg.positional("LISTA", .worklist, Worklist.allCases.map { "\($0.rawValue) (\($0.title.lowercased()))" }.joined(separator: ", "))
    static let days = Arg.option("--days", .count, "Antal dagar för ingen-kontakt (standard 30) och fyller-20 (standard 60).")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec("worklist", "Arbetslistor: " + Worklist.allCases.map(\.rawValue).joined(separator: ", ") + ".",
                                  arguments: [list, days, json])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let list = arguments[list]
        let days = arguments[days]
        if days != nil, !list.takesDays { throw CommandLineError.usage("'--days' gäller bara ingen-kontakt och fyller-20") }
        let register = try context.openRegister()
        let entries = try register.worklist(list, days: days)
        if arguments[json] {
            try context.console.json(object: entries.map { item -> [String: Any] in
                ["personnummer": item.entry.personnummer.digits, "name": item.name, "protected": item.isProtected, "episode_id": item.entry.episodeID,
                 "measure_id": item.entry.measureID ?? NSNull(), "date": item.entry.date.description, "note": item.entry.note]
            })
            return
        }
        context.output.line("\(list.title) (\(register.today)):")
        let rows = entries.map { [$0.entry.personnummer.formatted, $0.name + ($0.isProtected ? " [skyddad identitet]" : ""), $0.entry.note] }
        context.output.write(Table.render(header: ["PERSONNUMMER", "NAMN", "NOTERING"], rows: rows))
        context.output.line("\(entries.count) personer")
    }
}
