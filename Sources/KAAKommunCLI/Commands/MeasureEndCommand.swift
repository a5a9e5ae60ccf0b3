import KAACLIKit
import KAACore
import KAARegister

/// `kaa measure end ID --date D --reason CODE [--occupation-after CODE]`.
enum MeasureEndCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Åtgärdens id.")
    static let date = Arg.required("--date", .date, "Slutdatum.")
    static let reason = Arg.required("--reason", .code, "Avslutsorsak (se 'kaa codes measure_end_reason').")
    static let occupationAfter = Arg.option("--occupation-after", .code, "Sysselsättning efter åtgärden.")
    static let spec = CommandSpec("measure end", "Avsluta en åtgärd.", arguments: [id, date, reason, occupationAfter])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        try context.openRegister().endMeasure(arguments[id], on: arguments[date], reason: arguments[reason], occupationAfter: arguments[occupationAfter])
        context.output.line("Åtgärd \(arguments[id]) avslutad.")
    }
}
