import KAACLIKit
import KAARegister

/// `kaa occupation remove ID`.
enum OccupationRemoveCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Uppgiftens id.")
    static let spec = CommandSpec("occupation remove", "Ta bort en felaktig uppgift om sysselsättning.", arguments: [id])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let subject = try register.subject(ofRecord: .occupationFact, id: arguments[id])
        try register.removeOccupation(arguments[id])
        context.output.line("Sysselsättning \(arguments[id]) borttagen för \(subject).")
    }
}
