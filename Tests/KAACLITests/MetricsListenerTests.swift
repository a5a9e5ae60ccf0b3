import Foundation
import KAACLITestKit
import KAACurl
import KAAHTTP
import KAAHTTPServer
import KAAHub
import KAATestFixtures
import Testing

/// `kaa-hub serve --metrics-listen` (issue #17): `/metrics` on its own listener, never the public one.
@Suite struct MetricsListenerTests {
    @Test func metricsAreServedOnTheirOwnListenerAndThePublicOneAnswers404() throws {
        let directory = TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable("kaa-hub"))
        process.arguments = ["--db", directory.file("hub.sqlite"), "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        var text = ""
        while text.filter({ $0 == "\n" }).count < 2 {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            text += String(decoding: byte, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(lines)")
        #expect(lines[0].hasPrefix("listening on 127.0.0.1:") && lines[1].hasPrefix("metrics on 127.0.0.1:"))
        let public_ = "http://" + lines[0].dropFirst("listening on ".count)
        let metrics = "http://" + lines[1].dropFirst("metrics on ".count)
        #expect(public_ != metrics)
        let client = CurlHTTPClient()
        func get(_ url: String) throws -> HTTPResponse { try client.send(HTTPClientRequest(method: "GET", url: url, timeout: 5)) }
        #expect(try get(public_ + "/metrics").status == 404, "not on the public listener")
        #expect(try get(public_ + "/healthz").status == 200)
        _ = try get(public_ + "/v1/published?period=2026-11")
        let scrape = try get(metrics + "/metrics")
        #expect(scrape.status == 200)
        let body = String(decoding: scrape.body, as: UTF8.self)
        #expect(body.contains("kaa_hub_build_info{version=\"\(Hub.version)\""))
        #expect(body.contains("kaa_http_buffered_body_bytes "), "the public server's transport counters")
        #expect(body.contains("kaa_hub_http_request_duration_seconds_count{route=\"/v1/published\"} 1"), "the public listener's requests are timed")
        #expect(body.contains("process_resident_memory_bytes "))
        #expect(try get(metrics + "/healthz").status == 404, "the metrics listener serves only /metrics")
        #expect(try get(metrics + "/v1/published?period=2026-11").status == 404)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "both listeners stop on SIGTERM")
    }

    @Test(arguments: ["9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:x", ":9464", "example.org:9464", "[::1]", "hub:9464", ""])
    func aBadMetricsAddressIsRefusedNamingTheFlag(_ value: String) {
        let directory = TemporaryDirectory()
        let result = runHub(["serve", "--listen", "127.0.0.1:0", "--metrics-listen", value], database: directory.file("hub.sqlite"))
        #expect(result.exitCode == 64 || result.exitCode == 65, "\(result)")
        #expect(result.stderr.contains("--metrics-listen"), "\(result.stderr)")
        #expect(!result.stdout.contains("listening on"))
    }

    @Test func theSamePortAsThePublicListenerIsRefused() {
        let directory = TemporaryDirectory()
        for metrics in ["127.0.0.1:18443", "0.0.0.0:18443"] {
            let result = runHub(["serve", "--listen", "127.0.0.1:18443", "--metrics-listen", metrics], database: directory.file("hub.sqlite"))
            #expect(result.exitCode == 65, "\(result)")
            #expect(result.stderr.contains("--metrics-listen") && result.stderr.contains("18443"), "\(result.stderr)")
        }
    }

    @Test func aBadMetricsListenInTheConfigurationNamesTheKey() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.json")
        for value in ["\"nowhere\"", "\"example.org:1\"", "9464"] {
            try Data("{\"metricsListen\": \(value), \"listen\": \"127.0.0.1:0\"}".utf8).write(to: URL(fileURLWithPath: path))
            let result = runHub(["--config", path, "serve"], database: directory.file("hub.sqlite"))
            #expect(result.exitCode == 65, "\(value): \(result)")
            #expect(result.stderr.contains("metricsListen"), "\(value): \(result.stderr)")
        }
    }

    @Test func aMetricsAddressInUseStopsTheStartNamingTheFlag() throws {
        let directory = TemporaryDirectory()
        let busy = try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: try Hub(path: directory.file("other.sqlite"))))
        defer { busy.stop() }
        let result = runHub(["serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:\(busy.port)"], database: directory.file("hub.sqlite"))
        #expect(result.exitCode == 1, "\(result)")
        #expect(result.stderr.contains("--metrics-listen 127.0.0.1:\(busy.port)"), "\(result.stderr)")
        #expect(!result.stdout.contains("listening on"), "the public listener never opened")
    }

    @Test func theExampleConfigurationShowsTheDefault() throws {
        let text = try String(contentsOfFile: TestPeople.packageRoot + "/config/hub.example.json", encoding: .utf8)
        #expect(text.contains("\"metricsListen\": \"127.0.0.1:9464\""))
    }
}
