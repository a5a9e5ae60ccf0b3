import KAACLIKit
import KAACore
import KAAHub

/// `kaa-hub cells --exact [--json] [--kommun KOD] [--period P]`: admin reconciliation of the exact cells.
enum CellsCommand: HubCommand {
    static let exact = Arg.flag("--exact", "Krävs: bekräftar att exakta, oskyddade antal visas.")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let kommun = Arg.option("--kommun", .kommun, "Bara en kommun.")
    static let period = Arg.option("--period", .period, "Bara en period.")
    static let spec = CommandSpec(
        "cells", "Visa de exakta cellerna (avstämning för operatören; publiceras aldrig).", arguments: [exact, json, kommun, period],
        discussion: "Läser databasen direkt. Exakta antal får inte spridas: publicering sker med cell-nyckelmetoden.")

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        guard arguments[exact] else { throw CommandLineError.usage("exakta celler visas bara med '--exact'") }
        let period = arguments[period]
        let cells = try context.openHub().exactCells(kommun: arguments[kommun]).filter { period == nil || $0.cell.period == period }
        if arguments[json] {
            try context.console.json(object: cells.map { ["kommun": $0.kommun, "table": $0.cell.table.rawValue, "period": $0.cell.period.description,
                                                          "dims": $0.cell.dims.dictionary, "n": $0.cell.n] as [String: Any] })
            return
        }
        let rows = cells.map { [$0.kommun, $0.cell.table.rawValue, $0.cell.period.description, $0.cell.dims.encoded, String($0.cell.n)] }
        context.output.write(Table.render(header: ["KOMMUN", "TABELL", "PERIOD", "DIMENSIONER", "N"], rows: rows))
    }
}
