import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa report scb --period 2026-H2 --out FILE [--mapping FILE] [--strict] [--draft]`.
enum ReportSCBCommand: KommunCommand {
    static let period = Arg.required("--period", ValueKind.period.named("halvår"), "Halvåret, t.ex. 2026-H2.")
    static let out = Arg.required("--out", .path, "Filen som skrivs (CSV, ; och UTF-8 med BOM).")
    static let mapping = Arg.option("--mapping", .path, "Översättning till SCB:s kolumner och koder (se config/scb-mapping.example.json); standard: den som sparats i Inställningar.")
    static let strict = Arg.flag("--strict", "Avbryt med slutkod 65 (utan att skriva filen) om kontrollerna hittar något.")
    static let draft = Arg.flag("--draft", "Skriv ett utkast fast koder saknar översättning (filnamnet och första raden säger DRAFT).")
    static let spec = CommandSpec(
        "report scb", "Halvårsrapporten till SCB (hel ögonblicksbild i fem block).", arguments: [period, out, mapping, strict, draft, SafetyArguments.force], exclusive: [[strict, draft]],
        discussion: """
            En rad per block: 1 registrering (datum, orsak), 2 kontakt (datum, sysselsättning vid kontakten, nådd),
            3 åtgärd startad, 4 åtgärd avslutad (med orsak), 5 avregistrering (datum, orsak), för varje person i
            aktivitetsansvaret under halvåret. Innan filen skrivs visas det SCB annars skulle underkänna:
            saknad registreringsorsak, inskrivningar utan kontaktförsök, åtgärder utan typ, avregistrering före
            registrering, koder och kolumner utan översättning. SCB ersätter hela filen vid varje inlämning.

            En erbjuden åtgärd som inte har påbörjats står i block 3 på erbjudandets datum med kod2 som säger
            varför: AVBOJD (personen tackade nej, t.ex. till sin första åtgärd) eller ERBJUDEN (inget beslut
            än; visas också som en anmärkning). En påbörjad åtgärd har tom kod2. Översätt båda i mappningens
            "measure_status".

            Saknar någon kod, något block eller någon kolumn översättning skrivs ingen fil (slutkod 65), för
            då skulle SCB få våra egna koder. Med --draft skrivs ändå ett utkast: "-DRAFT" före filändelsen
            (scb.csv blir scb-DRAFT.csv) och en första rad som börjar med DRAFT. Koderna i
            config/scb-mapping.example.json är platshållare: ersätt dem från SCB:s aktuella kodförteckning.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let period = arguments[period]
        let path = arguments[out]
        try SafetyArguments.checkWritable(path, force: arguments[SafetyArguments.force], argument: "--out")
        if arguments[draft] {
            // Checked before the report is built (an audited read), like --out itself.
            try SafetyArguments.checkWritable(SCBReport.draftPath(path), force: arguments[SafetyArguments.force], argument: "--out")
        }
        let given = try arguments[mapping].map { try SCBMapping(path: $0) }
        let register = try context.openRegister()
        // Without --mapping: the mapping stored in Inställningar, if any.
        let mapping = try given ?? register.scbMapping(default: SCBMapping())
        let report = try register.scbReport(period: period, mapping: mapping)
        let out = context.output
        out.line("SCB-rapport \(period): \(report.people) personer, \(report.rows.count - 1) rader.")
        if report.findings.isEmpty {
            out.line("Kontrollerna hittade inget att anmärka på.")
        } else {
            out.line("Kontrollerna hittade \(report.findings.count) saker som SCB kan underkänna:")
            for (check, items) in Dictionary(grouping: report.findings, by: \.check).sorted(by: { $0.key < $1.key }) {
                out.line("  \(check): \(items.count)")
                for item in items.prefix(20) {
                    out.line("    " + [item.personnummer?.formatted, item.detail].compactMap { $0 }.joined(separator: " "))
                }
                if items.count > 20 { out.line("    … och \(items.count - 20) till") }
            }
            if arguments[strict] {
                throw CommandLineError.badValue(argument: "--strict", message: "filen skrevs inte; rätta uppgifterna ovan och kör igen")
            }
        }
        if report.isDraftOnly {
            guard arguments[draft] else {
                throw CommandLineError.badValue(argument: "--mapping", message: "filen skrevs inte: \(report.unmapped.count) koder, block eller kolumner "
                    + "saknar översättning till SCB:s (\(report.unmapped.prefix(5).joined(separator: ", "))\(report.unmapped.count > 5 ? ", …" : "")); "
                    + "komplettera mappningen från SCB:s kodförteckning, eller skriv ett utkast med --draft")
            }
            let draftPath = SCBReport.draftPath(path)
            try PersonalDataFile.writeCSV(report.draftRows, to: draftPath)
            out.line("UTKAST (DRAFT) skrivet till \(draftPath); det får inte lämnas till SCB förrän alla koder har översättning.")
            return
        }
        try PersonalDataFile.writeCSV(report.rows, to: path)
        out.line("Filen är skriven till \(path).")
    }
}

