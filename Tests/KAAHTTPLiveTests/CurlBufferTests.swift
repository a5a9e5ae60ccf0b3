import Foundation
import KAACurl
import KAAHTTP
import KAAHTTPServer
import Testing

/// Answers with the request body's length; adds `X-Seq` only when the client asks for it, so a
/// header that outlives its response shows.
struct SequenceResponder: HTTPResponder {
    func respond(to request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.text(200, "\(request.body.count)")
        if let sequence = request.header("x-want-seq") { response.headers["X-Seq"] = sequence }
        return response
    }
}

/// libcurl keeps pointers to the error buffer, the write and header targets, the header list and
/// the body for as long as the handle lives; one client's handle serves a night of requests.
@Suite struct CurlBufferTests {
    /// A port nothing listens on (a server was there a moment ago).
    func closedPort() throws -> UInt16 {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: SequenceResponder())
        server.stop()
        return server.port
    }

    @Test func oneClientReportsEachRequestsOwnAnswerOrErrorAcrossManyRequests() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, responder: SequenceResponder())
        let closed = [try closedPort(), try closedPort()]
        let client = CurlHTTPClient()
        for round in 0..<30 {
            switch round % 3 {
            case 0:
                // Bodies of changing sizes, headers only on some answers.
                let wantsSequence = round % 2 == 0
                let response = try client.send(HTTPClientRequest(
                    method: "PUT", url: server.baseURL + "/echo", headers: wantsSequence ? ["X-Want-Seq": "\(round)"] : [:],
                    body: [UInt8](repeating: 7, count: 1 + round * 997), timeout: 5))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == "\(1 + round * 997)")
                #expect(response.header("X-Seq") == (wantsSequence ? "\(round)" : nil), "round \(round)")
            case 1:
                let port = closed[(round / 3) % 2]
                do {
                    _ = try client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(port)/healthz", timeout: 5))
                    Issue.record("round \(round): a closed port answered")
                } catch {
                    #expect(error.message.contains("127.0.0.1:\(port)/healthz"), "\(error.message)")
                    // libcurl's own detail names the port it failed on in this round, not an earlier one.
                    #expect(error.message.contains("port \(port)"), "round \(round): \(error.message)")
                }
            default:
                do {
                    _ = try client.send(HTTPClientRequest(method: "GET", url: "ftp://127.0.0.1/round\(round)", timeout: 5))
                    Issue.record("round \(round): ftp was allowed")
                } catch {
                    #expect(error.message.contains("ftp"), "round \(round): \(error.message)")
                    #expect(!error.message.contains("port "), "round \(round): an earlier error's detail is left over: \(error.message)")
                }
            }
        }
    }

    @Test func aClientLetGoAfterAnErrorCleansUpItsHandle() throws {
        let port = try closedPort()
        for _ in 0..<5 {
            let client = CurlHTTPClient()
            #expect(throws: HTTPClientError.self) {
                try client.send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(port)/", body: Array("{}".utf8), timeout: 2))
            }
        }
    }
}
