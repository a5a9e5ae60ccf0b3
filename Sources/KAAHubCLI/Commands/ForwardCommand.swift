import Foundation
import KAACLIKit
import KAACore
import KAACurl
import KAAHub
import KAASystem
import KAAUplink

/// `kaa-hub forward --to URL --token-file F [--deadline SECONDS] [--ca-file F] [--new-generation]` (on a regional hub; a nightly job).
enum ForwardCommand: HubCommand {
    static let to = Arg.required("--to", .url, "Den övre hubbens adress, t.ex. https://oms-hubb.example:8443.")
    static let tokenFile = Arg.required("--token-file", .path, "Fil med reläets hemliga token (från 'kaa-hub relay add' på den övre hubben).")
    static let deadline = Arg.option("--deadline", .seconds, "Hur länge körningen får försöka (standard 600); därefter slutkod 75.")
    static let caFile = Arg.option("--ca-file", .path, "CA-certifikat (PEM) som den övre hubbens certifikat kontrolleras mot.")
    static let newGeneration = Arg.flag("--new-generation", "Börja en ny generation för varje kommun: skicka hela ögonblicksbilder (efter slutkod 65).")
    static let spec = CommandSpec(
        "forward", "Nattjobbet på en regional hubb: vidarebefordra kommunernas exakta celler till den övre hubben.",
        arguments: [to, tokenFile, deadline, caFile, newGeneration],
        discussion: """
            Samma protokoll som 'kaa sync': för varje kommun som rapporterat hit läses först den övre hubbens läge, sedan
            förseglas det som ändrats sedan förra förseglade batchen (en egen generation och följd per kommun) och alla
            okvitterade batcher skickas i ordning. Antal och kontrollsummor skickas oförändrade, så en kommuns publicerade
            siffror blir desamma på båda nivåerna; den övre hubben vägrar om dess skyddsparametrar (noiseMaximum,
            noiseVariance) skiljer sig från de här. En körning i taget: medan en pågår slutar en andra med 75.
            Slutkoder: 0 klart, 75 den övre hubben nåddes inte eller en annan körning pågår (försök igen senare; inget går
            förlorat), 65 den övre hubben vägrar något (följ meddelandet; övriga kommuner skickas ändå), 1 annat fel.
            """)

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let hub = try context.openHub()
        // What the hub above compares is what this hub publishes with: the server's parameters.
        if let served = try hub.recordedPublicationParameters(), served != hub.protection {
            throw CommandLineError.badValue(argument: "--config", message: "forward körs med andra skyddsparametrar än 'kaa-hub serve' publicerar med ("
                + Hub.protectionDifferences(ours: hub.protection, theirs: served).joined(separator: "; ")
                    .replacingOccurrences(of: "hos den regionala hubben", with: "hos tjänsten")
                + "); ange samma --config som tjänsten")
        }
        let token = try SecretFile.read(arguments[tokenFile], argument: "--token-file", what: "reläets token", renew: "be den övre hubben om en ny (relay rotate)",
                                        console: context.console)
        // One lock per database, however its path is spelled (./h.sqlite, a symlink, the full path).
        let lockPath = URL(fileURLWithPath: try context.databasePath()).resolvingSymlinksInPath().standardizedFileURL.path + ".forward-lock"
        let lock: FileLock?
        do {
            lock = try FileLock.tryLocking(lockPath)
        } catch {
            throw CommandLineError.failed("kan inte ta låsfilen \(lockPath): \(error)")
        }
        guard let lock else {
            throw ForwardFailure(exitCode: ExitCode.temporary, message: "en annan 'kaa-hub forward' för den här hubben pågår redan (låsfilen \(lockPath) är låst); "
                + "försök igen när den är klar (inget går förlorat)")
        }
        defer { withExtendedLifetime(lock) {} }
        var options = Uplink.Options(hubURL: arguments[to], token: token)
        options.sender = .relay
        options.extraHeaders[Hub.protectionHeader] = hub.protection
        options.newGenerationCommand = "kaa-hub forward --new-generation"
        options.retryCommand = "kaa-hub forward"
        let errors = context.errorOutput
        let uplink = Uplink(http: CurlHTTPClient(caFile: arguments[caFile]), options: options, now: { ProcessInfo.processInfo.systemUptime },
                            sleep: { Thread.sleep(forTimeInterval: $0) }, random: { Double.random(in: 0..<1) },
                            log: { errors.line("kaa-hub forward: \($0)") })
        let forwarder = Forwarder(uplink: uplink, deadline: ProcessInfo.processInfo.systemUptime + (arguments[deadline] ?? 600),
                                  newGeneration: arguments[newGeneration])
        let summary = forwarder.run(try hub.forwardOutboxes()) { errors.line("kaa-hub forward: \($0)") }
        context.output.line("vidarebefordrade \(summary.forwarded) kommuner (\(summary.batches) batcher, \(summary.cells) celler)")
        switch summary.outcome {
        case .complete: break
        case let .temporary(message): throw ForwardFailure(exitCode: ExitCode.temporary, message: message)
        case let .refused(message): throw ForwardFailure(exitCode: ExitCode.dataError, message: message)
        case let .failed(message): throw ForwardFailure(exitCode: ExitCode.failure, message: message)
        }
    }
}

/// A forward that did not reach every kommun: 75 when only temporary trouble stopped it, else 65 or 1.
struct ForwardFailure: ExitCodeError {
    let exitCode: Int32
    let message: String
}
