import Foundation
import KAACurl
import KAAHTTP
import KAAHTTPServer
import KAATestFixtures
import Testing

/// Answers every request with its body's length, so a test sees what reached the application.
struct BodyLengthResponder: HTTPResponder {
    func respond(to request: HTTPRequest) -> HTTPResponse {
        .text(200, "\(request.body.count)\n")
    }
}

/// The server's body limit, measured: what the server read (its own counter of body bytes handed
/// to it by libmicrohttpd) and what the client could still send (from the socket side).
@Suite(.serialized) struct BodyLimitTests {
    static let limit = 1000

    func makeServer() throws -> HTTPServer {
        var options = HTTPServer.Options()
        options.maxBodyBytes = Self.limit
        return try HTTPServer(host: "127.0.0.1", port: 0, responder: BodyLengthResponder(), options: options)
    }

    static let batchPath = "/v1/sites/0380/batches/\(String(repeating: "a", count: 32))/1"

    @Test func answers413FromContentLengthBeforeAnyBodyByteIsSent() throws {
        let server = try makeServer()
        let connection = try RawTCPConnection(port: server.port)
        #expect(connection.send("PUT \(Self.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n"))
        // Not one body byte sent: a server that waits for the body answers nothing before the timeout.
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 413)
        #expect(String(decoding: answer.bytes, as: UTF8.self).lowercased().contains("connection: close"))
        #expect(answer.closed, "the server closes the connection instead of reading the 100 MB")
        // The client keeps sending: the closed connection refuses it long before 4 MiB.
        let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 65_536)
        var piecesAccepted = 0
        while piecesAccepted < 64, connection.send(piece) { piecesAccepted += 1 }
        #expect(piecesAccepted < 64)
        #expect(server.bodyBytesReceived == 0)
    }

    @Test func answersExpectContinueOverTheLimitWith413AndNo100() throws {
        let server = try makeServer()
        let connection = try RawTCPConnection(port: server.port)
        #expect(connection.send("PUT \(Self.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"))
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 413, "413 instead of 100 Continue: \(String(decoding: answer.bytes.prefix(40), as: UTF8.self))")
        #expect(answer.closed)
        #expect(server.bodyBytesReceived == 0)
    }

    @Test func cutsAChunkedBodyOffAtTheLimit() throws {
        let server = try makeServer()
        let connection = try RawTCPConnection(port: server.port)
        #expect(connection.send("PUT \(Self.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"))
        // 500-byte chunks, up to 200 KB, and never the last chunk: only the limit can end this request.
        let chunk = Array("1f4\r\n\(String(repeating: "x", count: 500))\r\n".utf8)
        var chunksSent = 0
        while chunksSent < 400, !connection.hasSomethingToRead, connection.send(chunk) {
            chunksSent += 1
            usleep(1000)
        }
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 413)
        #expect(String(decoding: answer.bytes, as: UTF8.self).lowercased().contains("connection: close"))
        #expect(answer.closed)
        #expect(chunksSent < 400, "the client noticed the answer while it was still sending")
        // libmicrohttpd hands a chunked body over at most one chunk at a time, so the server stops
        // within one chunk of the limit.
        #expect(server.bodyBytesReceived > Self.limit)
        #expect(server.bodyBytesReceived <= Self.limit + 500)
    }

    @Test(arguments: [50_000, 8 << 20]) func libcurlSendingAnOversizedBodyReadsThe413(size: Int) throws {
        // The sync client sends without `Expect: 100-continue`, so it is mid-upload when the 413
        // comes and the connection closes: it must still report the 413, not a reset.
        let server = try makeServer()
        let response = try CurlHTTPClient().send(HTTPClientRequest(
            method: "PUT", url: server.baseURL + Self.batchPath, headers: ["Content-Type": "application/json"],
            body: [UInt8](repeating: UInt8(ascii: "x"), count: size), timeout: 10))
        #expect(response.status == 413)
        #expect(server.bodyBytesReceived == 0)
    }

    @Test(arguments: [50_000, 8 << 20]) func libcurlSendingAnOversizedChunkedBodyReadsThe413(size: Int) throws {
        let server = try makeServer()
        let response = try CurlHTTPClient().send(HTTPClientRequest(
            method: "PUT", url: server.baseURL + Self.batchPath, headers: ["Content-Type": "application/json", "Transfer-Encoding": "chunked"],
            body: [UInt8](repeating: UInt8(ascii: "x"), count: size), timeout: 10))
        #expect(response.status == 413)
        // libcurl sends the body as one big chunk, which libmicrohttpd hands over a read buffer at a
        // time; its per-connection memory (MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 KiB by default)
        // bounds one read.
        #expect(server.bodyBytesReceived > Self.limit)
        #expect(server.bodyBytesReceived <= Self.limit + 32 * 1024, "read \(server.bodyBytesReceived)")
    }

    @Test func overTLSAChunkedBodyOverTheLimitIsCutOffByClosing() throws {
        // libmicrohttpd takes no response mid-body and the 413 cannot bypass its TLS session, so the
        // connection is closed: the client sees a broken exchange, and the server stops reading.
        let certificates = TemporaryDirectory()
        let ca = try ThrowawayCA(in: certificates)
        var options = HTTPServer.Options()
        options.maxBodyBytes = Self.limit
        options.tlsKeyPEM = ca.keyPEM
        options.tlsCertificatePEM = ca.certificatePEM
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: BodyLengthResponder(), options: options)
        #expect(throws: HTTPClientError.self) {
            try CurlHTTPClient(caFile: ca.caFile).send(HTTPClientRequest(
                method: "PUT", url: server.baseURL + Self.batchPath, headers: ["Transfer-Encoding": "chunked"],
                body: [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20), timeout: 10))
        }
        #expect(server.bodyBytesReceived > Self.limit)
        #expect(server.bodyBytesReceived <= Self.limit + 32 * 1024, "read \(server.bodyBytesReceived)")
    }

    @Test(arguments: [false, true]) func aBodyWithinTheLimitArrivesWhole(chunked: Bool) throws {
        let server = try makeServer()
        let connection = try RawTCPConnection(port: server.port)
        let body = String(repeating: "y", count: Self.limit)
        let framing = chunked ? "Transfer-Encoding: chunked\r\n\r\n3e8\r\n\(body)\r\n0\r\n\r\n" : "Content-Length: \(Self.limit)\r\n\r\n\(body)"
        #expect(connection.send("PUT /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\(framing)"))
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 200)
        #expect(String(decoding: answer.bytes, as: UTF8.self).hasSuffix("\r\n\r\n\(Self.limit)\n"))
        #expect(server.bodyBytesReceived == Self.limit)
    }
}
