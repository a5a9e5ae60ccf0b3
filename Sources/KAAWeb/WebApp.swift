import Foundation
import KAACore
import KAACrypto
import KAAHTML
import KAAHTTP
import KAAOIDC
import KAARegister
import KAASystem

/// The coordinators' web UI (issue 15) as an `HTTPResponder`: transport-free, so tests call it
/// in-process and `kaa web` serves it on libmicrohttpd.
///
/// Every request goes the same way: static files and the login pages need no session; everything
/// else needs a live one (else to `/login`), a POST the session's CSRF token and this server's
/// `Origin`, and the route's role; then the handler runs with a register of its own acting as the
/// viewer. Errors become a status and a Swedish page here, once; every response gets the security
/// headers here, once.
public struct WebApp: HTTPResponder {
    let pool: RegisterPool
    /// The settings; `isTLS` is set per request for one that came through a trusted proxy over https.
    private(set) var settings: WebSettings
    let now: @Sendable () -> Date
    let log: @Sendable (String) -> Void
    let kommunName: String
    let routes: [Route]
    /// The month runs (uploads, previews, commits) of this server.
    let monthRuns: MonthRuns
    /// Sign-in through the kommun's identity provider, when configured (issue 18).
    let relyingParty: RelyingParty?

    /// A UI over the registers of `pool`; staff sign in through `relyingParty` when given.
    public init(pool: RegisterPool, settings: WebSettings = WebSettings(), relyingParty: RelyingParty? = nil,
                now: @escaping @Sendable () -> Date = { Date() }, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.pool = pool
        self.settings = settings
        self.relyingParty = relyingParty
        self.now = now
        self.log = log
        let code = (try? pool.with { register throws(WebError) in register.kommun }) ?? ""
        self.kommunName = Kommuner.all[code]?.name ?? code
        self.monthRuns = MonthRuns(directory: settings.uploadDirectory)
        // Every page family's routes; the first match of path and method wins.
        self.routes = TodayPage.routes
            + AccountPages.routes
            + PersonPages.routes
            + PeoplePages.routes
            + PurgePage.routes
            + MonthRunPage.routes
            + LettersPage.routes
            + ReportsPage.routes
            + SCBPage.routes
            + LogReviewPages.routes
            + SettingsPage.routes
    }

    // MARK: - Transport

    /// Only a POST to a known page with a form body of at most `maxFormBytes` is read; anything else
    /// is answered from its head.
    public func admit(_ head: HTTPRequest) -> HTTPResponse? {
        guard head.declaresBody else { return nil }
        let (head, app) = forwarded(head)
        return app.admitForwarded(head)
    }

    private func admitForwarded(_ head: HTTPRequest) -> HTTPResponse? {
        guard head.method == "POST" else { return finish(errorResponse(.badRequest("den här sidan tar inte emot data"), session: nil), dynamic: true) }
        if let length = head.header("content-length").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), length > settings.maxFormBytes {
            return finish(errorPage(413, "För mycket data", "Formuläret är större än servern tar emot."), dynamic: true)
        }
        let type = head.header("content-type")?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            return finish(errorPage(415, "Fel slags data", "Servern tar bara emot vanliga formulär."), dynamic: true)
        }
        return nil
    }

    /// The month run's upload is streamed to disk (`MonthRunPage.admit`); every other body is a small form.
    public func bodyHandling(for head: HTTPRequest) -> HTTPBodyHandling {
        guard head.method == "POST", head.path == MonthRunPage.uploadPath else { return .buffered }
        let (head, app) = forwarded(head)
        return MonthRunPage.admit(head, app: app)
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let (request, app) = forwarded(request)
        return app.respondForwarded(to: request)
    }

    /// The request as its client sent it, when it came through a trusted proxy: `remoteAddress`
    /// becomes the client's (the right-most `X-Forwarded-For` entry that is not a trusted proxy
    /// itself), and an https `X-Forwarded-Proto` makes this request's app speak as over TLS
    /// (`Secure`, `__Host-` cookies, HSTS, an https `Origin`). From any other peer these headers
    /// are ignored: anyone can send them.
    func forwarded(_ request: HTTPRequest) -> (HTTPRequest, WebApp) {
        guard !settings.trustedProxies.isEmpty, let peer = request.remoteAddress.flatMap({ NetworkAddress($0) }), isTrustedProxy(peer) else {
            return (request, self)
        }
        var request = request
        if let header = request.header("x-forwarded-for") {
            var client = peer
            for entry in header.split(separator: ",").reversed().prefix(20) {
                // An entry that is not an address ends the walk: what lies left of it is the client's own say.
                guard let address = Self.forwardedAddress(entry.trimmingCharacters(in: .whitespaces)) else { break }
                client = address
                if !isTrustedProxy(address) { break }
            }
            request.remoteAddress = client.description
        }
        guard !settings.isTLS, request.header("x-forwarded-proto")?.trimmingCharacters(in: .whitespaces).lowercased() == "https" else {
            return (request, self)
        }
        var app = self
        app.settings.isTLS = true
        return (request, app)
    }

    /// An `X-Forwarded-For` entry's address; some proxies add the client's port (`192.0.2.7:51234`,
    /// `[2001:db8::7]:51234`), which is dropped.
    static func forwardedAddress(_ entry: String) -> NetworkAddress? {
        if let address = NetworkAddress(entry) { return address }
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            return NetworkAddress(entry[entry.index(after: entry.startIndex)..<close])
        }
        let parts = entry.split(separator: ":")
        return parts.count == 2 && parts[1].allSatisfy(\.isNumber) ? NetworkAddress(parts[0]) : nil
    }

    private func isTrustedProxy(_ address: NetworkAddress) -> Bool {
        settings.trustedProxies.contains { $0.contains(address) }
    }

    private func respondForwarded(to request: HTTPRequest) -> HTTPResponse {
        if request.method == "GET" || request.method == "HEAD", request.path == WebStyles.path {
            return finish(HTTPResponse(status: 200, headers: ["Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600"],
                                       body: WebStyles.served), dynamic: false)
        }
        if request.path == "/healthz" {
            return finish(.text(200, "ok\n"), dynamic: true)
        }
        if request.body.count > settings.maxFormBytes {
            return finish(errorPage(413, "För mycket data", "Formuläret är större än servern tar emot."), dynamic: true)
        }
        do {
            let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if IdPPages.owns(segments) {
                return try IdPPages.handle(request, segments: segments, cookies: Cookies(header: request.header("cookie")), app: self, at: now())
            }
            return try pool.with { register throws(WebError) in try handle(request, register) }
        } catch {
            return finish(errorResponse(error, session: nil), dynamic: true)
        }
    }

    // MARK: - The request's way

    private func handle(_ request: HTTPRequest, _ register: Register) throws(WebError) -> HTTPResponse {
        let cookies = Cookies(header: request.header("cookie"))
        let form = request.method == "POST" ? try FormData(urlEncoded: request.body) : FormData()
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let at = now()

        if segments == ["login"] {
            return try AccountPages.login(request, form: form, cookies: cookies, register: register, app: self, at: at)
        }
        let token = cookies[settings.sessionCookie]
        let session: WebSession?
        do {
            session = try token.flatMap { token throws(RegisterError) in
                // Timeouts changed in Inställningar apply from this request on.
                let timeouts = try register.sessionTimeouts(idleMinutes: settings.idleMinutes, absoluteHours: settings.absoluteHours)
                return try register.session(token: token, now: at, idleSeconds: timeouts.idleSeconds, absoluteSeconds: timeouts.absoluteSeconds)
            }
        } catch {
            throw .register(error)
        }
        guard let session, let token else {
            // A POST without any session cookie did not come from these pages.
            if request.method == "POST", token == nil { return finish(errorResponse(.forgedRequest, session: nil), dynamic: true) }
            // A cookie that no longer names a session (timed out, logged out): say so on the login
            // page, also for a form sent after the timeout (nothing is changed by it).
            return redirect(token == nil ? "/login" : "/login?utloggad=1", clearing: token != nil)
        }
        // Local accounts switched off: a password session begun before ends at its next request.
        if let party = relyingParty, !party.settings.localAccounts, !session.isFromIdP {
            do { try register.endSession(token: token) } catch { throw .register(error) }
            return redirect("/login?utloggad=1", clearing: true)
        }
        if request.method == "POST" {
            guard originIsOurs(request), let sent = form["csrf"], Crypto.constantTimeEquals(Array(sent.utf8), Array(session.csrf.utf8)) else {
                log("event=csrf_refused path=\(Self.loggable(request.path)) login=\(session.viewer.login)")
                return finish(errorResponse(.forgedRequest, session: session), dynamic: true)
            }
        }
        if segments == ["logout"] {
            guard request.method == "POST" else { return finish(errorResponse(.methodNotAllowed(allowed: "POST"), session: session), dynamic: true) }
            let hint: String?
            do { hint = try register.endSession(token: token) } catch { throw .register(error) }
            // A session of the kommun's IdP ends there too, where the provider offers it (RP-initiated logout).
            if session.isFromIdP, let party = relyingParty,
               // A large token is left out: a Location of many kilobytes overflows a proxy's header buffer (the client id says who).
               let url = party.logoutURL(idTokenHint: hint.flatMap { $0.utf8.count <= 2048 ? $0 : nil },
                                         postLogoutRedirect: party.settings.redirectOrigin + "/login?utloggad=0", now: at) {
                log("event=logout method=idp login=\(session.viewer.login)")
                return redirect(url, clearing: true)
            }
            return redirect("/login?utloggad=0", clearing: true)
        }
        if segments == ["losenord"], session.isFromIdP {
            return finish(errorPage(404, "Lösenordet sköts av kommunen", "Du loggar in med kommunens konto; lösenordet byter du där, inte i KAA-registret.",
                                    session: session), dynamic: true)
        }
        if segments == ["losenord"] {
            return try AccountPages.password(request, form: form, session: session, token: token, register: register, app: self, at: at)
        }
        if session.mustChangePassword { return redirect("/losenord") }

        let candidates = routes.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !candidates.isEmpty else { return finish(errorResponse(.notFound, session: session), dynamic: true) }
        guard let (route, ids) = candidates.first(where: { $0.0.method == request.method || ($0.0.method == "GET" && request.method == "HEAD") }) else {
            let allowed = Set(candidates.map(\.0.method)).sorted().joined(separator: ", ")
            return finish(errorResponse(.methodNotAllowed(allowed: allowed), session: session), dynamic: true)
        }
        var outcome: Result<WebResponse, WebError> = .failure(.notFound)
        do throws(RegisterError) {
            try register.acting(as: session.viewer) { () throws(RegisterError) in
                try register.checkRole(route.roles, for: "\(route.method) /\(route.pattern.joined(separator: "/"))")
                let context = WebContext(request: request, form: form, query: queryForm(request), session: session, pathIDs: ids,
                                         register: register, settings: settings, now: at, app: self)
                do throws(WebError) {
                    outcome = .success(try route.handler(context))
                } catch {
                    outcome = .failure(error)
                }
            }
        } catch {
            outcome = .failure(.register(error))
        }
        switch outcome {
        case let .success(response): return render(response, session: session)
        case let .failure(error): return finish(errorResponse(error, session: session), dynamic: true)
        }
    }

    private func queryForm(_ request: HTTPRequest) -> FormData {
        FormData(request.query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Whether a POST comes from this server's own pages: its `Origin` is the configured public
    /// origin, or the request's own scheme and `Host`. A missing or `null` Origin is refused
    /// (every browser that runs these pages sends one on a POST).
    func originIsOurs(_ request: HTTPRequest) -> Bool {
        guard let origin = request.header("origin"), origin != "null" else { return false }
        if let expected = settings.publicOrigin { return origin == expected }
        guard let host = request.header("host") else { return false }
        return origin == (settings.isTLS ? "https://" : "http://") + host
    }

    // MARK: - Responses

    /// A handler's answer as HTTP.
    func render(_ response: WebResponse, session: WebSession?) -> HTTPResponse {
        switch response {
        case let .page(page):
            var headers = ["Content-Type": "text/html; charset=utf-8"]
            // A page of work in progress reloads itself (the header, not a meta element: the page offers to turn it off).
            if let seconds = page.refreshSeconds { headers["Refresh"] = String(seconds) }
            return finish(HTTPResponse(status: page.status, headers: headers, body: WebLayout.document(page, session: session, kommunName: kommunName)),
                          dynamic: true)
        case let .redirect(path):
            return redirect(path)
        case let .download(name, type, body):
            return finish(HTTPResponse(status: 200, headers: ["Content-Type": type, "Content-Disposition": "attachment; filename=\"\(name)\""], body: body),
                          dynamic: true)
        }
    }

    /// 303 to `path`; `clearing` removes the session cookie, `cookie` sets one (a response sets at
    /// most one cookie: the transport's headers are one value per name).
    func redirect(_ path: String, clearing: Bool = false, cookie: String? = nil) -> HTTPResponse {
        var response = HTTPResponse(status: 303, headers: ["Location": path, "Content-Type": "text/plain; charset=utf-8"], body: Array("Se \(path)\n".utf8))
        if let cookie {
            response.headers["Set-Cookie"] = cookie
        } else if clearing {
            response.headers["Set-Cookie"] = "\(settings.sessionCookie)=; Max-Age=0; \(settings.cookieAttributes)"
        }
        return finish(response, dynamic: true)
    }

    /// The security headers of every response; `dynamic` ones (everything but the stylesheet) are
    /// never stored by a browser or proxy (they may hold personal data).
    func finish(_ response: HTTPResponse, dynamic: Bool) -> HTTPResponse {
        var response = response
        for (name, value) in Self.securityHeaders { response.headers[name] = value }
        // The logout form's answer sends an IdP session on to the provider's logout (form-action governs that redirect too).
        if let origin = relyingParty?.logoutOrigin {
            response.headers["Content-Security-Policy"] = Self.contentSecurityPolicy.replacingOccurrences(of: "form-action 'self'", with: "form-action 'self' \(origin)")
        }
        if settings.isTLS { response.headers["Strict-Transport-Security"] = "max-age=31536000" }
        if dynamic { response.headers["Cache-Control"] = "no-store" }
        return response
    }

    /// Sent with every response.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]

    /// An error page.
    func errorPage(_ status: Int, _ title: String, _ text: String, session: WebSession? = nil) -> HTTPResponse {
        let page = WebPage(title: title, status: status, .p([], .text(text)),
                           session == nil ? .p([], .a([.href("/login")], "Till inloggningen")) : .p([], .a([.href("/")], "Till startsidan")))
        return HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: WebLayout.document(page, session: session, kommunName: kommunName))
    }

    /// The one translation of errors into statuses and pages.
    func errorResponse(_ error: WebError, session: WebSession?) -> HTTPResponse {
        switch error {
        case .notFound:
            return errorPage(404, "Sidan finns inte", "Det finns ingen sida med den adressen.", session: session)
        case let .methodNotAllowed(allowed):
            var response = errorPage(405, "Fel slags anrop", "Sidan kan inte användas så.", session: session)
            response.headers["Allow"] = allowed
            return response
        case let .badRequest(message):
            return errorPage(400, "Felaktig begäran", "Servern förstod inte begäran: \(message).", session: session)
        case .forgedRequest:
            return errorPage(403, "Formuläret kunde inte tas emot",
                             "Formuläret kom inte från en sida i den här sessionen (det kan vara för gammalt). Gå tillbaka, läs in sidan igen och försök på nytt.",
                             session: session)
        case let .forbidden(message):
            return errorPage(403, "Ingen behörighet", message, session: session)
        case let .register(error):
            switch error {
            case let .forbidden(message):
                return errorPage(403, "Ingen behörighet", message, session: session)
            case let .notFound(message):
                return errorPage(404, "Finns inte", Self.sentence(message), session: session)
            case .invalidInput, .importProblems, .needsConfirmation:
                return errorPage(400, "Uppgifterna kunde inte sparas", Self.sentence(error.description), session: session)
            case let .staleView(message):
                return errorPage(409, "Uppgifterna har ändrats", message, session: session)
            case let .database(sqlite) where sqlite.resultCode == .busy || sqlite.resultCode == .locked:
                var response = errorPage(503, "Registret är upptaget", "Registret är upptaget just nu. Försök igen om en stund.", session: session)
                response.headers["Retry-After"] = "2"
                return response
            default:
                log("event=error error=\(Self.loggable(error.description))")
                return errorPage(500, "Något gick fel", "Ett fel uppstod i registret; ingenting halvfärdigt har sparats. Kontakta kommunens IT om det upprepas.",
                                 session: session)
            }
        }
    }

    /// A message with a capital first letter and a full stop.
    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let capital = first.uppercased() + text.dropFirst()
        return capital.hasSuffix(".") ? capital : capital + "."
    }

    /// A value safe for one log line: no control characters, at most 200 characters.
    static func loggable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) }.prefix(200))
    }
}
