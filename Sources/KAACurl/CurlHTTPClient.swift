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
    /// The largest response body accepted; a longer one is aborted mid-transfer, never read whole.
    public let maximumResponseBytes: Int
    /// The handle and the buffers it points at; the lock sends one request at a time through them.
    private let easy: Mutex<CurlEasy>

    /// A client that verifies https servers against `caFile`, or the system's store when nil, and
    /// accepts response bodies up to `maximumResponseBytes` (the default is far above any answer
    /// of the hub's: a state, an acknowledgement, a region's publication).
    public init(caFile: String? = nil, maximumResponseBytes: Int = 16 << 20) {
        precondition(maximumResponseBytes > 0, "maximumResponseBytes must be positive")
        _ = Self.globalInit
        self.caFile = caFile
        self.maximumResponseBytes = maximumResponseBytes
        easy = Mutex(CurlEasy())
    }

    // curl_global_init is not thread-safe; run it once, before any handle.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Sends `request` and waits for the whole response; throws when no HTTP answer came.
    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPResponse {
        try easy.withLock { (easy: inout CurlEasy) throws(HTTPClientError) -> HTTPResponse in
            try easy.perform(request, caFile: caFile, maximumResponseBytes: maximumResponseBytes)
        }
    }

    /// How many connections this client has opened so far (1 for a run whose requests all shared one).
    public var connectionsOpened: Int { easy.withLock { $0.connectionsOpened } }
}
