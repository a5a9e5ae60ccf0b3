import KAACLIKit
import KAAHub

/// `kaa-hub site rotate KOD`.
enum SiteRotateCommand: HubCommand {
    static let kommun = Arg.positional("KOD", .kommun, "Kommunkoden.")
    static let spec = CommandSpec("site rotate", "Ge en kommun en ny token; den gamla slutar gälla direkt.", arguments: [kommun])

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let hub = try context.openHub()
        context.output.line(try hub.rotate(kommun: arguments[kommun], actor: context.console.user))
    }
}
