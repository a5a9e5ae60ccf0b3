import KAACLIKit
import KAACore
import KAARegister

/// `kaa contact correct ID [...]`.
enum ContactCorrectCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Kontaktens id.")
    static let date = Arg.option("--date", .date, "Nytt datum.")
    static let channel = Arg.option("--channel", .code, "Nytt kontaktsätt.")
    static let reached = Arg.flag("--reached", "Personen nåddes.")
    static let notReached = Arg.flag("--not-reached", "Personen nåddes inte.")
    static let occupation = Arg.option("--occupation", .code, "Ny sysselsättning.")
    static let noOccupation = Arg.flag("--no-occupation", "Ta bort sysselsättningen.")
    static let spec = CommandSpec("contact correct", "Rätta ett kontaktförsök.",
                                  arguments: [id, date, channel, reached, notReached, occupation, noOccupation],
                                  exclusive: [[reached, notReached], [occupation, noOccupation]])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let reached: Bool? = arguments[reached] ? true : (arguments[notReached] ? false : nil)
        let correction = ContactCorrection(date: arguments[date], channel: arguments[channel], isReached: reached,
                                           occupation: arguments[occupation], clearOccupation: arguments[noOccupation])
        let register = try context.openRegister()
        try register.correctContact(arguments[id], correction)
        context.output.line("Kontakt \(arguments[id]) rättad för \(try register.subject(ofRecord: .contact, id: arguments[id])).")
    }
}
