#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KAACLIKit
import KAACore
import KAAHTTPServer
import KAAHub
import Synchronization

/// `kaa-hub serve --listen HOST:PORT [--metrics-listen HOST:PORT] [--tls-cert FILE --tls-key FILE]`.
enum ServeCommand: HubCommand {
    static let listen = Arg.option("--listen", .listenAddress, "Adress och port (port 0 väljer en ledig); standard 127.0.0.1:8443.")
    static let metricsListen = Arg.option("--metrics-listen", metricsAddress,
                                          "Adress och port för /metrics (Prometheus, vanlig HTTP), skild från --listen; standard 127.0.0.1:9464 eller metricsListen i konfigurationen.")
    static let tlsCert = Arg.option("--tls-cert", .path, "Servercertifikat (PEM); HTTPS tillsammans med --tls-key.")
    static let tlsKey = Arg.option("--tls-key", .path, "Serverns privata nyckel (PEM).")
    static let spec = CommandSpec(
        "serve", "Starta hubbens HTTP(S)-server.", arguments: [listen, metricsListen, tlsCert, tlsKey],
        discussion: "Skapar databasen om den saknas. Skriver \"listening on HOST:PORT\" på stdout när den tar emot anslutningar och\n"
            + "\"metrics on HOST:PORT\" för /metrics, som bara finns där (den publika adressen svarar 404).\n"
            + "Stoppas med SIGTERM eller SIGINT.")

    /// `/metrics`' address: `HOST:PORT` with an IP address (or localhost) as the host, since the
    /// operator's choice of interface decides who can read it.
    static let metricsAddress = ValueKind.listenAddress.checked { address in
        guard isIPAddress(address.host) else {
            throw InvalidValue("ska vara en IP-adress och port, t.ex. 127.0.0.1:9464, inte värden '\(address.host)'")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let settings = try context.settings()
        let address = try arguments[listen] ?? ValueKind.listenAddress.value(settings.listen ?? "127.0.0.1:8443", from: "listen", environment: context)
        let metricsSource = arguments[metricsListen] == nil ? "metricsListen" : "--metrics-listen"
        let metricsAddress = try arguments[metricsListen]
            ?? Self.metricsAddress.value(settings.metricsListen ?? "127.0.0.1:9464", from: "metricsListen", environment: context)
        // Same port, same socket (or 0.0.0.0 over it): /metrics must never be on the public address.
        if metricsAddress.port != 0, metricsAddress.port == address.port {
            throw CommandLineError.badValue(argument: metricsSource, message: "port \(metricsAddress.port) är samma som --listen; /metrics ska ha en egen adress")
        }
        var options = HTTPServer.Options()
        options.maxBodyBytes = settings.maxBodyBytes
        options.threads = settings.threads
        options.connectionLimit = settings.connectionLimit
        options.perIPConnectionLimit = settings.perIPConnectionLimit
        options.timeoutSeconds = settings.timeoutSeconds
        options.headerTimeoutSeconds = settings.headerTimeoutSeconds
        options.maxBufferedBodyBytes = settings.maxBufferedBodyBytes
        if let tls = try Serving.tlsFiles(certificate: arguments[tlsCert] ?? settings.tlsCert, key: arguments[tlsKey] ?? settings.tlsKey) {
            options.tlsCertificatePEM = tls.certificatePEM
            options.tlsKeyPEM = tls.keyPEM
        }
        let hub = try context.openHub(create: true, maxBodyBytes: settings.maxBodyBytes, maxCellCount: settings.maxCellCount)
        // The same noise at every level (issue 20): a relay that forwarded under other parameters
        // would see its kommuner published with other figures here than on its own hub.
        if let (relay, differences) = try hub.relayProtectionMismatches().first {
            throw CommandLineError.badValue(argument: "--config", message: "skyddsparametrarna skiljer sig från dem reläet \(relay) vidarebefordrade med: "
                + differences.joined(separator: "; ") + "; använd samma noiseMaximum och noiseVariance på alla nivåer "
                + "(vid ett byte: ändra de regionala hubbarna först; deras nästa vidarebefordran visar det här, och då startar hubben med de nya)")
        }
        try hub.recordPublicationParameters()
        let errors = context.errorOutput
        // The daemon's threads log straight to stderr: one line per event (design §10).
        let started = StartedServer()
        let durations = RequestDurations()
        let responder = TimedResponder(HubResponder(hub: hub, log: { FileHandle.standardError.write(Data("kaa-hub: \($0)\n".utf8)) }), durations: durations)
        let metrics = MetricsResponder(hub: hub, durations: durations, transportMetrics: { started.server.withLock { $0?.metricsText ?? "" } })

        let signals = Serving.blockStopSignals()
        // The metrics listener first: a busy or refused address stops the start before the public one opens.
        var metricsOptions = HTTPServer.Options()
        metricsOptions.threads = 2
        metricsOptions.connectionLimit = 32
        metricsOptions.perIPConnectionLimit = 16
        metricsOptions.maxBodyBytes = 1024
        metricsOptions.maxBufferedBodyBytes = 64 << 10
        let metricsServer: HTTPServer
        do {
            metricsServer = try HTTPServer(host: metricsAddress.host, port: metricsAddress.port, responder: metrics, options: metricsOptions)
        } catch {
            throw CommandLineError.failed("\(metricsSource) \(show(metricsAddress.host)):\(metricsAddress.port): /metrics kunde inte starta: \(error.message)")
        }
        let server: HTTPServer
        do {
            server = try HTTPServer(host: address.host, port: address.port, responder: responder, options: options)
        } catch {
            metricsServer.stop()
            throw CommandLineError.failed("servern kunde inte starta: \(error.message)")
        }
        started.server.withLock { $0 = server }
        context.output.line("listening on \(show(address.host)):\(server.port)")
        context.output.line("metrics on \(show(metricsAddress.host)):\(metricsServer.port)")
        errors.line("kaa-hub: event=listening url=\(server.baseURL) metrics=\(metricsServer.baseURL)/metrics db=\(try context.databasePath())")
        let received = Serving.waitForStop(signals)
        errors.line("kaa-hub: event=stopping signal=\(received)")
        server.stop()
        metricsServer.stop()
    }

    /// A host as written in `HOST:PORT`: an IPv6 address in brackets.
    private static func show(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}

/// The server once started, for `/metrics` to show its transport counters (the responder is made
/// before the server that calls it).
final class StartedServer: Sendable {
    let server = Mutex<HTTPServer?>(nil)
}
