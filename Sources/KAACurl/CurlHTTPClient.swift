import Foundation
internal import CCurl
import KAAHTTP
import Synchronization

/// An `HTTPClient` on libcurl. It keeps one easy handle, owned and cleaned up here, so that
/// the requests of one sync run share a connection (and, over https, one TLS handshake) while the
/// hub keeps it alive; requests through one client are sent one at a time.
///
/// TLS verifies the server against `caFile` (or the system's store); only http and https are
/// allowed; no signals (safe in threads).
public final class CurlHTTPClient: HTTPClient {
    /// A PEM bundle of the CA that signed the hub's certificate (design §7: from the config).
    public let caFile: String?
    private let handle: Mutex<EasyHandle>

    public init(caFile: String? = nil) {
        _ = Self.globalInit
        self.caFile = caFile
        handle = Mutex(EasyHandle())
    }

    // curl_global_init is not thread-safe; run it once, before any handle.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse {
        try handle.withLock { (easy: inout EasyHandle) throws(HTTPClientError) -> HTTPResponse in
            // The handle is reset (options gone, connection kept) or, if it could not be made, made again.
            guard let handle = easy.prepared() else { throw HTTPClientError("libcurl could not create a handle") }
            defer {
                var made = 0
                if kaa_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &made) == CURLE_OK { easy.connectionsOpened += made }
            }
            return try Self.perform(request, on: handle, caFile: caFile)
        }
    }

    /// How many connections this client has opened so far (1 for a run whose requests all shared one).
    public var connectionsOpened: Int { handle.withLock { $0.connectionsOpened } }

    private static func perform(_ request: HTTPClientRequest, on handle: UnsafeMutableRawPointer, caFile: String?) throws(HTTPClientError) -> HTTPResponse {
        let exchange = Exchange()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        // No "Expect: 100-continue" round trip for larger bodies.
        headerList = curl_slist_append(headerList, "Expect:")
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(exchange).toOpaque()

        let code: CURLcode = request.body.withUnsafeBytes { body in
            errorBuffer.withUnsafeMutableBufferPointer { errors in
                var setup: [CURLcode] = [
                    kaa_curl_setopt_string(handle, CURLOPT_URL, request.url),
                    kaa_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method),
                    kaa_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList),
                    kaa_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                    kaa_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(request.timeout * 1000))),
                    kaa_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(request.timeout, 15) * 1000))),
                    kaa_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
                    kaa_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
                    kaa_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
                    kaa_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress),
                    kaa_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody),
                    kaa_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
                    kaa_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader),
                    kaa_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context),
                ]
                if let caFile { setup.append(kaa_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
                if request.method != "GET" || !request.body.isEmpty {
                    setup.append(kaa_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(bitPattern: 1))))
                    setup.append(kaa_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                }
                if let failed = setup.first(where: { $0 != CURLE_OK }) { return failed }
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw HTTPClientError("\(request.method) \(request.url): \(String(cString: curl_easy_strerror(code)))\(detail.isEmpty ? "" : " (\(detail))")")
        }
        var status = 0
        _ = kaa_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: exchange.headers, body: exchange.body)
    }
}

/// The one easy handle of a client: made on first use, reset before each request (which keeps its
/// connection cache), cleaned up with the client.
struct EasyHandle: ~Copyable {
    private var pointer: UnsafeMutableRawPointer?
    var connectionsOpened = 0

    init() {}

    mutating func prepared() -> UnsafeMutableRawPointer? {
        if let pointer {
            curl_easy_reset(pointer)
            return pointer
        }
        pointer = curl_easy_init()
        return pointer
    }

    deinit {
        if let pointer { curl_easy_cleanup(pointer) }
    }
}

/// What one exchange received. Reached from libcurl's callbacks through the `void *` context.
final class Exchange {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
}

// libcurl's callbacks: nonisolated, reaching the exchange through the context pointer.
private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) { exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    return length
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
    if line.hasPrefix("HTTP/") {
        exchange.headers = [:] // a new response (after a redirect or 100 Continue) starts afresh
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        exchange.headers[name] = value
    }
    return length
}
