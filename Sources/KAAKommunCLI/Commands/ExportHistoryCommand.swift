import KAACLIKit
import KAARegister

/// `kaa export history --out FOLDER`.
enum ExportHistoryCommand: KommunCommand {
    static let out = Arg.required("--out", ValueKind.path.named("mapp"), "Mappen filerna skrivs i (skapas vid behov).")
    static let spec = CommandSpec(
        "export history", "Skriv hela registrets historik i importformatet (episodes/contacts/measures.csv).", arguments: [out],
        discussion: "Filerna innehåller personuppgifter: de skrivs med rättigheterna 0600 och läsningen loggas per person.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let folder = arguments[out]
        try context.openRegister().exportHistory(to: folder)
        context.output.line("Historiken skriven till \(folder)/episodes.csv, contacts.csv och measures.csv.")
    }
}
