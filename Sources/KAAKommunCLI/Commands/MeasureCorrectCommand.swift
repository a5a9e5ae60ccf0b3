import KAACLIKit
import KAACore
import KAARegister

/// `kaa measure correct ID [...]`.
enum MeasureCorrectCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Åtgärdens id.")
    static let type = Arg.option("--type", .code, "Ny åtgärdstyp.")
    static let offered = Arg.option("--offered", .date, "Nytt datum för erbjudandet.")
    static let undecided = Arg.flag("--undecided", "Inget beslut ännu.")
    static let start = Arg.option("--start", .date, "Startdatum.")
    static let notStarted = Arg.flag("--not-started", "Ta bort startdatumet.")
    static let end = Arg.option("--end", .date, "Nytt slutdatum.")
    static let endReason = Arg.option("--end-reason", .code, "Ny avslutsorsak.")
    static let occupationAfter = Arg.option("--occupation-after", .code, "Sysselsättning efter åtgärden.")
    static let notEnded = Arg.flag("--not-ended", "Ta bort avslutet.")
    static let responsible = Arg.option("--responsible", .text, "Ansvarig aktör.")
    static let plan = Arg.option("--plan", .text, "Plan och mål.")
    static let followUp = Arg.option("--follow-up", .date, "Första datum för uppföljning (senare: 'kaa measure follow-up').")
    static let plannedStart = Arg.option("--planned-start", .date, "Planerad start; får ligga efter i dag (SFS 2006:39).")
    static let noPlannedStart = Arg.flag("--no-planned-start", "Ta bort den planerade starten.")
    static let spec = CommandSpec(
        "measure correct", "Rätta eller komplettera en åtgärd (beslut, start, uppföljning, plan).",
        arguments: [id, type, offered, MeasureDecisionArguments.accepted, MeasureDecisionArguments.declined, undecided, start, notStarted,
                    end, endReason, occupationAfter, notEnded, responsible, plan, followUp, plannedStart, noPlannedStart],
        exclusive: [[MeasureDecisionArguments.accepted, MeasureDecisionArguments.declined, undecided], [start, notStarted],
                    [end, notEnded], [endReason, notEnded], [occupationAfter, notEnded], [plannedStart, noPlannedStart]],
        discussion: sensitiveDataReminder)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        var correction = MeasureCorrection()
        correction.type = arguments[type]
        correction.offeredOn = arguments[offered]
        correction.decision = MeasureDecisionArguments.decision(arguments)
        correction.clearDecision = arguments[undecided]
        correction.startedOn = arguments[start]
        correction.clearStart = arguments[notStarted]
        correction.endedOn = arguments[end]
        correction.endReason = arguments[endReason]
        correction.occupationAfter = arguments[occupationAfter]
        correction.clearEnd = arguments[notEnded]
        correction.responsible = arguments[responsible]
        correction.plan = arguments[plan]
        correction.followUpOn = arguments[followUp]
        correction.plannedStartOn = arguments[plannedStart]
        correction.clearPlannedStart = arguments[noPlannedStart]
        let register = try context.openRegister()
        try register.correctMeasure(arguments[id], correction)
        if correction.plan != nil { context.errorOutput.line(sensitiveDataReminder) }
        context.output.line("Åtgärd \(arguments[id]) rättad för \(try register.subject(ofRecord: .measure, id: arguments[id])).")
    }
}
