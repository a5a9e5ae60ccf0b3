import KAACLIKit
import KAACore
import KAAHub

/// `kaa-hub region --period P --exact`: the operator's overview of the exact figures per kommun.
enum RegionCommand: HubCommand {
    static let period = Arg.required("--period", .period, "Månad (2026-11) eller halvår (2026-H2).")
    static let exact = Arg.flag("--exact", "Krävs: bekräftar att exakta antal visas.")
    static let spec = CommandSpec(
        "region", "Regionens exakta nyckeltal per kommun (intern avstämning; publiceras aldrig).", arguments: [period, exact],
        discussion: "Andelen är i aktivitetsansvaret / folkbokförda 16–19 år. Publicerade siffror skyddas med cell-nyckelmetoden.")

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        guard arguments[exact] else { throw CommandLineError.usage("exakta siffror visas bara med '--exact'") }
        let period = arguments[period]
        let hub = try context.openHub()
        let sites = try hub.sites()
        let cells = try hub.exactCells().filter { $0.cell.period == period }
        func total(_ kommun: String?, _ table: CellTable) -> Int {
            cells.filter { (kommun == nil || $0.kommun == kommun) && $0.cell.table == table }.reduce(0) { $0 + $1.cell.n }
        }
        func share(_ kommun: String?) -> String {
            let population = total(kommun, .population)
            return SwedishFormat.percent(population > 0 ? Double(total(kommun, .inKAA)) / Double(population) : nil)
        }
        var rows = sites.map { site in
            [site.name, String(total(site.kommun, .inKAA)), String(total(site.kommun, .population)), share(site.kommun),
             String(total(site.kommun, .new)), String(total(site.kommun, .contacted)), String(total(site.kommun, .deregistered))]
        }
        rows.append(["Regionen", String(total(nil, .inKAA)), String(total(nil, .population)), share(nil), String(total(nil, .new)),
                     String(total(nil, .contacted)), String(total(nil, .deregistered))])
        let reporting = Set(cells.map(\.kommun)).count
        context.output.line("Regionen \(period), exakta antal (intern avstämning), \(reporting) av \(sites.count) kommuner har rapporterat:")
        context.output.write(Table.render(header: ["KOMMUN", "I KAA", "16–19 ÅR", "ANDEL", "NYA", "NÅDDA", "AVREGISTRERADE"], rows: rows))
    }
}
