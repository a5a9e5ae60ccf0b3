import KAACLIKit
import KAARegister

/// `kaa backup FILE`: an online copy of the register.
enum BackupCommand: KommunCommand {
    static let file = Arg.positional("FIL", .path, "Målfilen; får inte finnas.")
    static let spec = CommandSpec(
        "backup", "Kopiera registret till en ny fil (SQLites online-backup).", arguments: [file],
        discussion: "Kopian är en konsistent ögonblicksbild och får rättigheterna 0600. Ett register som återställs från en\n"
            + "kopia upptäcks av synkroniseringen, som då skickar en hel ögonblicksbild.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        try register.backup(to: arguments[file])
        context.output.line("Säkerhetskopia skriven till \(arguments[file]).")
    }
}
