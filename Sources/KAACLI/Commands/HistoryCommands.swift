import Foundation
import KAACore
import KAARegister

/// `kaa import history --episodes FILE [--contacts FILE] [--measures FILE] [--mapping FILE] [--dry-run]`.
enum ImportHistoryCommand: KAACommand {
    static let spec = CommandSpec(
        path: "import history", abstract: "Läs in ett befintligt register (perioder, kontakter, åtgärder) från CSV.",
        options: [.value("--episodes", "fil", "Perioder i aktivitetsansvaret (CSV)."), .value("--contacts", "fil", "Kontaktförsök (CSV)."),
                  .value("--measures", "fil", "Åtgärder (CSV)."), .value("--mapping", "fil", "Kodöversättning från ett annat system (JSON)."),
                  .flag("--dry-run", "Kontrollera filerna utan att spara något.")],
        discussion: """
            Till för ett nytt register, före den första 'kaa identify'. Alla rader kontrolleras först; ett enda fel
            (med fil och radnummer) och ingenting sparas (slutkod 65). Filformaten och kodöversättningen beskrivs i
            docs/file-formats.md; 'kaa export history' skriver samma format.
            """)

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let episodes = try arguments.required("--episodes")
        var mapping = CodeMapping()
        if let path = arguments.value("--mapping") {
            mapping = try loadMapping(path)
        }
        let register = try context.openRegister()
        let report = try register.importHistory(episodes: episodes, contacts: arguments.value("--contacts"),
                                                measures: arguments.value("--measures"), mapping: mapping, dryRun: arguments.flag("--dry-run"))
        context.output.line("\(report.isDryRun ? "Skulle läsa in" : "Inläst"): \(report.people) personer, \(report.episodes) perioder, "
            + "\(report.contacts) kontaktförsök, \(report.measures) åtgärder.")
        if report.isDryRun { context.output.line("Provkörning: ingenting har sparats.") }
    }

    static func loadMapping(_ path: String) throws -> CodeMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.badValue(option: "--mapping", message: "kan inte läsa \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CLIError.badValue(option: "--mapping", message: "\(path) ska vara ett JSON-objekt {\"kodlista\": {\"deras kod\": \"vår kod\"}}")
        }
        var raw: [String: [String: String]] = [:]
        for (key, value) in object where !key.hasPrefix("_") {
            guard let entries = value as? [String: String] else {
                throw CLIError.badValue(option: "--mapping", message: "\(path): \"\(key)\" ska vara ett objekt med text till text")
            }
            raw[key] = entries
        }
        do {
            return try CodeMapping(raw)
        } catch {
            throw CLIError.badValue(option: "--mapping", message: "\(path): \(error.message)")
        }
    }
}

/// `kaa export history --out FOLDER`.
enum ExportHistoryCommand: KAACommand {
    static let spec = CommandSpec(
        path: "export history", abstract: "Skriv hela registrets historik i importformatet (episodes/contacts/measures.csv).",
        options: [.value("--out", "mapp", "Mappen filerna skrivs i (skapas vid behov).")],
        discussion: "Filerna innehåller personuppgifter: de skrivs med rättigheterna 0600 och läsningen loggas per person.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let folder = try arguments.required("--out")
        try context.openRegister().exportHistory(to: folder)
        context.output.line("Historiken skriven till \(folder)/episodes.csv, contacts.csv och measures.csv.")
    }
}
