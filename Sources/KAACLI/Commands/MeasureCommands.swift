import KAACore
import KAARegister

/// The reminder shown wherever the plan's free text is written or read (SFS 2006:39 § 4).
let sensitiveDataReminder = "Påminnelse: skriv inga känsliga personuppgifter (t.ex. hälsa eller etnicitet) i planen – bara åtgärdens innehåll, mål och tider."

/// `kaa measure add PNR --type CODE --offered D [--accepted | --declined] [--start D]`.
enum MeasureAddCommand: KAACommand {
    static let spec = CommandSpec(
        path: "measure add", abstract: "Erbjud en individuell åtgärd.",
        positionals: [PositionalSpec(name: "PNR", help: "Personnummer eller samordningsnummer.")],
        options: [.value("--type", "kod", "Åtgärdstyp (se 'kaa codes measure_type')."), .value("--offered", "datum", "Datum då åtgärden erbjöds."),
                  .flag("--accepted", "Personen tackade ja."), .flag("--declined", "Personen tackade nej."),
                  .value("--start", "datum", "Startdatum."), .value("--responsible", "text", "Ansvarig aktör."),
                  .value("--plan", "text", "Plan och mål (ingen känslig information)."), .value("--follow-up", "datum", "Datum för uppföljning.")],
        discussion: "Skriver åtgärdens id. " + sensitiveDataReminder)

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let type = try arguments.required("--type")
        let offered = try context.requiredDate(arguments, "--offered")
        let decision = try MeasureDecisionOptions.decision(arguments)
        let measure = NewMeasure(type: type, offeredOn: offered, decision: decision ?? (arguments.value("--start") != nil ? .accepted : nil),
                                 startedOn: try context.date(arguments, "--start"), responsible: arguments.value("--responsible"),
                                 plan: arguments.value("--plan"), followUpOn: try context.date(arguments, "--follow-up"))
        let register = try context.openRegister()
        let id = try register.addMeasure(try context.personnummer(arguments.positionals[0]), measure)
        if measure.plan != nil { context.errorOutput.line(sensitiveDataReminder) }
        context.output.line(String(id))
    }
}

enum MeasureDecisionOptions {
    static func decision(_ arguments: ParsedArguments) throws -> MeasureDecision? {
        switch (arguments.flag("--accepted"), arguments.flag("--declined")) {
        case (true, true): throw CLIError.usage("'--accepted' and '--declined' cannot be combined")
        case (true, false): return .accepted
        case (false, true): return .declined
        case (false, false): return nil
        }
    }
}

/// `kaa measure end ID --date D --reason CODE [--occupation-after CODE]`.
enum MeasureEndCommand: KAACommand {
    static let spec = CommandSpec(
        path: "measure end", abstract: "Avsluta en åtgärd.",
        positionals: [PositionalSpec(name: "ID", help: "Åtgärdens id.")],
        options: [.value("--date", "datum", "Slutdatum."), .value("--reason", "kod", "Avslutsorsak (se 'kaa codes measure_end_reason')."),
                  .value("--occupation-after", "kod", "Sysselsättning efter åtgärden.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        let date = try context.requiredDate(arguments, "--date")
        let reason = try arguments.required("--reason")
        try context.openRegister().endMeasure(id, on: date, reason: reason, occupationAfter: arguments.value("--occupation-after"))
        context.output.line("Åtgärd \(id) avslutad.")
    }
}

/// `kaa measure correct ID [...]`.
enum MeasureCorrectCommand: KAACommand {
    static let spec = CommandSpec(
        path: "measure correct", abstract: "Rätta eller komplettera en åtgärd (beslut, start, uppföljning, plan).",
        positionals: [PositionalSpec(name: "ID", help: "Åtgärdens id.")],
        options: [.value("--type", "kod", "Ny åtgärdstyp."), .value("--offered", "datum", "Nytt datum för erbjudandet."),
                  .flag("--accepted", "Personen tackade ja."), .flag("--declined", "Personen tackade nej."),
                  .flag("--undecided", "Inget beslut ännu."), .value("--start", "datum", "Startdatum."), .flag("--not-started", "Ta bort startdatumet."),
                  .value("--end", "datum", "Nytt slutdatum."), .value("--end-reason", "kod", "Ny avslutsorsak."),
                  .value("--occupation-after", "kod", "Sysselsättning efter åtgärden."), .flag("--not-ended", "Ta bort avslutet."),
                  .value("--responsible", "text", "Ansvarig aktör."), .value("--plan", "text", "Plan och mål."),
                  .value("--follow-up", "datum", "Datum för uppföljning.")],
        discussion: sensitiveDataReminder)

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        var correction = MeasureCorrection()
        correction.type = arguments.value("--type")
        correction.offeredOn = try context.date(arguments, "--offered")
        correction.decision = try MeasureDecisionOptions.decision(arguments)
        correction.clearDecision = arguments.flag("--undecided")
        correction.startedOn = try context.date(arguments, "--start")
        correction.clearStart = arguments.flag("--not-started")
        correction.endedOn = try context.date(arguments, "--end")
        correction.endReason = arguments.value("--end-reason")
        correction.occupationAfter = arguments.value("--occupation-after")
        correction.clearEnd = arguments.flag("--not-ended")
        correction.responsible = arguments.value("--responsible")
        correction.plan = arguments.value("--plan")
        correction.followUpOn = try context.date(arguments, "--follow-up")
        if correction.clearDecision, correction.decision != nil {
            throw CLIError.usage("'--undecided' cannot be combined with '--accepted' or '--declined'")
        }
        try context.openRegister().correctMeasure(id, correction)
        if correction.plan != nil { context.errorOutput.line(sensitiveDataReminder) }
        context.output.line("Åtgärd \(id) rättad.")
    }
}

/// `kaa measure remove ID`.
enum MeasureRemoveCommand: KAACommand {
    static let spec = CommandSpec(path: "measure remove", abstract: "Ta bort en felaktigt registrerad åtgärd.",
                                  positionals: [PositionalSpec(name: "ID", help: "Åtgärdens id.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        try context.openRegister().removeMeasure(id)
        context.output.line("Åtgärd \(id) borttagen.")
    }
}
