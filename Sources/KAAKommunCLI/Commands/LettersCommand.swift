import KAACLIKit
import KAACore
import KAARegister

/// `kaa letters --worklist NAME --out FILE [--days N]`: a mail-merge CSV.
enum LettersCommand: KommunCommand {
    static let worklist = Arg.required("--worklist", .worklist, "Arbetslistan: " + Worklist.allCases.map(\.rawValue).joined(separator: ", ") + ".")
    static let out = Arg.required("--out", .path, "CSV-filen (; och UTF-8 med BOM, för Excel och Word).")
    static let days = Arg.option("--days", .count, "Som för 'kaa worklist'.")
    static let spec = CommandSpec("letters", "Adresslista (CSV för dokumentkoppling) för en arbetslista.", arguments: [worklist, out, days, SafetyArguments.force],
                                  discussion: "Personer med skyddad identitet och personer utan adress tas inte med (de räknas). Uttaget loggas som en rad med alla mottagare.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let path = arguments[out]
        try SafetyArguments.checkWritable(path, force: arguments[SafetyArguments.force], argument: "--out")
        let register = try context.openRegister()
        let result = try register.letterRecipients(arguments[worklist], days: arguments[days])
        let rows = [["Förnamn", "Efternamn", "Utdelningsadress", "Postnummer", "Postort"]]
            + result.recipients.map { [$0.firstName ?? "", $0.lastName ?? "", $0.address ?? "", $0.postalCode ?? "", $0.city ?? ""] }
        try PersonalDataFile.writeCSV(rows, to: path, argument: "--out")
        context.output.line("\(result.recipients.count) mottagare skrivna till \(path); utelämnade: \(result.protected) med skyddad identitet, "
            + "\(result.withoutAddress) utan adress.")
    }
}

/// Files with personal data or reports: written like every personal-data file (CSVWriting: mode 0600).
enum PersonalDataFile {
    /// Writes `rows` as CSV to `path`; a failure names the argument that gave the path.
    static func writeCSV(_ rows: [[String]], to path: String, argument: String) throws {
        do {
            try CSVWriting.write(rows, to: path)
        } catch {
            throw CommandLineError.badValue(argument: argument, message: "kan inte skriva \(path)")
        }
    }
}
