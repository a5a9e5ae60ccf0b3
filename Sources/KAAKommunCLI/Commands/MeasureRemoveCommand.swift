import KAACLIKit
import KAARegister

/// `kaa measure remove ID`.
enum MeasureRemoveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Åtgärdens id.")
    static let spec = CommandSpec("measure remove", "Ta bort en felaktigt registrerad åtgärd.", arguments: [id])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        try context.openRegister().removeMeasure(arguments[id])
        context.output.line("Åtgärd \(arguments[id]) borttagen.")
    }
}
