import KAACLIKit
import KAACore
import KAARegister

/// `kaa register PNR --date D --reason CODE`.
enum RegisterCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let date = Arg.required("--date", .date, "Registreringsdatum (ÅÅÅÅ-MM-DD).")
    static let reason = Arg.required("--reason", .code, "Registreringsorsak (se 'kaa codes registration_reason').")
    static let spec = CommandSpec("register", "Registrera en person i aktivitetsansvaret (ny period).",
                                  arguments: [pnr, date, reason] + ContactDetailArguments.forRegistration, discussion: "Skriver periodens id.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let id = try register.register(arguments[pnr], on: arguments[date], reason: arguments[reason],
                                       details: ContactDetailArguments.details(arguments, canUnprotect: false))
        context.output.line(String(id))
    }
}
