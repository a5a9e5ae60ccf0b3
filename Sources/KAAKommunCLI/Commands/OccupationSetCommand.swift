import KAACLIKit
import KAACore
import KAARegister

/// `kaa occupation set PNR --date D --code CODE`.
enum OccupationSetCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let date = Arg.required("--date", .date, "Datum då uppgiften blev känd.")
    static let code = Arg.required("--code", .code, "Sysselsättning (se 'kaa codes occupation').")
    static let spec = CommandSpec("occupation set", "Ange vad personen gör (sysselsättning) från ett datum.", arguments: [pnr, date, code],
                                  discussion: "Skriver 'Sysselsättning ID registrerad för NAMN (PERSONNUMMER), …': id:t är andra ordet.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let id = try register.setOccupation(arguments[pnr], on: arguments[date], code: arguments[code])
        context.output.line("Sysselsättning \(id) registrerad för \(try register.subject(of: arguments[pnr])): "
            + "\(ChangeMessage.label(arguments[code], .occupation, register)) från \(arguments[date]).")
    }
}
