import KAACLIKit
import KAACore
import KAARegister
import KAASystem

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
        try PersonalDataFile.writeCSV(rows, to: path)
        context.output.line("\(result.recipients.count) mottagare skrivna till \(path); utelämnade: \(result.protected) med skyddad identitet, "
            + "\(result.withoutAddress) utan adress.")
    }
}

/// Files with personal data or reports, written through `PrivateFiles` (0600 from the first byte,
/// whole or not at all); a failure is the system's (exit 1) and says what the OS said.
enum PersonalDataFile {
    /// Writes `rows` as CSV for people to open (`CSVWriting`) to `path`.
    static func writeCSV(_ rows: [[String]], to path: String) throws {
        try write([PrivateFiles.File(path: path, bytes: CSVWriting.bytes(rows))])
    }

    /// Writes every file or none.
    static func write(_ files: [PrivateFiles.File]) throws {
        do {
            try PrivateFiles.write(files)
        } catch {
            throw RegisterError.system(error)
        }
    }
}
