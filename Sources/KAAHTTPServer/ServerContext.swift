import KAAHTTP
import Synchronization

/// What libmicrohttpd's callbacks reach through their `void *` context: immutable settings and
/// one atomic counter, so it is `Sendable` without a lock.
final class ServerContext: Sendable {
    let responder: any HTTPResponder
    let maxBodyBytes: Int
    /// Whether connections are TLS: then no byte may be written to a socket past libmicrohttpd.
    let isTLS: Bool
    /// Body bytes handed to the access handler, over all requests.
    let bodyBytesReceived = Atomic<Int>(0)

    init(responder: any HTTPResponder, maxBodyBytes: Int, isTLS: Bool) {
        self.responder = responder
        self.maxBodyBytes = maxBodyBytes
        self.isTLS = isTLS
    }
}
