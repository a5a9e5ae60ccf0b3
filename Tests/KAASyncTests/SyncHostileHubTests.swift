import Foundation
import KAACore
import KAAHTTP
import KAARegister
@testable import KAASync
import KAATestFixtures
import Testing

/// A hub that answers the first `count` requests its own way, then passes requests on.
///
/// `@unchecked Sendable`: used from the test's one thread.
final class ScriptedHTTPClient: HTTPClient, @unchecked Sendable {
    private let next: any HTTPClient
    private var remaining: Int
    private let answer: () throws(HTTPClientError) -> HTTPResponse
    private(set) var requests = 0

    init(next: any HTTPClient, count: Int, answer: @escaping () throws(HTTPClientError) -> HTTPResponse) {
        self.next = next
        self.remaining = count
        self.answer = answer
    }

    func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse {
        requests += 1
        guard remaining > 0 else { return try next.send(request) }
        remaining -= 1
        return try answer()
    }
}

/// The client does not trust the hub: its waits, its answers' sizes and its words are bounded.
@Suite struct SyncHostileHubTests {
    func client(_ fixture: SyncFixture, http: any HTTPClient, deadline: Double = 600) -> SyncClient {
        SyncClient(register: fixture.register, http: http,
                   options: SyncClient.Options(hubURL: "http://hub.test", token: fixture.token, deadlineSeconds: deadline),
                   now: { [unowned fixture] in fixture.clock }, sleep: { [unowned fixture] in fixture.sleeps.append($0); fixture.clock += $0 },
                   random: { 0 }, log: { [unowned fixture] in fixture.log.append($0) })
    }

    @Test(arguments: ["0", "-1", "abc", "", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT"])
    func aRetryAfterOfZeroNegativeOrGarbageStillWaits(_ value: String) throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(3)
        let http = ScriptedHTTPClient(next: fixture.http, count: 20) { HTTPResponse(status: 503, headers: ["Retry-After": value]) }
        _ = try client(fixture, http: http).run()
        #expect(fixture.sleeps.count == 20)
        #expect(fixture.sleeps.allSatisfy { $0 >= 1 }, "every retry waits at least a second: \(fixture.sleeps)")
        try fixture.expectHubMatchesRegister()
    }

    @Test func aRetryAfterPastTheDeadlineGivesUpAtOnceAndSaysSo() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(3)
        let http = ScriptedHTTPClient(next: fixture.http, count: 1_000) { HTTPResponse(status: 429, headers: ["Retry-After": "999999999"]) }
        do {
            _ = try client(fixture, http: http, deadline: 60).run()
            Issue.record("expected exit 75")
        } catch {
            #expect(error.exitCode == 75)
            #expect(error.description.contains("999999999 s"), "\(error)")
        }
        #expect(fixture.sleeps.isEmpty && http.requests == 1, "no waiting past the deadline, no hammering")
    }

    @Test(arguments: [
        "{\"error\":\"bad \\u001b[31mred\\u001b[0m \\u0000nul \\u202eevil\\u202c \\r\\nX-Injected: 1\"}",
        "{\"error\":\"" + String(repeating: "lång förklaring ", count: 400) + "\"}",
        "<html><body>SECRET proxy page 20080101-2386 " + String(repeating: "x", count: 5_000) + "</body></html>",
    ])
    func theHubsBodyIsNeverEchoedIntoTheMessage(_ body: String) throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(3)
        let http = ScriptedHTTPClient(next: fixture.http, count: 1_000) { HTTPResponse(status: 400, body: Array(body.utf8)) }
        do {
            _ = try client(fixture, http: http).run()
            Issue.record("expected a refusal")
        } catch {
            let message = error.description
            #expect(error.exitCode == 65)
            #expect(message.contains("HTTP 400"), "\(message)")
            #expect(message.count < 300, "short: \(message.count) characters")
            #expect(!message.contains("SECRET") && !message.contains("20080101") && !message.contains("<html"), "\(message)")
            #expect(message.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) || "åäöÅÄÖéÉ…".unicodeScalars.contains($0) },
                    "only printable characters: \(message.debugDescription)")
        }
        #expect(fixture.log.allSatisfy { !$0.contains("SECRET") && !$0.contains("\u{1B}") })
    }

    @Test func aShortReasonIsShownCleaned() {
        #expect(SyncClient.sanitisedReason(Array("{\"error\":\"okänd tabell \\u001b[2J x\"}".utf8)) == "okänd tabell [2J x")
        #expect(SyncClient.sanitisedReason(Array("not json".utf8)) == nil)
        #expect(SyncClient.sanitisedReason(Array("{\"error\":\"\\u0007\\u0008\"}".utf8)) == nil)
    }

    @Test func anOversizedAnswerExits1AndIsNotRetried() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(3)
        let http = ScriptedHTTPClient(next: fixture.http, count: 1_000) { () throws(HTTPClientError) -> HTTPResponse in
            throw HTTPClientError("GET http://hub.test/v1/sites/0380/state: svaret är större än 16777216 byte; överföringen avbröts", kind: .responseTooLarge)
        }
        do {
            _ = try client(fixture, http: http).run()
            Issue.record("expected a failure")
        } catch {
            #expect(error.exitCode == 1, "retrying would fetch the same answer: \(error)")
            #expect(error.description.contains("större än"))
        }
        #expect(http.requests == 1 && fixture.sleeps.isEmpty)
    }
}
