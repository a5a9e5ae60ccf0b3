import KAACLIKit
import KAAHub

/// `kaa-hub site add KOD [--name NAME]`.
enum SiteAddCommand: HubCommand {
    static let kommun = Arg.positional("KOD", .kommun, "Kommunkoden (fyra siffror).")
    static let name = Arg.option("--name", ValueKind.text.named("namn"), "Namn att visa.")
    static let spec = CommandSpec(
        "site add", "Anslut en kommun; skriver dess nya token (den enda raden på stdout).", arguments: [kommun, name],
        discussion: "Token visas bara nu och sparas bara som hash. Lägg den i kommunens tokenfil (läsbar bara för nattjobbet).")

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let hub = try context.openHub()
        context.output.line(try hub.addSite(kommun: arguments[kommun], name: arguments[name], actor: context.console.user))
    }
}
