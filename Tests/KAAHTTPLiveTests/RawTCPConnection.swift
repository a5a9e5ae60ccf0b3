#if canImport(Glibc)
import Glibc
/// `send(2)` and the flag that keeps a closed peer from raising SIGPIPE, for every raw-socket test here.
let systemSend = Glibc.send
let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
import Darwin
let systemSend = Darwin.send
let noSignal: Int32 = 0
#endif
import KAAHTTP

/// A plain TCP connection to 127.0.0.1 for tests that must control every byte a client sends
/// (huge `Content-Length`s, chunked bodies that never end), which libcurl will not do.
///
/// Every call is bounded by a socket timeout, so a server that waits for more bytes makes the
/// test fail instead of hang.
final class RawTCPConnection {
    private var descriptor: Int32

    /// Connects to `127.0.0.1:port` with `timeoutSeconds` on every send and receive, from
    /// `source` when given (Linux routes all of 127.0.0.0/8 to lo, so a test can be several clients).
    init(port: UInt16, timeoutSeconds: Int = 3, timeoutMilliseconds: Int = 0, source: String? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HTTPClientError("socket: errno \(errno)") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                close(descriptor)
                throw HTTPClientError("bind to \(source): errno \(errno)")
            }
        }
        var timeout = timeoutMilliseconds > 0 ? timeval(tv_sec: 0, tv_usec: Int(timeoutMilliseconds) * 1000) : timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw HTTPClientError("connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Sends all of `bytes`; false once the peer has closed or reset the connection (or a send timed out).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL (Linux): a peer that closed gives EPIPE here rather than killing the test process.
            let sent = bytes.withUnsafeBytes { systemSend(descriptor, $0.baseAddress.map { $0 + offset }, bytes.count - offset, noSignal) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Sends `text` as UTF-8.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Whether bytes (or the peer's close) are waiting to be read, without blocking.
    var hasSomethingToRead: Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0
    }

    /// What the peer sent until it closed the connection; `closed` is false when the receive timed out first.
    func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 {
                return (received, true)
            } else if errno == EINTR {
                continue
            } else {
                // ECONNRESET also means the peer is gone; EAGAIN means the timeout ran out.
                return (received, errno == ECONNRESET)
            }
        }
    }
}

/// The status code of the first response in `bytes` (`HTTP/1.1 413 …`), if there is one.
func firstStatus(in bytes: [UInt8]) -> Int? {
    let text = String(decoding: bytes, as: UTF8.self)
    guard text.hasPrefix("HTTP/1."), let line = text.split(separator: "\r\n").first else { return nil }
    let parts = line.split(separator: " ")
    return parts.count >= 2 ? Int(parts[1]) : nil
}
