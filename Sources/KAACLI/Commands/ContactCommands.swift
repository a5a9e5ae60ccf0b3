import KAACore
import KAARegister

/// `kaa contact add PNR --date D --channel CODE [--reached] [--occupation CODE]`.
enum ContactAddCommand: KAACommand {
    static let spec = CommandSpec(
        path: "contact add", abstract: "Logga ett kontaktförsök.",
        positionals: [PositionalSpec(name: "PNR", help: "Personnummer eller samordningsnummer.")],
        options: [.value("--date", "datum", "Datum för kontaktförsöket."), .value("--channel", "kod", "Kontaktsätt (se 'kaa codes contact_channel')."),
                  .flag("--reached", "Personen nåddes."), .value("--occupation", "kod", "Sysselsättning som kom fram (kräver --reached).")],
        discussion: "Skriver kontaktens id.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let date = try context.requiredDate(arguments, "--date")
        let channel = try arguments.required("--channel")
        let register = try context.openRegister()
        let id = try register.addContact(try context.personnummer(arguments.positionals[0]), on: date, channel: channel,
                                         isReached: arguments.flag("--reached"), occupation: arguments.value("--occupation"))
        context.output.line(String(id))
    }
}

/// `kaa contact correct ID [...]`.
enum ContactCorrectCommand: KAACommand {
    static let spec = CommandSpec(
        path: "contact correct", abstract: "Rätta ett kontaktförsök.",
        positionals: [PositionalSpec(name: "ID", help: "Kontaktens id.")],
        options: [.value("--date", "datum", "Nytt datum."), .value("--channel", "kod", "Nytt kontaktsätt."),
                  .flag("--reached", "Personen nåddes."), .flag("--not-reached", "Personen nåddes inte."),
                  .value("--occupation", "kod", "Ny sysselsättning."), .flag("--no-occupation", "Ta bort sysselsättningen.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        if arguments.flag("--reached"), arguments.flag("--not-reached") {
            throw CLIError.usage("'--reached' and '--not-reached' cannot be combined")
        }
        let reached: Bool? = arguments.flag("--reached") ? true : (arguments.flag("--not-reached") ? false : nil)
        let correction = ContactCorrection(date: try context.date(arguments, "--date"), channel: arguments.value("--channel"), isReached: reached,
                                           occupation: arguments.value("--occupation"), clearOccupation: arguments.flag("--no-occupation"))
        try context.openRegister().correctContact(id, correction)
        context.output.line("Kontakt \(id) rättad.")
    }
}

/// `kaa contact remove ID`.
enum ContactRemoveCommand: KAACommand {
    static let spec = CommandSpec(path: "contact remove", abstract: "Ta bort ett felaktigt kontaktförsök.",
                                  positionals: [PositionalSpec(name: "ID", help: "Kontaktens id.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        try context.openRegister().removeContact(id)
        context.output.line("Kontakt \(id) borttagen.")
    }
}

/// `kaa occupation set PNR --date D --code CODE`.
enum OccupationSetCommand: KAACommand {
    static let spec = CommandSpec(
        path: "occupation set", abstract: "Ange vad personen gör (sysselsättning) från ett datum.",
        positionals: [PositionalSpec(name: "PNR", help: "Personnummer eller samordningsnummer.")],
        options: [.value("--date", "datum", "Datum då uppgiften blev känd."), .value("--code", "kod", "Sysselsättning (se 'kaa codes occupation').")],
        discussion: "Skriver uppgiftens id.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let date = try context.requiredDate(arguments, "--date")
        let code = try arguments.required("--code")
        let register = try context.openRegister()
        let id = try register.setOccupation(try context.personnummer(arguments.positionals[0]), on: date, code: code)
        context.output.line(String(id))
    }
}

/// `kaa occupation correct ID [...]`.
enum OccupationCorrectCommand: KAACommand {
    static let spec = CommandSpec(
        path: "occupation correct", abstract: "Rätta en uppgift om sysselsättning.",
        positionals: [PositionalSpec(name: "ID", help: "Uppgiftens id.")],
        options: [.value("--date", "datum", "Nytt datum."), .value("--code", "kod", "Ny sysselsättning.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        try context.openRegister().correctOccupation(id, date: try context.date(arguments, "--date"), code: arguments.value("--code"))
        context.output.line("Sysselsättning \(id) rättad.")
    }
}

/// `kaa occupation remove ID`.
enum OccupationRemoveCommand: KAACommand {
    static let spec = CommandSpec(path: "occupation remove", abstract: "Ta bort en felaktig uppgift om sysselsättning.",
                                  positionals: [PositionalSpec(name: "ID", help: "Uppgiftens id.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        try context.openRegister().removeOccupation(id)
        context.output.line("Sysselsättning \(id) borttagen.")
    }
}
