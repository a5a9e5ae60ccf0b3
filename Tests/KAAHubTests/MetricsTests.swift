import Foundation
import KAACore
import KAAHTTP
@testable import KAAHub
import KAAProtocol
import KAATestFixtures
import Testing

/// `/metrics` of issue #17: on its own listener, names and labels by Prometheus' conventions.
@Suite struct MetricsTests {
    /// One metric family of the exposition: its type, help and samples.
    struct Family {
        var type: String?
        var help: String?
        var samples: [(name: String, labels: [String: String], value: Double)] = []
    }

    /// Parses Prometheus' text format strictly enough to judge names, labels and values: a line that
    /// is neither a well-formed comment nor a well-formed sample fails the test.
    static func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Family] {
        var families: [String: Family] = [:]
        let name = #"[a-zA-Z_:][a-zA-Z0-9_:]*"#
        // Label values may hold braces (`route="/kommun/{kommun}"`); the value after them holds none.
        let sample = try? NSRegularExpression(pattern: #"^(\#(name))(\{(.*)\})? (-?[0-9.eE+-]+|\+Inf|NaN)$"#)
        let label = try? NSRegularExpression(pattern: #"\G([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)"#)
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                #expect(parts.count == 4, "\(line)", sourceLocation: sourceLocation)
                guard parts.count == 4 else { continue }
                #expect(families[parts[2]]?.samples.isEmpty ?? true, "HELP and TYPE come before \(parts[2])'s samples", sourceLocation: sourceLocation)
                if parts[1] == "HELP" { families[parts[2], default: Family()].help = parts[3] } else { families[parts[2], default: Family()].type = parts[3] }
                continue
            }
            let range = NSRange(line.startIndex..., in: line)
            guard let match = sample?.firstMatch(in: line, range: range), let nameRange = Range(match.range(at: 1), in: line),
                  let valueRange = Range(match.range(at: 4), in: line), let value = Double(line[valueRange].replacingOccurrences(of: "+Inf", with: "inf")) else {
                Issue.record("not a sample line: \(line)", sourceLocation: sourceLocation)
                continue
            }
            let sampleName = String(line[nameRange])
            var labels: [String: String] = [:]
            if let labelRange = Range(match.range(at: 3), in: line) {
                // `name="value"` pairs, one after the other from the start, covering the whole text.
                let pairs = String(line[labelRange])
                var end = 0
                for found in label?.matches(in: pairs, range: NSRange(pairs.startIndex..., in: pairs)) ?? [] {
                    guard let key = Range(found.range(at: 1), in: pairs), let text = Range(found.range(at: 2), in: pairs) else { continue }
                    #expect(labels[String(pairs[key])] == nil, "a label twice: \(line)", sourceLocation: sourceLocation)
                    labels[String(pairs[key])] = String(pairs[text])
                    end = found.range.location + found.range.length
                }
                #expect(end == (pairs as NSString).length, "bad labels in \(line)", sourceLocation: sourceLocation)
            }
            let family = ["_bucket", "_sum", "_count"].compactMap { suffix -> String? in
                guard sampleName.hasSuffix(suffix) else { return nil }
                let base = String(sampleName.dropLast(suffix.count))
                return families[base]?.type == "histogram" ? base : nil
            }.first ?? sampleName
            families[family, default: Family()].samples.append((sampleName, labels, value))
        }
        return families
    }

    /// A hub where 0380 and 0381 have sent batches and 0382 is enrolled but never heard from.
    func scrape() throws -> (HubFixture, String, [String: Family]) {
        let (fixture, _) = try publishedFixture()
        _ = try fixture.hub.addSite(kommun: "0382", name: nil, actor: "test")
        let durations = RequestDurations()
        let timed = TimedResponder(fixture.responder, durations: durations)
        for path in ["/", "/kommun/0380", "/v1/published", "/v1/sites/0380/state", "/nowhere"] {
            _ = timed.respond(to: HTTPRequest(method: "GET", path: path, query: ["period": "2026-11"]))
        }
        let response = MetricsResponder(hub: fixture.hub, durations: durations, transportMetrics: { "# HELP kaa_http_x X.\n# TYPE kaa_http_x gauge\nkaa_http_x 0\n" })
            .respond(to: HTTPRequest(method: "GET", path: "/metrics"))
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = String(decoding: response.body, as: UTF8.self)
        return (fixture, text, Self.parse(text))
    }

    @Test func aHistogramRecordedFromManyThreadsAtOnceCountsEveryEventInItsBuckets() {
        let histogram = LatencyHistogram()
        // 8 threads × 5 000 events each of 0.5 ms, 3 ms, 30 ms, 7 s (past every bound) and NaN.
        let durations = [0.0005, 0.003, 0.03, 7, Double.nan]
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for index in 0..<5_000 { histogram.record(durations[index % durations.count]) }
        }
        let lines = histogram.samples(name: "d").split(separator: "\n")
        func value(_ prefix: String) -> Int? { lines.first { $0.hasPrefix(prefix) }.flatMap { Int($0.split(separator: " ").last ?? "") } }
        #expect(value("d_count") == 40_000 && value("d_bucket{le=\"+Inf\"}") == 40_000)
        #expect(value("d_bucket{le=\"0.001\"}") == 8_000)
        #expect(value("d_bucket{le=\"0.005\"}") == 16_000 && value("d_bucket{le=\"0.01\"}") == 16_000)
        #expect(value("d_bucket{le=\"0.05\"}") == 24_000 && value("d_bucket{le=\"5.0\"}") == 24_000)
        let sum = lines.first { $0.hasPrefix("d_sum") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(abs(sum - 8_000 * (0.0005 + 0.003 + 0.03 + 7)) < 0.01)
    }

    @Test func thePublicListenerAnswers404AtMetrics() throws {
        let fixture = try HubFixture()
        for method in ["GET", "HEAD", "POST"] {
            let response = fixture.responder.respond(to: HTTPRequest(method: method, path: "/metrics"))
            #expect(response.status == 404, "\(method)")
            #expect(!String(decoding: response.body, as: UTF8.self).contains("kaa_hub_"))
        }
        #expect(fixture.responder.respond(to: HTTPRequest(method: "GET", path: "//metrics/")).status == 404)
    }

    @Test func everyFamilyIsTypedHelpedAndHasOneLabelSet() throws {
        let (_, _, families) = try scrape()
        #expect(families.count > 15)
        for (name, family) in families {
            #expect(family.help?.isEmpty == false, "\(name) has HELP")
            #expect(["counter", "gauge", "histogram"].contains(family.type ?? ""), "\(name) has a TYPE")
            #expect(!family.samples.isEmpty || ["kaa_hub_refusals_total"].contains(name), "\(name) has samples")
            if family.type == "counter" { #expect(name.hasSuffix("_total"), "counter \(name) ends in _total") }
            if family.type != "counter" { #expect(!name.hasSuffix("_total"), "\(name) is not a counter but ends in _total") }
            // One label set per metric; a histogram's buckets add `le`.
            let sets = Set(family.samples.map { sample in
                Set(sample.labels.keys).subtracting(sample.name.hasSuffix("_bucket") ? ["le"] : []).sorted().joined(separator: ",")
            })
            #expect(sets.count <= 1, "\(name) has label sets \(sets)")
            for sample in family.samples {
                #expect(sample.value >= 0, "no negative value (never -1): \(sample.name) \(sample.labels) \(sample.value)")
            }
        }
    }

    @Test func timestampsPerKommunOnlyForKommunerHeardFrom() throws {
        let (_, _, families) = try scrape()
        let now = Date().timeIntervalSince1970
        for name in ["kaa_hub_last_contact_timestamp_seconds", "kaa_hub_last_batch_timestamp_seconds"] {
            let samples = try #require(families[name]?.samples)
            #expect(Set(samples.map { $0.labels["kommun"] ?? "" }) == ["0380", "0381"], "\(name): 0382 was never heard from and has no sample")
            #expect(samples.allSatisfy { abs($0.value - now) < 600 }, "\(name) is seconds since 1970: \(samples.map(\.value))")
        }
        #expect(families["kaa_hub_last_contact_age_seconds"] == nil, "the old -1 gauge is gone")
        let seqs = try #require(families["kaa_hub_last_applied_seq"]?.samples)
        #expect(seqs.first { $0.labels["kommun"] == "0382" }?.value == 0)
        #expect(seqs.first { $0.labels["kommun"] == "0380" }?.value == 1)
    }

    @Test func buildInfoProcessAndTransportMetricsAreThere() throws {
        let (_, _, families) = try scrape()
        let info = try #require(families["kaa_hub_build_info"]?.samples.first)
        #expect(info.labels["version"] == Hub.version && info.labels["catalogue_version"] == "\(CellTable.catalogueVersion)" && info.value == 1)
        #if os(Linux)
        let start = try #require(families["process_start_time_seconds"]?.samples.first?.value)
        #expect(start > 1_600_000_000 && start <= Date().timeIntervalSince1970 + 1)
        #expect(try #require(families["process_resident_memory_bytes"]?.samples.first?.value) > Double(1 << 20))
        #expect(try #require(families["process_open_fds"]?.samples.first?.value) >= 3)
        #expect(families["process_cpu_seconds_total"]?.type == "counter")
        #expect(try #require(families["process_max_fds"]?.samples.first?.value) >= 3)
        #endif
        #expect(families["kaa_http_x"] != nil, "the transport's counters are appended")
        #expect(try #require(families["kaa_hub_batches_applied_total"]?.samples.first?.value) == 2)
    }

    @Test func requestDurationsAreLabelledByRouteTemplateNeverByPath() throws {
        let (_, _, families) = try scrape()
        let family = try #require(families["kaa_hub_http_request_duration_seconds"])
        #expect(family.type == "histogram")
        let routes = Set(family.samples.compactMap { $0.labels["route"] })
        #expect(routes == Set(RequestDurations.routes), "every route from the start, nothing else")
        func count(_ route: String) -> Double? {
            family.samples.first { $0.name == "kaa_hub_http_request_duration_seconds_count" && $0.labels["route"] == route }?.value
        }
        #expect(count("/kommun/{kommun}") == 1 && count("/v1/sites/{kommun}/state") == 1 && count("other") == 1 && count("/") == 1)
        #expect(count("/v1/published") == 1 && count("/v1/published.csv") == 0)
    }

    @Test func hostilePathsAllLandInTheFixedRoutes() {
        let durations = RequestDurations()
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc/019.{}\"\\=,\n%ö ")
        for _ in 0..<2000 {
            let path = "/" + String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "a" })
            durations.record(path: path, seconds: 0.001)
        }
        let text = durations.text
        let families = Self.parse(text)
        #expect(Set(families["kaa_hub_http_request_duration_seconds"]?.samples.compactMap { $0.labels["route"] } ?? []) == Set(RequestDurations.routes))
        #expect(text.split(separator: "\n").count == 2 + RequestDurations.routes.count * (LatencyHistogram.bounds.count + 3), "bounded: one histogram per route")
    }

    @Test(arguments: [
        ("/", "/"), ("", "/"), ("/healthz", "/healthz"), ("/kommun/0380", "/kommun/{kommun}"), ("/kommun/x\"y", "/kommun/{kommun}"),
        ("/v1/published", "/v1/published"), ("/v1/published.xlsx", "/v1/published.xlsx"), ("/v1/published.pdf", "other"),
        ("/v1/sites/0380/state", "/v1/sites/{kommun}/state"), ("/v1/sites/0380/region", "/v1/sites/{kommun}/region"),
        ("/v1/sites/0380/batches/\(String(repeating: "a", count: 32))/7", "/v1/sites/{kommun}/batches/{generation}/{seq}"),
        ("/v1/sites/0380/other", "other"), ("/metrics", "other"), ("/favicon.ico", "other"), ("/../../etc/passwd", "other"),
    ])
    func routeTemplates(_ path: String, _ route: String) {
        #expect(RequestDurations.route(for: path) == route)
    }

    @Test func theMetricsResponderServesOnlyMetrics() throws {
        let fixture = try HubFixture()
        let metrics = MetricsResponder(hub: fixture.hub, durations: RequestDurations())
        #expect(metrics.respond(to: HTTPRequest(method: "GET", path: "/")).status == 404)
        #expect(metrics.respond(to: HTTPRequest(method: "GET", path: "/v1/published", query: ["period": "2026-11"])).status == 404)
        let post = metrics.respond(to: HTTPRequest(method: "POST", path: "/metrics"))
        #expect(post.status == 405 && post.headers["Allow"] == "GET, HEAD")
        #expect(metrics.respond(to: HTTPRequest(method: "HEAD", path: "/metrics")).status == 200)
        // A body is never read: the head is answered at once.
        let head = HTTPRequest(method: "POST", path: "/metrics", headers: ["content-length": "100000"])
        #expect(metrics.admit(head)?.status == 405)
        #expect(metrics.admit(HTTPRequest(method: "GET", path: "/metrics")) == nil)
    }
}
