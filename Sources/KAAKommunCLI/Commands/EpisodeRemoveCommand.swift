import KAACLIKit
import KAARegister

/// `kaa episode remove ID [--yes]`.
enum EpisodeRemoveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Inskrivningens id (se 'kaa show').")
    static let spec = CommandSpec(
        "episode remove", "Ta bort en felaktig inskrivning med dess kontakter och åtgärder.", arguments: [id, SafetyArguments.yes],
        discussion: "Säger först exakt vad som tas bort. Tar det mer än inskrivningen själv (kontakter, åtgärder, eller personen\n"
            + "när det är hens enda inskrivning) krävs --yes eller att du skriver 'ja' i terminalen; annars slutkod 64 och\n"
            + "ingenting ändras. För en inskrivning som aldrig borde funnits är\n"
            + "'kaa episode correct ID --deregistered D --deregistration-reason FELREGISTRERAD' ofta bättre: historiken finns kvar.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let plan = try register.removalPlan(ofEpisode: arguments[id])
        try register.removeEpisode(arguments[id], confirming: SafetyArguments.confirmation(of: plan, yes: arguments[SafetyArguments.yes], context: context))
        context.output.line("Inskrivning \(arguments[id]) borttagen. " + plan.description.replacingOccurrences(of: "Tas bort för", with: "Borttaget för"))
    }
}
