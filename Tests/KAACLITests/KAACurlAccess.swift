import KAACurl
import KAAHTTP

/// A plain GET for tests.
enum KAACurlAccess {
    static func get(_ url: String) throws -> Int {
        try CurlHTTPClient().send(HTTPClientRequest(method: "GET", url: url, timeout: 5)).status
    }
}
