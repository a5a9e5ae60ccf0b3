import Foundation
import KAAHTTP

/// How long the public listener's requests take, per route, for `/metrics`.
///
/// A route is a template (`/v1/sites/{kommun}/state`), never a raw path: anyone can send any path,
/// and a label value per path would let them grow the hub's memory and every scrape without
/// bound. The set is fixed, so every histogram exists from the start.
public final class RequestDurations: Sendable {
    /// Every route label, `other` for anything no route answers.
    public static let routes = [
        "/", "/kommun/{kommun}", "/healthz", "/v1/published", "/v1/published.csv", "/v1/published.xlsx",
        "/v1/periods", "/v1/tables", "/v1/kommuner", "/v1/openapi.json",
        "/v1/sites/{kommun}/state", "/v1/sites/{kommun}/region", "/v1/sites/{kommun}/batches/{generation}/{seq}", "other",
    ]

    private let histograms: [String: LatencyHistogram]

    public init() {
        histograms = Dictionary(uniqueKeysWithValues: Self.routes.map { ($0, LatencyHistogram()) })
    }

    /// The route template a request path belongs to (`other` when none).
    public static func route(for path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        switch parts.count {
        case 0: return "/"
        case 1 where parts[0] == "healthz": return "/healthz"
        case 2 where parts[0] == "kommun": return "/kommun/{kommun}"
        case 2 where parts[0] == "v1":
            let template = "/v1/" + parts[1]
            return routes.contains(template) ? template : "other"
        case 4 where parts[0] == "v1" && parts[1] == "sites" && (parts[3] == "state" || parts[3] == "region"):
            return "/v1/sites/{kommun}/\(parts[3])"
        case 6 where parts[0] == "v1" && parts[1] == "sites" && parts[3] == "batches":
            return "/v1/sites/{kommun}/batches/{generation}/{seq}"
        default: return "other"
        }
    }

    /// Counts one request to `path` that took `seconds`.
    public func record(path: String, seconds: Double) {
        histograms[Self.route(for: path)]?.record(seconds)
    }

    /// The histograms as one Prometheus metric with the label `route`.
    public var text: String {
        let name = "kaa_hub_http_request_duration_seconds"
        var out = "# HELP \(name) Seconds from a request's arrival at the hub's responder to its answer, per route.\n# TYPE \(name) histogram\n"
        for route in Self.routes {
            out += histograms[route]?.samples(name: name, labels: "route=\"\(route)\"") ?? ""
        }
        return out
    }
}

/// A responder that times every answer of another (the public listener's), per route.
public struct TimedResponder<Inner: HTTPResponder>: HTTPResponder {
    let inner: Inner
    let durations: RequestDurations

    /// Times `inner`'s answers into `durations`.
    public init(_ inner: Inner, durations: RequestDurations) {
        self.inner = inner
        self.durations = durations
    }

    public func admit(_ head: HTTPRequest) -> HTTPResponse? {
        let started = DispatchTime.now().uptimeNanoseconds
        let answer = inner.admit(head)
        // Answered from its head alone: that is the whole request.
        if answer != nil { durations.record(path: head.path, seconds: Self.seconds(since: started)) }
        return answer
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let response = inner.respond(to: request)
        durations.record(path: request.path, seconds: Self.seconds(since: started))
        return response
    }

    private static func seconds(since started: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
    }
}
