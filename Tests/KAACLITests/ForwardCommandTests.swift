import Foundation
import KAACLIKit
import KAACore
import KAAHTTP
import KAAHTTPServer
import KAAHub
import KAASystem
import KAATestFixtures
import KAACLITestKit
import Testing

/// `kaa-hub relay …` and `kaa-hub forward` (issue 20) as an operator runs them: a kommun syncs to
/// its regional hub over HTTP, the regional hub forwards to the hub above over HTTP (libcurl).
@Suite(.serialized) struct ForwardCommandTests {
    let fixture = CLIFixture()
    var regional: String { fixture.directory.file("regional.sqlite") }
    var upper: String { fixture.directory.file("upper.sqlite") }
    var relayToken: String { fixture.directory.file("relay-token") }

    /// The kommun's register synced to a served regional hub, a relay on the upper hub (made by the
    /// CLI) and the upper hub served.
    func federation() throws -> (regional: HTTPServer, upper: HTTPServer) {
        let regionalHub = try Hub(path: regional)
        try writeTokenFile(try regionalHub.addSite(kommun: "0380", name: nil, actor: "test"), to: fixture.directory.file("token"))
        let regionalServer = try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: regionalHub))
        expectExit(fixture.kaa.run(["register", anna, "--date", "2026-11-01", "--reason", "OKAND"]), 0)
        expectExit(fixture.kaa.run(["sync", "--hub", regionalServer.baseURL, "--token-file", fixture.directory.file("token")]), 0)
        expectExit(runHub(["init"], database: upper), 0)
        let added = runHub(["relay", "add", "uppsala", "--kommuner", "0380,0381"], database: upper)
        expectExit(added, 0)
        let lines = added.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("kaa_") == true, "the token is the only line: \(added.stdout)")
        try writeTokenFile(String(lines.first ?? ""), to: relayToken)
        let upperServer = try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: try Hub(path: upper)))
        return (regionalServer, upperServer)
    }

    @Test func forwardsOverHTTPAndTheCellsAreTheSameOnBothLevels() throws {
        let (_, upperServer) = try federation()
        let first = runHub(["forward", "--to", upperServer.baseURL, "--token-file", relayToken], database: regional)
        expectExit(first, 0)
        #expect(first.stdout.range(of: #"^vidarebefordrade 1 kommuner \(1 batcher, [1-9][0-9]* celler\)\n$"#, options: .regularExpression) != nil, "\(first)")
        #expect(first.stderr.contains("event=forwarded kommun=0380"))
        let below = runHub(["cells", "--exact", "--json", "--kommun", "0380"], database: regional).stdout
        let above = runHub(["cells", "--exact", "--json", "--kommun", "0380"], database: upper).stdout
        #expect(below == above && below.contains("in_kaa"))
        let quiet = runHub(["forward", "--to", upperServer.baseURL, "--token-file", relayToken], database: regional)
        expectExit(quiet, 0)
        #expect(quiet.stdout == "vidarebefordrade 1 kommuner (0 batcher, 0 celler)\n")
        let list = runHub(["site", "list"], database: upper)
        #expect(list.stdout.contains("[relä uppsala]"))
        let relays = runHub(["relay", "list", "--json"], database: upper)
        #expect(relays.stdout.contains("\"kommuner\" : [") && relays.stdout.contains("\"0380\""))
        // Privacy: the person's number reached neither hub.
        for path in [regional, upper] {
            #expect(FileManager.default.contents(atPath: path)?.range(of: Data(anna.utf8)) == nil)
        }
    }

    @Test func aWrongTokenExits65AnUnreachableHubAnotherRunOrAnOpenTokenFileAreRefused() throws {
        let (_, upperServer) = try federation()
        try writeTokenFile("kaa_wrong", to: fixture.directory.file("wrong"))
        let refused = runHub(["forward", "--to", upperServer.baseURL, "--token-file", fixture.directory.file("wrong")], database: regional)
        expectExit(refused, 65)
        #expect(refused.stderr.contains("relay rotate"), "\(refused.stderr)")
        let down = runHub(["forward", "--to", "http://127.0.0.1:9", "--token-file", relayToken, "--deadline", "1"], database: regional)
        expectExit(down, 75)
        #expect(down.stderr.contains("utkorgen är kvar"))
        // Another forward holds the lock: 75, nothing sent.
        let lock = try #require(try FileLock.tryLocking(regional + ".forward-lock"))
        let busy = runHub(["forward", "--to", upperServer.baseURL, "--token-file", relayToken], database: regional)
        withExtendedLifetime(lock) {}
        expectExit(busy, 75)
        #expect(busy.stderr.contains("pågår redan"))
        #expect(runHub(["cells", "--exact", "--json", "--kommun", "0380"], database: upper).stdout.contains("in_kaa") == false)
        #expect(chmod(relayToken, 0o644) == 0)
        let open = runHub(["forward", "--to", upperServer.baseURL, "--token-file", relayToken], database: regional)
        expectExit(open, 65)
        #expect(open.stderr.contains("chmod 600"))
    }

    @Test(arguments: [
        (["relay", "add", "uppsala"], Int32(64), "--kommuner"),
        (["relay", "add", "uppsala", "--kommuner", "0380,,0381"], 65, "tom kommunkod"),
        (["relay", "add", "uppsala", "--kommuner", "0380,0380"], 65, "två gånger"),
        (["relay", "add", "uppsala", "--kommuner", "0380;rm -rf"], 65, "okänd kommunkod"),
        (["relay", "add", "Uppsala län", "--kommuner", "0380"], 65, "a–z"),
        (["relay", "rotate", "finns-inte"], 65, "finns inte"),
        (["relay", "revoke", "finns-inte"], 65, "finns inte"),
        (["forward", "--token-file", "x"], 64, "--to"),
        (["forward", "--to", "ftp://hub", "--token-file", "x"], 65, "https://"),
        (["forward", "--to", "http://127.0.0.1:9", "--token-file", "/no/such/token"], 65, "kan inte läsa"),
        (["forward", "--to", "http://127.0.0.1:9", "--token-file", "x", "--deadline", "soon"], 65, "--deadline"),
    ])
    func refusesBadArguments(_ arguments: [String], _ code: Int32, _ message: String) throws {
        expectExit(runHub(["init"], database: upper), 0)
        let result = runHub(arguments, database: upper)
        expectExit(result, code)
        #expect(result.stderr.contains(message), "\(result)")
        #expect(try Hub(path: upper).relays().isEmpty && Hub(path: upper).sites().isEmpty, "nothing created")
    }

    /// A regional hub's forward killed (SIGKILL) after the hub above applied its batch and before
    /// the answer arrived: the next forward finds the batch applied (200), acknowledges it, and
    /// both levels hold the same cells; no new generation was needed.
    @Test func aForwardKilledMidwayLosesNothingAndTheNextRunFinishesIt() throws {
        let (_, _) = try federation()
        let holding = HoldingResponder(HubResponder(hub: try Hub(path: upper)))
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: holding)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable("kaa-hub"))
        process.arguments = ["--db", regional, "forward", "--to", server.baseURL, "--token-file", relayToken]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let applied = holding.applied.wait(timeout: .now() + 30)
        kill(process.processIdentifier, SIGKILL)
        holding.release.signal()
        process.waitUntilExit()
        #expect(applied == .success, "the hub above applied the batch before the kill")
        #expect(process.terminationReason == .uncaughtSignal)
        let outbox = try Hub(path: regional).forwardOutbox(kommun: "0380")
        #expect(try outbox.pendingBatches().count == 1, "the killed run never recorded the answer")
        let below = runHub(["cells", "--exact", "--json", "--kommun", "0380"], database: regional).stdout
        #expect(runHub(["cells", "--exact", "--json", "--kommun", "0380"], database: upper).stdout == below, "applied above before the kill")
        let next = runHub(["forward", "--to", server.baseURL, "--token-file", relayToken], database: regional)
        expectExit(next, 0)
        #expect(next.stderr.contains("status=200") && !next.stderr.contains("new_generation"), "\(next.stderr)")
        #expect(try outbox.pendingBatches().isEmpty)
        #expect(runHub(["cells", "--exact", "--json", "--kommun", "0380"], database: upper).stdout == below)
    }

    /// The same noise at every level: an upper hub whose config changed away from what its relay
    /// forwarded with refuses to start, naming the parameter.
    @Test func anUpperHubWithOtherNoiseParametersRefusesToStart() throws {
        let (_, upperServer) = try federation()
        expectExit(runHub(["forward", "--to", upperServer.baseURL, "--token-file", relayToken], database: regional), 0)
        let config = fixture.directory.file("upper.json")
        try Data(#"{"noiseMaximum": 3}"#.utf8).write(to: URL(fileURLWithPath: config))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable("kaa-hub"))
        process.arguments = ["--db", upper, "--config", config, "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Issue.record("kaa-hub serve started although its noise parameters differ from its relay's")
        }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 65)
        #expect(message.contains("noiseMaximum är 3 här men 2") && message.contains("uppsala"), "\(message)")
    }
}

/// A hub responder that, on the first batch upload, applies it and then holds the answer until
/// released (the moment to kill the client), signalling `applied` first.
final class HoldingResponder: HTTPResponder, @unchecked Sendable {
    let inner: HubResponder
    let applied = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var held = false

    init(_ inner: HubResponder) { self.inner = inner }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let response = inner.respond(to: request)
        guard request.method == "PUT", response.status == 201 else { return response }
        lock.lock()
        let first = !held
        held = true
        lock.unlock()
        if first {
            applied.signal()
            _ = release.wait(timeout: .now() + 30)
        }
        return response
    }

    func admit(_ head: HTTPRequest) -> HTTPResponse? { inner.admit(head) }
    func bodyHandling(for head: HTTPRequest) -> HTTPBodyHandling { inner.bodyHandling(for: head) }
}
