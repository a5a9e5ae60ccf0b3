import Foundation
import KAAHTTP

/// `/metrics` in Prometheus text, on a listener of its own (`--metrics-listen`, default
/// 127.0.0.1:9464), never on the public one: the hub's metrics, the public listener's request
/// durations per route, the `process_*` metrics and the public server's transport counters.
public struct MetricsResponder: HTTPResponder {
    let hub: Hub
    let durations: RequestDurations
    /// The public listener's transport counters (its server is started after this responder is made).
    let transportMetrics: @Sendable () -> String

    /// A responder for `hub`'s metrics with `durations` of the public listener's requests.
    public init(hub: Hub, durations: RequestDurations, transportMetrics: @escaping @Sendable () -> String = { "" }) {
        self.hub = hub
        self.durations = durations
        self.transportMetrics = transportMetrics
    }

    /// Prometheus' text exposition format, version 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Nothing here takes a body: a request that declares one is answered from its head, unread.
    public func admit(_ head: HTTPRequest) -> HTTPResponse? {
        head.declaresBody ? respond(to: head) : nil
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.path == "/metrics" else { return .text(404, "Här finns bara /metrics.\n") }
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = HTTPResponse.text(405, "Bara GET.\n")
            response.headers["Allow"] = "GET, HEAD"
            return response
        }
        guard let text = try? text() else {
            var response = HTTPResponse.text(503, "Databasen är upptagen.\n")
            response.headers["Retry-After"] = "5"
            return response
        }
        // For HEAD the server sends the head only.
        return .text(200, text, contentType: Self.contentType)
    }

    /// Everything a scrape gets.
    public func text() throws(HubError) -> String {
        try hub.metricsText() + durations.text + ProcessMetrics.text() + transportMetrics()
    }
}
