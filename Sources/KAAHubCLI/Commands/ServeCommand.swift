#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KAACLIKit
import KAACore
import KAAHTTPServer
import KAAHub
import Synchronization

/// `kaa-hub serve --listen HOST:PORT [--tls-cert FILE --tls-key FILE]`.
enum ServeCommand: HubCommand {
    static let listen = Arg.option("--listen", .listenAddress, "Adress och port (port 0 väljer en ledig); standard 127.0.0.1:8443.")
    static let tlsCert = Arg.option("--tls-cert", .path, "Servercertifikat (PEM); HTTPS tillsammans med --tls-key.")
    static let tlsKey = Arg.option("--tls-key", .path, "Serverns privata nyckel (PEM).")
    static let spec = CommandSpec(
        "serve", "Starta hubbens HTTP(S)-server.", arguments: [listen, tlsCert, tlsKey],
        discussion: "Skapar databasen om den saknas. Skriver \"listening on HOST:PORT\" på stdout när den tar emot anslutningar.\n"
            + "Stoppas med SIGTERM eller SIGINT.")

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let settings = try context.settings()
        let address = try arguments[listen] ?? ValueKind.listenAddress.value(settings.listen ?? "127.0.0.1:8443", from: "listen", environment: context)
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
        let perturbation = try? PerturbationTable(maximumNoise: settings.noiseMaximum, variance: settings.noiseVariance)
        let hub = try context.openHub(create: true, maxBodyBytes: settings.maxBodyBytes, maxCellCount: settings.maxCellCount, perturbation: perturbation)
        let errors = context.errorOutput
        // The daemon's threads log straight to stderr: one line per event (design §10).
        let started = StartedServer()
        let responder = HubResponder(hub: hub, log: { FileHandle.standardError.write(Data("kaa-hub: \($0)\n".utf8)) },
                                     transportMetrics: { started.server.withLock { $0?.metricsText ?? "" } })

        let signals = Serving.blockStopSignals()
        let server: HTTPServer
        do {
            server = try HTTPServer(host: address.host, port: address.port, responder: responder, options: options)
        } catch {
            throw CommandLineError.failed("servern kunde inte starta: \(error.message)")
        }
        started.server.withLock { $0 = server }
        let shownHost = address.host.contains(":") ? "[\(address.host)]" : address.host
        context.output.line("listening on \(shownHost):\(server.port)")
        errors.line("kaa-hub: event=listening url=\(server.baseURL) db=\(try context.databasePath())")
        let received = Serving.waitForStop(signals)
        errors.line("kaa-hub: event=stopping signal=\(received)")
        server.stop()
    }
}

/// The server once started, for `/metrics` to show its transport counters (the responder is made
/// before the server that calls it).
final class StartedServer: Sendable {
    let server = Mutex<HTTPServer?>(nil)
}
