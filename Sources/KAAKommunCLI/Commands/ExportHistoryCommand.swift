import KAACLIKit
import KAARegister

/// `kaa export history --out FOLDER`.
enum ExportHistoryCommand: KommunCommand {
    static let out = Arg.required("--out", ValueKind.path.named("mapp"), "Mappen filerna skrivs i (skapas vid behov).")
    static let force = SafetyArguments.force
    static let spec = CommandSpec(
        "export history", "Skriv hela registrets historik i importformatet (episodes/contacts/measures.csv).", arguments: [out, force],
        discussion: "Filerna innehåller personuppgifter: de skrivs med rättigheterna 0600, alla tre eller ingen, och uttaget loggas som en rad med alla "
            + "personer det tog med. Celler som börjar med = + - @ får en apostrof först (så att Excel inte kör dem som formler); "
            + "'kaa import history' tar bort den igen.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let folder = arguments[out]
        for name in ["episodes.csv", "contacts.csv", "measures.csv"] {
            try SafetyArguments.checkWritable(folder + "/" + name, force: arguments[force], argument: "--out")
        }
        try context.openRegister().exportHistory(to: folder)
        context.output.line("Historiken skriven till \(folder)/episodes.csv, contacts.csv och measures.csv.")
    }
}
