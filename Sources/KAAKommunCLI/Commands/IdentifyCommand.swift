import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa identify --date D --folkbokforing FILE [--enrolment FILE]... [--dry-run] [--json]`.
enum IdentifyCommand: KommunCommand {
    static let date = Arg.required("--date", .date, "Dagen listorna gäller (registreringsdatum för nya).")
    static let folkbokforing = Arg.required("--folkbokforing", .path, "Folkbokföringsuttag (CSV) för åldersspannet, t.ex. 15–20 år.")
    static let enrolment = Arg.repeated("--enrolment", .path, "Inskrivningslista (CSV); får anges flera gånger.")
    static let dryRun = Arg.flag("--dry-run", "Visa vad som skulle hända utan att ändra något.")
    static let json = Arg.flag("--json", "Skriv ut resultatet som JSON.")
    static let acceptDepartures = Arg.flag("--accept-departures",
                                           "Godta att många i aktivitetsansvaret avregistreras för att de saknas i uttaget (uttaget är kontrollerat).")
    static let spec = CommandSpec(
        "identify", "Ta fram bevakningslistan ur folkbokföring och inskrivningslistor.",
        arguments: [date, folkbokforing, enrolment, dryRun, acceptDepartures, json],
        discussion: """
            Alla rader kontrolleras innan något sparas: en enda felaktig rad (med fil och radnummer i felet) och
            registret lämnas orört (slutkod 65). Bara personer som kommer in i aktivitetsansvaret sparas; alla i
            uttaget som är 16–19 år räknas in i befolkningen för dagen. Samma filer två gånger ändrar ingenting.
            Identifieringen föreslår, handläggaren beslutar: en inskrivning eller avregistrering som en handläggare
            har gjort (eller öppnat igen) ändras aldrig av filerna, och kontaktuppgifter som en handläggare har matat in
            skrivs aldrig över av uttaget. Där filerna säger något annat blir det en punkt under Att granska
            (kaa review list); samma uppgifter i filerna ger ingen ny punkt. Utskriften namnger personerna.
            Ett uttag utan datarader vägras alltid. Skulle uttaget avregistrera fler än både 25 % och 20 av de
            öppna inskrivningarna för att personerna saknas i det (departureLimitPercent, departureLimitCount i
            konfigurationen) vägras det också (slutkod 65, med antalen), för det är oftast ett avkortat uttag;
            stämmer det, kör igen med --accept-departures. Filformaten beskrivs i docs/file-formats.md.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let report = try register.identify(on: arguments[date], folkbokforing: arguments[folkbokforing], enrolment: arguments[enrolment],
                                           dryRun: arguments[dryRun], acceptDepartures: arguments[acceptDepartures]) { step in
            if let line = step.milestone { context.errorOutput.line("identify: \(line)") }
        }
        if arguments[json] {
            try context.console.json(object: json(report))
        } else {
            text(report, register: register, context: context)
        }
    }

    static func json(_ report: IdentifyReport) -> [String: Any] {
        var left: [String: Int] = [:]
        for person in report.left { left[person.reason, default: 0] += 1 }
        return [
            "date": report.date.description, "dry_run": report.isDryRun, "rows": report.rows, "population": report.population,
            "new": report.new.count, "left": left, "unchanged": report.unchanged,
            "new_people": report.new.map(\.personnummer.digits),
            "entered": report.new.map { person -> [String: Any] in
                ["personnummer": person.personnummer.digits, "name": person.name, "reason": person.reason, "occupation": person.occupation ?? NSNull()]
            },
            "left_people": report.left.map { ["personnummer": $0.personnummer.digits, "name": $0.name, "reason": $0.reason, "date": $0.date.description] },
            "details": report.detailChanges.map { change -> [String: Any] in
                ["personnummer": change.personnummer.digits, "name": change.name, "field": change.field.rawValue,
                 "before": change.before ?? NSNull(), "extract": change.extract, "applied": change.isApplied]
            },
            "review": report.review.map { item -> [String: Any] in
                ["id": item.id, "personnummer": item.personnummer.digits, "name": item.name, "kind": item.kind.rawValue, "reason": item.message]
            },
        ]
    }

    static func text(_ report: IdentifyReport, register: Register, context: KommunContext) {
        // The report names every person (90 000 lines at ten times the largest kommun): built as one
        // text and written once, not one write(2) per line.
        let out = CollectedText()
        defer { context.output.write(out.text) }
        let catalog = register.catalog
        func who(_ pnr: PersonalIdentityNumber, _ name: String) -> String { name.isEmpty ? pnr.formatted : "\(name) (\(pnr.formatted))" }
        out.line("Bevakningslista per \(report.date): \(report.rows) personer i folkbokföringsuttaget, varav \(report.population) i åldern 16–19.")
        out.line("Nya i aktivitetsansvaret:      \(report.new.count)")
        for person in report.new {
            var line = "  \(who(person.personnummer, person.name)): \(catalog.label(person.reason, in: .registrationReason))"
            if let occupation = person.occupation { line += ", sysselsättning: \(catalog.label(occupation, in: .occupation))" }
            out.line(line)
        }
        out.line("Lämnar aktivitetsansvaret:     \(report.left.count)")
        for person in report.left {
            out.line("  \(who(person.personnummer, person.name)): \(catalog.label(person.reason, in: .deregistrationReason)) från \(person.date)")
        }
        out.line("Kvar sedan tidigare:           \(report.unchanged)")
        let applied = report.detailChanges.filter(\.isApplied), kept = report.detailChanges.filter { !$0.isApplied }
        out.line("Kontaktuppgifter från uttaget: \(applied.count)")
        for change in applied {
            out.line("  \(who(change.personnummer, change.name)): \(change.field.label) \(change.before ?? "–") → \(change.extract.isEmpty ? "–" : change.extract)")
        }
        out.line("Skiljer sig, behålls:          \(kept.count)")
        for change in kept {
            out.line("  \(who(change.personnummer, change.name)): \(change.field.label) \(change.before ?? "–") (inmatad av handläggare), "
                + "uttaget: \(change.extract.isEmpty ? "–" : change.extract)")
        }
        out.line("Att granska:                   \(report.review.count)")
        for item in report.review {
            let id = item.id > 0 ? "[\(item.id)] " : "[ny] "
            out.line("  \(id)\(who(item.personnummer, item.name)): \(item.message)")
        }
        if !report.review.isEmpty { out.line("Avgör med: kaa review resolve ID --decision behall|andra|klar (se kaa review list).") }
        if report.isDryRun { out.line("Provkörning: ingenting har sparats.") }
    }
}

/// Lines collected in memory, written to the real output in one call.
final class CollectedText: TextOutput {
    private(set) var text = ""

    func write(_ text: String) {
        self.text += text
    }
}
