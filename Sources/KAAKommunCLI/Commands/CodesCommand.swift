import KAACLIKit
import KAACore

/// `kaa codes [LISTA]`: the code lists with their Swedish labels.
enum CodesCommand: KommunCommand {
    static let list = Arg.optionalPositional("LISTA", .oneOf(CodeList.self, placeholder: "lista", noun: "lista"),
                                             "En lista: " + CodeList.allCases.map(\.rawValue).joined(separator: ", ") + ".")
    static let spec = CommandSpec("codes", "Visa kodlistorna (orsaker, sysselsättning, åtgärder, kontaktsätt).", arguments: [list])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        for list in arguments[list].map({ [$0] }) ?? CodeList.allCases {
            context.output.line("\(list.rawValue) (\(list.swedishName)):")
            for code in CodeCatalog.builtIn.codes(in: list) {
                context.output.line("  \(code.code)\(String(repeating: " ", count: max(1, 22 - code.code.count)))\(code.label)")
            }
        }
    }
}
