import KAACLIKit
import KAAHub

/// `kaa-hub init`: creates the hub database (the admin commands never do).
enum InitCommand: HubCommand {
    static let spec = CommandSpec(
        "init", "Skapa hubbens databas (om den inte finns) och för upp dess schema.",
        discussion: "Databasen tas från --db, $KAA_HUB_DB eller \"db\" i konfigurationen. Övriga kommandon utom 'serve' skapar\n"
            + "aldrig en databas: ett felskrivet filnamn ger ett fel i stället för en tom andra hubb.")

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let path = try context.databasePath()
        _ = try context.openHub(create: true)
        context.output.line("Hubbens databas \(path) är klar.")
    }
}
