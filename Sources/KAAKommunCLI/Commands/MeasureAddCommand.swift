import KAACLIKit
import KAACore
import KAARegister

/// `kaa measure add PNR --type CODE --offered D [--accepted | --declined] [--start D]`.
enum MeasureAddCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let type = Arg.required("--type", .code, "Åtgärdstyp (se 'kaa codes measure_type').")
    static let offered = Arg.required("--offered", .date, "Datum då åtgärden erbjöds.")
    static let start = Arg.option("--start", .date, "Startdatum.")
    static let responsible = Arg.option("--responsible", .text, "Ansvarig aktör.")
    static let plan = Arg.option("--plan", .text, "Plan och mål (ingen känslig information).")
    static let followUp = Arg.option("--follow-up", .date, "Datum för uppföljning.")
    static let spec = CommandSpec(
        "measure add", "Erbjud en individuell åtgärd.",
        arguments: [pnr, type, offered, MeasureDecisionArguments.accepted, MeasureDecisionArguments.declined, start, responsible, plan, followUp],
        exclusive: [[MeasureDecisionArguments.accepted, MeasureDecisionArguments.declined]],
        discussion: "Skriver åtgärdens id. " + sensitiveDataReminder)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let decision = MeasureDecisionArguments.decision(arguments) ?? (arguments[start] != nil ? .accepted : nil)
        let measure = NewMeasure(type: arguments[type], offeredOn: arguments[offered], decision: decision, startedOn: arguments[start],
                                 responsible: arguments[responsible], plan: arguments[plan], followUpOn: arguments[followUp])
        let register = try context.openRegister()
        let id = try register.addMeasure(arguments[pnr], measure)
        if measure.plan != nil { context.errorOutput.line(sensitiveDataReminder) }
        context.output.line(String(id))
    }
}
