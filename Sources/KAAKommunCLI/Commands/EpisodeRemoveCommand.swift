import KAACLIKit
import KAARegister

/// `kaa episode remove ID`.
enum EpisodeRemoveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Periodens id (se 'kaa show').")
    static let spec = CommandSpec(
        "episode remove", "Ta bort en felaktig period med dess kontakter och åtgärder.", arguments: [id],
        discussion: "En person utan kvarvarande period tas bort helt. För en period som aldrig borde funnits är\n"
            + "'kaa episode correct ID --deregistered D --deregistration-reason FELREGISTRERAD' ofta bättre: historiken finns kvar.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        try context.openRegister().removeEpisode(arguments[id])
        context.output.line("Period \(arguments[id]) borttagen.")
    }
}
