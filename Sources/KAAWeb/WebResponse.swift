import KAAHTML

/// What a page handler answers; `WebApp` turns it into HTTP with the security headers.
public enum WebResponse {
    /// An HTML page.
    case page(WebPage)
    /// 303 See Other to a path on this server (after a POST, so that reloading does not post again).
    case redirect(String)
    /// A file to download (a CSV export): its name, type and bytes.
    case download(name: String, contentType: String, body: [UInt8])
}

/// One HTML page of the UI.
public struct WebPage {
    /// The title (the browser tab; the page's `h1` says it too unless `heading` is given).
    public var title: String
    /// The main content, below the `h1`.
    public var content: Node
    /// The HTTP status (200, or the error's).
    public var status: Int
    /// The navigation item to mark as current.
    public var section: Section?
    /// Seconds after which the browser loads the page again (a page showing work in progress).
    public var refreshSeconds: Int?

    /// The navigation's sections.
    public enum Section: String, Sendable {
        case today, people, purge, log, staff
        case monthRun, letters, reports, scb, logRisks, logSample, settings
    }

    public init(title: String, status: Int = 200, section: Section? = nil, _ content: Node...) {
        self.title = title
        self.status = status
        self.section = section
        self.content = .fragment(content)
    }
}
