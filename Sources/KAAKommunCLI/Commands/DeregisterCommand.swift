import KAACLIKit
import KAACore
import KAARegister

/// `kaa deregister PNR --date D --reason CODE`.
enum DeregisterCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let date = Arg.required("--date", .date, "Avregistreringsdatum: första dagen utanför aktivitetsansvaret.")
    static let reason = Arg.required("--reason", .code, "Avregistreringsorsak (se 'kaa codes deregistration_reason').")
    static let spec = CommandSpec("deregister", "Avregistrera en person (avsluta den öppna perioden).", arguments: [pnr, date, reason],
                                  discussion: "Åtgärder som inte är avslutade avslutas samma dag med orsaken AVREGISTRERAD.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        try register.deregister(arguments[pnr], on: arguments[date], reason: arguments[reason])
        context.output.line("Avregistrerad \(arguments[date]) (\(register.catalog.label(arguments[reason], in: .deregistrationReason))).")
    }
}
