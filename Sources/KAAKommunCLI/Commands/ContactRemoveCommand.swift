import KAACLIKit
import KAARegister

/// `kaa contact remove ID`.
enum ContactRemoveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Kontaktens id.")
    static let spec = CommandSpec("contact remove", "Ta bort ett felaktigt kontaktförsök.", arguments: [id])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let subject = try register.subject(ofRecord: .contact, id: arguments[id])
        try register.removeContact(arguments[id])
        context.output.line("Kontakt \(arguments[id]) borttagen för \(subject).")
    }
}
