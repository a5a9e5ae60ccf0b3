import Foundation
import KAAHTTP
import KAAHTTPServer
import KAAHub
import KAATestFixtures
import Testing

/// A hub behind the real server, for attacks that need the transport.
struct LiveHub {
    let directory = TemporaryDirectory()
    let hub: Hub
    let token: String
    let server: HTTPServer

    init(options: HTTPServer.Options) throws {
        hub = try Hub(path: directory.file("hub.sqlite"), maxBodyBytes: options.maxBodyBytes)
        token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        server = try HTTPServer(host: "127.0.0.1", port: 0, responder: HubResponder(hub: hub), options: options)
    }

    static let batchPath = "/v1/sites/0380/batches/\(String(repeating: "a", count: 32))/1"
}

/// Memory: nobody can make the hub hold bodies it would refuse, and all bodies together are capped.
@Suite(.serialized) struct BufferedBodyTests {
    static func options() -> HTTPServer.Options {
        var options = HTTPServer.Options()
        options.maxBodyBytes = 256 << 10
        options.maxBufferedBodyBytes = 1 << 20
        return options
    }

    @Test func unauthenticatedUploadsAreRefusedBeforeAnyBodyByteIsRead() throws {
        let live = try LiveHub(options: Self.options())
        let before = residentKilobytes()
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        var connections: [RawTCPConnection] = []
        for index in 0..<50 {
            let connection = try RawTCPConnection(port: live.server.port)
            let token = index.isMultiple(of: 2) ? "" : "Authorization: Bearer kaa_wrong\r\n"
            connection.send("PUT \(LiveHub.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(token)Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n")
            connection.send(piece)
            connections.append(connection)
        }
        var statuses: [Int?] = []
        for connection in connections { statuses.append(firstStatus(in: connection.readUntilClosed().bytes)) }
        let after = residentKilobytes()
        print("unauthenticated uploads: 50 x 200 kB, rss_kb_before=\(before) rss_kb_after=\(after) body_bytes_read=\(live.server.bodyBytesReceived)")
        #expect(statuses.allSatisfy { $0 == 401 }, "\(statuses)")
        #expect(live.server.bodyBytesReceived == 0, "no body byte of an unauthenticated upload is read")
        #expect(live.server.peakBufferedBodyBytes == 0)
    }

    @Test func aBodyOnARouteThatTakesNoneIsNeverRead() throws {
        let live = try LiveHub(options: Self.options())
        let connection = try RawTCPConnection(port: live.server.port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 200000\r\n\r\n")
        connection.send([UInt8](repeating: 0x20, count: 32 << 10))
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 200)
        #expect(answer.closed)
        #expect(live.server.bodyBytesReceived == 0)
    }

    @Test func authenticatedUploadsPastTheSharedCapGet503WithRetryAfter() throws {
        let live = try LiveHub(options: Self.options())
        var connections: [RawTCPConnection] = []
        for _ in 0..<30 {
            // Headers only: each admitted upload holds its 200 kB reservation while it "sends".
            let connection = try RawTCPConnection(port: live.server.port, timeoutMilliseconds: 400)
            connection.send("PUT \(LiveHub.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(live.token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n")
            connections.append(connection)
        }
        var refused = 0
        var retryAfter = 0
        for connection in connections {
            let answer = connection.readUntilClosed()
            if firstStatus(in: answer.bytes) == 503 { refused += 1 }
            if String(decoding: answer.bytes, as: UTF8.self).lowercased().contains("retry-after: 5") { retryAfter += 1 }
        }
        print("authenticated uploads: 30 x 200 kB against a 1 MiB cap, peak_buffered=\(live.server.peakBufferedBodyBytes) refused_503=\(refused)")
        #expect(live.server.peakBufferedBodyBytes <= 1 << 20)
        #expect(refused >= 25 && refused == retryAfter, "5 fit in 1 MiB; the others are told to come back")
        connections.removeAll()
        // Closed connections give their reservations back.
        let deadline = monotonicSeconds() + 3
        while live.server.bufferedBodyBytes > 0, monotonicSeconds() < deadline { usleep(20_000) }
        #expect(live.server.bufferedBodyBytes == 0)
    }
}
