import Foundation
import KAACrypto
import KAAHTML
import KAAHTTP
import KAARegister

/// Logging in (password and TOTP code), the first password of a new account, and a change of
/// password. The login form has no session yet, so it is protected against login CSRF by a
/// double-submit token: a random value in a cookie that only this site can set and read
/// (`SameSite=Strict`), repeated in the form, plus the `Origin` check.
enum AccountPages {
    static let routes: [Route] = []

    // MARK: - /login

    static func login(_ request: HTTPRequest, form: FormData, cookies: Cookies, register: Register, app: WebApp, at: Date) throws(WebError) -> HTTPResponse {
        switch request.method {
        case "GET", "HEAD":
            let notice: String? = switch request.query["utloggad"] {
            case "1": "Din session har gått ut. Logga in igen."
            case "0": "Du är utloggad."
            default: nil
            }
            return try loginPage(app: app, username: nil, error: nil, notice: notice, status: 200, reusing: cookies[app.settings.loginCookie])
        case "POST":
            if let party = app.relyingParty, !party.settings.localAccounts {
                app.log("event=login_refused method=password reason=local_accounts_off client=\(IdPPages.client(request))")
                return app.finish(app.errorPage(403, "Lokala konton är avstängda", "Logga in med kommunens konto i stället."), dynamic: true)
            }
            guard app.originIsOurs(request), let sent = form["csrf"], let cookie = cookies[app.settings.loginCookie],
                  Crypto.constantTimeEquals(Array(sent.utf8), Array(cookie.utf8)) else {
                return app.finish(app.errorResponse(.forgedRequest, session: nil), dynamic: true)
            }
            let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            let password = form["password"] ?? ""
            let otp = (form["otp"] ?? "").filter { !$0.isWhitespace }
            guard !username.isEmpty, !password.isEmpty, !otp.isEmpty else {
                return try loginPage(app: app, username: username, error: "Fyll i inloggningsnamn, lösenord och engångskod.", notice: nil, status: 400)
            }
            guard username.count <= 64, password.utf8.count <= 1024, otp.count <= 12 else {
                return try loginPage(app: app, username: nil, error: "Fel inloggningsnamn, lösenord eller engångskod.", notice: nil, status: 401)
            }
            let outcome: LoginOutcome
            do {
                outcome = try register.verifyLogin(login: username, password: password, otp: otp, now: at)
                app.log("event=\(outcome == .ok || outcome == .mustChangePassword ? "login" : "login_failed") method=password login=\(WebApp.loggable(username)) "
                        + "client=\(IdPPages.client(request))")
            } catch {
                throw .register(error)
            }
            switch outcome {
            case .ok, .mustChangePassword:
                let session: NewWebSession
                do {
                    session = try register.startSession(login: username, mustChangePassword: outcome == .mustChangePassword, now: at,
                                                        client: request.remoteAddress)
                } catch {
                    throw .register(error)
                }
                return app.redirect(outcome == .ok ? "/" : "/losenord",
                                    cookie: "\(app.settings.sessionCookie)=\(session.token); \(app.settings.cookieAttributes)")
            case .wrong, .disabled:
                return try loginPage(app: app, username: username, error: "Fel inloggningsnamn, lösenord eller engångskod.", notice: nil, status: 401)
            case let .locked(until):
                return try loginPage(app: app, username: username,
                                     error: "Kontot är låst till \(register.localTime(until)) efter för många misslyckade inloggningar. "
                                        + "Försök igen då, eller be en administratör återställa kontot.", notice: nil, status: 423)
            }
        default:
            return app.finish(app.errorResponse(.methodNotAllowed(allowed: "GET, POST"), session: nil), dynamic: true)
        }
    }

    /// The login form with a double-submit token: the browser's own if it already has one of ours
    /// (a browser loads `/login` again behind a form it shows, e.g. for `/favicon.ico` or in a
    /// second tab, and a fresh token would then refuse the form on screen), else a fresh one.
    static func loginPage(app: WebApp, username: String?, error: String?, notice: String?, status: Int,
                          reusing existing: String? = nil) throws(WebError) -> HTTPResponse {
        let local = app.relyingParty?.settings.localAccounts ?? true
        let token: String
        do {
            if let existing, (32...64).contains(existing.utf8.count), existing.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) {
                token = existing
            } else {
                token = Data(try Crypto.randomBytes(32)).base64EncodedString().filter { $0.isLetter || $0.isNumber }
            }
        } catch {
            return app.errorPage(500, "Något gick fel", "Servern kunde inte skapa ett formulär.")
        }
        // With the kommun's IdP: its link first; the password form only while local accounts are on.
        let idp: Node = app.relyingParty == nil ? .empty
            : .div([.class("idp")],
                   .p([], .a([.href(IdPPages.beginPath), .id("login-oidc"), .class("button")], "Logga in med kommunens konto")),
                   local ? .h2([], "Eller logga in med ett lokalt konto") : .empty)
        let page = WebPage(title: "Logga in", status: status,
                           .div([.class("login")],
                                notice.map { UI.message($0) } ?? .empty,
                                error.map { UI.message($0, kind: "error") } ?? .empty,
                                idp,
                                local ? localForm(token: token, username: username) : .empty,
                                local ? .p([.class("muted")], "Har du glömt lösenordet eller bytt telefon? Kontakta en administratör, som kan återställa kontot.")
                                    : .p([.class("muted")], "Du loggar in med ditt vanliga konto i kommunen. Har du problem med det, kontakta kommunens IT.")))
        var response = app.render(.page(page), session: nil)
        response.headers["Set-Cookie"] = "\(app.settings.loginCookie)=\(token); Max-Age=3600; \(app.settings.cookieAttributes)"
        return response
    }

    /// The password, TOTP form of a local account.
    static func localForm(token: String, username: String?) -> Node {
        .form([Attribute("method", "post"), Attribute("action", "/login")],
              .input([.type("hidden"), .name("csrf"), .value(token)]),
              UI.field("Inloggningsnamn", name: "username", value: username, required: true,
                       extra: [Attribute("autocomplete", "username"), Attribute("autocapitalize", "none"), Attribute("spellcheck", "false")]),
              UI.field("Lösenord", name: "password", type: "password", required: true, extra: [Attribute("autocomplete", "current-password")]),
              UI.field("Engångskod", name: "otp", hint: "Sex siffror från appen i din telefon.", required: true,
                       extra: [Attribute("inputmode", "numeric"), Attribute("autocomplete", "one-time-code"), Attribute("pattern", "[0-9 ]{6,8}")]),
              UI.submit("Logga in"))
    }

    // MARK: - /losenord

    static func password(_ request: HTTPRequest, form: FormData, session: WebSession, token: String, register: Register, app: WebApp,
                         at: Date) throws(WebError) -> HTTPResponse {
        let first = session.mustChangePassword
        switch request.method {
        case "GET", "HEAD":
            return app.render(.page(passwordPage(session: session, errors: [:], done: request.query["klart"] == "1",
                                                  minimum: register.configuration.passwordMinimumLength)), session: session)
        case "POST":
            let new = form["new_password"] ?? ""
            let repeated = form["new_password_repeat"] ?? ""
            var errors: [String: String] = [:]
            if new.isEmpty { errors["new_password"] = "Skriv ett nytt lösenord." }
            else if new != repeated { errors["new_password_repeat"] = "Lösenorden är inte likadana." }
            else if new.utf8.count > 1024 { errors["new_password"] = "Lösenordet är för långt." }
            if !first, (form["password"] ?? "").isEmpty { errors["password"] = "Skriv ditt nuvarande lösenord." }
            if errors.isEmpty {
                do {
                    if first {
                        try register.setInitialPassword(login: session.viewer.login, new: new)
                    } else {
                        try register.changePassword(login: session.viewer.login, old: form["password"] ?? "", new: new, now: at)
                    }
                } catch let error {
                    switch error {
                    case let .invalidInput(field, message):
                        errors[field == "password" ? "password" : "new_password"] = WebApp.sentence(message)
                    default:
                        throw .register(error)
                    }
                }
            }
            guard errors.isEmpty else {
                return app.render(.page(passwordPage(session: session, errors: errors, done: false, minimum: register.configuration.passwordMinimumLength,
                                                      status: 400)), session: session)
            }
            // A change of privilege: the session gets a new id (the old cookie stops working).
            let fresh: NewWebSession
            do {
                fresh = try register.rotateSession(token: token, now: at)
            } catch {
                throw .register(error)
            }
            return app.redirect(first ? "/" : "/losenord?klart=1", cookie: "\(app.settings.sessionCookie)=\(fresh.token); \(app.settings.cookieAttributes)")
        default:
            return app.finish(app.errorResponse(.methodNotAllowed(allowed: "GET, POST"), session: session), dynamic: true)
        }
    }

    static func passwordPage(session: WebSession, errors: [String: String], done: Bool, minimum: Int, status: Int = 200) -> WebPage {
        let first = session.mustChangePassword
        return WebPage(title: first ? "Välj ett eget lösenord" : "Byt lösenord", status: status,
                       done ? UI.message("Lösenordet är bytt.", kind: "ok") : .empty,
                       first ? .p([], "Du loggade in med ett engångslösenord. Välj ett eget innan du fortsätter.") : .empty,
                       errors.isEmpty ? .empty : UI.message("Lösenordet är inte bytt. Rätta det som står vid fälten.", kind: "error"),
                       .form([Attribute("method", "post"), Attribute("action", "/losenord")],
                             .input([.type("hidden"), .name("csrf"), .value(session.csrf)]),
                             first ? .empty : UI.field("Nuvarande lösenord", name: "password", type: "password", error: errors["password"],
                                                       extra: [Attribute("autocomplete", "current-password")]),
                             UI.field("Nytt lösenord", name: "new_password", type: "password", error: errors["new_password"],
                                      hint: "Minst \(minimum) tecken. Inte ett vanligt lösenord och inte ditt inloggningsnamn. En mening av flera ord är lätt att minnas.", required: true,
                                      extra: [Attribute("autocomplete", "new-password")]),
                             UI.field("Upprepa det nya lösenordet", name: "new_password_repeat", type: "password", error: errors["new_password_repeat"],
                                      required: true, extra: [Attribute("autocomplete", "new-password")]),
                             UI.submit("Spara lösenordet")))
    }
}
