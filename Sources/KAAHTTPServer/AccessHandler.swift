#if canImport(Glibc)
import Glibc
private let systemSend = Glibc.send
private let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
import Darwin
private let systemSend = Darwin.send
private let noSignal: Int32 = 0 // Darwin has no MSG_NOSIGNAL; Swift's runtime ignores SIGPIPE there
#endif
internal import CMicroHTTPD
import Dispatch
import Foundation
import KAAHTTP
import KAASystem

// libmicrohttpd's callbacks, called on its threads. They are free functions (nonisolated) and reach
// the server's context through the `void *` they were registered with.

/// The state of one request while its body arrives; one connection's thread at a time touches it.
final class RequestState {
    var body: [UInt8] = []
    /// Set once the body is refused (over the limit, or no room in the shared buffer): nothing more is kept.
    var isRefused = false
    /// The answer to give once the body is complete, when it was refused.
    var refusal: HTTPResponse?
    /// Bytes of the server's shared body buffer this request holds, given back when it completes.
    var reserved = 0
    /// The `Content-Length` admitted, if the body declared one (then reserved up front).
    var declaredLength: Int?
    /// The form receiver of a streamed body, until it has been told `finish` or `abandon`.
    var form: (any HTTPFormReceiver)?
    /// libmicrohttpd's parser of the streamed form, owned here until the request ends.
    var postProcessor: OpaquePointer?

    /// Ends a streamed form that did not arrive whole: the parser is freed, the receiver abandoned.
    func abandonForm() {
        if let postProcessor { _ = MHD_destroy_post_processor(postProcessor) }
        postProcessor = nil
        form?.abandon()
        form = nil
    }
}

/// libmicrohttpd's post processor calls this with each piece of each field of a streamed form;
/// `context` is the request's `RequestState`. A receiver's refusal is kept for the answer and
/// stops the parse (`MHD_NO`).
private func kaaFormPiece(_ context: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?,
                          _ filename: UnsafePointer<CChar>?, _ contentType: UnsafePointer<CChar>?, _ transferEncoding: UnsafePointer<CChar>?,
                          _ data: UnsafePointer<CChar>?, _ offset: UInt64, _ size: Int) -> MHD_Result {
    guard let context else { return kaa_mhd_no }
    let state = Unmanaged<RequestState>.fromOpaque(context).takeUnretainedValue()
    guard let receiver = state.form else { return kaa_mhd_no }
    let bytes = UnsafeRawBufferPointer(start: data.map { UnsafeRawPointer($0) }, count: data == nil ? 0 : size)
    if let refusal = receiver.receive(field: key.map { String(cString: $0) } ?? "", filename: filename.map { String(cString: $0) },
                                      contentType: contentType.map { String(cString: $0) }, offset: offset, bytes: bytes) {
        state.refusal = refusal
        return kaa_mhd_no
    }
    return kaa_mhd_yes
}

/// The 400 for a streamed form that is not well-formed or ends before its last part.
private func malformedForm() -> HTTPResponse {
    var response = HTTPResponse.text(400, "Formuläret kom inte fram helt eller var felaktigt; ingenting har sparats. Försök igen.\n")
    response.headers["Connection"] = "close"
    return response
}

/// Collects a connection's key/value pairs through libmicrohttpd's iterator.
final class PairCollector {
    var pairs: [String: String] = [:]
    /// Every pair in order, repeated names included (framing checks need the duplicates).
    var all: [(key: String, value: [UInt8])] = []
}

/// UTF-8 text of `count` bytes at `start`: the length comes from libmicrohttpd, so a NUL inside a
/// value is kept rather than cutting it short as `String(cString:)` would.
private func text(_ start: UnsafePointer<CChar>?, count: Int) -> String {
    guard let start, count > 0 else { return "" }
    return start.withMemoryRebound(to: UInt8.self, capacity: count) { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) }
}

private func kaaCollectPair(_ context: UnsafeMutableRawPointer?, _ kind: MHD_ValueKind, _ key: UnsafePointer<CChar>?, _ keySize: Int,
                            _ value: UnsafePointer<CChar>?, _ valueSize: Int) -> MHD_Result {
    guard let context, let key else { return kaa_mhd_yes }
    let collector = Unmanaged<PairCollector>.fromOpaque(context).takeUnretainedValue()
    let name = text(key, count: keySize)
    collector.pairs[name] = text(value, count: valueSize)
    let bytes: [UInt8] = value.map { start in
        start.withMemoryRebound(to: UInt8.self, capacity: max(valueSize, 1)) { Array(UnsafeBufferPointer(start: $0, count: valueSize)) }
    } ?? []
    collector.all.append((name, bytes))
    return kaa_mhd_yes
}

/// A connection's headers or query arguments: the last value of a repeated one, and every pair.
private func collect(_ connection: OpaquePointer?, _ kind: MHD_ValueKind) -> PairCollector {
    let collector = PairCollector()
    _ = withExtendedLifetime(collector) {
        MHD_get_connection_values_n(connection, kind, kaaCollectPair, Unmanaged.passUnretained(collector).toOpaque())
    }
    return collector
}

/// A connection's headers or query arguments (the last value of a repeated one).
private func values(_ connection: OpaquePointer?, _ kind: MHD_ValueKind) -> [String: String] {
    collect(connection, kind).pairs
}

/// A connection's query arguments in order, a repeated name as often as it was sent.
private func queryItems(_ connection: OpaquePointer?) -> [(name: String, value: String)] {
    collect(connection, kaa_mhd_query_kind).all.map { (name: $0.key, value: String(decoding: $0.value, as: UTF8.self)) }
}

/// Why a request's framing is ambiguous, or nil when it is not. Two parsers (a proxy and this
/// server) that could read one request as two different ones make request smuggling possible,
/// so such a request is refused outright: two different `Content-Length`s, `Content-Length` with
/// `Transfer-Encoding`, HTTP/1.1 without `Host`, a NUL (or bare CR/LF) in a header.
func framingProblem(_ headers: [(key: String, value: [UInt8])], version: String) -> String? {
    let lengths = Set(headers.filter { $0.key.lowercased() == "content-length" }.map(\.value))
    if lengths.count > 1 { return "two different Content-Length headers" }
    if !lengths.isEmpty, headers.contains(where: { $0.key.lowercased() == "transfer-encoding" }) {
        return "Content-Length together with Transfer-Encoding"
    }
    if version == "HTTP/1.1", !headers.contains(where: { $0.key.lowercased() == "host" }) { return "HTTP/1.1 without Host" }
    if headers.contains(where: { $0.value.contains(0) || $0.value.contains(13) || $0.value.contains(10) || $0.key.utf8.contains(0) }) {
        return "a NUL or line break in a header"
    }
    return nil
}

private func send(_ response: HTTPResponse, on connection: OpaquePointer?) -> MHD_Result {
    let created: OpaquePointer? = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), kaa_mhd_must_copy)
    }
    guard let created else { return kaa_mhd_no }
    defer { MHD_destroy_response(created) }
    for (name, value) in response.headers where MHD_add_response_header(created, name, value) != kaa_mhd_yes {
        // libmicrohttpd refuses a header with a line break or an illegal name: that is the
        // responder's bug, and a response without the header could mean something else.
        return send(.text(500, "the response had a header libmicrohttpd refused\n"), on: connection)
    }
    return MHD_queue_response(connection, UInt32(response.status), created)
}

/// The 413 for a body over the limit; `Connection: close` because the rest of the body is never read.
private func tooLarge(_ limit: Int) -> HTTPResponse {
    var response = HTTPResponse.json(413, "{\"error\":\"the body is larger than \(limit) bytes\"}")
    response.headers["Connection"] = "close"
    return response
}

/// The 503 for a body that finds the shared buffer full: the client retries later (design §7).
private func bufferFull() -> HTTPResponse {
    var response = HTTPResponse.json(503, "{\"error\":\"the server is holding too many uploads; try again later\"}")
    response.headers["Retry-After"] = "5"
    response.headers["Connection"] = "close"
    return response
}

/// The 400 for ambiguous framing; closed, since where this request ends is what is in doubt.
private func badFraming(_ problem: String) -> HTTPResponse {
    var response = HTTPResponse.json(400, "{\"error\":\"ambiguous request framing: \(problem)\"}")
    response.headers["Connection"] = "close"
    return response
}

/// Refuses a chunked body that has just passed the limit while it is still arriving.
///
/// libmicrohttpd 0.9.75 accepts a queued response only before the body or after all of it
/// (`MHD_queue_response` checks for `HEADERS_PROCESSED` or `FULL_REQ_RECEIVED`), so the only way
/// to stop reading mid-body is to return `MHD_NO`, which closes the connection. Over plain HTTP
/// the 413 is written to the socket first (nothing else is being written on it then: any
/// `100 Continue` went out before the body), so the client learns why; over TLS the bytes would
/// have to go through libmicrohttpd's TLS session, so the connection is only closed.
private func refuseMidBody(_ context: ServerContext, _ response: HTTPResponse, on connection: OpaquePointer?) -> MHD_Result {
    let socket = context.isTLS ? -1 : kaa_mhd_connection_socket(connection)
    if socket >= 0 {
        let reasons = [400: "Bad Request", 403: "Forbidden", 409: "Conflict", 413: "Content Too Large", 415: "Unsupported Media Type",
                       503: "Service Unavailable"]
        let reason = reasons[response.status] ?? "Error"
        var head = "HTTP/1.1 \(response.status) \(reason)\r\nContent-Length: \(response.body.count)\r\n"
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + response.body
        // One best-effort write of a few hundred bytes on a socket with an empty send buffer:
        // a short or failed write loses the explanation, not the refusal, so its error is dropped.
        _ = try? retryingOnInterrupt("send", path: nil) {
            bytes.withUnsafeBytes { systemSend(socket, $0.baseAddress, $0.count, noSignal) }
        }
    }
    return kaa_mhd_no
}

/// The request's own context pointer (its `RequestState`), which the post processor passes back.
private func existingContext(_ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> UnsafeMutableRawPointer? {
    requestContext.pointee
}

/// Whether the declared `Content-Length` is over the limit. libmicrohttpd has already trimmed the
/// value and answered 400 to a malformed one, so a value that does not parse here is one too
/// large for 64 bits.
private func declaresTooLargeABody(_ headers: [String: String], limit: Int) -> Bool {
    guard let declared = headers.first(where: { $0.key.lowercased() == "content-length" })?.value else { return false }
    guard let length = UInt64(declared) else { return true }
    return length > UInt64(max(0, limit))
}

// The access handler: first with the headers, then with each piece of the body, then once more
// with none, when the request is complete.
func kaaAccessHandler(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ url: UnsafePointer<CChar>?,
                      _ method: UnsafePointer<CChar>?, _ version: UnsafePointer<CChar>?, _ uploadData: UnsafePointer<CChar>?,
                      _ uploadSize: UnsafeMutablePointer<Int>?, _ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> MHD_Result {
    guard let context, let requestContext else { return kaa_mhd_no }
    let server = Unmanaged<ServerContext>.fromOpaque(context).takeUnretainedValue()
    guard let existing = requestContext.pointee else {
        let state = RequestState()
        requestContext.pointee = Unmanaged.passRetained(state).toOpaque()
        server.headArrived(UInt(bitPattern: connection))
        let headers = collect(connection, kaa_mhd_header_kind)
        // Every answer queued here goes before the body: libmicrohttpd then sends no
        // `100 Continue`, reads none of the body, and closes the connection after the answer.
        if let problem = framingProblem(headers.all, version: version.map { String(cString: $0) } ?? "") {
            state.isRefused = true
            return send(badFraming(problem), on: connection)
        }
        var head = HTTPRequest(method: method.map { String(cString: $0) } ?? "GET", path: url.map { String(cString: $0) } ?? "/",
                               queryItems: queryItems(connection), headers: headers.pairs)
        head.remoteAddress = clientAddress(connection)
        if head.declaresBody {
            switch server.responder.bodyHandling(for: head) {
            case .buffered:
                break
            case let .refused(answer):
                state.isRefused = true
                var answer = answer
                answer.headers["Connection"] = "close"
                return send(answer, on: connection)
            case let .streamedForm(receiver):
                // The parser reads the form's type and boundary from the headers; nil: not a form.
                guard let parser = MHD_create_post_processor(connection, 64 * 1024, kaaFormPiece, existingContext(requestContext)) else {
                    receiver.abandon()
                    state.isRefused = true
                    return send(malformedForm(), on: connection)
                }
                state.form = receiver
                state.postProcessor = parser
                return kaa_mhd_yes
            }
        }
        if declaresTooLargeABody(headers.pairs, limit: server.maxBodyBytes) {
            state.isRefused = true
            return send(tooLarge(server.maxBodyBytes), on: connection)
        }
        if let answer = server.responder.admit(head) {
            state.isRefused = true
            var answer = answer
            if head.declaresBody { answer.headers["Connection"] = "close" }
            return send(answer, on: connection)
        }
        // A declared length is reserved whole before any of it is read; a chunked body piece by piece.
        if let declared = head.header("Content-Length").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), declared > 0 {
            guard server.reserveBody(declared) else {
                state.isRefused = true
                return send(bufferFull(), on: connection)
            }
            state.reserved = declared
            state.declaredLength = declared
            state.body.reserveCapacity(declared)
        }
        return kaa_mhd_yes
    }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
    if let uploadSize, uploadSize.pointee > 0 {
        let size = uploadSize.pointee
        uploadSize.pointee = 0
        server.bodyBytesReceived.add(size, ordering: .relaxed)
        if state.isRefused { return kaa_mhd_yes }
        if let parser = state.postProcessor {
            let parsed = uploadData.map { MHD_post_process(parser, $0, size) } ?? kaa_mhd_yes
            guard parsed == kaa_mhd_yes else {
                let refusal = state.refusal ?? malformedForm()
                state.abandonForm()
                state.isRefused = true
                return refuseMidBody(server, refusal, on: connection)
            }
            return kaa_mhd_yes
        }
        guard state.body.count + size <= server.maxBodyBytes else {
            state.isRefused = true
            state.body = []
            return refuseMidBody(server, tooLarge(server.maxBodyBytes), on: connection)
        }
        if state.declaredLength == nil {
            guard server.reserveBody(size) else {
                state.isRefused = true
                state.body = []
                return refuseMidBody(server, bufferFull(), on: connection)
            }
            state.reserved += size
        }
        if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
                state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
            }
        }
        return kaa_mhd_yes
    }
    if state.isRefused { return send(state.refusal ?? tooLarge(server.maxBodyBytes), on: connection) }
    if let parser = state.postProcessor, let receiver = state.form {
        // A form whose last boundary never came is not whole: its receiver lets go of it.
        let isWhole = MHD_destroy_post_processor(parser) == kaa_mhd_yes
        state.postProcessor = nil
        state.form = nil
        guard isWhole else {
            receiver.abandon()
            return send(malformedForm(), on: connection)
        }
        var head = HTTPRequest(method: method.map { String(cString: $0) } ?? "POST", path: url.map { String(cString: $0) } ?? "/",
                               queryItems: queryItems(connection), headers: values(connection, kaa_mhd_header_kind))
        head.remoteAddress = clientAddress(connection)
        return send(receiver.finish(head), on: connection)
    }
    // The method is an HTTP token and the path was unescaped by kaa_mhd_unescape, which never
    // makes a NUL, so these C strings are whole.
    var request = HTTPRequest(method: method.map { String(cString: $0) } ?? "GET", path: url.map { String(cString: $0) } ?? "/",
                              queryItems: queryItems(connection), headers: values(connection, kaa_mhd_header_kind),
                              body: state.body)
    request.remoteAddress = clientAddress(connection)
    return send(server.responder.respond(to: request), on: connection)
}

/// The peer's numeric address; an IPv4 client of a dual-stack socket as plain IPv4.
private func clientAddress(_ connection: OpaquePointer?) -> String? {
    var buffer = [CChar](repeating: 0, count: 64)
    guard kaa_mhd_client_address(connection, &buffer, buffer.count) == 1 else { return nil }
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
}

func kaaRequestCompleted(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
                         _ requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ code: MHD_RequestTerminationCode) {
    guard let requestContext, let pointer = requestContext.pointee else { return }
    let state = Unmanaged<RequestState>.fromOpaque(pointer).takeRetainedValue()
    requestContext.pointee = nil
    // A streamed form still open here was cut off (client gone, timeout, server stopping).
    state.abandonForm()
    if let context {
        let server = Unmanaged<ServerContext>.fromOpaque(context).takeUnretainedValue()
        server.releaseBody(state.reserved)
        // A kept-alive connection now waits for its next request's head: a new deadline.
        if code == kaa_mhd_request_completed_ok {
            server.awaitHead(UInt(bitPattern: connection), socket: kaa_mhd_connection_socket(connection), now: DispatchTime.now().uptimeNanoseconds)
        }
    }
}

/// Called by libmicrohttpd when a connection opens (its header deadline starts) and closes.
func kaaConnectionNotified(_ context: UnsafeMutableRawPointer?, _ connection: OpaquePointer?,
                           _ socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ code: MHD_ConnectionNotificationCode) {
    guard let context else { return }
    let server = Unmanaged<ServerContext>.fromOpaque(context).takeUnretainedValue()
    if code == kaa_mhd_connection_started {
        server.awaitHead(UInt(bitPattern: connection), socket: kaa_mhd_connection_socket(connection), now: DispatchTime.now().uptimeNanoseconds)
    } else {
        server.headArrived(UInt(bitPattern: connection))
    }
}
