import Foundation
import KAAHTTP

/// An HTTP client that hands requests to a responder in the same process, with faults on demand.
///
/// `@unchecked Sendable`: tests use it from one thread at a time; the lock guards the queues anyway.
public final class InProcessHTTPClient: HTTPClient, @unchecked Sendable {
    /// What happens to the next request.
    public enum Fault: Sendable {
        /// No fault: the request goes through (to aim a later fault at a later request).
        case pass
        /// No server: the connection is refused.
        case unreachable
        /// The connection breaks before the server sees the request.
        case cutBeforeServer
        /// The server handles the request but the response is lost.
        case cutAfterServer
        /// The request is delivered twice; the client sees the second answer.
        case deliveredTwice
        /// The server answers this status (with an optional Retry-After) without handling the request.
        case status(Int, retryAfter: String?)
    }

    private let responder: any HTTPResponder
    private let lock = NSLock()
    private var faults: [Fault] = []
    /// Faults that apply to every request until cleared (a hub that is down).
    public var persistentFault: Fault?
    /// Every request sent, in order (for checks of what left the kommun).
    public private(set) var sent: [HTTPClientRequest] = []

    public init(responder: any HTTPResponder) {
        self.responder = responder
    }

    /// Queues faults for the next requests, one each.
    public func inject(_ faults: Fault...) {
        lock.lock()
        self.faults += faults
        lock.unlock()
    }

    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse {
        lock.lock()
        sent.append(request)
        let fault = faults.isEmpty ? persistentFault : faults.removeFirst()
        lock.unlock()
        let parts = request.url.split(separator: "?", maxSplits: 1)
        let withoutScheme = parts[0].split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let path = withoutScheme.count == 4 ? "/" + withoutScheme[3] : "/"
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count == 2 ? String(kv[1]).removingPercentEncoding ?? String(kv[1]) : ""
            }
        }
        let serverRequest = HTTPRequest(method: request.method, path: path, query: query, headers: request.headers, body: request.body)
        switch fault {
        case .unreachable?: throw HTTPClientError("connection refused")
        case .cutBeforeServer?: throw HTTPClientError("connection reset before the request was sent")
        case .cutAfterServer?:
            _ = responder.respond(to: serverRequest)
            throw HTTPClientError("connection reset while reading the response")
        case .deliveredTwice?:
            _ = responder.respond(to: serverRequest)
            return responder.respond(to: serverRequest)
        case let .status(status, retryAfter)?:
            return HTTPResponse(status: status, headers: retryAfter.map { ["Retry-After": $0] } ?? [:], body: Array("{\"error\":\"injected\"}".utf8))
        case .pass?, nil:
            return responder.respond(to: serverRequest)
        }
    }
}
