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
    static let followUp = Arg.option("--follow-up", .date, "Första datum för uppföljning (senare: 'kaa measure follow-up').")
    static let plannedStart = Arg.option("--planned-start", .date, "Planerad start; får ligga efter i dag (SFS 2006:39). --start är när den faktiskt började.")
    static let spec = CommandSpec(
        "measure add", "Erbjud en individuell åtgärd.",
        arguments: [pnr, type, offered, MeasureDecisionArguments.accepted, MeasureDecisionArguments.declined, start, plannedStart, responsible, plan, followUp],
        exclusive: [[MeasureDecisionArguments.accepted, MeasureDecisionArguments.declined]],
        discussion: "Skriver 'Åtgärd ID registrerad för NAMN (PERSONNUMMER), …': id:t är andra ordet. " + sensitiveDataReminder)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let decision = MeasureDecisionArguments.decision(arguments) ?? (arguments[start] != nil ? .accepted : nil)
        let measure = NewMeasure(type: arguments[type], offeredOn: arguments[offered], decision: decision, startedOn: arguments[start],
                                 responsible: arguments[responsible], plan: arguments[plan], followUpOn: arguments[followUp],
                                 plannedStartOn: arguments[plannedStart])
        let register = try context.openRegister()
        let id = try register.addMeasure(arguments[pnr], measure)
        if measure.plan != nil { context.errorOutput.line(sensitiveDataReminder) }
        var text = "Åtgärd \(id) registrerad för \(try register.subject(of: arguments[pnr])): "
            + "\(ChangeMessage.label(measure.type, .measureType, register)), erbjuden \(measure.offeredOn)"
        if let planned = measure.plannedStartOn { text += ", planerad start \(planned)" }
        if let start = measure.startedOn { text += ", start \(start)" }
        context.output.line(text + ".")
    }
}
