#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
internal import CCurl
import KAAHTTP

/// One libcurl easy handle and everything it points at.
///
/// libcurl keeps the pointers given to `CURLOPT_ERRORBUFFER`, `CURLOPT_WRITEDATA`,
/// `CURLOPT_HEADERDATA`, `CURLOPT_HTTPHEADER` and `CURLOPT_POSTFIELDS` until the handle is reset
/// or cleaned up, and may use them until then, not only during `curl_easy_perform`. The handle is
/// kept across requests (for its connection cache), so each of those lives here, as long as the
/// handle: the error buffer and the exchange for its whole life, the header list and the body
/// until the reset before the next request.
struct CurlEasy: ~Copyable {
    private var handle: UnsafeMutableRawPointer?
    /// libcurl's `CURL_ERROR_SIZE` bytes for its detailed message.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let errorBufferSize = Int(CURL_ERROR_SIZE)
    /// Where the write and header callbacks put the response.
    private let exchange = Exchange()
    /// The request's headers as libcurl's list (it does not copy them).
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The request's body (libcurl does not copy `CURLOPT_POSTFIELDS`).
    private var body: UnsafeMutableRawBufferPointer?
    /// Connections opened over the handle's life.
    private(set) var connectionsOpened = 0

    init() {
        errorBuffer = .allocate(capacity: errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: errorBufferSize)
    }

    deinit {
        // The handle first: until it is gone it may still point at everything below.
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headerList)
        body?.deallocate()
        errorBuffer.deinitialize(count: errorBufferSize)
        errorBuffer.deallocate()
    }

    /// Sends one request on the kept handle and collects its response.
    mutating func perform(_ request: HTTPClientRequest, caFile: String?, maximumResponseBytes: Int) throws(HTTPClientError) -> HTTPResponse {
        guard let handle = prepared() else { throw HTTPClientError("libcurl could not create a handle") }
        defer {
            var made = 0
            if kaa_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &made) == CURLE_OK { connectionsOpened += made }
        }
        // No "Expect: 100-continue" round trip for larger bodies.
        for line in request.headers.sorted(by: { $0.key < $1.key }).map({ "\($0.key): \($0.value)" }) + ["Expect:"] {
            guard let appended = curl_slist_append(headerList, line) else { throw HTTPClientError("libcurl could not build the request's headers") }
            headerList = appended
        }
        exchange.maximumBodyBytes = maximumResponseBytes
        let context = Unmanaged.passUnretained(exchange).toOpaque()
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
            kaa_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            kaa_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody),
            kaa_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
            kaa_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader),
            kaa_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context),
            // Refused from Content-Length before the body starts; a chunked body is cut off by the write callback.
            kaa_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maximumResponseBytes)),
        ]
        if let caFile { setup.append(kaa_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
        if request.method != "GET" || !request.body.isEmpty {
            // At least one byte, so that an empty body still has an address libcurl accepts.
            let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, request.body.count), alignment: 1)
            body = owned
            request.body.withUnsafeBytes { owned.copyMemory(from: $0) }
            setup.append(kaa_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, owned.baseAddress))
            setup.append(kaa_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
        }
        let code = setup.first { $0 != CURLE_OK } ?? curl_easy_perform(handle)
        if code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_WRITE_ERROR && exchange.isOverLimit) {
            exchange.body = [] // the part read so far is not kept
            throw HTTPClientError("\(request.method) \(request.url): svaret är större än \(maximumResponseBytes) byte; överföringen avbröts",
                                  kind: .responseTooLarge)
        }
        guard code == CURLE_OK else {
            let detail = errorText()
            throw HTTPClientError("\(request.method) \(request.url): \(String(cString: curl_easy_strerror(code)))\(detail.isEmpty ? "" : " (\(detail))")")
        }
        var status = 0
        _ = kaa_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: exchange.headers, body: exchange.body)
    }

    /// The handle, reset for a new request (options gone, connection cache kept) or made on first
    /// use, with the buffers of the previous request emptied or freed.
    private mutating func prepared() -> UnsafeMutableRawPointer? {
        if let handle {
            curl_easy_reset(handle)
        } else {
            handle = curl_easy_init()
        }
        // Only now, after the reset, does libcurl no longer point at the previous request's buffers.
        releaseRequestBuffers()
        errorBuffer[0] = 0
        exchange.body = []
        exchange.headers = [:]
        exchange.isOverLimit = false
        return handle
    }

    private mutating func releaseRequestBuffers() {
        curl_slist_free_all(headerList)
        headerList = nil
        body?.deallocate()
        body = nil
    }

    /// libcurl's detail for the last failure, up to its terminating NUL (and never past the buffer).
    private func errorText() -> String {
        let length = strnlen(errorBuffer, errorBufferSize)
        return errorBuffer.withMemoryRebound(to: UInt8.self, capacity: errorBufferSize) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
