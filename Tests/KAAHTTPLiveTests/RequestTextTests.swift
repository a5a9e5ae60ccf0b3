import Foundation
import KAAHTTP
import KAAHTTPServer
import Testing

/// Answers with the path and the query value `q` as the application received them.
struct EchoPathResponder: HTTPResponder {
    func respond(to request: HTTPRequest) -> HTTPResponse {
        .text(200, "path=\(request.path)|q=\(request.query["q"] ?? "-")")
    }
}

/// Text libmicrohttpd hands over as C strings reaches the application whole.
@Suite struct RequestTextTests {
    func answer(to requestLine: String) throws -> String {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: EchoPathResponder())
        let connection = try RawTCPConnection(port: server.port)
        #expect(connection.send("\(requestLine)\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
        let text = String(decoding: connection.readUntilClosed().bytes, as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n").dropFirst().joined()
    }

    @Test func anEncodedNULDoesNotCutAPathShort() throws {
        // Decoded, "%00" would end the C string and route the request as "/v1/sites/0380".
        #expect(try answer(to: "GET /v1/sites/0380%00x HTTP/1.1") == "path=/v1/sites/0380%00x|q=-")
    }

    @Test func anEncodedNULDoesNotCutAQueryValueShort() throws {
        #expect(try answer(to: "GET /v1/region?q=ab%00cd HTTP/1.1") == "path=/v1/region|q=ab%00cd")
    }

    @Test func otherEscapesAreStillDecoded() throws {
        #expect(try answer(to: "GET /v1/a%20b?q=x%2Fy HTTP/1.1") == "path=/v1/a b|q=x/y")
    }
}

/// Answers with the peer address the server saw.
struct EchoPeerResponder: HTTPResponder {
    func respond(to request: HTTPRequest) -> HTTPResponse {
        .text(200, "peer=\(request.remoteAddress ?? "-")")
    }
}

/// Issue 18: the application learns the connection's peer (what `trustedProxies` is judged by), and
/// only from the socket, never from a header.
@Suite struct PeerAddressTests {
    @Test(arguments: ["127.0.0.1", "127.0.0.2"])
    func thePeerIsTheSocketsAddressWhateverTheHeadersSay(source: String) throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: EchoPeerResponder())
        let connection = try RawTCPConnection(port: server.port, source: source)
        #expect(connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 198.51.100.7\r\nConnection: close\r\n\r\n"))
        let text = String(decoding: connection.readUntilClosed().bytes, as: UTF8.self)
        #expect(text.hasSuffix("peer=\(source)"))
    }
}
