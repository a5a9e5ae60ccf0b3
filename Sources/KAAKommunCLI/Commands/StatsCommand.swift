import KAACLIKit
import KAACore
import KAARegister

/// `kaa stats --period P [--json]`.
enum StatsCommand: KommunCommand {
    static let period = Arg.required("--period", .period, "En månad (2026-11) eller ett halvår (2026-H2).")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec(
        "stats", "Visa de exakta cellerna (antal personer) för en månad eller ett halvår.", arguments: [period, json],
        discussion: "En period är öppen (preliminär) till slutet av halvåret efter sitt eget; därefter är den låst och\n"
            + "siffrorna lagras och ändras inte mer. Inga personuppgifter visas.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let period = arguments[period]
        let register = try context.openRegister()
        let cells = try register.cells(for: period)
        if arguments[json] {
            try context.console.json(object: cells.map { ["table": $0.table.rawValue, "period": $0.period.description, "dims": $0.dims.dictionary, "n": $0.n] as [String: Any] })
            return
        }
        let state = period.isFrozen(today: register.today) ? "låst" : "preliminär, perioden är öppen"
        context.output.line("Statistik för \(period) (\(state)), kommun \(register.kommun):")
        let rows = cells.map { [$0.table.rawValue, $0.dims.encoded, String($0.n)] }
        context.output.write(Table.render(header: ["TABELL", "DIMENSIONER", "ANTAL"], rows: rows))
    }
}
