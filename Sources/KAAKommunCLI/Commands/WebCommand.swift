#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KAACLIKit
import KAACore
import KAAHTTPServer
import KAARegister
import KAAWeb

/// `kaa web [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE]`: the coordinators' web UI.
enum WebCommand: KommunCommand {
    static let listen = Arg.option("--listen", .listenAddress, "Adress och port (port 0 väljer en ledig); standard 127.0.0.1:8080 eller webListen i konfigurationen.")
    static let tlsCert = Arg.option("--tls-cert", .path, "Servercertifikat (PEM); HTTPS tillsammans med --tls-key.")
    static let tlsKey = Arg.option("--tls-key", .path, "Serverns privata nyckel (PEM).")
    static let spec = CommandSpec(
        "web", "Starta webbgränssnittet för KAA-samordnare.", arguments: [listen, tlsCert, tlsKey],
        discussion: """
            Skriver "listening on http://VÄRD:PORT" (https med TLS) på stdout när servern tar emot anslutningar.
            Personalen loggar in med konton från 'kaa staff add'. Stoppas med SIGTERM eller SIGINT.
            Kör servern bakom kommunens HTTPS-proxy, eller med --tls-cert och --tls-key; sätt då webPublicOrigin
            i konfigurationen till adressen användarna når den på. Kommandoraden kan användas samtidigt.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let configuration = try context.configuration()
        let address = try arguments[listen]
            ?? ValueKind.listenAddress.value(configuration.webListen ?? "127.0.0.1:8080", from: "webListen", environment: context)
        var options = HTTPServer.Options()
        options.threads = UInt32(configuration.webThreads)
        options.maxBodyBytes = 64 * 1024
        options.maxBufferedBodyBytes = 16 << 20
        if let tls = try Serving.tlsFiles(certificate: arguments[tlsCert], key: arguments[tlsKey]) {
            options.tlsCertificatePEM = tls.certificatePEM
            options.tlsKeyPEM = tls.keyPEM
        }
        var settings = WebSettings()
        settings.idleMinutes = configuration.sessionIdleMinutes
        settings.absoluteHours = configuration.sessionAbsoluteHours
        settings.publicOrigin = configuration.webPublicOrigin
        // A month run's files, beside the register (same disk, same protection); emptied at start.
        settings.uploadDirectory = URL(fileURLWithPath: context.databasePath).standardizedFileURL.path + ".uploads"
        // HTTPS at this server or at the proxy in front: cookies get Secure and the __Host- prefix, responses HSTS.
        settings.isTLS = options.tlsKeyPEM != nil || configuration.webPublicOrigin?.hasPrefix("https://") == true
        let pool = try RegisterPool.open(path: context.databasePath, count: configuration.webThreads, clock: context.clock(),
                                         staff: context.staff, configuration: configuration)
        let app = WebApp(pool: pool, settings: settings, log: { FileHandle.standardError.write(Data("kaa web: \($0)\n".utf8)) })

        let signals = Serving.blockStopSignals()
        let server: HTTPServer
        do {
            server = try HTTPServer(host: address.host, port: address.port, responder: app, options: options)
        } catch {
            throw CommandLineError.failed("webbservern kunde inte starta: \(error.message)")
        }
        context.output.line("listening on \(server.baseURL)")
        context.errorOutput.line("kaa web: event=listening url=\(server.baseURL) db=\(context.databasePath)")
        let received = Serving.waitForStop(signals)
        context.errorOutput.line("kaa web: event=stopping signal=\(received)")
        server.stop()
    }
}
