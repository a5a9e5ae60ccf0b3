#if canImport(Glibc)
import Glibc
#endif
import Foundation
internal import CMicroHTTPD
import KAAHTTP

/// Why the server could not start.
public struct HTTPServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// An HTTP(S) server on libmicrohttpd that hands every complete request to a responder.
///
/// libmicrohttpd runs its own thread pool and calls back on those threads; the callbacks reach
/// this object through the `void *` context and the responder must be thread-safe (`Sendable`).
/// Request bodies over `maxBodyBytes` are refused with 413 without being buffered.
public final class HTTPServer: @unchecked Sendable {
    /// Limits and timeouts of the daemon.
    public struct Options: Sendable {
        public var threads: UInt32 = 4
        public var connectionLimit: UInt32 = 512
        public var perIPConnectionLimit: UInt32 = 0
        public var timeoutSeconds: UInt32 = 30
        public var maxBodyBytes: Int = 4 << 20
        /// PEM key and certificate: HTTPS when both are set.
        public var tlsKeyPEM: String?
        public var tlsCertificatePEM: String?

        public init() {}
    }

    // Invariant for @unchecked Sendable: `daemon` is written only in init and stop(); the
    // responder and options are immutable.
    private var daemon: OpaquePointer?
    let responder: any HTTPResponder
    let options: Options
    /// The host it listens on.
    public let host: String
    /// The port it listens on (the one picked when asked for port 0).
    public private(set) var port: UInt16 = 0

    /// Starts listening on `host:port` (port 0 picks a free one).
    public init(host: String, port: UInt16, responder: any HTTPResponder, options: Options = Options()) throws(HTTPServerError) {
        self.responder = responder
        self.options = options
        self.host = host
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
        let context = Unmanaged.passUnretained(self).toOpaque()
        let started: OpaquePointer? = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                kaa_mhd_start(address, isIPv6 ? 1 : 0, options.threads, options.connectionLimit, options.perIPConnectionLimit,
                              options.timeoutSeconds, options.tlsKeyPEM, options.tlsCertificatePEM,
                              kaaAccessHandler, context, kaaRequestCompleted, context)
            }
        }
        guard let started else {
            throw HTTPServerError(message: "libmicrohttpd could not listen on \(host):\(port) (in use, not permitted, or a bad TLS key/certificate)")
        }
        daemon = started
        self.port = kaa_mhd_bound_port(started)
    }

    deinit {
        stop()
    }

    /// Stops accepting connections and waits for the daemon's threads.
    public func stop() {
        if let daemon {
            MHD_stop_daemon(daemon)
            self.daemon = nil
        }
    }

    /// `http(s)://host:port`.
    public var baseURL: String {
        let scheme = options.tlsKeyPEM != nil && options.tlsCertificatePEM != nil ? "https" : "http"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(shownHost):\(port)"
    }
}

/// The state of one request while its body arrives.
final class RequestState {
    var body: [UInt8] = []
    var isTooLarge = false
}

/// Collects a connection's key/value pairs through libmicrohttpd's iterator.
final class PairCollector {
    var pairs: [String: String] = [:]
}

private func kaaCollectPair(_ context: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?,
                            _ value: UnsafePointer<CChar>?) -> MHD_Result {
    guard let context, let key else { return kaa_mhd_yes }
    let collector = Unmanaged<PairCollector>.fromOpaque(context).takeUnretainedValue()
    collector.pairs[String(cString: key)] = value.map { String(cString: $0) } ?? ""
    return kaa_mhd_yes
}

private func values(_ connection: OpaquePointer?, _ kind: MHD_ValueKind) -> [String: String] {
    let collector = PairCollector()
    _ = MHD_get_connection_values(connection, kind, kaaCollectPair, Unmanaged.passUnretained(collector).toOpaque())
    return collector.pairs
}

private func send(_ response: HTTPResponse, on connection: OpaquePointer?) -> MHD_Result {
    let created: OpaquePointer? = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), kaa_mhd_must_copy)
    }
    guard let created else { return kaa_mhd_no }
    defer { MHD_destroy_response(created) }
    for (name, value) in response.headers {
        _ = MHD_add_response_header(created, name, value)
    }
    return MHD_queue_response(connection, UInt32(response.status), created)
}

// libmicrohttpd's access handler, called on its threads: first with the headers, then with each
// chunk of the body, then once more with none, when the request is complete.
private func kaaAccessHandler(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ url: UnsafePointer<CChar>?,
                              _ method: UnsafePointer<CChar>?, _ version: UnsafePointer<CChar>?, _ uploadData: UnsafePointer<CChar>?,
                              _ uploadSize: UnsafeMutablePointer<Int>?, _ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> MHD_Result {
    guard let context, let requestContext else { return kaa_mhd_no }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    guard let existing = requestContext.pointee else {
        let state = RequestState()
        if let length = values(connection, kaa_mhd_header_kind).first(where: { $0.key.lowercased() == "content-length" }).flatMap({ Int($0.value) }),
           length > server.options.maxBodyBytes {
            state.isTooLarge = true
        }
        requestContext.pointee = Unmanaged.passRetained(state).toOpaque()
        return kaa_mhd_yes
    }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
    if let uploadSize, uploadSize.pointee > 0 {
        if !state.isTooLarge, let uploadData {
            if state.body.count + uploadSize.pointee > server.options.maxBodyBytes {
                state.isTooLarge = true
                state.body = []
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: uploadSize.pointee) {
                    state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: uploadSize.pointee))
                }
            }
        }
        uploadSize.pointee = 0
        return kaa_mhd_yes
    }
    if state.isTooLarge {
        return send(.json(413, "{\"error\":\"the body is larger than \(server.options.maxBodyBytes) bytes\"}"), on: connection)
    }
    let headers = values(connection, kaa_mhd_header_kind)
    let query = values(connection, kaa_mhd_query_kind)
    let request = HTTPRequest(method: method.map { String(cString: $0) } ?? "GET", path: url.map { String(cString: $0) } ?? "/",
                              query: query, headers: headers, body: state.body)
    return send(server.responder.respond(to: request), on: connection)
}

private func kaaRequestCompleted(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
                                 _ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ code: MHD_RequestTerminationCode) {
    guard let requestContext, let state = requestContext.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(state).release()
    requestContext.pointee = nil
}
