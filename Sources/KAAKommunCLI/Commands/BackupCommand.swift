import Foundation
import KAACLIKit
import KAARegister

/// `kaa backup FILE [--force]`: an online copy of the register.
enum BackupCommand: KommunCommand {
    static let file = Arg.positional("FIL", .path, "Målfilen; skrivs inte över utan --force.")
    static let spec = CommandSpec(
        "backup", "Kopiera registret till en ny fil (SQLites online-backup).", arguments: [file, SafetyArguments.force],
        discussion: "Kopian är en konsistent ögonblicksbild och får rättigheterna 0600. Med --force ersätts en befintlig fil\n"
            + "först när den nya kopian är klar. Ett register som återställs från en kopia upptäcks av synkroniseringen,\n"
            + "som då skickar en hel ögonblicksbild.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let path = arguments[file]
        let force = arguments[SafetyArguments.force]
        try SafetyArguments.checkWritable(path, force: force, argument: "FIL")
        let register = try context.openRegister()
        var info = stat()
        if force, lstat(path, &info) == 0 {
            // The old copy is replaced only once the new one is whole: a failed backup keeps it.
            let temporary = path + ".kaa-ny-\(getpid())"
            try register.backup(to: temporary)
            guard rename(temporary, path) == 0 else {
                unlink(temporary)
                throw CommandLineError.failed("kan inte ersätta \(path) med den nya kopian")
            }
        } else {
            try register.backup(to: path)
        }
        context.output.line("Säkerhetskopia skriven till \(path).")
    }
}
