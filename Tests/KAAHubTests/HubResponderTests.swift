import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAAProtocol
import KAATestFixtures
import Synchronization
import Testing

/// A hub on a temp database with one enrolled kommun, called in-process.
struct HubFixture {
    let directory: TemporaryDirectory
    let hub: Hub
    let responder: HubResponder
    let token: String
    let kommun = "0380"

    init(maxBodyBytes: Int = 4 << 20) throws {
        directory = TemporaryDirectory()
        hub = try Hub(path: directory.file("hub.sqlite"), maxBodyBytes: maxBodyBytes)
        // Every commit of another process seen at once (tests of the cache open a second Hub).
        responder = HubResponder(hub: hub, externalChangeDelay: 0)
        token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
    }

    /// A fixture around a hub made by the test (its own clock, say), with 0380's token.
    init(directory: TemporaryDirectory, hub: Hub, token: String) {
        self.directory = directory
        self.hub = hub
        responder = HubResponder(hub: hub, externalChangeDelay: 0)
        self.token = token
    }

    static let generationA = String(repeating: "a1", count: 16)
    static let generationB = String(repeating: "b2", count: 16)

    func put(_ batch: Batch, token: String? = nil, body: [UInt8]? = nil, headers: [String: String] = [:], path: String? = nil) -> HTTPResponse {
        let bytes = body ?? batch.encoded()
        var allHeaders = ["Authorization": "Bearer \(token ?? self.token)", "Content-Type": "application/json",
                          "Content-Digest": ContentDigest.header(for: bytes)]
        for (key, value) in headers { allHeaders[key] = value }
        return responder.respond(to: HTTPRequest(method: "PUT", path: path ?? "/v1/sites/\(batch.kommun)/batches/\(batch.generation)/\(batch.seq)",
                                                 headers: allHeaders, body: bytes))
    }

    func state(token: String? = nil, kommun: String = "0380") throws -> [String: Any] {
        let response = responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/\(kommun)/state",
                                                         headers: ["Authorization": "Bearer \(token ?? self.token)"]))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func exact() throws -> Set<Cell> {
        Set(try hub.exactCells(kommun: kommun).map(\.cell))
    }
}

func c(_ table: CellTable, _ period: String, _ dims: [String: String], _ n: Int, _ ck: UInt32 = 11) -> Cell {
    Cell(table: table, period: Period(period) ?? .month(year: 2000, month: 1), dims: Dims(dims), n: n, ck: ck)
}

/// A batch from a previous state to a new one, as the client seals it.
func makeBatch(_ generation: String, _ seq: Int, from before: Set<Cell>, to after: Set<Cell>, kommun: String = "0380") -> Batch {
    var changes: [Cell] = []
    if seq == 1 {
        changes = Array(after)
    } else {
        let beforeByKey = Dictionary(uniqueKeysWithValues: before.map { ($0.key, $0) })
        let afterByKey = Dictionary(uniqueKeysWithValues: after.map { ($0.key, $0) })
        for (key, cell) in afterByKey where beforeByKey[key] != cell { changes.append(cell) }
        for (key, cell) in beforeByKey where afterByKey[key] == nil {
            changes.append(Cell(table: cell.table, period: cell.period, dims: cell.dims, n: 0, ck: 0))
        }
    }
    return Batch(kommun: kommun, generation: generation, seq: seq, kind: seq == 1 ? .snapshot : .changes,
                 previousDigest: seq == 1 ? StateDigest.empty : StateDigest.digest(before), digest: StateDigest.digest(after),
                 sealedAt: "2026-11-23T02:00:00Z", cells: changes)
}

let state1: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 3), c(.new, "2026-11", ["sex": "K"], 2), c(.population, "2026-11", ["age": "17", "sex": "K"], 40)]
let state2: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 4, 99), c(.population, "2026-11", ["age": "17", "sex": "K"], 40),
                         c(.deregistered, "2026-11", ["reason": "FLYTTAT"], 1)]

@Suite struct HubProtocolTests {
    @Test func aNewSiteHasAnEmptyState() throws {
        let fixture = try HubFixture()
        let state = try fixture.state()
        #expect(state["generation"] is NSNull)
        #expect(state["last_seq"] as? Int == 0)
        #expect(state["digest"] as? String == StateDigest.empty)
        #expect(state["catalogue_versions"] as? [Int] == [1])
    }

    @Test func appliesASnapshotThenChangesAndTheStateMatches() throws {
        let fixture = try HubFixture()
        let first = makeBatch(HubFixture.generationA, 1, from: [], to: state1)
        #expect(fixture.put(first).status == 201)
        #expect(try fixture.exact() == state1)
        let second = makeBatch(HubFixture.generationA, 2, from: state1, to: state2)
        #expect(fixture.put(second).status == 201)
        #expect(try fixture.exact() == state2)
        let state = try fixture.state()
        #expect(state["generation"] as? String == HubFixture.generationA)
        #expect(state["last_seq"] as? Int == 2)
        #expect(state["digest"] as? String == StateDigest.digest(state2))
    }

    @Test func theSameBatchTwiceIsHarmlessAndAnotherBodyForTheSameSeqIs422() throws {
        let fixture = try HubFixture()
        let first = makeBatch(HubFixture.generationA, 1, from: [], to: state1)
        #expect(fixture.put(first).status == 201)
        #expect(fixture.put(first).status == 200)
        let other = makeBatch(HubFixture.generationA, 1, from: [], to: state2)
        #expect(fixture.put(other).status == 422)
        #expect(try fixture.exact() == state1)
    }

    @Test func aGapAnUnknownGenerationOrAWrongPreviousDigestIs409WithWhatTheHubExpects() throws {
        let fixture = try HubFixture()
        #expect(fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: state1)).status == 201)
        let gap = fixture.put(makeBatch(HubFixture.generationA, 3, from: state1, to: state2))
        #expect(gap.status == 409)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(gap.body)) as? [String: Any])
        #expect(body["expected_seq"] as? Int == 2)
        #expect(body["expected_generation"] as? String == HubFixture.generationA)
        #expect(body["digest"] as? String == StateDigest.digest(state1))
        #expect(fixture.put(makeBatch(HubFixture.generationB, 2, from: state1, to: state2)).status == 409)
        let wrongPrevious = makeBatch(HubFixture.generationA, 2, from: state2, to: state1)
        #expect(fixture.put(wrongPrevious).status == 409)
        #expect(try fixture.exact() == state1)
    }

    @Test func aNewGenerationsSnapshotReplacesTheWholeState() throws {
        let fixture = try HubFixture()
        #expect(fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: state1)).status == 201)
        #expect(fixture.put(makeBatch(HubFixture.generationB, 1, from: [], to: state2)).status == 201)
        #expect(try fixture.exact() == state2)
        #expect(try fixture.state()["generation"] as? String == HubFixture.generationB)
    }

    @Test func batchesArrivingTogetherShareACommitButFailAlone() throws {
        // Twenty kommuner upload at once (group commit); one sends cells that miss its digest.
        let fixture = try HubFixture()
        let kommuner = Kommuner.all.keys.sorted().filter { $0 != fixture.kommun }.prefix(20).map { $0 }
        var tokens: [String: String] = [:]
        for kommun in kommuner { tokens[kommun] = try fixture.hub.addSite(kommun: kommun, name: nil, actor: "test") }
        let liar = kommuner[7]
        let statuses = Mutex<[String: Int]>([:])
        let responder = fixture.responder
        let tokensByKommun = tokens
        DispatchQueue.concurrentPerform(iterations: kommuner.count) { index in
            let kommun = kommuner[index]
            var batch = makeBatch(HubFixture.generationA, 1, from: [], to: state1, kommun: kommun)
            if kommun == liar {
                batch = Batch(kommun: kommun, generation: batch.generation, seq: 1, kind: .snapshot, previousDigest: batch.previousDigest,
                              digest: StateDigest.digest(state2), sealedAt: batch.sealedAt, cells: batch.cells)
            }
            let bytes = batch.encoded()
            let status = responder.respond(to: HTTPRequest(
                method: "PUT", path: "/v1/sites/\(kommun)/batches/\(batch.generation)/1",
                headers: ["Authorization": "Bearer \(tokensByKommun[kommun] ?? "")", "Content-Type": "application/json",
                          "Content-Digest": ContentDigest.header(for: bytes)], body: bytes)).status
            statuses.withLock { $0[kommun] = status }
        }
        let answered = statuses.withLock { $0 }
        #expect(answered[liar] == 422)
        #expect(answered.filter { $0.key != liar }.values.allSatisfy { $0 == 201 }, "\(answered)")
        for kommun in kommuner {
            #expect(try fixture.state(token: tokens[kommun], kommun: kommun)["last_seq"] as? Int == (kommun == liar ? 0 : 1), "\(kommun)")
        }
        #expect(try fixture.hub.exactCells(kommun: liar).isEmpty)
        #expect(try fixture.hub.exactCells(kommun: kommuner[0]).count == state1.count)
    }

    @Test func aBatchWhoseCellsDoNotReachItsDigestChangesNothing() throws {
        let fixture = try HubFixture()
        #expect(fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: state1)).status == 201)
        let honest = makeBatch(HubFixture.generationA, 2, from: state1, to: state2)
        let lying = Batch(kommun: "0380", generation: honest.generation, seq: 2, kind: .changes, previousDigest: honest.previousDigest,
                          digest: StateDigest.digest(state1.union([c(.contacted, "2026-11", ["sex": "M"], 9)])), sealedAt: honest.sealedAt, cells: honest.cells)
        let response = fixture.put(lying)
        #expect(response.status == 422)
        #expect(try fixture.exact() == state1)
        #expect(try fixture.state()["last_seq"] as? Int == 1)
    }
}

@Suite struct HubSecurityTests {
    @Test func tokensAuthenticateOnlyTheirOwnSite() throws {
        let fixture = try HubFixture()
        let other = try fixture.hub.addSite(kommun: "0381", name: nil, actor: "test")
        let batch = makeBatch(HubFixture.generationA, 1, from: [], to: state1)
        #expect(fixture.put(batch, token: "kaa_wrong").status == 401)
        #expect(fixture.put(batch, token: other).status == 403, "0381's token on 0380's site")
        let noAuth = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/state"))
        #expect(noAuth.status == 401)
        #expect(noAuth.header("WWW-Authenticate") == "Bearer")
        #expect(try fixture.exact().isEmpty)
    }

    @Test func rotationAndRevocationStopTheOldToken() throws {
        let fixture = try HubFixture()
        let batch = makeBatch(HubFixture.generationA, 1, from: [], to: state1)
        let rotated = try fixture.hub.rotate(kommun: "0380", actor: "test")
        #expect(fixture.put(batch).status == 401, "the old token stopped working")
        #expect(fixture.put(batch, token: rotated).status == 201)
        try fixture.hub.revoke(kommun: "0380", actor: "test")
        #expect(fixture.put(batch, token: rotated).status == 401)
        #expect(throws: HubError.self) { try fixture.hub.revoke(kommun: "0999", actor: "test") }
        #expect(throws: HubError.self) { try fixture.hub.addSite(kommun: "0380", name: nil, actor: "test") }
        #expect(throws: HubError.self) { try fixture.hub.addSite(kommun: "9999", name: nil, actor: "test") }
    }

    @Test func tokensAreStoredOnlyAsHashes() throws {
        let fixture = try HubFixture()
        let database = try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("hub.sqlite")))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("hub.sqlite-wal")))) ?? Data()
        #expect(database.range(of: Data(fixture.token.utf8)) == nil && wal.range(of: Data(fixture.token.utf8)) == nil)
    }

    static let hostile: [(String, Int)] = [
        ("malformed JSON", 400), ("wrong kommun in body", 400), ("unknown table", 400), ("unknown code", 400), ("negative n", 400),
        ("over the size limit", 413), ("wrong Content-Digest", 400), ("no Content-Digest", 400), ("not JSON", 415),
        ("seq in URL differs", 400), ("seq gap", 409), ("replayed seq with different content", 422), ("GET on batches", 405),
    ]

    @Test(arguments: hostile)
    func hostileRequestsAreRefusedAndChangeNothing(_ attack: String, _ status: Int) throws {
        let fixture = try HubFixture(maxBodyBytes: 2000)
        #expect(fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: state1)).status == 201)
        let stateBefore = try fixture.state()
        let cellsBefore = try fixture.exact()
        let next = makeBatch(HubFixture.generationA, 2, from: state1, to: state2)
        let text = String(decoding: next.encoded(), as: UTF8.self)
        let response: HTTPResponse
        switch attack {
        case "malformed JSON": response = fixture.put(next, body: Array("{\"cells\": [".utf8))
        case "wrong kommun in body":
            response = fixture.put(next, body: Array(text.replacingOccurrences(of: "\"kommun\":\"0380\"", with: "\"kommun\":\"0381\"").utf8))
        case "unknown table": response = fixture.put(next, body: Array(text.replacingOccurrences(of: "\"deregistered\"", with: "\"people\"").utf8))
        case "unknown code": response = fixture.put(next, body: Array(text.replacingOccurrences(of: "FLYTTAT", with: "SJUK").utf8))
        case "negative n": response = fixture.put(next, body: Array(text.replacingOccurrences(of: "\"n\":1,", with: "\"n\":-1,").utf8))
        case "over the size limit":
            response = fixture.put(next, body: Array(text.utf8) + Array(repeating: UInt8(ascii: " "), count: 3000))
        case "wrong Content-Digest": response = fixture.put(next, headers: ["Content-Digest": ContentDigest.header(for: Array("x".utf8))])
        case "no Content-Digest":
            response = fixture.responder.respond(to: HTTPRequest(method: "PUT", path: "/v1/sites/0380/batches/\(next.generation)/2",
                                                                 headers: ["Authorization": "Bearer \(fixture.token)", "Content-Type": "application/json"],
                                                                 body: next.encoded()))
        case "not JSON": response = fixture.put(next, headers: ["Content-Type": "text/plain"])
        case "seq in URL differs": response = fixture.put(next, path: "/v1/sites/0380/batches/\(next.generation)/7")
        case "seq gap": response = fixture.put(makeBatch(HubFixture.generationA, 3, from: state1, to: state2))
        case "replayed seq with different content": response = fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: state2))
        default:
            response = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/batches/\(next.generation)/2",
                                                                 headers: ["Authorization": "Bearer \(fixture.token)"]))
        }
        #expect(response.status == status, "\(attack): \(String(decoding: response.body, as: UTF8.self))")
        #expect(try fixture.exact() == cellsBefore, "\(attack) changed the cells")
        let stateAfter = try fixture.state()
        #expect(stateAfter["digest"] as? String == stateBefore["digest"] as? String)
        #expect(stateAfter["last_seq"] as? Int == 1)
        if status != 405 {
            #expect(try fixture.hub.sites().first?.rejects ?? 0 >= 1, "the refusal is counted for the operator")
        }
    }

    @Test func unknownPathsAre404AndHealthzAnswers() throws {
        let fixture = try HubFixture()
        #expect(fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/nothing")).status == 404)
        #expect(fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/ABCD/state")).status == 404)
        #expect(fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/healthz")).status == 200)
    }
}

/// The hub's answers are the protocol's wire bodies, byte for byte (docs/sync-protocol.md).
@Suite struct HubWireBytesTests {
    @Test func stateConflictAndErrorBodiesKeepTheirBytes() throws {
        let fixture = try HubFixture()
        let state = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/state",
                                                              headers: ["Authorization": "Bearer \(fixture.token)"]))
        #expect(String(decoding: state.body, as: UTF8.self)
            == #"{"catalogue_versions":[1],"digest":"\#(StateDigest.empty)","generation":null,"last_seq":0}"#)
        #expect(state.header("Content-Type") == "application/json")
        let gap = fixture.put(makeBatch(HubFixture.generationA, 2, from: [], to: state1))
        #expect(gap.status == 409)
        #expect(String(decoding: gap.body, as: UTF8.self) == #"{"digest":"\#(StateDigest.empty)","expected_generation":null,"expected_seq":1}"#)
        let applied = fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: state1))
        #expect(String(decoding: applied.body, as: UTF8.self)
            == #"{"digest":"\#(StateDigest.digest(state1))","generation":"\#(HubFixture.generationA)","seq":1}"#)
        let unauthenticated = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/state"))
        #expect(String(decoding: unauthenticated.body, as: UTF8.self) == #"{"error":"a valid bearer token is required"}"#)
    }
}
