import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa find TEXT [--json]`: people by name or part of a personnummer.
enum FindCommand: KommunCommand {
    static let text = Arg.positional("TEXT", ValueKind.text.named("text"), "Del av ett namn (förnamn, efternamn eller båda) eller minst fyra siffror av ett personnummer.")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec(
        "find", "Sök personer på namn eller personnummer.", arguments: [text, json],
        discussion: """
            Namn jämförs utan hänsyn till versaler och till å, ä, ö och andra accenter: "oberg" hittar Öberg och
            "ASA" hittar Åsa. Flera ord ska alla finnas i namnet. Siffror (med eller utan - och +) söks i
            personnumret. Tecken som % _ och ' är vanliga tecken. Sökningen loggas i granskningsloggen med
            antalet träffar och de personer den visade, aldrig med söktexten (den är ett namn eller ett
            personnummer). Även en sökning utan träffar loggas. 'kaa show NAMN' söker på samma sätt.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let matches = try register.find(arguments[text])
        if arguments[json] {
            try context.console.json(object: matches.map { match -> [String: Any] in
                ["personnummer": match.personnummer.digits, "name": match.name, "protected": match.isProtected, "in_kaa": match.isOpen]
            })
            return
        }
        list(matches, context: context)
    }

    /// The matches as a table, then how many.
    static func list(_ matches: [PersonMatch], context: KommunContext) {
        guard !matches.isEmpty else {
            context.output.line("Ingen person hittades.")
            return
        }
        let rows = matches.map { match in
            [match.personnummer.formatted, (match.name.isEmpty ? "–" : match.name) + (match.isProtected ? " [skyddad identitet]" : ""),
             match.isOpen ? "inskriven" : "inte inskriven nu"]
        }
        context.output.write(Table.render(header: ["PERSONNUMMER", "NAMN", "AKTIVITETSANSVARET"], rows: rows))
        context.output.line(matches.count == 1 ? "1 person" : "\(matches.count) personer")
    }
}
