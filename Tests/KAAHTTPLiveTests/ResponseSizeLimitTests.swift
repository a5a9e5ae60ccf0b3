#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import KAACurl
import KAAHTTP
import Synchronization
import Testing

/// A one-connection server on 127.0.0.1 that answers any request with a body that goes on and on
/// (up to `limit` bytes), chunked or under a huge `Content-Length`, as a hostile hub could.
/// libmicrohttpd answers only with whole bodies, so the bytes are written by hand here.
///
/// `@unchecked Sendable`: the listening socket is set once in `init`; the count is behind a mutex.
final class EndlessBodyServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let sent = Mutex(0)
    private let finished = DispatchSemaphore(value: 0)

    init(chunked: Bool, limit: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw HTTPClientError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw HTTPClientError("bind: errno \(errno)")
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve(chunked: chunked, limit: limit) }
        thread.start()
    }

    deinit { close(listener) }

    /// Bytes of body written before the client went away (or the limit was reached).
    func bytesSent(waiting seconds: Int) -> Int? {
        guard finished.wait(timeout: .now() + .seconds(seconds)) == .success else { return nil }
        return sent.withLock { $0 }
    }

    private func serve(chunked: Bool, limit: Int) {
        defer { finished.signal() }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8](repeating: 0, count: 65_536)
        _ = request.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: 536870912\r\n\r\n")
        guard write(Array(head.utf8), to: connection) else { return }
        let piece = [UInt8](repeating: UInt8(ascii: " "), count: 65_536)
        let chunk = chunked ? Array("10000\r\n".utf8) + piece + Array("\r\n".utf8) : piece
        while sent.withLock({ $0 }) < limit, write(chunk, to: connection) {
            sent.withLock { $0 += piece.count }
        }
    }

    private func write(_ bytes: [UInt8], to connection: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { systemSend(connection, $0.baseAddress.map { $0 + offset }, bytes.count - offset, noSignal) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}

/// A hub's answer is never read whole past the client's limit: the transfer is aborted.
@Suite struct ResponseSizeLimitTests {
    @Test(arguments: [true, false])
    func anEndlessAnswerIsCutOffAtTheLimitWithAClearError(chunked: Bool) throws {
        // 64 MB offered, four times the client's default limit of 16 MB; a client that reads it whole fails here.
        let server = try EndlessBodyServer(chunked: chunked, limit: 64 << 20)
        let client = CurlHTTPClient()
        let started = Date()
        do {
            let response = try client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/v1/sites/0380/state", timeout: 20))
            Issue.record("an answer of \(response.body.count) bytes was accepted")
        } catch {
            #expect(error.message.contains("större än \(16 << 20) byte"), "\(error.message)")
            #expect(error.kind == .responseTooLarge)
        }
        #expect(Date().timeIntervalSince(started) < 10, "bounded time")
        let sent = try #require(server.bytesSent(waiting: 10), "the server finished")
        #expect(sent < 40 << 20, "the client stopped reading near its limit, not at the end: \(sent) bytes sent")
    }
}
