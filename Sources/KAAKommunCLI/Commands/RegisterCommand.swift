import KAACLIKit
import KAACore
import KAARegister

/// `kaa register PNR --date D --reason CODE`.
enum RegisterCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let date = Arg.required("--date", .date, "Registreringsdatum (ÅÅÅÅ-MM-DD).")
    static let reason = Arg.required("--reason", .code, "Registreringsorsak (se 'kaa codes registration_reason'; versaler valfritt).")
    static let spec = CommandSpec("register", "Skriv in en person i aktivitetsansvaret (ny inskrivning).",
                                  arguments: [pnr, date, reason] + ContactDetailArguments.forRegistration,
                                  discussion: "Skriver 'Inskrivning ID registrerad för NAMN (PERSONNUMMER), …': id:t är andra ordet.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let id = try register.register(arguments[pnr], on: arguments[date], reason: arguments[reason],
                                       details: ContactDetailArguments.details(arguments, canUnprotect: false))
        context.output.line("Inskrivning \(id) registrerad för \(try register.subject(of: arguments[pnr])), inskriven \(arguments[date]) "
            + "(\(ChangeMessage.label(arguments[reason], .registrationReason, register))).")
    }
}
