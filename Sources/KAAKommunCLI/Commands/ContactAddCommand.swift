import KAACLIKit
import KAACore
import KAARegister

/// `kaa contact add PNR --date D --channel CODE [--reached] [--occupation CODE] [--reports-deregistration] [--next-contact D]`.
enum ContactAddCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let date = Arg.required("--date", .date, "Datum för kontaktförsöket.")
    static let channel = Arg.required("--channel", .code, "Kontaktsätt (se 'kaa codes contact_channel').")
    static let reached = Arg.flag("--reached", "Personen nåddes.")
    static let occupation = Arg.option("--occupation", .code, "Sysselsättning som kom fram (kräver --reached).")
    static let reportsDeregistration = Arg.flag("--reports-deregistration",
                                                "Kontakten gav beskedet om avregistreringen: får ligga efter inskrivningens slut (i en öppen period).")
    static let nextContact = Arg.option("--next-contact", .date, "Nästa planerade kontakt (efter --date, högst ett år fram).")
    static let spec = CommandSpec("contact add", "Logga ett kontaktförsök.",
                                  arguments: [pnr, date, channel, reached, occupation, reportsDeregistration, nextContact],
                                  discussion: "Skriver 'Kontakt ID registrerad för NAMN (PERSONNUMMER), …': id:t är andra ordet.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let id = try register.addContact(arguments[pnr], on: arguments[date], channel: arguments[channel],
                                         isReached: arguments[reached], occupation: arguments[occupation],
                                         reportsDeregistration: arguments[reportsDeregistration], nextContactOn: arguments[nextContact])
        var text = "Kontakt \(id) registrerad för \(try register.subject(of: arguments[pnr])), \(arguments[reached] ? "nådd" : "inte nådd"), "
            + ChangeMessage.code(arguments[channel], .contactChannel, register)
        if let occupation = arguments[occupation] { text += ", sysselsättning: \(ChangeMessage.label(occupation, .occupation, register))" }
        if arguments[reportsDeregistration] { text += ", meddelade avregistreringen" }
        if let next = arguments[nextContact] { text += ", nästa kontakt \(next)" }
        context.output.line(text + ".")
    }
}
