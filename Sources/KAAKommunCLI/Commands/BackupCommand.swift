#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KAACLIKit
import KAARegister

/// `kaa backup FILE [--force]` or `kaa backup --dir DIR [--keep N]`: an online copy of the register.
enum BackupCommand: KommunCommand {
    static let file = Arg.optionalPositional("FIL", .path, "Målfilen; skrivs inte över utan --force.")
    static let directory = Arg.option("--dir", .path, "Mapp för nattliga kopior: skriver en ny register-ÅÅÅÅMMDD-TTMMSS.sqlite (UTC) i stället för FIL.")
    static let keep = Arg.option("--keep", .integer(in: 1...10_000), "Med --dir: behåll de N nyaste kopiorna i mappen och ta bort äldre, först när den nya är skriven.")
    static let spec = CommandSpec(
        "backup", "Kopiera registret till en ny fil (SQLites online-backup).", arguments: [directory, keep, SafetyArguments.force, file],
        discussion: "Kopian är en konsistent ögonblicksbild och får rättigheterna 0600. Med --force ersätts en befintlig fil\n"
            + "först när den nya kopian är klar. Ett register som återställs från en kopia upptäcks av synkroniseringen,\n"
            + "som då skickar en hel ögonblicksbild.\n"
            + "Med --dir (nattjobbet kaa-backup.timer) skapas mappen 0700 om den saknas, och kopian skrivs under ett tillfälligt\n"
            + "namn, synkas till disken och får sitt namn först när den är hel. --keep N tar sedan bort de äldsta kopiorna med\n"
            + "samma namnmönster så att N finns kvar (den nya räknas med); andra filer i mappen rörs aldrig. Misslyckas kopian\n"
            + "tas ingenting bort.")

    /// `register-` + 8 digits + `-` + 6 digits + `.sqlite`: the only names `--keep` ever removes.
    static let prefix = "register-"
    static let suffix = ".sqlite"

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let force = arguments[SafetyArguments.force]
        guard let folder = arguments[directory] else {
            if arguments[keep] != nil { throw CommandLineError.usage("--keep gäller bara tillsammans med --dir") }
            guard let path = arguments[file] else { throw CommandLineError.usage("ange FIL eller --dir MAPP") }
            try backup(to: path, force: force, context: context)
            return
        }
        if arguments[file] != nil { throw CommandLineError.usage("ange antingen FIL eller --dir, inte båda") }
        if force { throw CommandLineError.usage("--force gäller FIL; med --dir får varje kopia ett nytt namn") }
        try backup(into: folder, keeping: arguments[keep], context: context)
    }

    static func backup(to path: String, force: Bool, context: KommunContext) throws {
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

    /// A new dated copy in `folder`, made whole and durable before any older copy is removed.
    static func backup(into folder: String, keeping count: Int?, context: KommunContext) throws {
        try prepareFolder(folder)
        let clock = try context.clock()
        guard let name = fileName(forUTC: clock.now) else { throw CommandLineError.failed("klockans tid '\(clock.now)' kunde inte läsas") }
        let path = folder + "/" + name
        var info = stat()
        if lstat(path, &info) == 0 {
            throw CommandLineError.failed("\(path) finns redan (två kopior samma sekund?); ingenting har ändrats")
        }
        let register = try context.openRegister()
        let temporary = folder + "/.\(name).kaa-ny-\(getpid())"
        try register.backup(to: temporary)
        // link() never replaces what is there (rename would), so a name taken meanwhile stays as it was.
        do {
            try sync(temporary)
            guard link(temporary, path) == 0 else {
                throw CommandLineError.failed("kan inte ge kopian namnet \(path): \(String(cString: strerror(errno))); äldre kopior är orörda")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        unlink(temporary)
        try sync(folder)
        context.output.line("Säkerhetskopia skriven till \(path).")
        guard let count else { return }
        let removed = try rotate(folder, keeping: count, newest: name)
        if !removed.isEmpty {
            context.output.line("Äldre kopior borttagna (\(count) behålls): \(removed.joined(separator: ", ")).")
        }
    }

    /// Removes the oldest dated copies in `folder` so that `count` remain, `newest` (just written)
    /// always among them; only regular files with the exact name pattern are candidates.
    static func rotate(_ folder: String, keeping count: Int, newest: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CommandLineError.failed("kan inte läsa mappen \(folder): \(error.localizedDescription); den nya kopian finns, inga äldre togs bort")
        }
        let older = names.filter { name in
            guard name != newest, isDatedCopy(name) else { return false }
            var info = stat()
            return lstat(folder + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }.sorted(by: >)
        var removed: [String] = []
        for name in older.dropFirst(count - 1) {
            guard unlink(folder + "/" + name) == 0 else {
                throw CommandLineError.failed("kan inte ta bort \(folder)/\(name): \(String(cString: strerror(errno)))")
            }
            removed.append(name)
        }
        if !removed.isEmpty { try sync(folder) }
        return removed
    }

    /// `register-20261123-194400.sqlite` for `2026-11-23T19:44:00Z`; nil for any other shape.
    static func fileName(forUTC timestamp: String) -> String? {
        let digits = timestamp.filter(\.isASCII).filter(\.isNumber)
        guard timestamp.count == 20, timestamp.hasSuffix("Z"), digits.count == 14 else { return nil }
        return prefix + String(digits.prefix(8)) + "-" + String(digits.suffix(6)) + suffix
    }

    /// Whether `name` is one of the dated copies `--dir` writes.
    static func isDatedCopy(_ name: String) -> Bool {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
        let stamp = Array(name.dropFirst(prefix.count).dropLast(suffix.count).utf8)
        guard stamp.count == 15, stamp[8] == UInt8(ascii: "-") else { return false }
        return stamp.enumerated().allSatisfy { index, byte in index == 8 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    }

    /// Creates `folder` 0700 when missing (not its parents); refuses a path that is not a folder.
    static func prepareFolder(_ folder: String) throws {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw CommandLineError.badValue(argument: "--dir", message: "\(folder) är ingen mapp")
            }
            return
        }
        guard mkdir(folder, 0o700) == 0 else {
            throw CommandLineError.badValue(argument: "--dir", message: "kan inte skapa mappen \(folder): \(String(cString: strerror(errno)))")
        }
    }

    /// fsync of a file or a folder (a folder's sync makes its new and removed names durable).
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CommandLineError.failed("kan inte öppna \(path) för fsync: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var code: Int32
        repeat { code = fsync(descriptor) } while code != 0 && errno == EINTR
        guard code == 0 else { throw CommandLineError.failed("fsync av \(path) misslyckades: \(String(cString: strerror(errno)))") }
    }
}
