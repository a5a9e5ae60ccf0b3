import KAASystem

/// How the web UI behaves: timeouts, paging and how it is reached. Read from the register's
/// config file by `kaa web`; the defaults are the issue's.
public struct WebSettings: Sendable {
    /// Minutes without a request after which a session ends (a value changed in Inställningar,
    /// stored in the register, takes its place from the next request).
    public var idleMinutes = 30
    /// Hours after login after which a session ends whatever its use (likewise).
    public var absoluteHours = 10
    /// Whether the server speaks TLS itself: cookies get `Secure` and the `__Host-` prefix.
    public var isTLS = false
    /// The origin browsers reach the UI at (`https://kaa.kommun.se`) when a proxy stands in front;
    /// nil: the request's own `Host` with the server's scheme. State-changing requests must come
    /// from it (the `Origin` header).
    public var publicOrigin: String?
    /// Rows per page in the lists.
    public var pageSize = 50
    /// The largest form body accepted, in bytes.
    public var maxFormBytes = 64 * 1024
    /// The most bytes a month run's files may have together (the upload is streamed to disk).
    public var maxUploadBytes: Int64 = 512 << 20
    /// Where uploads are kept while a month run is open (nil: no uploads); emptied when the server starts.
    public var uploadDirectory: String?
    /// Days ahead that "Idag" shows follow-ups for.
    public var followUpDays = 7
    /// The proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (issue 18).
    public var trustedProxies: [NetworkRange] = []

    /// The defaults.
    public init() {}

    /// The session cookie's name: `__Host-` prefixed under TLS, so no subdomain can set it.
    var sessionCookie: String { isTLS ? "__Host-kaa_session" : "kaa_session" }
    /// The login form's double-submit cookie.
    var loginCookie: String { isTLS ? "__Host-kaa_login" : "kaa_login" }
    /// The cookie that binds a login begun at the identity provider to this browser. `Lax`, not
    /// `Strict`: it must come back with the provider's cross-site redirect to the callback.
    var idpCookie: String { isTLS ? "__Host-kaa_oidc" : "kaa_oidc" }
    var idpCookieAttributes: String { "Path=/; HttpOnly; SameSite=Lax; Max-Age=600" + (isTLS ? "; Secure" : "") }
    /// Attributes every cookie gets.
    var cookieAttributes: String { "Path=/; HttpOnly; SameSite=Strict" + (isTLS ? "; Secure" : "") }
}
