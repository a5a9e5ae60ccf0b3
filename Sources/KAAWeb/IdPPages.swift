import Foundation
import KAACore
import KAAHTML
import KAAHTTP
import KAAOIDC
import KAARegister

/// Signing in with the kommun's identity provider (issue 18): `GET /login/oidc` sends the browser
/// to the provider with a fresh state, nonce and PKCE challenge; `GET /login/oidc/callback` takes
/// its answer, redeems the code, checks the ID token, maps the provider's groups to a role, makes
/// or updates the staff account and starts a session. Every refusal is logged and audited with its
/// code and shown as a Swedish page that tells the person what to do and gives kommun IT the code.
enum IdPPages {
    static let beginPath = "/login/oidc"
    static let callbackPath = OIDCSettings.callbackPath

    /// Whether `segments` are this family's (handled before a register is taken from the pool: the
    /// provider is asked first, so a slow provider holds no register connection).
    static func owns(_ segments: [String]) -> Bool {
        segments.count <= 3 && segments.first == "login" && segments.dropFirst().first == "oidc"
    }

    static func handle(_ request: HTTPRequest, segments: [String], cookies: Cookies, app: WebApp, at: Date) throws(WebError) -> HTTPResponse {
        guard let party = app.relyingParty, segments == ["login", "oidc"] || segments == ["login", "oidc", "callback"] else {
            return app.finish(app.errorResponse(.notFound, session: nil), dynamic: true)
        }
        // The callback redeems a code: GET only (a HEAD would spend the login and show nothing).
        guard request.method == "GET" || (request.method == "HEAD" && segments.count == 2) else {
            return app.finish(app.errorResponse(.methodNotAllowed(allowed: "GET"), session: nil), dynamic: true)
        }
        return segments.count == 2 ? begin(request, party: party, app: app, at: at)
            : try callback(request, party: party, cookies: cookies, app: app, at: at)
    }

    // MARK: - /login/oidc

    static func begin(_ request: HTTPRequest, party: RelyingParty, app: WebApp, at: Date) -> HTTPResponse {
        do {
            let start = try party.begin(now: at)
            var response = HTTPResponse(status: 302, headers: ["Location": start.authorizationURL, "Content-Type": "text/plain; charset=utf-8"],
                                        body: Array("Till kommunens inloggning\n".utf8))
            response.headers["Set-Cookie"] = "\(app.settings.idpCookie)_\(start.cookieSuffix)=\(start.binding); \(app.settings.idpCookieAttributes)"
            return app.finish(response, dynamic: true)
        } catch {
            return refusal(error, login: nil, request: request, party: party, app: app, at: at)
        }
    }

    // MARK: - /login/oidc/callback

    static func callback(_ request: HTTPRequest, party: RelyingParty, cookies: Cookies, app: WebApp, at: Date) throws(WebError) -> HTTPResponse {
        if let repeated = request.repeatedQueryParameter {
            return refusal(.refused(.state, detail: "the callback repeats \(repeated)"), login: nil, request: request, party: party, app: app, at: at)
        }
        let token: VerifiedIDToken
        do {
            let binding = request.query["state"].flatMap { cookies["\(app.settings.idpCookie)_\(RelyingParty.cookieSuffix(state: $0))"] }
            token = try party.finish(query: request.query, binding: binding, now: at)
        } catch {
            return refusal(error, login: nil, request: request, party: party, app: app, at: at)
        }
        return try app.pool.with { (register: Register) throws(WebError) -> HTTPResponse in
            try signIn(token, request: request, party: party, cookies: cookies, register: register, app: app, at: at)
        }
    }

    /// The checked token as a staff member with a role and a session.
    static func signIn(_ token: VerifiedIDToken, request: HTTPRequest, party: RelyingParty, cookies: Cookies, register: Register, app: WebApp,
                       at: Date) throws(WebError) -> HTTPResponse {
        let settings = party.settings
        // The login the audit log will name: the configured claim, as the register's logins are written.
        let login = token.claims[settings.loginClaim]?.string?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard (try? Register.checkLogin(login, existing: true)) != nil else {
            return refusal(.refused(.login, detail: "claim \(settings.loginClaim) is missing or not a usable login"), login: nil, request: request,
                           party: party, app: app, at: at, register: register)
        }
        let groups = token.claims[settings.roleClaim]?.strings ?? []
        guard let role = role(of: groups, settings) else {
            // Entra ID sends no groups but a pointer to them when a person has too many ("groups overage"): say so to IT.
            let overage = token.claims["_claim_names"].flatMap { names -> Bool? in
                if case let .object(object) = names { return object[settings.roleClaim] != nil }
                return nil
            } ?? false
            // Someone who had a role and lost it at the provider loses it here now: sessions end, caseload released.
            do {
                try register.revokeIdPAccess(issuer: token.issuer, subject: token.subject, client: request.remoteAddress)
            } catch {
                throw .register(error)
            }
            let detail = overage ? "the token has no \(settings.roleClaim) but a _claim_names pointer (too many groups: use app roles)"
                : "groups \(groups.prefix(20).joined(separator: ",").prefix(300)) map to no role"
            return refused(.noRole, login: login, detail: detail, request: request, party: party, register: register, app: app, at: at)
        }
        let name = token.claims["name"]?.string
            ?? [token.claims["given_name"]?.string, token.claims["family_name"]?.string].compactMap { $0 }.joined(separator: " ")
        let identity = IdPIdentity(issuer: token.issuer, subject: token.subject, login: login, name: name, role: role)
        let outcome: IdPSignInOutcome
        do {
            outcome = try register.signIn(identity, client: request.remoteAddress, idTokenHint: token.compact, now: at)
        } catch {
            if case .invalidInput = error {
                return refusal(.refused(.login, detail: error.description), login: nil, request: request, party: party, app: app, at: at, register: register)
            }
            throw .register(error)
        }
        switch outcome {
        case let .signedIn(session, created):
            // A session this browser had before (another person's, or the same one's) ends: one browser, one login.
            if let old = cookies[app.settings.sessionCookie] {
                do { try register.endSession(token: old) } catch { throw .register(error) }
            }
            app.log("event=login method=oidc login=\(login) role=\(role.rawValue) client=\(client(request))\(created ? " created=1" : "")")
            return signedIn(session, app: app)
        case .disabled:
            return refused(.disabled, login: login, detail: "the account is disabled here", request: request, party: party, register: register, app: app,
                           at: at, audited: true)
        case .localAccountConflict:
            return refused(.localConflict, login: login, detail: "a local account has this login", request: request, party: party, register: register,
                           app: app, at: at, audited: true)
        case .subjectConflict:
            return refused(.subjectConflict, login: login, detail: "another subject of the provider had this login", request: request, party: party,
                           register: register, app: app, at: at, audited: true)
        }
    }

    /// The role `groups` give: the most far-reaching of those the configuration maps (a person in
    /// two KAA groups gets the one that reaches more), or nil.
    static func role(of groups: [String], _ settings: OIDCSettings) -> StaffRole? {
        let mapped = Set(groups.compactMap { settings.roles[$0].flatMap(StaffRole.init(rawValue:)) })
        return [StaffRole.admin, .samordnare, .granskare, .handlaggare].first { mapped.contains($0) }
    }

    /// The session's cookie on a page that moves on to Idag by itself. Not a redirect: the callback
    /// is a cross-site navigation (from the provider), and a browser keeps the `SameSite=Strict`
    /// session cookie from every request of a redirect chain that began cross-site; the page's own
    /// refresh is a same-site navigation, which carries it.
    static func signedIn(_ session: NewWebSession, app: WebApp) -> HTTPResponse {
        let page = WebPage(title: "Du är inloggad",
                           .p([], "Du är inloggad med kommunens konto. Sidan Idag öppnas strax."),
                           .p([], .a([.href("/"), .id("fortsatt")], "Fortsätt")))
        var response = app.render(.page(page), session: nil)
        response.headers["Refresh"] = "0; url=/"
        response.headers["Set-Cookie"] = "\(app.settings.sessionCookie)=\(session.token); \(app.settings.cookieAttributes)"
        return response
    }

    // MARK: - Refusals

    /// A refusal after the token was checked (by the register or the role mapping).
    enum Outcome: String {
        case noRole = "no-role"
        case disabled
        case localConflict = "local-conflict"
        case subjectConflict = "idp-conflict"
    }

    /// A refusal by the relying party; `register` when the caller has one (else one is taken for the audit row).
    static func refusal(_ error: OIDCError, login: String?, request: HTTPRequest, party: RelyingParty, app: WebApp, at: Date,
                        register: Register? = nil) -> HTTPResponse {
        let code: OIDCRefusal, detail: String
        switch error {
        case let .refused(refusal, text):
            code = refusal
            detail = text
        case let .configuration(text):
            code = .provider
            detail = text
        }
        if let register {
            return page(code: code.rawValue, login: login, detail: detail, request: request, party: party, register: register, app: app, at: at,
                        audited: false)
        }
        do {
            return try app.pool.with { (register: Register) throws(WebError) -> HTTPResponse in
                page(code: code.rawValue, login: login, detail: detail, request: request, party: party, register: register, app: app, at: at, audited: false)
            }
        } catch {
            return app.finish(app.errorResponse(error, session: nil), dynamic: true)
        }
    }

    static func refused(_ outcome: Outcome, login: String, detail: String, request: HTTPRequest, party: RelyingParty, register: Register, app: WebApp,
                        at: Date, audited: Bool = false) -> HTTPResponse {
        page(code: outcome.rawValue, login: login, detail: detail, request: request, party: party, register: register, app: app, at: at, audited: audited)
    }

    /// Logs and audits a refusal (unless the register did already) and shows its page.
    static func page(code: String, login: String?, detail: String, request: HTTPRequest, party: RelyingParty, register: Register, app: WebApp,
                     at: Date, audited: Bool) -> HTTPResponse {
        app.log("event=oidc_refused code=\(code) client=\(client(request))\(login.map { " login=\($0)" } ?? "") detail=\(WebApp.loggable(detail))")
        if !audited {
            do {
                try register.recordRefusedSignIn(code: code, login: login, client: request.remoteAddress)
            } catch {
                app.log("event=error error=\(WebApp.loggable(error.description))")
            }
        }
        let (status, title, text) = explanation(code, party.settings)
        let time = register.localTime(CalendarDate.utcTimestamp(secondsSince1970: Int(at.timeIntervalSince1970)))
        let body = WebPage(title: title, status: status,
                           .p([], .text(text)),
                           .p([.class("muted")], .text("Felkod: \(code) (\(time)). Uppge felkoden och tiden om du kontaktar kommunens IT.")),
                           .p([], .a([.href("/login")], "Till inloggningen")))
        return app.render(.page(body), session: nil)
    }

    /// The status, title and Swedish explanation of a refusal's code.
    static func explanation(_ code: String, _ settings: OIDCSettings) -> (Int, String, String) {
        switch code {
        case Outcome.noRole.rawValue:
            let groups = settings.roles.keys.sorted().joined(separator: ", ")
            return (403, "Ingen behörighet i KAA-registret",
                    "Du är inloggad hos kommunen, men ditt konto är inte med i någon av grupperna som ger behörighet i KAA-registret (\(groups)). "
                        + "Be din chef att beställa rätt grupp hos kommunens IT. Logga sedan in igen.")
        case Outcome.disabled.rawValue:
            return (403, "Kontot är avstängt", "Ditt konto är avaktiverat i KAA-registret. Kontakta en administratör av registret om det är fel.")
        case Outcome.localConflict.rawValue:
            return (403, "Inloggningen nekades",
                    "Det finns redan ett lokalt konto i KAA-registret med ditt inloggningsnamn. Be kommunens IT eller registrets administratör att byta namn på det gamla kontot; logga sedan in igen.")
        case Outcome.subjectConflict.rawValue:
            return (403, "Inloggningen nekades",
                    "Ditt inloggningsnamn har tidigare använts av en annan person i kommunens inloggningstjänst. Be kommunens IT eller registrets administratör att byta namn på det gamla kontot; logga sedan in igen.")
        case OIDCRefusal.authenticationContext.rawValue:
            return (403, "Tvåfaktorsinloggning krävs",
                    "KAA-registret kräver en inloggning med två faktorer, och kommunens inloggningstjänst sa inte att din var det. "
                        + "Logga in igen med e-legitimation, säkerhetsnyckel eller det andra sätt kommunen anvisar.")
        case OIDCRefusal.state.rawValue:
            return (400, "Inloggningen har gått ut",
                    "Inloggningen tog för lång tid, började i en annan webbläsare eller har redan använts. Börja om från inloggningssidan.")
        case OIDCRefusal.providerError.rawValue:
            return (403, "Inloggningen avbröts", "Kommunens inloggningstjänst avbröt inloggningen. Försök igen, eller kontakta kommunens IT om det upprepas.")
        case OIDCRefusal.provider.rawValue:
            return (502, "Kommunens inloggningstjänst svarar inte",
                    "KAA-registret får inget användbart svar från kommunens inloggningstjänst just nu. Försök igen om en stund.")
        default:
            return (403, "Inloggningen nekades",
                    "Svaret från kommunens inloggningstjänst kunde inte godtas, så du är inte inloggad. Försök igen; kontakta kommunens IT om det upprepas.")
        }
    }

    /// The client's address for a log line.
    static func client(_ request: HTTPRequest) -> String { request.remoteAddress ?? "-" }
}
