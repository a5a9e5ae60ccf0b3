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
        let register = try context.openRegister()
        try register.endMeasure(arguments[id], on: arguments[date], reason: arguments[reason], occupationAfter: arguments[occupationAfter])
        context.output.line("Åtgärd \(arguments[id]) avslutad för \(try register.subject(ofRecord: .measure, id: arguments[id])) \(arguments[date]) "
            + "(\(ChangeMessage.label(arguments[reason], .measureEndReason, register))).")
    }
}
