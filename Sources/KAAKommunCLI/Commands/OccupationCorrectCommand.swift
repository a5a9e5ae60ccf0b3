import KAACLIKit
import KAACore
import KAARegister

/// `kaa occupation correct ID [...]`.
enum OccupationCorrectCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Uppgiftens id.")
    static let date = Arg.option("--date", .date, "Nytt datum.")
    static let code = Arg.option("--code", .code, "Ny sysselsättning.")
    static let spec = CommandSpec("occupation correct", "Rätta en uppgift om sysselsättning.", arguments: [id, date, code])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        try register.correctOccupation(arguments[id], date: arguments[date], code: arguments[code])
        context.output.line("Sysselsättning \(arguments[id]) rättad för \(try register.subject(ofRecord: .occupationFact, id: arguments[id])).")
    }
}
