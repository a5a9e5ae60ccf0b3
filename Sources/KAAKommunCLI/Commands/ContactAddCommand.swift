import KAACLIKit
import KAACore
import KAARegister

/// `kaa contact add PNR --date D --channel CODE [--reached] [--occupation CODE]`.
enum ContactAddCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let date = Arg.required("--date", .date, "Datum för kontaktförsöket.")
    static let channel = Arg.required("--channel", .code, "Kontaktsätt (se 'kaa codes contact_channel').")
    static let reached = Arg.flag("--reached", "Personen nåddes.")
    static let occupation = Arg.option("--occupation", .code, "Sysselsättning som kom fram (kräver --reached).")
    static let spec = CommandSpec("contact add", "Logga ett kontaktförsök.", arguments: [pnr, date, channel, reached, occupation],
                                  discussion: "Skriver kontaktens id.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let id = try register.addContact(arguments[pnr], on: arguments[date], channel: arguments[channel],
                                         isReached: arguments[reached], occupation: arguments[occupation])
        context.output.line(String(id))
    }
}
