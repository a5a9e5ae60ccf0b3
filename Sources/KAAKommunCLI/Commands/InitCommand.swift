import KAACLIKit
import KAACore
import KAARegister

/// `kaa init --kommun KOD`: creates a new register.
enum InitCommand: KommunCommand {
    static let kommun = Arg.required("--kommun", .kommun, "Kommunkoden, fyra siffror (t.ex. 0380).")
    static let spec = CommandSpec(
        "init", "Skapa ett nytt register för en kommun.", arguments: [kommun],
        discussion: "Filen skapas med rättigheterna 0600 och får en slumpad cellnyckel som aldrig lämnar kommunen.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try Register.create(at: context.databasePath, kommun: arguments[kommun], clock: context.clock(),
                                           staff: context.staff, configuration: context.configuration())
        let name = Kommuner.all[register.kommun]?.name ?? register.kommun
        context.output.line("Registret \(context.databasePath) skapat för \(name) (\(register.kommun)).")
    }
}
