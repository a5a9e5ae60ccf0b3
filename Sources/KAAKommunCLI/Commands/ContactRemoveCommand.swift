import KAACLIKit
import KAARegister

/// `kaa contact remove ID`.
enum ContactRemoveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Kontaktens id.")
    static let spec = CommandSpec("contact remove", "Ta bort ett felaktigt kontaktförsök.", arguments: [id])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        try context.openRegister().removeContact(arguments[id])
        context.output.line("Kontakt \(arguments[id]) borttagen.")
    }
}
