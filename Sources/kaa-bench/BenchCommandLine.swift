import Foundation
import KAACLIKit
import KAACore
import KAAHTTP
import KAAHTTPServer
import KAARegister

/// What `kaa-bench`'s commands get: the console and the clock (`KAA_TODAY` or Europe/Stockholm).
final class BenchContext: ProgramContext {
    let console: Console

    init(console: Console) {
        self.console = console
    }

    func clock() throws -> any RegisterClock {
        if let fixed = console.variable("KAA_TODAY") {
            guard let date = CalendarDate(iso: fixed) else { throw CommandLineError.usage("KAA_TODAY ska vara ÅÅÅÅ-MM-DD, inte '\(fixed)'") }
            return FixedDateClock(today: date)
        }
        guard let clock = SystemClock(timeZoneIdentifier: "Europe/Stockholm") else { throw BenchError.failed("tidszonen Europe/Stockholm saknas") }
        return clock
    }

    func today() throws -> CalendarDate {
        try clock().today
    }
}

/// One `kaa-bench` command.
protocol BenchCommand: CommandDefinition where Context == BenchContext {}

/// `kaa-bench`: the helpers `benchmarks/run.sh` needs for design §11's cases 3, 4 and 7.
enum BenchCommandLine {
    static let commands: [any BenchCommand.Type] = [NationalPrepareCommand.self, NationalUploadCommand.self, FederationPrepareCommand.self,
                                                    NullServerCommand.self, StaticServerCommand.self]

    static let tool = CommandLineTool<BenchContext>(
        program: "kaa-bench", abstract: "Hjälpprogram för benchmarks/run.sh (design §11); inte för drift.", globals: [],
        environment: [("KAA_TODAY=ÅÅÅÅ-MM-DD", "Dagens datum (annars i dag i Europe/Stockholm).")],
        exitCodes: [(0, "klart"), (1, "fel"), (64, "fel användning (också ett ogiltigt värde)")], badValueExitCode: ExitCode.usage,
        commands: commands.map { Command($0) },
        applyGlobals: { _, _ in })

    /// Runs a command; returns the exit code (0, 64 for usage, 1 for a failure).
    static func main(arguments: [String], environment: [String: String]) -> Int32 {
        let console = Console(output: FileOutput.standardOutput, errorOutput: FileOutput.standardError, environment: environment)
        return tool.main(arguments: arguments, context: BenchContext(console: console))
    }

    /// The `fraction` percentile of sorted values (nearest rank).
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// `kaa-bench national-prepare --dir DIR --hub-db FILE [--people N] [--kommuner N]`.
enum NationalPrepareCommand: BenchCommand {
    static let directory = Arg.required("--dir", ValueKind.path.named("mapp"), "Mappen registren och batcherna skrivs i.")
    static let hubDatabase = Arg.required("--hub-db", .path, "Hubbens databas; varje kommun läggs till som ansluten.")
    static let people = Arg.option("--people", .integer(in: 1...100_000), "Personer per kommun (standard 20–400 efter kommunkod).")
    static let kommuner = Arg.option("--kommuner", .integer(in: 1...Kommuner.all.count), "Bara de N första kommunerna efter kod.")
    static let spec = CommandSpec(
        "national-prepare", "Ett register per kommun med syntetiska personer, dess första batch förseglad.",
        arguments: [directory, hubDatabase, people, kommuner])

    static func run(_ arguments: ParsedArguments, _ context: BenchContext) throws {
        let fixed = arguments[people]
        try NationalNight.prepare(directory: arguments[directory], hubDatabase: arguments[hubDatabase], clock: context.clock(),
                                  kommuner: arguments[kommuner], people: { kommun in fixed ?? 20 + (Int(kommun) ?? 0) % 381 },
                                  progress: { context.errorOutput.line("kaa-bench: \($0)") })
    }
}

/// `kaa-bench national-upload --dir DIR --hub URL`.
enum NationalUploadCommand: BenchCommand {
    static let directory = Arg.required("--dir", ValueKind.path.named("mapp"), "Mappen som national-prepare skrev.")
    static let hub = Arg.required("--hub", .url, "Hubbens adress.")
    static let spec = CommandSpec(
        "national-upload", "Laddar upp varje förberedd batch samtidigt, en tråd per kommun, med synkklienten och libcurl.",
        arguments: [directory, hub],
        discussion: "Skriver total tid, p50 och p99 per batch, byte, misslyckade och processens CPU-sekunder under tiden.")

    static func run(_ arguments: ParsedArguments, _ context: BenchContext) throws {
        let result = try NationalNight.upload(directory: arguments[directory], hubURL: arguments[hub], clock: context.clock())
        let times = result.perBatchSeconds
        context.output.line(String(format: "batches %d total %.3f p50 %.3f p99 %.3f bytes %d failures %d cpu %.3f",
                                   times.count, result.totalSeconds, BenchCommandLine.percentile(times, 0.50), BenchCommandLine.percentile(times, 0.99),
                                   result.bytes, result.failures.count, result.clientCPUSeconds))
        for failure in result.failures.prefix(10) { context.errorOutput.line("kaa-bench: \(failure)") }
        if !result.failures.isEmpty { throw BenchError.failed("\(result.failures.count) uppladdningar misslyckades") }
    }
}

/// `kaa-bench federation-prepare --dir DIR --out DIR`.
enum FederationPrepareCommand: BenchCommand {
    static let directory = Arg.required("--dir", ValueKind.path.named("mapp"), "Mappen som national-prepare skrev.")
    static let output = Arg.required("--out", ValueKind.path.named("mapp"), "Mappen länens hubbar (regions/LÄN.sqlite) och regions.txt skrivs i.")
    static let spec = CommandSpec(
        "federation-prepare", "En hubb per län med länets förberedda kommuner anslutna och deras batcher tillämpade.",
        arguments: [directory, output],
        discussion: "Skriver en rad per län: länskoden och dess kommuner, kommaseparerade (som regions.txt).")

    static func run(_ arguments: ParsedArguments, _ context: BenchContext) throws {
        let regions = try FederationNight.prepare(national: arguments[directory], directory: arguments[output], clock: context.clock())
        for region in regions { context.output.line("\(region.county) \(region.kommuner.joined(separator: ","))") }
    }
}

/// Serves `responder` until the process is stopped, saying where on stdout.
enum BenchServer {
    static func serve(_ address: ListenAddress, _ responder: any HTTPResponder, context: BenchContext) throws -> Never {
        // The baseline takes 290 uploads from one address (127.0.0.1): no per-IP limit here.
        var options = HTTPServer.Options()
        options.perIPConnectionLimit = 0
        let server = try HTTPServer(host: address.host, port: address.port, responder: responder, options: options)
        context.output.line("listening on \(address.host):\(server.port)")
        while true { sleep(3600) }
    }
}

/// `kaa-bench null-server --listen HOST:PORT`: the transport baseline.
enum NullServerCommand: BenchCommand {
    static let listen = Arg.required("--listen", .listenAddress, "Adress och port (port 0 väljer en ledig).")
    static let spec = CommandSpec("null-server", "Svarar 204 på varje anrop med hubbens HTTP-server: transportens baslinje.", arguments: [listen])

    static func run(_ arguments: ParsedArguments, _ context: BenchContext) throws {
        try BenchServer.serve(arguments[listen], NullResponder(), context: context)
    }
}

/// `kaa-bench static-server --listen HOST:PORT --file FILE`.
enum StaticServerCommand: BenchCommand {
    static let listen = Arg.required("--listen", .listenAddress, "Adress och port (port 0 väljer en ledig).")
    static let file = Arg.required("--file", .path, "Filen vars byte serveras (som text/csv).")
    static let spec = CommandSpec("static-server", "Serverar en fils byte på varje anrop med samma server.", arguments: [listen, file])

    static func run(_ arguments: ParsedArguments, _ context: BenchContext) throws {
        guard let data = FileManager.default.contents(atPath: arguments[file]) else {
            throw CommandLineError.badValue(argument: "--file", message: "kan inte läsa '\(arguments[file])'")
        }
        try BenchServer.serve(arguments[listen], StaticResponder(body: Array(data), contentType: "text/csv; charset=utf-8"), context: context)
    }
}

extension BenchError: ExitCodeError {
    var exitCode: Int32 {
        if case .usage = self { return ExitCode.usage }
        return ExitCode.failure
    }

    var message: String { description }
}

extension HTTPServerError: ExitCodeError {
    public var exitCode: Int32 { ExitCode.failure }
}
