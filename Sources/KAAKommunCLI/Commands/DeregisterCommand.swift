import KAACLIKit
import KAACore
import KAARegister

/// `kaa deregister PNR --date D --reason CODE`.
enum DeregisterCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let date = Arg.required("--date", .date, "Avregistreringsdatum: första dagen utanför aktivitetsansvaret.")
    static let reason = Arg.required("--reason", .code, "Avregistreringsorsak (se 'kaa codes deregistration_reason').")
    static let spec = CommandSpec("deregister", "Avregistrera en person (avsluta den öppna inskrivningen).", arguments: [pnr, date, reason],
                                  discussion: """
                                      Åtgärder som inte är avslutade avslutas samma dag med orsaken AVREGISTRERAD.
                                      FYLLT_20 gäller först från 20-årsdagen; en inskrivning som är öppen på 20-årsdagen
                                      avslutar registret självt den dagen (loggas som 'system').
                                      Fick du veta det senare? Logga kontakten med 'kaa contact add … --reports-deregistration'.
                                      """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        try register.deregister(arguments[pnr], on: arguments[date], reason: arguments[reason])
        context.output.line("Inskrivningen för \(try register.subject(of: arguments[pnr])) avslutad: avregistrerad \(arguments[date]) "
            + "(\(ChangeMessage.label(arguments[reason], .deregistrationReason, register))).")
    }
}
