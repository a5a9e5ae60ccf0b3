import Foundation
import KAACore
import KAAHTTP
@testable import KAAHub
import KAAProtocol
import KAASQLite
import KAATestFixtures
import Synchronization
import Testing

/// The bytes of the hub's files (database and WAL), to look for text that must not be there.
func hubFileBytes(_ path: String) -> [UInt8] {
    ["", "-wal"].flatMap { suffix in (try? Data(contentsOf: URL(fileURLWithPath: path + suffix))).map { Array($0) } ?? [] }
}

func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
    let bytes = Array(needle.utf8)
    guard bytes.count <= haystack.count else { return false }
    return (0...(haystack.count - bytes.count)).contains { start in haystack[start..<start + bytes.count].elementsEqual(bytes) }
}

/// Public reads never wait on a writer, whoever holds the write lock.
@Suite(.serialized) struct HeadOfLineTests {
    @Test func publicReadsAnswerWhileAnotherProcessHoldsTheWriteLock() throws {
        let (fixture, tokenB) = try publishedFixture()
        // Another connection (as another process would) takes the write lock and keeps it while
        // every read below runs.
        let other = try Database(path: fixture.directory.file("hub.sqlite"))
        try other.execute(script: "BEGIN IMMEDIATE")
        // A writer of the hub's own now waits on SQLite's busy handler for that lock.
        let writerDone = DispatchSemaphore(value: 0)
        let responder = fixture.responder
        let token = fixture.token
        DispatchQueue.global().async {
            _ = responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/state", headers: ["Authorization": "Bearer \(token)"]))
            writerDone.signal()
        }
        usleep(300_000)
        var timings: [(String, Int, Double)] = []
        func timed(_ name: String, _ path: String, _ query: [String: String], token: String? = nil) {
            let started = Date()
            let status = get(fixture, path, query: query, token: token).status
            timings.append((name, status, Date().timeIntervalSince(started)))
        }
        timed("published", "/v1/published", ["period": "2026-11"])
        timed("published (cached)", "/v1/published", ["period": "2026-11"])
        timed("published.csv", "/v1/published.csv", ["period": "2026-11"])
        timed("dashboard", "/", ["period": "2026-11"])
        timed("region", "/v1/sites/0381/region", ["period": "2026-11"], token: tokenB)
        // /metrics is on a listener of its own (issue #17), reading the same hub.
        let metricsStarted = Date()
        let metricsStatus = MetricsResponder(hub: fixture.hub, durations: RequestDurations()).respond(to: HTTPRequest(method: "GET", path: "/metrics")).status
        timings.append(("metrics", metricsStatus, Date().timeIntervalSince(metricsStarted)))
        print("reads while another connection holds the write lock: \(timings.map { "\($0.0)=\($0.1)/\(String(format: "%.3f", $0.2))s" }.joined(separator: " "))")
        for (name, status, seconds) in timings {
            #expect(status == 200, "\(name)")
            #expect(seconds < 1, "\(name) took \(seconds) s behind a writer")
        }
        try other.execute(script: "COMMIT")
        #expect(writerDone.wait(timeout: .now() + 10) == .success, "the waiting writer gets the lock once it is free")
    }
}

/// What a client sends stays out of the hub file and the log; refusals are kept as codes, bounded.
@Suite struct StoredTextTests {
    @Test func aPersonnummerSentAsATableNameNeverReachesTheHubFile() throws {
        let fixture = try HubFixture()
        let pnr = "200801012386"
        let body = Array("""
            {"catalogue_version":1,"cells":[{"ck":1,"dims":{"sex":"K"},"n":2,"period":"2026-11","table":"\(pnr)"}],\
            "digest":"\(String(repeating: "0", count: 64))","format":"kaa-batch","generation":"\(HubFixture.generationA)",\
            "kind":"snapshot","kommun":"0380","prev_digest":"\(StateDigest.empty)","sealed_at":"2026-11-23T02:00:00Z","seq":1}
            """.utf8)
        let batch = makeBatch(HubFixture.generationA, 1, from: [], to: state1)
        let response = fixture.put(batch, body: body)
        #expect(response.status == 400)
        // Also as a period and in a URL the hub refuses after authentication.
        _ = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/region", query: ["period": pnr],
                                                      headers: ["Authorization": "Bearer \(fixture.token)"]))
        _ = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/\(pnr)", headers: ["Authorization": "Bearer \(fixture.token)"]))
        let rejects = try fixture.hub.reading { try $0.query("SELECT reason FROM reject").map { try $0.text(0) } }
        #expect(!rejects.isEmpty && rejects.allSatisfy { RejectReason(rawValue: $0) != nil }, "\(rejects)")
        let bytes = hubFileBytes(fixture.directory.file("hub.sqlite"))
        #expect(!bytes.isEmpty)
        #expect(!contains(bytes, pnr) && !contains(bytes, String(pnr.dropFirst(2))), "the personnummer is nowhere in the hub's files")
    }

    @Test func theRejectHistoryIsBoundedWhileItsCountsGoOn() throws {
        let directory = TemporaryDirectory()
        let hub = try Hub(path: directory.file("hub.sqlite"), rejectHistory: 5)
        let token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        let responder = HubResponder(hub: hub)
        for _ in 0..<12 {
            _ = responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/region", query: ["period": "x"], headers: ["Authorization": "Bearer \(token)"]))
        }
        #expect(try hub.reading { try $0.queryOne("SELECT count(*) FROM reject")?.int(0) } == 5)
        let metrics = try hub.metricsText()
        #expect(metrics.contains("kaa_hub_refusals_total{status=\"400\"} 12"))
        #expect(metrics.contains("kaa_hub_site_refusals_total{kommun=\"0380\"} 12"))
    }

    @Test func unauthenticatedFailuresAreCountedAndLoggedOncePerInterval() throws {
        let fixture = try HubFixture()
        let lines = Mutex<[String]>([])
        let clock = Mutex(1000.0)
        let responder = HubResponder(hub: fixture.hub, log: { line in lines.withLock { $0.append(line) } },
                                     clock: { clock.withLock { $0 } }, unauthenticatedLogInterval: 60)
        func attempt() {
            _ = responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/state", headers: ["Authorization": "Bearer kaa_guess"]))
        }
        for _ in 0..<100 { attempt() }
        clock.withLock { $0 += 61 }
        attempt()
        let logged = lines.withLock { $0 }.filter { $0.hasPrefix("event=auth_failed") }
        #expect(logged.count == 2, "\(logged)")
        #expect(logged.last?.contains("suppressed_since_last=99") == true)
        #expect(try fixture.hub.metricsText().contains("kaa_hub_unauthenticated_requests_total 101"))
    }

    @Test func aVersion1HubFileLosesTheClientTextItsRejectsHeld() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("hub.sqlite")
        let first = try String(contentsOfFile: TestPeople.packageRoot + "/migrations/hub/0001_hub.sql", encoding: .utf8)
        do {
            let database = try Database(path: path, options: Database.Options(create: true, synchronous: "FULL"))
            _ = try Migrator(files: [(path: "migrations/hub/0001_hub.sql", text: first)]).migrate(database, now: "2026-11-01T00:00:00Z")
            for index in 0..<3 {
                try database.execute("INSERT INTO reject (kommun, at, status, reason) VALUES ('0380', '2026-11-01', 400, ?)",
                                     [.text("HTTP 400: {\"error\":\"cells[\(index)]: unknown table \\\"200801012386\\\"\"}")])
            }
            try database.checkpointTruncate()
        }
        let hub = try Hub(path: path)
        try hub.withDatabase { database in try database.checkpointTruncate() }
        #expect(try hub.reading { try $0.query("SELECT reason FROM reject").map { try $0.text(0) } } == ["bad_request", "bad_request", "bad_request"])
        #expect(!contains(hubFileBytes(path), "200801012386"))
        #expect(try hub.metricsText().contains("kaa_hub_refusals_total{status=\"400\"} 3"))
    }
}
