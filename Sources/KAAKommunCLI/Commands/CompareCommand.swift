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

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let period = arguments[period]
        let register = try context.openRegister()
        let own = try register.cells(for: period)
        guard let region = try register.regionFigures(period) else {
            throw CommandLineError.badValue(argument: "--period", message: "inga regionala siffror för \(period) är hämtade; kör 'kaa sync' först")
        }
        let lines = PeriodReport.regionLines(own: own, region: region)
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
