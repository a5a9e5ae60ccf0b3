#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KAACore
import KAAHTTPServer
import KAAHub
import KAAProtocol

/// The `kaa-hub` command line: the regional server and its operator's commands.
public enum KAAHubCommandLine {
    static let commands: [any KAACommand.Type] = [
        ServeCommand.self, SiteAddCommand.self, SiteRotateCommand.self, SiteRevokeCommand.self, SiteListCommand.self, CellsCommand.self, RegionCommand.self,
    ]

    /// Runs `kaa-hub` with `arguments` (without the program name); returns the exit code.
    public static func main(arguments: [String], context: CommandContext) -> Int32 {
        context.databasePath = context.environment["KAA_HUB_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "kaa-hub.sqlite"
        context.configurationPath = context.environment["KAA_HUB_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        return CommandLineTool(program: "kaa-hub", commands: commands, rootHelp: rootHelp, reference: rootHelp).main(arguments: arguments, context: context)
    }

    static var rootHelp: String {
        var text = """
            OVERVIEW: KAA-hubben: tar emot kommunernas anonyma antal och publicerar skyddade regionala siffror.

            USAGE: kaa-hub [--db <fil>] [--config <fil>] <kommando>

            OPTIONS:
              --db <fil>                Hubbens SQLite-fil (standard: $KAA_HUB_DB, annars ./kaa-hub.sqlite).
              --config <fil>            Konfigurationsfil i JSON (standard: $KAA_HUB_CONFIG).
              -h, --help                Visa den här hjälpen.

            COMMANDS:

            """
        for command in commands {
            let path = command.spec.path
            text += "  " + path + String(repeating: " ", count: max(1, 24 - path.count)) + command.spec.abstract + "\n"
        }
        return text + "\n  See 'kaa-hub help <kommando>' for detailed help.\n"
    }

    static func openHub(_ context: CommandContext, maxBodyBytes: Int = 4 << 20, perturbation: PerturbationTable? = nil) throws -> Hub {
        do {
            return try Hub(path: context.databasePath, maxBodyBytes: maxBodyBytes, perturbation: perturbation)
        } catch {
            throw CLIError.hub(error.description, isBadInput: error.isBadInput)
        }
    }

    static func hub<T>(_ body: () throws(HubError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CLIError.hub(error.description, isBadInput: error.isBadInput)
        }
    }

    static func kommun(_ arguments: ParsedArguments) throws -> String {
        let code = arguments.positionals[0]
        guard KommunCode.isWellFormed(code), Kommuner.all[code] != nil else {
            throw CLIError.badValue(option: "KOD", message: "unknown kommun code '\(code)' (four digits, e.g. 0380)")
        }
        return code
    }
}

/// The hub's configuration file: every key optional, flags override.
struct HubSettings {
    var listen: String?
    var tlsCert: String?
    var tlsKey: String?
    var maxBodyBytes = 4 << 20
    /// A request that applies a batch waits on its thread until its group's commit is durable, so the
    /// pool is as large as the largest group (64): a whole group can wait while the next is read.
    /// (4 threads made groups of at most 4; 290 uploads then took 0.45 s instead of 0.30 s.)
    var threads: UInt32 = 64
    var connectionLimit: UInt32 = 512
    var timeoutSeconds: UInt32 = 30
    /// The Cell Key Method's parameters: the largest noise D and its variance V.
    var noiseMaximum = 2
    var noiseVariance = 1.0

    static let keys: Set<String> = ["db", "listen", "tlsCert", "tlsKey", "maxBodyBytes", "threads", "connectionLimit", "timeoutSeconds",
                                    "noiseMaximum", "noiseVariance"]

    static func load(_ path: String?, context: CommandContext) throws -> HubSettings {
        var settings = HubSettings()
        guard let path else { return settings }
        let file = try ConfigFile(path: path)
        try file.checkKeys(keys)
        if let db = try file.text("db"), context.environment["KAA_HUB_DB"] == nil { context.databasePath = db }
        settings.listen = try file.text("listen")
        settings.tlsCert = try file.text("tlsCert")
        settings.tlsKey = try file.text("tlsKey")
        if let value = try file.integer("maxBodyBytes", 1024...(1 << 30)) { settings.maxBodyBytes = value }
        if let value = try file.integer("threads", 1...256) { settings.threads = UInt32(value) }
        if let value = try file.integer("connectionLimit", 1...100_000) { settings.connectionLimit = UInt32(value) }
        if let value = try file.integer("timeoutSeconds", 1...3600) { settings.timeoutSeconds = UInt32(value) }
        if let value = try file.integer("noiseMaximum", 1...10) { settings.noiseMaximum = value }
        if let value = try file.number("noiseVariance", 0.01...50) { settings.noiseVariance = value }
        do {
            _ = try PerturbationTable(maximumNoise: settings.noiseMaximum, variance: settings.noiseVariance)
        } catch {
            throw CLIError.badValue(option: "--config", message: "\(path): noiseMaximum/noiseVariance: \(error.message)")
        }
        return settings
    }
}

/// `kaa-hub serve --listen HOST:PORT [--tls-cert FILE --tls-key FILE]`.
enum ServeCommand: KAACommand {
    static let spec = CommandSpec(
        path: "serve", abstract: "Starta hubbens HTTP(S)-server.",
        options: [.value("--listen", "host:port", "Adress och port (port 0 väljer en ledig); standard 127.0.0.1:8443."),
                  .value("--tls-cert", "fil", "Servercertifikat (PEM); HTTPS tillsammans med --tls-key."),
                  .value("--tls-key", "fil", "Serverns privata nyckel (PEM).")],
        discussion: "Skriver \"listening on HOST:PORT\" på stdout när den tar emot anslutningar. Stoppas med SIGTERM eller SIGINT.",
        program: "kaa-hub")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let settings = try HubSettings.load(context.configurationPath, context: context)
        let listen = arguments.value("--listen") ?? settings.listen ?? "127.0.0.1:8443"
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw CLIError.badValue(option: "--listen", message: "must be HOST:PORT, e.g. 127.0.0.1:8443, not '\(listen)'")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var options = HTTPServer.Options()
        options.maxBodyBytes = settings.maxBodyBytes
        options.threads = settings.threads
        options.connectionLimit = settings.connectionLimit
        options.timeoutSeconds = settings.timeoutSeconds
        let certificate = arguments.value("--tls-cert") ?? settings.tlsCert
        let key = arguments.value("--tls-key") ?? settings.tlsKey
        if (certificate == nil) != (key == nil) { throw CLIError.usage("'--tls-cert' and '--tls-key' go together") }
        if let certificate, let key {
            guard let certificatePEM = try? String(contentsOfFile: certificate, encoding: .utf8) else {
                throw CLIError.badValue(option: "--tls-cert", message: "cannot read \(certificate)")
            }
            guard let keyPEM = try? String(contentsOfFile: key, encoding: .utf8) else {
                throw CLIError.badValue(option: "--tls-key", message: "cannot read \(key)")
            }
            options.tlsCertificatePEM = certificatePEM
            options.tlsKeyPEM = keyPEM
        }
        let perturbation = try? PerturbationTable(maximumNoise: settings.noiseMaximum, variance: settings.noiseVariance)
        let hub = try KAAHubCommandLine.openHub(context, maxBodyBytes: settings.maxBodyBytes, perturbation: perturbation)
        let errors = context.errorOutput
        // The daemon's threads log straight to stderr: one line per event (design §10).
        let responder = HubResponder(hub: hub, log: { FileHandle.standardError.write(Data("kaa-hub: \($0)\n".utf8)) })

        // Block the stop signals in every thread (the daemon's threads inherit the mask) and wait for them here.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let server: HTTPServer
        do {
            server = try HTTPServer(host: host, port: port, responder: responder, options: options)
        } catch {
            throw CLIError.hub(error.message, isBadInput: false)
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        context.output.line("listening on \(shownHost):\(server.port)")
        errors.line("kaa-hub: event=listening url=\(server.baseURL) db=\(context.databasePath)")
        var received: Int32 = 0
        sigwait(&signals, &received)
        errors.line("kaa-hub: event=stopping signal=\(received)")
        server.stop()
    }
}

/// `kaa-hub site add KOD [--name NAME]`.
enum SiteAddCommand: KAACommand {
    static let spec = CommandSpec(
        path: "site add", abstract: "Anslut en kommun; skriver dess nya token (den enda raden på stdout).",
        positionals: [PositionalSpec(name: "KOD", help: "Kommunkoden (fyra siffror).")], options: [.value("--name", "namn", "Namn att visa.")],
        discussion: "Token visas bara nu och sparas bara som hash. Lägg den i kommunens tokenfil (läsbar bara för nattjobbet).", program: "kaa-hub")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let kommun = try KAAHubCommandLine.kommun(arguments)
        let hub = try KAAHubCommandLine.openHub(context)
        let token = try KAAHubCommandLine.hub { () throws(HubError) in try hub.addSite(kommun: kommun, name: arguments.value("--name"), actor: context.staff) }
        context.output.line(token)
    }
}

/// `kaa-hub site rotate KOD`.
enum SiteRotateCommand: KAACommand {
    static let spec = CommandSpec(path: "site rotate", abstract: "Ge en kommun en ny token; den gamla slutar gälla direkt.",
                                  positionals: [PositionalSpec(name: "KOD", help: "Kommunkoden.")], program: "kaa-hub")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let kommun = try KAAHubCommandLine.kommun(arguments)
        let hub = try KAAHubCommandLine.openHub(context)
        context.output.line(try KAAHubCommandLine.hub { () throws(HubError) in try hub.rotate(kommun: kommun, actor: context.staff) })
    }
}

/// `kaa-hub site revoke KOD`.
enum SiteRevokeCommand: KAACommand {
    static let spec = CommandSpec(path: "site revoke", abstract: "Spärra en kommuns token (tills 'site rotate').",
                                  positionals: [PositionalSpec(name: "KOD", help: "Kommunkoden.")], program: "kaa-hub")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let kommun = try KAAHubCommandLine.kommun(arguments)
        let hub = try KAAHubCommandLine.openHub(context)
        try KAAHubCommandLine.hub { () throws(HubError) in try hub.revoke(kommun: kommun, actor: context.staff) }
        context.output.line("Kommun \(kommun): token spärrad.")
    }
}

/// `kaa-hub site list [--json]`.
enum SiteListCommand: KAACommand {
    static let spec = CommandSpec(path: "site list", abstract: "Visa anslutna kommuner med generation, senaste batch och senaste kontakt.",
                                  options: [.flag("--json", "Skriv ut som JSON.")], program: "kaa-hub")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let hub = try KAAHubCommandLine.openHub(context)
        let sites = try KAAHubCommandLine.hub { () throws(HubError) in try hub.sites() }
        if arguments.flag("--json") {
            try context.json(sites.map { site -> [String: Any] in
                ["kommun": site.kommun, "name": site.name, "revoked": site.isRevoked, "generation": site.generation ?? NSNull(),
                 "last_seq": site.lastSeq, "last_batch_at": site.lastBatchAt ?? NSNull(), "last_contact_at": site.lastContactAt ?? NSNull(), "rejects": site.rejects]
            })
            return
        }
        let rows = sites.map { [$0.kommun, $0.name + ($0.isRevoked ? " [spärrad]" : ""), $0.generation.map { String($0.prefix(8)) } ?? "–",
                                String($0.lastSeq), $0.lastBatchAt ?? "–", $0.lastContactAt ?? "–", String($0.rejects)] }
        context.output.write(Table.render(header: ["KOMMUN", "NAMN", "GENERATION", "SEQ", "SENASTE BATCH", "SENASTE KONTAKT", "AVVISADE"], rows: rows))
    }
}

/// `kaa-hub cells --exact [--json] [--kommun KOD]`: admin reconciliation of the exact cells.
enum CellsCommand: KAACommand {
    static let spec = CommandSpec(
        path: "cells", abstract: "Visa de exakta cellerna (avstämning för operatören; publiceras aldrig).",
        options: [.flag("--exact", "Krävs: bekräftar att exakta, oskyddade antal visas."), .flag("--json", "Skriv ut som JSON."),
                  .value("--kommun", "kod", "Bara en kommun."), .value("--period", "period", "Bara en period.")],
        discussion: "Läser databasen direkt. Exakta antal får inte spridas: publicering sker med cell-nyckelmetoden.", program: "kaa-hub")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        guard arguments.flag("--exact") else { throw CLIError.usage("exact cells are shown only with '--exact'") }
        let period = try arguments.value("--period").map { text -> Period in
            guard let period = Period(text) else { throw CLIError.badValue(option: "--period", message: "malformed period '\(text)'") }
            return period
        }
        let hub = try KAAHubCommandLine.openHub(context)
        let cells = try KAAHubCommandLine.hub { () throws(HubError) in try hub.exactCells(kommun: arguments.value("--kommun")) }
            .filter { period == nil || $0.cell.period == period }
        if arguments.flag("--json") {
            try context.json(cells.map { ["kommun": $0.kommun, "table": $0.cell.table.rawValue, "period": $0.cell.period.description,
                                          "dims": $0.cell.dims.dictionary, "n": $0.cell.n] as [String: Any] })
            return
        }
        let rows = cells.map { [$0.kommun, $0.cell.table.rawValue, $0.cell.period.description, $0.cell.dims.encoded, String($0.cell.n)] }
        context.output.write(Table.render(header: ["KOMMUN", "TABELL", "PERIOD", "DIMENSIONER", "N"], rows: rows))
    }
}

/// `kaa-hub region --period P --exact`: the operator's overview of the exact figures per kommun.
enum RegionCommand: KAACommand {
    static let spec = CommandSpec(
        path: "region", abstract: "Regionens exakta nyckeltal per kommun (intern avstämning; publiceras aldrig).",
        options: [.value("--period", "period", "Månad (2026-11) eller halvår (2026-H2)."), .flag("--exact", "Krävs: bekräftar att exakta antal visas.")],
        discussion: "Andelen är i aktivitetsansvaret / folkbokförda 16–19 år. Publicerade siffror skyddas med cell-nyckelmetoden.", program: "kaa-hub")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        guard arguments.flag("--exact") else { throw CLIError.usage("exact figures are shown only with '--exact'") }
        let text = try arguments.required("--period")
        guard let period = Period(text) else { throw CLIError.badValue(option: "--period", message: "malformed period '\(text)'") }
        let hub = try KAAHubCommandLine.openHub(context)
        let sites = try KAAHubCommandLine.hub { () throws(HubError) in try hub.sites() }
        let cells = try KAAHubCommandLine.hub { () throws(HubError) in try hub.exactCells() }.filter { $0.cell.period == period }
        func total(_ kommun: String?, _ table: CellTable) -> Int {
            cells.filter { (kommun == nil || $0.kommun == kommun) && $0.cell.table == table }.reduce(0) { $0 + $1.cell.n }
        }
        func share(_ kommun: String?) -> String {
            let population = total(kommun, .population)
            return SwedishFormat.percent(population > 0 ? Double(total(kommun, .inKAA)) / Double(population) : nil)
        }
        var rows = sites.map { site in
            [site.name, String(total(site.kommun, .inKAA)), String(total(site.kommun, .population)), share(site.kommun),
             String(total(site.kommun, .new)), String(total(site.kommun, .contacted)), String(total(site.kommun, .deregistered))]
        }
        rows.append(["Regionen", String(total(nil, .inKAA)), String(total(nil, .population)), share(nil), String(total(nil, .new)),
                     String(total(nil, .contacted)), String(total(nil, .deregistered))])
        let reporting = Set(cells.map(\.kommun)).count
        context.output.line("Regionen \(period), exakta antal (intern avstämning), \(reporting) av \(sites.count) kommuner har rapporterat:")
        context.output.write(Table.render(header: ["KOMMUN", "I KAA", "16–19 ÅR", "ANDEL", "NYA", "NÅDDA", "AVREGISTRERADE"], rows: rows))
    }
}
