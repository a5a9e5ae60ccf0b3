import Foundation
import KAACLIKit
import KAACore
import KAACurl
import KAAProtocol
import KAARegister
import KAASync

/// The sync part of the kommun's configuration file (keys `hub`, `tokenFile`, `caFile`, `deadlineSeconds`).
struct SyncSettings {
    var hub: String?
    var tokenFile: String?
    var caFile: String?
    var deadlineSeconds: Double = 600

    static func load(_ path: String?) throws -> SyncSettings {
        var settings = SyncSettings()
        guard let path else { return settings }
        let file = try ConfigFile(path: path)
        settings.hub = try file.text("hub")
        settings.tokenFile = try file.text("tokenFile")
        settings.caFile = try file.text("caFile")
        if let value = try file.number("deadlineSeconds", 1...86_400) { settings.deadlineSeconds = value }
        return settings
    }
}

/// `kaa sync [--config FILE] [--hub URL] [--token-file FILE] [--ca-file FILE] [--deadline SECONDS] [--dry-run] [--new-generation]`.
enum SyncCommand: KommunCommand {
    static let configuration = Arg.option("--config", .path, "Konfigurationsfil (nycklarna hub, tokenFile, caFile, deadlineSeconds).")
    static let hub = Arg.option("--hub", .url, "Hubbens adress, t.ex. https://hubb.region.se:8443.")
    static let tokenFile = Arg.option("--token-file", .path, "Fil med kommunens hemliga token (annars $KAA_SYNC_TOKEN).")
    static let caFile = Arg.option("--ca-file", .path, "CA-certifikat (PEM) som hubbens certifikat kontrolleras mot.")
    static let deadline = Arg.option("--deadline", .seconds, "Hur länge körningen får försöka (standard 600); därefter slutkod 75.")
    static let dryRun = Arg.flag("--dry-run", "Visa exakt vad som skulle skickas, utan att försegla eller skicka något.")
    static let newGeneration = Arg.flag("--new-generation", "Börja en ny generation: skicka en hel ögonblicksbild (efter slutkod 65).")
    static let spec = CommandSpec(
        "sync", "Nattjobbet: skicka ändrade anonyma antal till regionens hubb.",
        arguments: [configuration, hub, tokenFile, caFile, deadline, dryRun, newGeneration],
        discussion: """
            Läser först hubbens läge (ett register som återställts från en säkerhetskopia upptäcks då och får en
            ny generation), räknar om cellerna för alla öppna perioder, förseglar en batch med det som ändrats
            sedan förra förseglade batchen och skickar alla okvitterade batcher i ordning. Inga namn, personnummer,
            adresser eller födelsedatum lämnar kommunen, bara antal per cell. En körning i taget: medan en pågår
            slutar en andra med 75. Slutkoder: 0 klart, 75 hubben nåddes inte eller en annan körning pågår
            (försök igen senare; inget går förlorat), 65 hubben vägrar (följ meddelandet), 1 annat fel.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        if let path = arguments[configuration] { context.configurationPath = path }
        let settings = try SyncSettings.load(context.configurationPath)
        // A dry run promises to write nothing, so it does not write the closes at 20 either; its reads
        // compute them, so it shows what the real run (which writes them) will send.
        let register = try context.openRegister(writesAutomaticCloses: !arguments[dryRun])
        if arguments[dryRun] {
            try dryRun(register, newGeneration: arguments[newGeneration], context: context)
            return
        }
        guard let hub = try arguments[hub] ?? settings.hub.map({ try ValueKind.url.value($0, from: "hub", environment: context) }) else {
            throw CommandLineError.usage("ingen hubb angiven: använd --hub URL eller \"hub\" i konfigurationsfilen")
        }
        let token = try readToken(arguments[tokenFile] ?? settings.tokenFile, context: context)
        let client = SyncClient(register: register, http: CurlHTTPClient(caFile: arguments[caFile] ?? settings.caFile),
                                options: SyncClient.Options(hubURL: hub, token: token, deadlineSeconds: arguments[deadline] ?? settings.deadlineSeconds,
                                                            newGeneration: arguments[newGeneration]),
                                log: { context.errorOutput.line("kaa sync: kommun=\(register.kommun) \($0)") })
        let report: SyncReport
        do {
            report = try client.run()
        } catch {
            throw Self.exitError(for: error)
        }
        let sent = report.uploaded.map { "batch \($0.seq) (\($0.bytes) byte)" }.joined(separator: ", ")
        context.output.line(report.uploaded.isEmpty ? "Synkronisering klar: inget nytt att skicka." : "Synkronisering klar: skickade \(sent).")
        for reason in report.newGenerations { context.output.line("Ny generation (hel ögonblicksbild): \(reason)") }
    }

    /// A full register disk is temporary (exit 75), not a failure: the write that failed was one
    /// transaction, rolled back, so the outbox is as it was and the next night sends it.
    static func exitError(for error: any Error) -> any Error {
        guard case let .register(registerError)? = error as? SyncError, registerError.isDiskFull else { return error }
        return RegisterDiskFull(message: "\(registerError); ingenting har ändrats och utkorgen är orörd: frigör utrymme på registrets disk, "
            + "nästa körning skickar det som väntar")
    }

    /// `kaa sync` stopped by a full disk under the register (exit 75).
    struct RegisterDiskFull: ExitCodeError {
        let message: String
        var exitCode: Int32 { ExitCode.temporary }
    }

    static func readToken(_ path: String?, context: KommunContext) throws -> String {
        if let path {
            // The token is the kommun's key to the hub.
            return try SecretFile.read(path, argument: "--token-file", what: "en token", renew: "byt token", console: context.console)
        }
        if let token = context.console.variable("KAA_SYNC_TOKEN") { return token }
        throw CommandLineError.usage("ingen token: använd --token-file FIL, \"tokenFile\" i konfigurationen eller KAA_SYNC_TOKEN (aldrig på kommandoraden)")
    }

    /// Shows the batch that would be sealed, readably, so a data-protection officer sees exactly what leaves.
    static func dryRun(_ register: Register, newGeneration: Bool, context: KommunContext) throws {
        guard let batch = try register.sealBatch(newGeneration: newGeneration, dryRun: true) else {
            context.output.line("Inget har ändrats sedan förra förseglade batchen: ingenting skulle skickas.")
            return
        }
        let out = context.output
        out.line("Provkörning: detta skulle skickas till hubben (ingenting förseglas eller skickas nu).")
        out.line("Kommun \(batch.kommun), generation \(batch.generation), batch \(batch.seq) (\(batch.kind == .snapshot ? "hel ögonblicksbild" : "ändringar")), "
            + "\(batch.cells.count) celler, \(batch.encoded().count) byte.")
        out.line("Varje rad är ett antal personer (n) och en kontrollsumma (ck) – inga personuppgifter. n = 0 betyder att cellen försvunnit.")
        let rows = batch.cells.sorted(by: Cell.listingOrder).map { [$0.table.rawValue, $0.period.description, $0.dims.encoded, String($0.n), String($0.ck)] }
        out.write(Table.render(header: ["TABELL", "PERIOD", "DIMENSIONER", "N", "CK"], rows: rows))
    }
}
