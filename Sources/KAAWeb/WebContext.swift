import Foundation
import KAAHTML
import KAAHTTP
import KAARegister

/// One request as a page handler sees it: the request, its form, the logged-in viewer, and the
/// register (acting as the viewer: every read and write is theirs and limited to what they reach).
public struct WebContext {
    public let request: HTTPRequest
    /// The POST body's fields (empty for a GET).
    public let form: FormData
    /// The query string's fields.
    public let query: FormData
    /// The session (its viewer and CSRF token).
    public let session: WebSession
    /// The ids in the path, for `{id}` in the route's pattern.
    public let pathIDs: [Int64]
    /// The register, acting as `session.viewer`.
    public let register: Register
    /// The settings.
    public let settings: WebSettings
    /// The current time.
    public let now: Date
    /// The application (its long-running work: the month runs).
    let app: WebApp

    /// The month runs of this server.
    var monthRuns: MonthRuns { app.monthRuns }

    /// The viewer.
    public var viewer: Viewer { session.viewer }

    /// The first `{id}` of the path.
    public var id: Int64 { pathIDs.first ?? 0 }

    /// The hidden CSRF field every form carries.
    public var csrfField: Node {
        .input([.type("hidden"), .name("csrf"), .value(session.csrf)])
    }

    /// Runs a register call, wrapping its error.
    public func run<T>(_ body: () throws(RegisterError) -> T) throws(WebError) -> T {
        do {
            return try body()
        } catch {
            throw .register(error)
        }
    }
}
