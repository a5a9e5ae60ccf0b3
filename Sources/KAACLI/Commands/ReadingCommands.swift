import Foundation
import KAACore
import KAARegister

/// `kaa show PNR [--json]`: a person's whole history.
enum ShowCommand: KAACommand {
    static let spec = CommandSpec(
        path: "show", abstract: "Visa allt registret har om en person.",
        positionals: [PositionalSpec(name: "PNR", help: "Personnummer eller samordningsnummer.")],
        options: [.flag("--json", "Skriv ut som JSON."),
                  .value("--subject-access", "fil", "Skriv registerutdrag (GDPR art. 15) som JSON till filen, med vem som läst och ändrat.")],
        discussion: "Läsningen loggas i granskningsloggen.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let register = try context.openRegister()
        let pnr = try context.personnummer(arguments.positionals[0])
        if let path = arguments.value("--subject-access") {
            let extract = try register.subjectAccess(pnr)
            let data = try JSONSerialization.data(withJSONObject: extract, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CLIError.badValue(option: "--subject-access", message: "kan inte skriva \(path)")
            }
            context.output.line("Registerutdraget för \(pnr.formatted) är skrivet till \(path).")
            return
        }
        let record = try register.show(pnr)
        if arguments.flag("--json") {
            try context.json(json(record))
        } else {
            text(record, register: register, context: context)
        }
    }

    static func json(_ record: PersonRecord) -> [String: Any] {
        SubjectAccessJSON.person(record)
    }

    static func text(_ record: PersonRecord, register: Register, context: CommandContext) {
        let out = context.output
        let pnr = record.personnummer
        let catalog = register.catalog
        out.line("\(pnr.formatted) (\(pnr.kind.rawValue), \(pnr.sex.rawValue), född \(pnr.birthDate), \(pnr.birthDate.age(on: register.today)) år)")
        let name = [record.details.firstName, record.details.lastName].compactMap { $0 }.joined(separator: " ")
        out.line("Namn: \(name.isEmpty ? "–" : name)")
        if record.isProtected {
            out.line("SKYDDAD IDENTITET: ingen adress lagras och personen tas inte med i adresslistor.")
        } else {
            let address = [record.details.address, [record.details.postalCode, record.details.city].compactMap { $0 }.joined(separator: " ")]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            out.line("Adress: \(address.isEmpty ? "–" : address)")
        }
        out.line("Telefon: \(record.details.phone ?? "–")   E-post: \(record.details.email ?? "–")")
        for episode in record.history.episodes {
            out.line()
            var line = "Period \(episode.id): registrerad \(episode.registeredOn) (\(catalog.label(episode.registrationReason, in: .registrationReason)))"
            if let end = episode.deregisteredOn, let reason = episode.deregistrationReason {
                line += ", avregistrerad \(end) (\(catalog.label(reason, in: .deregistrationReason)))"
            } else {
                line += ", pågår"
            }
            out.line(line)
            out.line("  Kontaktförsök:" + (episode.contacts.isEmpty ? " inga" : ""))
            for contact in episode.contacts {
                var text = "    #\(contact.id) \(contact.date) \(catalog.label(contact.channel, in: .contactChannel)): " + (contact.isReached ? "nådd" : "inte nådd")
                if let occupation = contact.occupation { text += ", sysselsättning: \(catalog.label(occupation, in: .occupation))" }
                out.line(text)
            }
            if !episode.occupationFacts.isEmpty {
                out.line("  Sysselsättning:")
                for fact in episode.occupationFacts {
                    out.line("    #\(fact.id) från \(fact.date): \(catalog.label(fact.occupation, in: .occupation))")
                }
            }
            out.line("  Åtgärder:" + (episode.measures.isEmpty ? " inga" : ""))
            for measure in episode.measures {
                var text = "    #\(measure.id) \(catalog.label(measure.type, in: .measureType)), erbjuden \(measure.offeredOn)"
                switch measure.decision {
                case .accepted: text += ", accepterad"
                case .declined: text += ", avböjd"
                case nil: text += ", inget beslut"
                }
                if let start = measure.startedOn { text += ", start \(start)" }
                if let end = measure.endedOn, let reason = measure.endReason {
                    text += ", avslutad \(end) (\(catalog.label(reason, in: .measureEndReason)))"
                    if let after = measure.occupationAfter { text += ", därefter: \(catalog.label(after, in: .occupation))" }
                }
                if let followUp = measure.followUpOn { text += ", uppföljning \(followUp)" }
                out.line(text)
                if let responsible = measure.responsible { out.line("       Ansvarig: \(responsible)") }
                if let plan = measure.plan { out.line("       Plan: \(plan)") }
            }
        }
    }
}

/// `kaa list [--date D] [--all] [--json]`.
enum ListCommand: KAACommand {
    static let spec = CommandSpec(
        path: "list", abstract: "Lista öppna perioder (med --all alla perioder).",
        options: [.value("--date", "datum", "Perioder som är öppna detta datum (standard: i dag)."),
                  .flag("--all", "Alla perioder, även avslutade."), .flag("--json", "Skriv ut som JSON.")],
        discussion: "Läsningen loggas i granskningsloggen, en rad per person.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let date = try context.date(arguments, "--date")
        if date != nil, arguments.flag("--all") { throw CLIError.usage("'--date' and '--all' cannot be combined") }
        let register = try context.openRegister()
        let entries = try register.list(on: date, all: arguments.flag("--all"))
        if arguments.flag("--json") {
            try context.json(entries.map { entry -> [String: Any] in
                ["personnummer": entry.personnummer.digits, "name": entry.name, "protected": entry.isProtected, "episode_id": entry.episodeID,
                 "registered_on": entry.registeredOn.description, "registration_reason": entry.registrationReason,
                 "deregistered_on": entry.deregisteredOn.map { $0.description } ?? NSNull(),
                 "deregistration_reason": entry.deregistrationReason ?? NSNull()]
            })
            return
        }
        let rows = entries.map { entry in
            [entry.personnummer.formatted, entry.name + (entry.isProtected ? " [skyddad identitet]" : ""), String(entry.episodeID),
             entry.registeredOn.description, entry.registrationReason, entry.deregisteredOn?.description ?? "", entry.deregistrationReason ?? ""]
        }
        context.output.write(Table.render(header: ["PERSONNUMMER", "NAMN", "PERIOD", "REGISTRERAD", "ORSAK", "AVREGISTRERAD", "ORSAK"], rows: rows))
        context.output.line("\(entries.count) perioder")
    }
}

/// `kaa worklist NAME [--days N] [--json]`.
enum WorklistCommand: KAACommand {
    static let spec = CommandSpec(
        path: "worklist", abstract: "Arbetslistor: " + Worklist.allCases.map(\.rawValue).joined(separator: ", ") + ".",
        positionals: [PositionalSpec(name: "LISTA", help: Worklist.allCases.map { "\($0.rawValue) (\($0.title.lowercased()))" }.joined(separator: ", "))],
        options: [.value("--days", "N", "Antal dagar för ingen-kontakt (standard 30) och fyller-20 (standard 60)."), .flag("--json", "Skriv ut som JSON.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        guard let list = Worklist(rawValue: arguments.positionals[0]) else {
            throw CLIError.badValue(option: "LISTA", message: "okänd arbetslista '\(arguments.positionals[0])'; välj bland "
                + Worklist.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let days = try context.integer(arguments, "--days")
        if days != nil, !list.takesDays { throw CLIError.usage("'--days' applies only to ingen-kontakt and fyller-20") }
        let register = try context.openRegister()
        let entries = try register.worklist(list, days: days)
        if arguments.flag("--json") {
            try context.json(entries.map { item -> [String: Any] in
                ["personnummer": item.entry.personnummer.digits, "name": item.name, "protected": item.isProtected, "episode_id": item.entry.episodeID,
                 "measure_id": item.entry.measureID ?? NSNull(), "date": item.entry.date.description, "note": item.entry.note]
            })
            return
        }
        context.output.line("\(list.title) (\(register.today)):")
        let rows = entries.map { [$0.entry.personnummer.formatted, $0.name + ($0.isProtected ? " [skyddad identitet]" : ""), $0.entry.note] }
        context.output.write(Table.render(header: ["PERSONNUMMER", "NAMN", "NOTERING"], rows: rows))
        context.output.line("\(entries.count) personer")
    }
}

/// `kaa stats --period P [--json]`.
enum StatsCommand: KAACommand {
    static let spec = CommandSpec(
        path: "stats", abstract: "Visa de exakta cellerna (antal personer) för en månad eller ett halvår.",
        options: [.value("--period", "period", "En månad (2026-11) eller ett halvår (2026-H2)."), .flag("--json", "Skriv ut som JSON.")],
        discussion: "En period är öppen (preliminär) till slutet av halvåret efter sitt eget; därefter är den låst och\n"
            + "siffrorna lagras och ändras inte mer. Inga personuppgifter visas.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let period = try context.requiredPeriod(arguments)
        let register = try context.openRegister()
        let cells = try register.cells(for: period)
        if arguments.flag("--json") {
            try context.json(cells.map { ["table": $0.table.rawValue, "period": $0.period.description, "dims": $0.dims.dictionary, "n": $0.n] as [String: Any] })
            return
        }
        let state = period.isFrozen(today: register.today) ? "låst" : "preliminär, perioden är öppen"
        context.output.line("Statistik för \(period) (\(state)), kommun \(register.kommun):")
        let rows = cells.map { [$0.table.rawValue, $0.dims.encoded, String($0.n)] }
        context.output.write(Table.render(header: ["TABELL", "DIMENSIONER", "ANTAL"], rows: rows))
    }
}

/// `kaa audit [--person PNR] [--staff NAME] [--action A] [--from D] [--to D] [--json] [--export FILE]`.
enum AuditCommand: KAACommand {
    static let spec = CommandSpec(
        path: "audit", abstract: "Visa granskningsloggen (vem läste eller ändrade vad).",
        options: [.value("--person", "PNR", "Bara händelser för en person."), .value("--staff", "namn", "Bara en handläggare."),
                  .value("--action", "händelse", "Bara en händelse (t.ex. show, contact eller contact.add)."),
                  .value("--from", "datum", "Från och med datum (UTC)."), .value("--to", "datum", "Till och med datum (UTC)."),
                  .flag("--json", "Skriv ut som JSON."), .value("--export", "fil", "Skriv urvalet som CSV för dataskyddsombudet.")],
        discussion: "Loggen namnger personer med registrets interna id, aldrig med personnummer eller namn.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let register = try context.openRegister()
        let filter = AuditFilter(person: try arguments.value("--person").map { try context.personnummer($0) }, staff: arguments.value("--staff"),
                                 action: arguments.value("--action"), from: try context.date(arguments, "--from"), through: try context.date(arguments, "--to"))
        if let from = filter.from, let through = filter.through, through < from {
            throw CLIError.badValue(option: "--to", message: "slutdatumet \(through) ligger före startdatumet \(from)")
        }
        if let path = arguments.value("--export") {
            let count = try register.exportAudit(filter, to: path)
            context.output.line("\(count) rader ur granskningsloggen skrivna till \(path).")
            return
        }
        let entries = try register.auditEntries(filter)
        if arguments.flag("--json") {
            try context.json(entries.map { entry -> [String: Any] in
                ["id": entry.id, "at": entry.at, "staff": entry.staff, "action": entry.action,
                 "person_id": entry.personID ?? NSNull(), "detail": entry.detail ?? NSNull()]
            })
            return
        }
        let rows = entries.map { [$0.at, $0.staff, $0.action, $0.personID.map(String.init) ?? "", $0.detail ?? ""] }
        context.output.write(Table.render(header: ["TID (UTC)", "HANDLÄGGARE", "HÄNDELSE", "PERSON-ID", "DETALJER"], rows: rows))
    }
}

/// `kaa letters --worklist NAME --out FILE [--days N]`: a mail-merge CSV.
enum LettersCommand: KAACommand {
    static let spec = CommandSpec(
        path: "letters", abstract: "Adresslista (CSV för dokumentkoppling) för en arbetslista.",
        options: [.value("--worklist", "lista", "Arbetslistan: " + Worklist.allCases.map(\.rawValue).joined(separator: ", ") + "."),
                  .value("--out", "fil", "CSV-filen (; och UTF-8 med BOM, för Excel och Word)."), .value("--days", "N", "Som för 'kaa worklist'.")],
        discussion: "Personer med skyddad identitet och personer utan adress tas inte med (de räknas). Uttaget loggas per person.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let name = try arguments.required("--worklist")
        guard let list = Worklist(rawValue: name) else {
            throw CLIError.badValue(option: "--worklist", message: "okänd arbetslista '\(name)'; välj bland " + Worklist.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let path = try arguments.required("--out")
        let register = try context.openRegister()
        let result = try register.letterRecipients(list, days: try context.integer(arguments, "--days"))
        let rows = [["Förnamn", "Efternamn", "Utdelningsadress", "Postnummer", "Postort"]]
            + result.recipients.map { [$0.firstName ?? "", $0.lastName ?? "", $0.address ?? "", $0.postalCode ?? "", $0.city ?? ""] }
        try LetterFile.write(rows, to: path)
        context.output.line("\(result.recipients.count) mottagare skrivna till \(path); utelämnade: \(result.protected) med skyddad identitet, "
            + "\(result.withoutAddress) utan adress.")
    }
}

/// Plain-text tables with aligned columns.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ") + "\n"
        }
        return ([header] + rows).map(line).joined()
    }
}

/// Letter lists hold names and addresses: written like every personal-data file, mode 0600.
enum LetterFile {
    static func write(_ rows: [[String]], to path: String) throws {
        do {
            try CSVWriting.write(rows, to: path)
        } catch {
            throw CLIError.badValue(option: "--out", message: "kan inte skriva \(path)")
        }
    }
}
