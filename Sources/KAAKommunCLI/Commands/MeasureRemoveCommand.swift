import KAACLIKit
import KAARegister

/// `kaa measure remove ID [--yes]`.
enum MeasureRemoveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Åtgärdens id.")
    static let spec = CommandSpec("measure remove", "Ta bort en felaktigt registrerad åtgärd.", arguments: [id, SafetyArguments.yes],
                                  discussion: "En åtgärd med uppföljningar tas bort bara med --yes (eller 'ja' i terminalen); annars slutkod 64.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let plan = try register.removalPlan(ofMeasure: arguments[id])
        try register.removeMeasure(arguments[id], confirming: SafetyArguments.confirmation(of: plan, yes: arguments[SafetyArguments.yes], context: context))
        context.output.line("Åtgärd \(arguments[id]) borttagen. " + plan.description.replacingOccurrences(of: "Tas bort för", with: "Borttaget för"))
    }
}
