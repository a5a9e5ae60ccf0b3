#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CMicroHTTPD
import Dispatch
import Foundation
import KAAHTTP
import Synchronization

/// An HTTP(S) server on libmicrohttpd that hands every complete request to a responder.
///
/// libmicrohttpd runs its own thread pool and calls back on those threads; the callbacks reach
/// a `ServerContext` through the `void *` context and the responder must be thread-safe (`Sendable`).
/// A body over `maxBodyBytes` is refused with 413 and the connection closed without reading it:
/// from `Content-Length` before any of it arrives, and a chunked one as soon as it passes the limit.
public final class HTTPServer: Sendable {
    /// Limits and timeouts of the daemon.
    public struct Options: Sendable {
        /// Threads in libmicrohttpd's pool.
        public var threads: UInt32 = 4
        /// Connections open at once, over all clients.
        public var connectionLimit: UInt32 = 512
        /// Connections open at once from one IP address (0: no limit), so that one client cannot
        /// take every connection.
        public var perIPConnectionLimit: UInt32 = 64
        /// Seconds a connection may stay idle.
        public var timeoutSeconds: UInt32 = 30
        /// Seconds a connection may take to send a request's line and headers, however steadily it
        /// trickles them (0: no deadline); a kept-alive connection gets a new deadline per request.
        public var headerTimeoutSeconds: UInt32 = 10
        /// The largest request body accepted; larger ones get 413 unread.
        public var maxBodyBytes: Int = 4 << 20
        /// Body bytes held at once over all connections; a body that would pass it gets 503 with
        /// `Retry-After`, unread.
        public var maxBufferedBodyBytes: Int = 128 << 20
        /// PEM key and certificate: HTTPS when both are set.
        public var tlsKeyPEM: String?
        /// PEM certificate (chain) sent to clients; HTTPS when the key is set too.
        public var tlsCertificatePEM: String?

        /// The defaults: 4 threads, 512 connections (64 per IP), 30 s idle timeout, 10 s for a
        /// request's head, 4 MiB bodies and 128 MiB of them at once, plain HTTP.
        public init() {}

        var isTLS: Bool { tlsKeyPEM != nil && tlsCertificatePEM != nil }
    }

    /// The running daemon, nil once stopped; behind a lock so that `stop()` from two threads
    /// (or from one and `deinit`) stops it once.
    private let daemon: Mutex<OpaquePointer?>
    /// What the callbacks reach; kept alive here for as long as the daemon may call them.
    let context: ServerContext
    /// Limits, timeouts and TLS material it was started with.
    let options: Options
    /// The host it listens on.
    public let host: String
    /// The port it listens on (the one picked when asked for port 0).
    public let port: UInt16

    /// Starts listening on `host:port` (port 0 picks a free one).
    public init(host: String, port: UInt16, responder: any HTTPResponder, options: Options = Options()) throws(HTTPServerError) {
        self.options = options
        self.host = host
        let context = ServerContext(responder: responder, maxBodyBytes: options.maxBodyBytes, maxBufferedBodyBytes: options.maxBufferedBodyBytes,
                                    headerTimeoutSeconds: options.headerTimeoutSeconds, isTLS: options.isTLS)
        self.context = context
        var storage = sockaddr_storage()
        let isIPv6 = host.contains(":")
        let resolved = host == "localhost" ? "127.0.0.1" : host
        let ok: Bool = withUnsafeMutableBytes(of: &storage) { raw in
            if isIPv6 {
                let address = raw.baseAddress.map { $0.assumingMemoryBound(to: sockaddr_in6.self) }
                guard let address else { return false }
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                return inet_pton(AF_INET6, resolved, &address.pointee.sin6_addr) == 1
            }
            let address = raw.baseAddress.map { $0.assumingMemoryBound(to: sockaddr_in.self) }
            guard let address else { return false }
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = port.bigEndian
            return inet_pton(AF_INET, resolved, &address.pointee.sin_addr) == 1
        }
        guard ok else { throw HTTPServerError(message: "cannot listen on '\(host)': give an IP address such as 127.0.0.1") }
        // Unretained: `self.context` holds it, and the daemon is stopped before `self` lets go of it.
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        let started: OpaquePointer? = withUnsafePointer(to: &storage) { address in
            address.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                kaa_mhd_start(address, isIPv6 ? 1 : 0, options.threads, options.connectionLimit, options.perIPConnectionLimit,
                              options.timeoutSeconds, options.tlsKeyPEM, options.tlsCertificatePEM,
                              kaaAccessHandler, pointer, kaaRequestCompleted, pointer, kaaConnectionNotified, pointer)
            }
        }
        guard let started else {
            throw HTTPServerError(message: "libmicrohttpd could not listen on \(host):\(port) (in use, not permitted, or a bad TLS key/certificate)")
        }
        self.port = kaa_mhd_bound_port(started)
        daemon = Mutex(started)
        if options.headerTimeoutSeconds > 0 {
            // Checked four times per deadline (at least once a second), so a late connection
            // ends within a quarter of the deadline after it.
            let interval = useconds_t(min(1_000_000, options.headerTimeoutSeconds * 250_000))
            let thread = Thread { [context] in
                while !context.isStopping.load(ordering: .relaxed) {
                    usleep(interval)
                    context.endLateConnections(now: DispatchTime.now().uptimeNanoseconds) { socket in _ = shutdown(socket, Int32(SHUT_RDWR)) }
                }
            }
            thread.name = "kaa.http.header-deadline"
            thread.start()
        }
    }

    deinit {
        stop()
    }

    /// Stops accepting connections and waits for the daemon's threads.
    public func stop() {
        // The deadline thread ends within one interval; it holds the context, never the daemon.
        context.isStopping.store(true, ordering: .relaxed)
        daemon.withLock { daemon in
            if let running = daemon {
                MHD_stop_daemon(running)
                daemon = nil
            }
        }
    }

    /// `http(s)://host:port`.
    public var baseURL: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(options.isTLS ? "https" : "http")://\(shownHost):\(port)"
    }

    /// Request-body bytes libmicrohttpd has handed to this server since it started, over all
    /// requests: what the body limit let in (for tests and monitoring).
    public var bodyBytesReceived: Int {
        context.bodyBytesReceived.load(ordering: .relaxed)
    }

    /// Body bytes held right now over all connections (a declared `Content-Length` counts whole
    /// from the moment it is admitted): never above `maxBufferedBodyBytes`.
    public var bufferedBodyBytes: Int {
        context.bufferedBodyBytes.load(ordering: .relaxed)
    }

    /// The most body bytes held at once since the server started.
    public var peakBufferedBodyBytes: Int {
        context.peakBufferedBodyBytes.load(ordering: .relaxed)
    }

    /// Bodies refused with 503 because the shared buffer was full.
    public var bodiesRefusedForBuffer: Int {
        context.bodiesRefusedForBuffer.load(ordering: .relaxed)
    }

    /// Connections ended because their request's head missed the deadline.
    public var connectionsPastHeaderDeadline: Int {
        context.connectionsPastHeaderDeadline.load(ordering: .relaxed)
    }

    /// The transport's counters as Prometheus text, for the application's `/metrics`.
    public var metricsText: String {
        "# HELP kaa_http_buffered_body_bytes Request-body bytes held now over all connections.\n"
            + "# TYPE kaa_http_buffered_body_bytes gauge\nkaa_http_buffered_body_bytes \(bufferedBodyBytes)\n"
            + "# HELP kaa_http_buffered_body_bytes_peak The most request-body bytes held at once.\n"
            + "# TYPE kaa_http_buffered_body_bytes_peak gauge\nkaa_http_buffered_body_bytes_peak \(peakBufferedBodyBytes)\n"
            + "# HELP kaa_http_bodies_refused_buffer_full_total Bodies refused with 503 because the buffer cap was reached.\n"
            + "# TYPE kaa_http_bodies_refused_buffer_full_total counter\nkaa_http_bodies_refused_buffer_full_total \(bodiesRefusedForBuffer)\n"
            + "# HELP kaa_http_header_deadline_closed_total Connections ended because their request head missed the deadline.\n"
            + "# TYPE kaa_http_header_deadline_closed_total counter\nkaa_http_header_deadline_closed_total \(connectionsPastHeaderDeadline)\n"
    }
}
