/// An HTTP request as the application sees it, whatever the transport.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query (`/v1/sites/0380/state`).
    public var path: String
    /// Query parameters (the last value of a repeated one).
    public var query: [String: String]
    /// Every query parameter in order, repeated names included, so that a responder can refuse a
    /// repeat instead of silently taking one of the values.
    public var queryItems: [(name: String, value: String)]
    /// Headers with lowercased names.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The peer's address as numeric text (`127.0.0.1`, `::1`) when the transport knows it: the
    /// client, or the proxy in front of it (only a responder that trusts that proxy may look further).
    public var remoteAddress: String?

    /// A request whose query has no repeated name (`queryItems` are its pairs, sorted by name).
    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = []) {
        self.init(method: method, path: path, queryItems: query.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
                  headers: headers, body: body)
    }

    /// A request with its query as the pairs sent, in order (`query` keeps the last of a repeat).
    public init(method: String, path: String, queryItems: [(name: String, value: String)], headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = Dictionary(queryItems.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        self.queryItems = queryItems
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    /// The first query parameter given more than once, or nil.
    public var repeatedQueryParameter: String? {
        var seen = Set<String>()
        for item in queryItems where !seen.insert(item.name).inserted { return item.name }
        return nil
    }

    /// Bytes of the path and query as they were sent, decoded (an estimate of the target's length
    /// good enough for a limit: `?`, `=` and `&` counted once each).
    public var targetLength: Int {
        queryItems.reduce(path.utf8.count) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }
    }

    /// A header's value by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// Whether the request says a body follows (a `Content-Length` above 0, or any
    /// `Transfer-Encoding`), whether or not it has arrived yet.
    public var declaresBody: Bool {
        if headers["transfer-encoding"] != nil { return true }
        guard let length = headers["content-length"] else { return false }
        return !length.allSatisfy { $0 == "0" || $0 == " " || $0 == "\t" }
    }
}

/// An HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers (names as written).
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 body of the given type.
    public static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    /// A JSON response from already-encoded JSON text.
    public static func json(_ status: Int, _ json: String) -> HTTPResponse {
        text(status, json, contentType: "application/json")
    }

    /// A header's value by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// Answers requests: the one protocol between transport and application (Hummingbird's layering).
public protocol HTTPResponder: Sendable {
    /// The answer to a complete request.
    func respond(to request: HTTPRequest) -> HTTPResponse
    /// The answer to a request judged on its head alone (its body empty, not yet read), or nil to
    /// read the body and call `respond(to:)`. A transport asks this before reading any body byte,
    /// so that nobody can make the server hold a body it would refuse (no token, a route that
    /// takes none).
    func admit(_ head: HTTPRequest) -> HTTPResponse?
    /// How to read the body of a request that declares one; asked before `admit`, which is asked
    /// only for `.buffered`.
    func bodyHandling(for head: HTTPRequest) -> HTTPBodyHandling
}

extension HTTPResponder {
    /// By default every body is read.
    public func admit(_ head: HTTPRequest) -> HTTPResponse? { nil }
    /// By default every body is read into memory.
    public func bodyHandling(for head: HTTPRequest) -> HTTPBodyHandling { .buffered }
}

/// A request to send to a server.
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// The full URL, `https://hub.example:8443/v1/sites/0380/state`.
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]
    /// Seconds the whole exchange may take.
    public var timeout: Double

    public init(method: String, url: String, headers: [String: String] = [:], body: [UInt8] = [], timeout: Double = 30) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// Why a request got no HTTP answer (the hub was not reached, the connection broke, or the answer
/// was refused by the client).
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, so a caller can tell "try again later" from "this server misbehaves".
    public enum Kind: Sendable, Equatable {
        /// The server was not reached or the connection broke: worth retrying.
        case transport
        /// The answer was larger than the client accepts; the transfer was aborted (retrying would
        /// only fetch the same oversized answer again).
        case responseTooLarge
    }

    /// The failure in words, naming the request.
    public let message: String
    /// What kind of failure this is.
    public let kind: Kind
    /// A failure described by `message`.
    public init(_ message: String, kind: Kind = .transport) {
        self.message = message
        self.kind = kind
    }
    public var description: String { message }
}

/// Sends requests: libcurl in production, an in-process responder in tests.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse
}
