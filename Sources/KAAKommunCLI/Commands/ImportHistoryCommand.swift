import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa import history --episodes FILE [--contacts FILE] [--measures FILE] [--mapping FILE] [--dry-run]`.
enum ImportHistoryCommand: KommunCommand {
    static let episodes = Arg.required("--episodes", .path, "Inskrivningar i aktivitetsansvaret (CSV).")
    static let contacts = Arg.option("--contacts", .path, "Kontaktförsök (CSV).")
    static let measures = Arg.option("--measures", .path, "Åtgärder (CSV).")
    static let mapping = Arg.option("--mapping", .path, "Kodöversättning från ett annat system (JSON).")
    static let dryRun = Arg.flag("--dry-run", "Kontrollera filerna utan att spara något.")
    static let spec = CommandSpec(
        "import history", "Läs in ett befintligt register (inskrivningar, kontakter, åtgärder) från CSV.",
        arguments: [episodes, contacts, measures, mapping, dryRun],
        discussion: """
            Till för ett nytt register, före den första 'kaa identify'. Alla rader kontrolleras först; ett enda fel
            (med fil och radnummer) och ingenting sparas (slutkod 65). Filformaten och kodöversättningen beskrivs i
            docs/file-formats.md; 'kaa export history' skriver samma format.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let mapping = try arguments[mapping].map(loadMapping) ?? CodeMapping()
        let register = try context.openRegister()
        let report = try register.importHistory(episodes: arguments[episodes], contacts: arguments[contacts],
                                                measures: arguments[measures], mapping: mapping, dryRun: arguments[dryRun])
        context.output.line("\(report.isDryRun ? "Skulle läsa in" : "Inläst"): \(report.people) personer, \(report.episodes) inskrivningar, "
            + "\(report.contacts) kontaktförsök, \(report.measures) åtgärder.")
        if report.isDryRun { context.output.line("Provkörning: ingenting har sparats.") }
    }

    static func loadMapping(_ path: String) throws -> CodeMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandLineError.badValue(argument: "--mapping", message: "kan inte läsa \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CommandLineError.badValue(argument: "--mapping", message: "\(path) ska vara ett JSON-objekt {\"kodlista\": {\"deras kod\": \"vår kod\"}}")
        }
        var raw: [String: [String: String]] = [:]
        for (key, value) in object where !key.hasPrefix("_") {
            guard let entries = value as? [String: String] else {
                throw CommandLineError.badValue(argument: "--mapping", message: "\(path): \"\(key)\" ska vara ett objekt med text till text")
            }
            raw[key] = entries
        }
        do {
            return try CodeMapping(raw)
        } catch {
            throw CommandLineError.badValue(argument: "--mapping", message: "\(path): \(error.message)")
        }
    }
}

