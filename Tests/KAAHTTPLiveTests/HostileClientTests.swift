#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KAAHTTP
@testable import KAAHTTPServer
import KAATestFixtures
import Testing

/// The resident set size of this process in kB (from /proc), for the figures of the note.
func residentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return -1 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// One request from `source`, answered within `milliseconds`: the status, or nil (refused,
/// closed without an answer, or too slow).
func probe(port: UInt16, from source: String, path: String = "/healthz", milliseconds: Int = 300) -> Int? {
    guard let connection = try? RawTCPConnection(port: port, timeoutMilliseconds: milliseconds, source: source) else { return nil }
    guard connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") else { return nil }
    return firstStatus(in: connection.readUntilClosed().bytes)
}

/// Ambiguous framing is refused with 400 and the connection closed (design §9: the hub may sit
/// behind a proxy, and a request two parsers read differently is request smuggling).
@Suite(.serialized) struct StrictFramingTests {
    static let cases: [(String, String)] = [
        ("two different Content-Lengths", "PUT /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello12"),
        ("Content-Length with Transfer-Encoding", "PUT /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        ("HTTP/1.1 without Host", "GET /x HTTP/1.1\r\nAccept: */*\r\n\r\n"),
        ("a bare CR in a header value", "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\rb\r\nConnection: close\r\n\r\n"),
    ]

    @Test(arguments: cases)
    func ambiguousFramingIs400AndClosed(_ name: String, _ request: String) throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: BodyLengthResponder())
        let connection = try RawTCPConnection(port: server.port)
        #expect(connection.send(request))
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 400, "\(name): \(String(decoding: answer.bytes.prefix(60), as: UTF8.self))")
        #expect(answer.closed, "\(name): the connection is closed")
    }

    /// libmicrohttpd 0.9.75 ends a header value at a NUL (it measures values with strlen) before the
    /// server sees it, so the server cannot tell and answers; from 0.9.77 its client discipline
    /// refuses the request itself, and `framingProblem` refuses any NUL it is shown.
    @Test func aNULInAHeaderValueIs400AndClosed() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: HeaderEchoResponder())
        let connection = try RawTCPConnection(port: server.port)
        #expect(connection.send("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\u{0}b\r\nConnection: close\r\n\r\n"))
        let answer = connection.readUntilClosed()
        // Whatever the version: no NUL ever reaches the application.
        #expect(!String(decoding: answer.bytes, as: UTF8.self).contains("\u{0}"))
        withKnownIssue("libmicrohttpd 0.9.75 (Debian 12) cuts the value at the NUL before the server sees it") {
            #expect(firstStatus(in: answer.bytes) == 400)
        }
        #expect(framingProblem([("Host", Array("h".utf8)), ("X-Note", [97, 0, 98])], version: "HTTP/1.1") != nil)
    }

    @Test func aPlainRequestIsStillServed() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: BodyLengthResponder())
        let connection = try RawTCPConnection(port: server.port)
        #expect(connection.send("PUT /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"))
        #expect(firstStatus(in: connection.readUntilClosed().bytes) == 200)
    }
}

/// Answers with the X-Note header as the application got it.
struct HeaderEchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest) -> HTTPResponse {
        .text(200, request.header("X-Note") ?? "")
    }
}

/// Lock-out: a slowloris from one address cannot keep other clients out (127.0.0.2 attacks,
/// 127.0.0.3 probes; Linux routes all of 127.0.0.0/8 to lo).
@Suite(.serialized) struct SlowlorisTests {
    /// Opens `count` connections from `source` that have sent the start of a request line.
    static func attack(_ port: UInt16, count: Int, from source: String = "127.0.0.2") -> [RawTCPConnection] {
        (0..<count).compactMap { _ in
            guard let connection = try? RawTCPConnection(port: port, timeoutMilliseconds: 200, source: source) else { return nil }
            connection.send("GET /healthz HTTP/1.1\r\nHo")
            return connection
        }
    }

    @Test func oneAddressCannotTakeEveryConnectionWithTheDefaults() throws {
        var options = HTTPServer.Options()
        options.connectionLimit = 100
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: BodyLengthResponder(), options: options)
        let attackers = Self.attack(server.port, count: 120)
        usleep(200_000)
        let started = monotonicSeconds()
        let status = probe(port: server.port, from: "127.0.0.3", milliseconds: 1000)
        let waited = monotonicSeconds() - started
        print("slowloris 120 connections from 127.0.0.2, connection limit 100: probe status=\(status.map(String.init) ?? "none") after \(waited) s")
        #expect(status == 200)
        #expect(waited < 1)
        withExtendedLifetime(attackers) {}
    }

    @Test func aTrickledHeadIsCutOffAtItsDeadline() throws {
        var options = HTTPServer.Options()
        options.connectionLimit = 20
        options.perIPConnectionLimit = 0
        options.headerTimeoutSeconds = 1
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: BodyLengthResponder(), options: options)
        let attackers = Self.attack(server.port, count: 30)
        let started = monotonicSeconds()
        var servedAfter: Double?
        var lastTrickle = 0.0
        while monotonicSeconds() - started < 6 {
            // A byte every 250 ms: far inside the 30 s idle timeout, so only the deadline helps.
            if monotonicSeconds() - lastTrickle > 0.25 {
                for attacker in attackers { attacker.send("s") }
                lastTrickle = monotonicSeconds()
            }
            if probe(port: server.port, from: "127.0.0.3", milliseconds: 100) == 200 {
                servedAfter = monotonicSeconds() - started
                break
            }
            usleep(50_000)
        }
        print("slowloris 30 connections trickling, limit 20, header deadline 1 s: probe served after \(servedAfter.map { "\($0)" } ?? "never (6 s)") s, cut off=\(server.connectionsPastHeaderDeadline)")
        let served = try #require(servedAfter, "the probe is served once the trickled heads pass their deadline")
        #expect(served < 2.5)
        // How many of the 30 got in at first varies (libmicrohttpd shares the limit among its pool's
        // threads); the rest wait in the listen backlog and get their own deadline once accepted.
        // Trickling on for 2.5 s more, none of them may still be open.
        let trickleUntil = monotonicSeconds() + 2.5
        while monotonicSeconds() < trickleUntil {
            for attacker in attackers { attacker.send("s") }
            usleep(250_000)
        }
        #expect(server.connectionsPastHeaderDeadline >= 10)
        #expect(attackers.allSatisfy { $0.readUntilClosed().closed }, "no trickling connection is still open")
    }
}
