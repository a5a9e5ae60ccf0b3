import Foundation
import KAACLIKit
import KAACore
import KAARegister

extension RegisterSettingKey {
    /// The value as a list shows it (the mapping by size, not its text).
    func listed(_ entry: RegisterSetting) -> String {
        guard self == .scbMapping else { return entry.value }
        return entry.value.isEmpty ? "(ingen)" : "sparad (\(entry.value.utf8.count) byte)"
    }

    /// What may be set, as text.
    var allowedText: String {
        range.map { "\($0.lowerBound)–\($0.upperBound) \(unit ?? "")" } ?? "JSON enligt config/scb-mapping.example.json"
    }
}

extension RegisterSetting.Source {
    /// The source in one word or phrase.
    var text: String {
        switch self {
        case .standard: "standard"
        case .configFile: "konfigurationsfilen"
        case let .changed(at, by): "ändrad av \(by) \(at)"
        }
    }
}

/// `kaa settings list [--json]`: the settings of Inställningar with their values and sources.
enum SettingsListCommand: KommunCommand {
    static let json = Arg.flag("--json", "Skriv ut som JSON (mappningen med hela sin text).")
    static let spec = CommandSpec(
        "settings list", "Visa inställningarna som kan ändras i registret (samma som webbens Inställningar).", arguments: [json],
        discussion: "Varje rad: nyckel, värde, källa (standard, konfigurationsfilen eller ändrad i registret av vem och när), tillåtet intervall.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let settings = try context.openRegister().effectiveSettings()
        if arguments[json] {
            try context.console.json(object: settings.entries.map { entry -> [String: Any] in
                var object: [String: Any] = ["key": entry.key.rawValue, "value": entry.value, "source": entry.source.text,
                                             "changed": entry.source.isChanged]
                if let range = entry.key.range { object["min"] = range.lowerBound; object["max"] = range.upperBound }
                return object
            })
            return
        }
        context.output.write(Table.render(header: ["NYCKEL", "VÄRDE", "KÄLLA", "TILLÅTET"], rows: settings.entries.map { entry in
            [entry.key.rawValue, entry.key.listed(entry), entry.source.text, entry.key.allowedText]
        }))
    }
}

/// `kaa settings set KEY [VALUE] [--file FILE] [--yes]`: one change, checked and audited as in the web UI.
enum SettingsSetCommand: KommunCommand {
    static let key = Arg.positional("KEY", ValueKind<RegisterSettingKey>.oneOf(RegisterSettingKey.self, placeholder: "nyckel", noun: "inställning"),
                                    "Inställningens nyckel (se 'kaa settings list').")
    static let value = Arg.optionalPositional("VALUE", .text, "Det nya värdet (ett heltal; för scbMapping: --file).")
    static let file = Arg.option("--file", .path, "Läs värdet från en fil (scbMapping: en mappning i JSON).")
    static let yes = Arg.flag("--yes", "Bekräfta en ändring som gör att nästa gallring raderar mer.")
    static let spec = CommandSpec(
        "settings set", "Ändra en inställning i registret (gäller direkt, även i en körande kaa web).", arguments: [key, value, file, yes],
        discussion: """
            Värdet kontrolleras som i webbens Inställningar och ändringen loggas med värdet före och efter. En kortare
            gallringsfrist som gör att nästa gallring raderar fler personer eller loggrader kräver --yes; utan den
            skrivs hur många som berörs och ingenting ändras. Ett tomt värde för scbMapping tar bort mappningen.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let text: String
        switch (arguments[value], arguments[file]) {
        case let (value?, nil): text = value
        case let (nil, path?):
            guard let data = FileManager.default.contents(atPath: path), data.count <= Register.maxSCBMappingBytes * 2 else {
                throw CommandLineError.badValue(argument: "--file", message: "kan inte läsa \(path) (eller den är större än \(Register.maxSCBMappingBytes * 2) byte)")
            }
            text = String(decoding: data, as: UTF8.self)
        case (nil, nil): throw CommandLineError.usage("ange VALUE eller --file")
        case (_?, _?): throw CommandLineError.usage("ange antingen VALUE eller --file, inte båda")
        }
        let register = try context.openRegister()
        let setting = arguments[key]
        try report(try register.changeSetting(setting, to: text, confirmed: arguments[yes]), setting, register, context)
    }

    /// Says what a change did; an unconfirmed one is a usage error (exit 64), as for a removal without `--yes`.
    static func report(_ outcome: SettingChangeOutcome, _ key: RegisterSettingKey, _ register: Register, _ context: KommunContext) throws {
        switch outcome {
        case .changed:
            let entry = try register.effectiveSettings()[key]
            context.errorOutput.line("\(key.rawValue) är ändrad till \(key.listed(entry)) och gäller från och med nu.")
        case .unchanged:
            context.errorOutput.line("\(key.rawValue) har redan det värdet; ingenting ändrades.")
        case let .needsConfirmation(impact):
            let what = key == .retentionMonths
                ? "nästa gallring skulle radera \(impact.peopleAfter) personer (i dag \(impact.peopleNow))"
                : "nästa gallring skulle ta bort \(impact.auditRowsAfter) rader ur granskningsloggen (i dag \(impact.auditRowsNow))"
            throw CommandLineError.usage("\(key.rawValue): med det nya värdet \(what). Bekräfta med --yes; ingenting har ändrats")
        }
    }
}

/// `kaa settings reset KEY [--yes]`: back to the config file's value (or the default).
enum SettingsResetCommand: KommunCommand {
    static let key = Arg.positional("KEY", ValueKind<RegisterSettingKey>.oneOf(RegisterSettingKey.self, placeholder: "nyckel", noun: "inställning"),
                                    "Inställningens nyckel.")
    static let yes = Arg.flag("--yes", "Bekräfta om nästa gallring då raderar mer.")
    static let spec = CommandSpec("settings reset", "Ta bort registrets ändring av en inställning (konfigurationsfilens värde gäller igen).",
                                  arguments: [key, yes])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let setting = arguments[key]
        try SettingsSetCommand.report(try register.resetSetting(setting, confirmed: arguments[yes]), setting, register, context)
    }
}
