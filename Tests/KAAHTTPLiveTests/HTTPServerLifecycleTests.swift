import Foundation
import KAACurl
import KAAHTTP
import KAAHTTPServer
import Testing

/// Answers with a header value that has a line break in it: a responder bug.
struct HeaderInjectingResponder: HTTPResponder {
    func respond(to request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.text(200, "fine")
        response.headers["X-Note"] = "a\r\nSet-Cookie: session=stolen"
        return response
    }
}

@Suite struct HTTPServerLifecycleTests {
    @Test func stoppingFromManyThreadsAtOnceStopsTheDaemonOnce() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: SequenceResponder())
        DispatchQueue.concurrentPerform(iterations: 8) { _ in server.stop() }
        #expect(throws: HTTPClientError.self) {
            try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: server.baseURL + "/", timeout: 2))
        }
    }

    @Test func aResponseHeaderLibmicrohttpdRefusesBecomesA500NotASilentDrop() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: HeaderInjectingResponder())
        let response = try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: server.baseURL + "/", timeout: 5))
        #expect(response.status == 500)
        #expect(response.header("Set-Cookie") == nil)
        #expect(response.header("X-Note") == nil)
    }
}
