import KAACLIKit
import KAAHub

/// `kaa-hub site revoke KOD`.
enum SiteRevokeCommand: HubCommand {
    static let kommun = Arg.positional("KOD", .kommun, "Kommunkoden.")
    static let spec = CommandSpec("site revoke", "Spärra en kommuns token (tills 'site rotate').", arguments: [kommun])

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let hub = try context.openHub()
        try hub.revoke(kommun: arguments[kommun], actor: context.console.user)
        context.output.line("Kommun \(arguments[kommun]): token spärrad.")
    }
}
