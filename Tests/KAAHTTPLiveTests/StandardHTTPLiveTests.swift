import Foundation
import KAACore
import KAAHTTP
import KAAHTTPServer
import KAAHub
import KAAProtocol
import KAATestFixtures
import KAAZlib
import Testing

/// One raw HTTP/1.1 exchange, `Connection: close`: the status, the headers (lowercased names) and
/// exactly the bytes after the head, so that a body where none belongs is seen.
private struct RawAnswer {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    init?(_ bytes: [UInt8]) {
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: Array("\r\n\r\n".utf8)) }),
              let status = firstStatus(in: bytes) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n").dropFirst()
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.status = status
        self.headers = headers
        body = Array(bytes[(end + 4)...])
    }
}

/// A hub with two reporting kommuner served by libmicrohttpd on 127.0.0.1.
private struct StandardHTTPServer {
    let directory = TemporaryDirectory()
    let hub: Hub
    let server: HTTPServer

    init() throws {
        hub = try Hub(path: directory.file("hub.sqlite"))
        let responder = HubResponder(hub: hub)
        for (kommun, count) in [("0380", 30), ("0381", 12)] {
            let token = try hub.addSite(kommun: kommun, name: nil, actor: "test")
            var cells: [Cell] = []
            for sex in ["K", "M"] {
                for age in ["16", "17", "18", "19"] {
                    cells.append(Cell(table: .inKAA, period: .month(year: 2026, month: 11), dims: Dims(["age": age, "sex": sex]), n: count, ck: UInt32(count * 7919)))
                    cells.append(Cell(table: .population, period: .month(year: 2026, month: 11), dims: Dims(["age": age, "sex": sex]), n: count * 8, ck: 17))
                }
            }
            let batch = Batch(kommun: kommun, generation: String(repeating: "c3", count: 16), seq: 1, kind: .snapshot, previousDigest: StateDigest.empty,
                              digest: StateDigest.digest(Set(cells)), sealedAt: "2026-11-23T02:00:00Z", cells: cells)
            let body = batch.encoded()
            let applied = responder.respond(to: HTTPRequest(method: "PUT", path: "/v1/sites/\(kommun)/batches/\(batch.generation)/1",
                                                            headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json",
                                                                      "Content-Digest": ContentDigest.header(for: body)], body: body))
            guard applied.status == 201 else { throw HTTPClientError("the fixture's batch was refused: \(applied.status)") }
        }
        server = try HTTPServer(host: "127.0.0.1", port: 0, responder: responder)
    }

    func exchange(_ method: String, _ target: String, headers: [String] = []) throws -> RawAnswer {
        let connection = try RawTCPConnection(port: server.port)
        let head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n"
        #expect(connection.send(head))
        let (bytes, closed) = connection.readUntilClosed()
        #expect(closed, "the server closes after a Connection: close exchange")
        return try #require(RawAnswer(bytes), "\(String(decoding: bytes.prefix(200), as: UTF8.self))")
    }
}

/// The standard HTTP rules over a real socket (issue #17): what libmicrohttpd puts on the wire.
@Suite struct StandardHTTPLiveTests {
    @Test func headSendsGETsHeadersAndLengthButNoBody() throws {
        let fixture = try StandardHTTPServer()
        let get = try fixture.exchange("GET", "/v1/published?period=2026-11")
        let head = try fixture.exchange("HEAD", "/v1/published?period=2026-11")
        #expect(get.status == 200 && head.status == 200)
        #expect(!get.body.isEmpty)
        #expect(head.body.isEmpty, "no body after a HEAD answer's head")
        #expect(head.headers["content-length"] == "\(get.body.count)")
        #expect(head.headers["etag"] == get.headers["etag"])
        #expect(head.headers["last-modified"] == get.headers["last-modified"])
        #expect(head.headers["content-type"] == "application/json")
    }

    @Test func a304HasNoBodyAndKeepsTheValidators() throws {
        let fixture = try StandardHTTPServer()
        let get = try fixture.exchange("GET", "/v1/published?period=2026-11")
        let etag = try #require(get.headers["etag"])
        let lastModified = try #require(get.headers["last-modified"])
        for condition in ["If-None-Match: \(etag)", "If-Modified-Since: \(lastModified)"] {
            let answer = try fixture.exchange("GET", "/v1/published?period=2026-11", headers: [condition])
            #expect(answer.status == 304, "\(condition)")
            #expect(answer.body.isEmpty)
            #expect(answer.headers["etag"] == etag)
            #expect(answer.headers["cache-control"] == get.headers["cache-control"])
        }
        let garbage = try fixture.exchange("GET", "/v1/published?period=2026-11", headers: ["If-None-Match: \u{7f}zz", "If-Modified-Since: not a date"])
        #expect(garbage.status == 200)
    }

    @Test func gzipOverTheWireInflatesToTheIdentityBody() throws {
        let fixture = try StandardHTTPServer()
        let plain = try fixture.exchange("GET", "/v1/published?period=2026-11")
        let zipped = try fixture.exchange("GET", "/v1/published?period=2026-11", headers: ["Accept-Encoding: gzip, deflate"])
        #expect(zipped.headers["content-encoding"] == "gzip")
        #expect(zipped.headers["vary"] == "Accept-Encoding")
        #expect(zipped.headers["content-length"] == "\(zipped.body.count)")
        #expect(zipped.body.count < plain.body.count)
        #expect(try Gzip.decompress(zipped.body) == plain.body)
        let huge = try fixture.exchange("GET", "/v1/published?period=2026-11", headers: ["Accept-Encoding: " + String(repeating: "br, ", count: 2000) + "gzip"])
        #expect(huge.status == 200 || huge.status == 431, "a huge header is answered, never a crash")
    }

    @Test func corsPreflightAndTheAllowOriginHeader() throws {
        let fixture = try StandardHTTPServer()
        let preflight = try fixture.exchange("OPTIONS", "/v1/published",
                                             headers: ["Origin: https://example.org", "Access-Control-Request-Method: GET"])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "*")
        #expect(preflight.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS")
        #expect(preflight.body.isEmpty)
        #expect(try fixture.exchange("GET", "/v1/kommuner").headers["access-control-allow-origin"] == "*")
    }

    @Test func problemsRepeatsLongURLsAndBrowserPaths() throws {
        let fixture = try StandardHTTPServer()
        let repeated = try fixture.exchange("GET", "/v1/published?period=2026-11&period=2026-10")
        #expect(repeated.status == 400)
        #expect(repeated.headers["content-type"] == "application/problem+json")
        let long = try fixture.exchange("GET", "/v1/published?period=2026-11&table=" + String(repeating: "x", count: 6000))
        #expect(long.status == 414)
        // Longer than libmicrohttpd's buffer: refused by it, still never a 2xx.
        let huge = try fixture.exchange("GET", "/v1/published?period=2026-11&table=" + String(repeating: "x", count: 70_000))
        #expect(huge.status == 414 || huge.status == 431, "\(huge.status)")
        let favicon = try fixture.exchange("GET", "/favicon.ico")
        #expect(favicon.status == 404)
        #expect(favicon.headers["content-type"] == "text/html; charset=utf-8")
    }
}
