import KAACore
import KAARegister

/// `kaa init --kommun KOD`: creates a new register.
enum InitCommand: KAACommand {
    static let spec = CommandSpec(
        path: "init", abstract: "Skapa ett nytt register för en kommun.",
        options: [.value("--kommun", "kod", "Kommunkoden, fyra siffror (t.ex. 0380).")],
        discussion: "Filen skapas med rättigheterna 0600 och får en slumpad cellnyckel som aldrig lämnar kommunen.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let kommun = try arguments.required("--kommun")
        let register = try Register.create(at: context.databasePath, kommun: kommun, clock: context.clock(),
                                           staff: context.staff, configuration: context.configuration())
        let name = Kommuner.all[kommun]?.name ?? kommun
        context.output.line("Registret \(context.databasePath) skapat för \(name) (\(register.kommun)).")
    }
}

/// `kaa personnummer NUMMER...`: validates and normalises numbers.
enum PersonnummerCommand: KAACommand {
    static let spec = CommandSpec(
        path: "personnummer", abstract: "Kontrollera och normalisera personnummer och samordningsnummer.",
        positionals: [PositionalSpec(name: "NUMMER", help: "10 eller 12 siffror, med eller utan '-' eller '+'.", isRepeated: true)],
        discussion: "Skriver en rad per giltigt nummer: <12 siffror>\\t<K|M>\\t<födelsedatum>\\t<personnummer|samordningsnummer>.\n"
            + "Varje ogiltigt nummer ger en felrad på stderr; slutkoden är då 65.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let today = try context.clock().today
        var anyInvalid = false
        for text in arguments.positionals {
            do {
                let pnr = try PersonalIdentityNumber(text, today: today)
                context.output.line("\(pnr.digits)\t\(pnr.sex.rawValue)\t\(pnr.birthDate)\t\(pnr.kind.rawValue)")
            } catch {
                context.errorOutput.line("Error: \(error.description)")
                anyInvalid = true
            }
        }
        if anyInvalid { throw CLIError.reported }
    }
}

/// `kaa backup FILE`: an online copy of the register.
enum BackupCommand: KAACommand {
    static let spec = CommandSpec(
        path: "backup", abstract: "Kopiera registret till en ny fil (SQLites online-backup).",
        positionals: [PositionalSpec(name: "FIL", help: "Målfilen; får inte finnas.")],
        discussion: "Kopian är en konsistent ögonblicksbild och får rättigheterna 0600. Ett register som återställs från en\n"
            + "kopia upptäcks av synkroniseringen, som då skickar en hel ögonblicksbild.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let register = try context.openRegister()
        try register.backup(to: arguments.positionals[0])
        context.output.line("Säkerhetskopia skriven till \(arguments.positionals[0]).")
    }
}

/// `kaa codes [LISTA]`: the code lists with their Swedish labels.
enum CodesCommand: KAACommand {
    static let spec = CommandSpec(
        path: "codes", abstract: "Visa kodlistorna (orsaker, sysselsättning, åtgärder, kontaktsätt).",
        positionals: [PositionalSpec(name: "LISTA", help: "En lista: " + CodeList.allCases.map(\.rawValue).joined(separator: ", ") + ".", isOptional: true)])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        var lists = CodeList.allCases
        if let name = arguments.positionals.first {
            guard let list = CodeList(rawValue: name) else {
                throw CLIError.badValue(option: "LISTA", message: "okänd lista '\(name)'; välj bland " + CodeList.allCases.map(\.rawValue).joined(separator: ", "))
            }
            lists = [list]
        }
        for list in lists {
            context.output.line("\(list.rawValue) (\(list.swedishName)):")
            for code in CodeCatalog.builtIn.codes(in: list) {
                context.output.line("  \(code.code)\(String(repeating: " ", count: max(1, 22 - code.code.count)))\(code.label)")
            }
        }
    }
}
