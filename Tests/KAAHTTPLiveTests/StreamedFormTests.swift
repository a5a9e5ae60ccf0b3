import Foundation
import KAAHTTP
import KAAHTTPServer
import Synchronization
import Testing

/// What a streamed form's receiver was told, over all requests.
final class FormRecorder: Sendable {
    struct Piece: Sendable, Equatable {
        let field: String
        let filename: String?
        let offset: UInt64
        let bytes: [UInt8]
    }

    let pieces = Mutex<[Piece]>([])
    let finished = Atomic<Int>(0)
    let abandoned = Atomic<Int>(0)

    /// The fields as the receiver would rebuild them: a new one where the offset is 0.
    var fields: [(field: String, filename: String?, value: String)] {
        var out: [(field: String, filename: String?, value: String)] = []
        for piece in pieces.withLock({ $0 }) {
            if piece.offset == 0 || out.last?.field != piece.field {
                out.append((piece.field, piece.filename, String(decoding: piece.bytes, as: UTF8.self)))
            } else {
                out[out.count - 1].value += String(decoding: piece.bytes, as: UTF8.self)
            }
        }
        return out
    }
}

/// Streams `/upload` (refusing once a field holds "STOP"), refuses `/refuse` on its head, buffers the rest.
struct StreamingResponder: HTTPResponder {
    let recorder: FormRecorder

    final class Receiver: HTTPFormReceiver {
        let recorder: FormRecorder
        init(recorder: FormRecorder) { self.recorder = recorder }

        func receive(field: String, filename: String?, contentType: String?, offset: UInt64, bytes: UnsafeRawBufferPointer) -> HTTPResponse? {
            let piece = FormRecorder.Piece(field: field, filename: filename, offset: offset, bytes: Array(bytes))
            recorder.pieces.withLock { $0.append(piece) }
            return piece.bytes.starts(with: Array("STOP".utf8)) ? .text(409, "stopped\n") : nil
        }

        func finish(_ head: HTTPRequest) -> HTTPResponse {
            recorder.finished.add(1, ordering: .relaxed)
            return .text(200, "whole \(head.path) \(head.body.count)\n")
        }

        func abandon() {
            recorder.abandoned.add(1, ordering: .relaxed)
        }
    }

    func bodyHandling(for head: HTTPRequest) -> HTTPBodyHandling {
        switch head.path {
        case "/upload": .streamedForm(Receiver(recorder: recorder))
        case "/refuse": .refused(.text(403, "not you\n"))
        default: .buffered
        }
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        .text(200, "buffered \(request.body.count)\n")
    }
}

/// Streamed forms through libmicrohttpd's post processor, with real sockets: the pieces the
/// receiver gets, and that every way a form can end badly reaches `abandon`.
@Suite(.serialized) struct StreamedFormTests {
    static func multipart(_ parts: [(String, String?, String)], boundary: String = "XyZ", closing: Bool = true) -> String {
        var body = ""
        for (name, filename, value) in parts {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"" + (filename.map { "; filename=\"\($0)\"" } ?? "") + "\r\n"
            if filename != nil { body += "Content-Type: text/csv\r\n" }
            body += "\r\n\(value)\r\n"
        }
        return body + (closing ? "--\(boundary)--\r\n" : "")
    }

    static func request(_ path: String, _ body: String, length: Int? = nil, boundary: String = "XyZ") -> String {
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\n"
            + "Content-Length: \(length ?? body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    }

    func server(_ recorder: FormRecorder) throws -> HTTPServer {
        var options = HTTPServer.Options()
        options.maxBodyBytes = 1000
        return try HTTPServer(host: "127.0.0.1", port: 0, responder: StreamingResponder(recorder: recorder), options: options)
    }

    @Test func aFormArrivesFieldByFieldPastTheBufferLimit() throws {
        let recorder = FormRecorder()
        let server = try server(recorder)
        let big = String(repeating: "0123456789;abc\n", count: 20_000)   // 300 kB, over the 1000-byte buffered limit
        let body = Self.multipart([("csrf", nil, "token"), ("datum", nil, "2026-11-02"), ("folkbokforing", "uttag.csv", big),
                                   ("inskrivning", "a.csv", "a;1\n"), ("inskrivning", "b.csv", "b;2\n"), ("inskrivning", "", "")])
        let connection = try RawTCPConnection(port: server.port, timeoutSeconds: 10)
        #expect(connection.send(Self.request("/upload", body)))
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 200, "\(String(decoding: answer.bytes, as: UTF8.self))")
        #expect(String(decoding: answer.bytes, as: UTF8.self).contains("whole /upload 0"))
        let fields = recorder.fields
        #expect(fields.map(\.field) == ["csrf", "datum", "folkbokforing", "inskrivning", "inskrivning", "inskrivning"]
                || fields.map(\.field) == ["csrf", "datum", "folkbokforing", "inskrivning", "inskrivning"], "\(fields.map(\.field))")
        #expect(fields.first?.value == "token" && fields.first?.filename == nil)
        #expect(fields[2].value == big && fields[2].filename == "uttag.csv")
        #expect(fields[3].value == "a;1\n" && fields[4].value == "b;2\n" && fields[4].filename == "b.csv")
        #expect(recorder.pieces.withLock { $0.count } > 3, "the big file came in several pieces")
        #expect(recorder.finished.load(ordering: .relaxed) == 1 && recorder.abandoned.load(ordering: .relaxed) == 0)
    }

    @Test func aFormCutOffMidBodyIsAbandoned() throws {
        let recorder = FormRecorder()
        let server = try server(recorder)
        let body = Self.multipart([("csrf", nil, "token"), ("folkbokforing", "u.csv", String(repeating: "x", count: 50_000))])
        var connection: RawTCPConnection? = try RawTCPConnection(port: server.port, timeoutSeconds: 10)
        #expect(connection?.send(Self.request("/upload", String(body.prefix(20_000)), length: body.utf8.count)) == true)
        Thread.sleep(forTimeInterval: 0.3)
        connection = nil // closes the socket: the client has gone
        for _ in 0..<100 where recorder.abandoned.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.05) }
        #expect(recorder.abandoned.load(ordering: .relaxed) == 1)
        #expect(recorder.finished.load(ordering: .relaxed) == 0)
        _ = server
    }

    @Test func aFormWithoutItsLastBoundaryIsMalformed() throws {
        let recorder = FormRecorder()
        let server = try server(recorder)
        let body = Self.multipart([("csrf", nil, "token"), ("folkbokforing", "u.csv", "x;y\n")], closing: false)
        let connection = try RawTCPConnection(port: server.port, timeoutSeconds: 5)
        #expect(connection.send(Self.request("/upload", body)))
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 400, "\(String(decoding: answer.bytes, as: UTF8.self))")
        #expect(recorder.abandoned.load(ordering: .relaxed) == 1 && recorder.finished.load(ordering: .relaxed) == 0)
    }

    @Test func aReceiversRefusalStopsTheReadingAndAbandons() throws {
        let recorder = FormRecorder()
        let server = try server(recorder)
        let body = Self.multipart([("csrf", nil, "STOP"), ("folkbokforing", "u.csv", String(repeating: "x", count: 200_000))])
        let connection = try RawTCPConnection(port: server.port, timeoutSeconds: 5)
        _ = connection.send(Self.request("/upload", body))
        let answer = connection.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 409, "\(String(decoding: answer.bytes.prefix(200), as: UTF8.self))")
        #expect(recorder.abandoned.load(ordering: .relaxed) == 1 && recorder.finished.load(ordering: .relaxed) == 0)
        #expect(!recorder.pieces.withLock { $0 }.contains { $0.field == "folkbokforing" && $0.bytes.count > 100_000 })
    }

    @Test func aRefusalOnTheHeadReadsNoBodyAndNotAFormIsRefused() throws {
        let recorder = FormRecorder()
        let server = try server(recorder)
        let refused = try RawTCPConnection(port: server.port, timeoutSeconds: 5)
        #expect(refused.send("POST /refuse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000000\r\n\r\n"))
        let answer = refused.readUntilClosed()
        #expect(firstStatus(in: answer.bytes) == 403)
        #expect(server.bodyBytesReceived == 0)
        // A body that is no form cannot be streamed: libmicrohttpd's parser does not take it.
        let plain = try RawTCPConnection(port: server.port, timeoutSeconds: 5)
        #expect(plain.send("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd"))
        #expect(firstStatus(in: plain.readUntilClosed().bytes) == 400)
        #expect(recorder.abandoned.load(ordering: .relaxed) == 1)
        // Other bodies are still buffered within the limit.
        let other = try RawTCPConnection(port: server.port, timeoutSeconds: 5)
        #expect(other.send("POST /other HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd"))
        #expect(String(decoding: other.readUntilClosed().bytes, as: UTF8.self).contains("buffered 4"))
    }
}
