import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa compare --period P`: the kommun's own exact figures beside the region's protected ones.
enum CompareCommand: KommunCommand {
    static let period = Arg.required("--period", .period, "Månad (2026-11) eller halvår (2026-H2).")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec(
        "compare", "Jämför kommunens siffror med regionens (hämtade av kaa sync).", arguments: [period, json],
        discussion: "Kommunens siffror är exakta; regionens är skyddade med cell-nyckelmetoden (kan avvika med några enheter),\n"
            + "så andelar jämförs bäst. Regionens siffror hämtas vid varje 'kaa sync'.")

    /// One line of the comparison: a label, the kommun's exact value and the region's protected one.
    struct Line {
        let label: String
        let own: Double?
        let region: Double?
        let isShare: Bool
    }

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let period = arguments[period]
        let register = try context.openRegister()
        let own = try register.cells(for: period)
        guard let region = try register.regionFigures(period) else {
            throw CommandLineError.badValue(argument: "--period", message: "inga regionala siffror för \(period) är hämtade; kör 'kaa sync' först")
        }
        func ownTotal(_ table: CellTable) -> Double { ReportPeriodCommand.count(own, table) }
        func regionTotal(_ table: CellTable) -> Double? { region.total(table).map(Double.init) }
        func ratio(_ a: Double?, _ b: Double?) -> Double? {
            guard let a, let b, b > 0 else { return nil }
            return a / b
        }
        let lines = [
            Line(label: "I aktivitetsansvaret", own: ownTotal(.inKAA), region: regionTotal(.inKAA), isShare: false),
            Line(label: "Folkbokförda 16–19 år", own: ownTotal(.population), region: regionTotal(.population), isShare: false),
            Line(label: "Andel 16–19 år i KAA", own: ratio(ownTotal(.inKAA), ownTotal(.population)), region: ratio(regionTotal(.inKAA), regionTotal(.population)), isShare: true),
            Line(label: "Nya", own: ownTotal(.new), region: regionTotal(.new), isShare: false),
            Line(label: "Nådda", own: ownTotal(.contacted), region: regionTotal(.contacted), isShare: false),
            Line(label: "Andel nådda", own: ratio(ownTotal(.contacted), ownTotal(.inKAA)), region: ratio(regionTotal(.contacted), regionTotal(.inKAA)), isShare: true),
            Line(label: "Pågående åtgärder", own: ownTotal(.inMeasure), region: regionTotal(.inMeasure), isShare: false),
            Line(label: "Andel med åtgärd", own: ratio(ownTotal(.inMeasure), ownTotal(.inKAA)), region: ratio(regionTotal(.inMeasure), regionTotal(.inKAA)), isShare: true),
            Line(label: "Avregistrerade", own: ownTotal(.deregistered), region: regionTotal(.deregistered), isShare: false),
        ]
        if arguments[json] {
            try context.console.json(object: ["period": period.description, "region_preliminary": region.isPreliminary,
                              "region_reporting": ["kommuner": region.reporting, "of": region.enrolled],
                              "lines": lines.map { ["label": $0.label, "kommun": $0.own ?? NSNull(), "region": $0.region ?? NSNull(), "share": $0.isShare] as [String: Any] }])
            return
        }
        func show(_ value: Double?, _ isShare: Bool) -> String { SwedishFormat.figure(value, isShare: isShare) }
        context.output.line("Kommun \(register.kommun) jämfört med regionen, \(period)\(region.isPreliminary ? " (preliminärt)" : ""); "
            + "\(region.reporting) av \(region.enrolled) kommuner har rapporterat; hämtat \(region.fetchedAt).")
        context.output.write(Table.render(header: ["", "KOMMUNEN (EXAKT)", "REGIONEN (SKYDDAT)"], rows: lines.map { [$0.label, show($0.own, $0.isShare), show($0.region, $0.isShare)] }))
    }
}
