import Foundation
import KAAAuth
import KAACore
import KAAHTML
import KAAHTTP
import KAAOIDC
import KAARegister
import KAATestFixtures
import Synchronization
@testable import KAAWeb

/// A clock the tests move by hand (sessions time out, TOTP steps advance).
final class ManualClock: Sendable {
    private let instant: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { instant = Mutex(start) }
    var now: Date { instant.withLock { $0 } }
    func advance(seconds: Double) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A register with one account per role (passwords already chosen, so `login` is one step), the web
/// app over it, and a browser-like client per login. Everything in-process: `app.respond(to:)`.
final class WebHarness {
    static let host = "kaa.test"
    static let origin = "http://kaa.test"
    /// The password every harness account has.
    static let password = "Kaffe och kanelbulle 42"

    let directory = TemporaryDirectory()
    let clock = ManualClock()
    let register: Register
    let app: WebApp
    /// TOTP secrets by login.
    private(set) var secrets: [String: [UInt8]] = [:]
    /// A register of its own for the test's setup (the app's are in its pool).
    var path: String { directory.file("kaa.sqlite") }

    /// Accounts: `hanna` (handläggare), `hugo` (a second handläggare), `sara` (samordnare),
    /// `greta` (granskare), `adam` (admin).
    static let accounts: [(String, StaffRole, String)] = [
        ("hanna", .handlaggare, "Hanna Handläggare"), ("hugo", .handlaggare, "Hugo Handläggare"),
        ("sara", .samordnare, "Sara Samordnare"), ("greta", .granskare, "Greta Granskare"), ("adam", .admin, "Adam Admin"),
    ]

    init(settings: WebSettings = WebSettings(), today: CalendarDate = TestDates.today, relyingParty: RelyingParty? = nil) throws {
        let clock = FixedDateClock(today: today)
        register = try Register.create(at: directory.file("kaa.sqlite"), kommun: "0380", clock: clock, staff: "test")
        for (login, role, name) in Self.accounts {
            let credentials = try register.addStaff(login: login, name: name, role: role)
            try register.setInitialPassword(login: login, new: Self.password)
            secrets[login] = credentials.totpSecret
        }
        let pool = try RegisterPool.open(path: directory.file("kaa.sqlite"), count: 2, clock: clock, staff: "web", configuration: RegisterConfiguration())
        let manual = self.clock
        app = WebApp(pool: pool, settings: settings, relyingParty: relyingParty, now: { manual.now })
    }

    /// The TOTP code of `login` now (advance the clock 30 s between two logins of one account:
    /// a code is never accepted twice).
    func code(_ login: String, offsetSteps: Int64 = 0) throws -> String {
        let seconds = Int64(clock.now.timeIntervalSince1970) + offsetSteps * 30
        return try OneTimeCode.totp(secret: secrets[login] ?? [], at: seconds)
    }

    /// A new client without a session.
    func client() -> WebClient { WebClient(app: app) }

    /// A client logged in as `login` (following the login's redirect).
    func loggedIn(_ login: String) throws -> WebClient {
        let client = client()
        let response = try client.login(login, password: Self.password, otp: try code(login))
        guard response.status == 303, response.header("Location") == "/" else {
            throw HarnessError("login as \(login) answered \(response.status) \(response.header("Location") ?? "")")
        }
        clock.advance(seconds: 30)
        return client
    }

    /// Registers a test person (and optionally puts them in `caseload`'s caseload); returns their internal id.
    @discardableResult
    func person(_ pnr: PersonalIdentityNumber, first: String, last: String, registeredOn: CalendarDate = TestDates.date("2026-09-01"),
                caseload: String? = nil) throws -> Int64 {
        try register.register(pnr, on: registeredOn, reason: "EJ_PABORJAT", details: ContactDetails(firstName: first, lastName: last))
        if let caseload { try register.assignCaseload(pnr, to: caseload) }
        guard let id = try register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(pnr.digits)])?.int(0) else {
            throw HarnessError("person not stored")
        }
        return id
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A browser-like client: keeps the session cookie, sends `Host` and `Origin`, and puts the page's
/// CSRF token into every POST (as the forms do).
final class WebClient {
    let app: WebApp
    /// Cookies by name.
    var cookies: [String: String] = [:]
    /// The CSRF token of the last page that had one.
    var csrf: String?
    /// The address the server sees the request come from (the socket's peer).
    var peer: String? = "192.0.2.50"
    /// Headers sent with every request besides Host and Cookie (a proxy's `X-Forwarded-*`).
    var extraHeaders: [String: String] = [:]
    /// The scheme the Origin of a POST has.
    var scheme = "http"
    /// The last response's Set-Cookie header, whole (its attributes).
    var lastSetCookie: String?

    init(app: WebApp) { self.app = app }

    /// A GET; remembers cookies and the page's CSRF token.
    @discardableResult
    func get(_ path: String, query: [String: String] = [:]) -> HTTPResponse {
        send(HTTPRequest(method: "GET", path: path, query: query, headers: headers()))
    }

    /// A POST of a form; `csrf` defaults to the last page's token, `origin` to the server's.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil, origin: String? = "") -> HTTPResponse {
        var all = fields
        if let token = csrf ?? self.csrf, !fields.contains(where: { $0.0 == "csrf" }) { all.insert(("csrf", token), at: 0) }
        var headers = headers()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        if let origin { headers["Origin"] = origin.isEmpty ? "\(scheme)://\(WebHarness.host)" : origin }
        let body = Array(FormData(all).queryString.utf8)
        headers["Content-Length"] = String(body.count)
        return send(HTTPRequest(method: "POST", path: path, headers: headers, body: body))
    }

    /// Logs in through the form (GET /login for the token and cookie, then POST).
    @discardableResult
    func login(_ login: String, password: String, otp: String) throws -> HTTPResponse {
        get("/login")
        return post("/login", [("username", login), ("password", password), ("otp", otp)])
    }

    private func headers() -> [String: String] {
        var headers = extraHeaders
        headers["Host"] = WebHarness.host
        if !cookies.isEmpty { headers["Cookie"] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        return headers
    }

    private func send(_ request: HTTPRequest) -> HTTPResponse {
        var request = request
        request.remoteAddress = peer
        var head = HTTPRequest(method: request.method, path: request.path, query: request.query, headers: request.headers)
        head.remoteAddress = peer
        if let refusal = app.admit(head) {
            return refusal
        }
        let response = app.respond(to: request)
        lastSetCookie = response.header("Set-Cookie")
        if let cookie = response.header("Set-Cookie"), let pair = cookie.split(separator: ";").first {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 {
                if cookie.contains("Max-Age=0") { cookies[String(parts[0])] = nil } else { cookies[String(parts[0])] = String(parts[1]) }
            }
        }
        let html = String(decoding: response.body, as: UTF8.self)
        if let range = html.range(of: "name=\"csrf\" value=\"") {
            let rest = html[range.upperBound...]
            if let end = rest.firstIndex(of: "\"") { csrf = String(rest[..<end]) }
        }
        return response
    }
}

extension HTTPResponse {
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The TOTP function, for tests that make their own accounts.
enum OneTimeCodeBridge {
    static func totp(_ secret: [UInt8], _ seconds: Int64) throws -> String {
        try OneTimeCode.totp(secret: secret, at: seconds)
    }
}
