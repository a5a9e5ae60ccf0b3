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
    static let spec = CommandSpec(
        "identify", "Ta fram bevakningslistan ur folkbokföring och inskrivningslistor.",
        arguments: [date, folkbokforing, enrolment, dryRun, json],
        discussion: """
            Alla rader kontrolleras innan något sparas: en enda felaktig rad (med fil och radnummer i felet) och
            registret lämnas orört (slutkod 65). Bara personer som kommer in i aktivitetsansvaret sparas; alla i
            uttaget som är 16–19 år räknas in i befolkningen för dagen. Samma filer två gånger ändrar ingenting.
            Filformaten beskrivs i docs/file-formats.md.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let report = try register.identify(on: arguments[date], folkbokforing: arguments[folkbokforing], enrolment: arguments[enrolment],
                                           dryRun: arguments[dryRun]) { message in
            context.errorOutput.line("identify: \(message)")
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
            "new_people": report.new.map(\.digits),
            "left_people": report.left.map { ["personnummer": $0.personnummer.digits, "reason": $0.reason, "date": $0.date.description] },
            "review": report.review.map { ["personnummer": $0.personnummer.digits, "reason": $0.reason] },
        ]
    }

    static func text(_ report: IdentifyReport, register: Register, context: KommunContext) {
        let out = context.output
        out.line("Bevakningslista per \(report.date): \(report.rows) personer i folkbokföringsuttaget, varav \(report.population) i åldern 16–19.")
        out.line("Nya i aktivitetsansvaret:      \(report.new.count)")
        out.line("Lämnar aktivitetsansvaret:     \(report.left.count)")
        var byReason: [String: Int] = [:]
        for person in report.left { byReason[person.reason, default: 0] += 1 }
        for (reason, count) in byReason.sorted(by: { $0.key < $1.key }) {
            out.line("  \(register.catalog.label(reason, in: .deregistrationReason)): \(count)")
        }
        out.line("Kvar sedan tidigare:           \(report.unchanged)")
        out.line("Att granska:                   \(report.review.count)")
        for item in report.review {
            out.line("  \(item.personnummer.formatted): \(item.reason)")
        }
        if report.isDryRun { out.line("Provkörning: ingenting har sparats.") }
    }
}
