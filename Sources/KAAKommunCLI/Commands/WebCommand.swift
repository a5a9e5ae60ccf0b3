#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KAACLIKit
import KAACore
import KAACurl
import KAAHTTP
import KAAHTTPServer
import KAAOIDC
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
            Personalen loggar in med konton från 'kaa staff add', eller med kommunens konto när "oidc" finns i
            konfigurationen (kommunens identitetsleverantör; klienthemligheten läses från oidc.clientSecretFile
            eller $CREDENTIALS_DIRECTORY/oidc, aldrig från kommandoraden). Stoppas med SIGTERM eller SIGINT.
            Kör servern bakom kommunens HTTPS-proxy, eller med --tls-cert och --tls-key; sätt då webPublicOrigin
            i konfigurationen till adressen användarna når den på, och trustedProxies till proxyns adress (bara
            därifrån tros X-Forwarded-For och X-Forwarded-Proto). Kommandoraden kan användas samtidigt.
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
        settings.trustedProxies = configuration.trustedProxies
        // A month run's files, beside the register (same disk, same protection); emptied at start.
        settings.uploadDirectory = URL(fileURLWithPath: context.databasePath).standardizedFileURL.path + ".uploads"
        // HTTPS at this server or at the proxy in front: cookies get Secure and the __Host- prefix, responses HSTS.
        settings.isTLS = options.tlsKeyPEM != nil || configuration.webPublicOrigin?.hasPrefix("https://") == true
        let pool = try RegisterPool.open(path: context.databasePath, count: configuration.webThreads, clock: context.clock(),
                                         staff: context.staff, configuration: configuration)
        let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("kaa web: \($0)\n".utf8)) }
        var party: RelyingParty?
        if let oidc = configuration.oidc {
            let secret = try clientSecret(oidc, context: context)
            // The provider's answers are small (metadata, keys, a token): a megabyte is far above any.
            party = try RelyingParty(settings: oidc, clientSecret: secret, client: ProviderClient(caFile: oidc.caFile))
        }
        let app = WebApp(pool: pool, settings: settings, relyingParty: party, log: log)

        let signals = Serving.blockStopSignals()
        let server: HTTPServer
        do {
            server = try HTTPServer(host: address.host, port: address.port, responder: app, options: options)
        } catch {
            throw CommandLineError.failed("webbservern kunde inte starta: \(error.message)")
        }
        context.output.line("listening on \(server.baseURL)")
        if let party {
            // Ahead of the first login; a provider that is down now is asked again at each login.
            if let problem = party.prefetch(now: Date()) {
                context.errorOutput.line("kaa web: event=oidc_unavailable issuer=\(party.settings.issuer) detail=\(problem.description.prefix(300))")
            } else {
                context.errorOutput.line("kaa web: event=oidc_ready issuer=\(party.settings.issuer) local_accounts=\(party.settings.localAccounts ? 1 : 0)")
            }
        }
        context.errorOutput.line("kaa web: event=listening url=\(server.baseURL) db=\(context.databasePath)")
        let received = Serving.waitForStop(signals)
        context.errorOutput.line("kaa web: event=stopping signal=\(received)")
        server.stop()
    }

    /// The OIDC client secret: from `oidc.clientSecretFile`, else systemd's `LoadCredential` file
    /// `$CREDENTIALS_DIRECTORY/oidc`; never from the command line or the configuration's text.
    static func clientSecret(_ settings: OIDCSettings, context: KommunContext) throws -> String {
        let path: String
        if let file = settings.clientSecretFile {
            path = file
        } else if let directory = context.console.variable("CREDENTIALS_DIRECTORY"), directory.hasPrefix("/") {
            path = directory + "/oidc"
        } else {
            throw CommandLineError.usage("ingen OIDC-klienthemlighet: sätt \"oidc.clientSecretFile\" i konfigurationen, eller LoadCredential=oidc:FIL i tjänsten")
        }
        return try SecretFile.read(path, argument: "oidc.clientSecretFile", what: "klienthemligheten", renew: "byt hemligheten hos IdP:n",
                                   console: context.console)
    }
}

/// The relying party's way to the provider: a libcurl handle of its own per request, so that logins
/// at the same moment do not wait for each other behind one handle (a few requests per login; no
/// connection to keep warm). Answers of at most a megabyte (metadata, keys, a token).
struct ProviderClient: HTTPClient {
    let caFile: String?

    func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse {
        try CurlHTTPClient(caFile: caFile, maximumResponseBytes: 1 << 20).send(request)
    }
}
