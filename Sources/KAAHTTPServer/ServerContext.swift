import KAAHTTP
import Synchronization

/// What libmicrohttpd's callbacks reach through their `void *` context: immutable settings,
/// atomic counters and the open connections' header deadlines behind a lock, so it is `Sendable`.
final class ServerContext: Sendable {
    let responder: any HTTPResponder
    let maxBodyBytes: Int
    /// The most body bytes held at once over all requests; past it a new body gets 503.
    let maxBufferedBodyBytes: Int
    /// Whether connections are TLS: then no byte may be written to a socket past libmicrohttpd.
    let isTLS: Bool
    /// Body bytes handed to the access handler, over all requests.
    let bodyBytesReceived = Atomic<Int>(0)
    /// Body bytes held (or promised by a `Content-Length` already admitted) right now.
    let bufferedBodyBytes = Atomic<Int>(0)
    /// The most `bufferedBodyBytes` has been.
    let peakBufferedBodyBytes = Atomic<Int>(0)
    /// Bodies refused with 503 because the buffer cap was reached.
    let bodiesRefusedForBuffer = Atomic<Int>(0)
    /// Connections ended because their request line and headers missed the deadline.
    let connectionsPastHeaderDeadline = Atomic<Int>(0)
    /// Open connections still waiting for a request's head: socket and deadline (monotonic ns),
    /// in stripes by connection. Every request takes the lock twice (its head arrives, it
    /// completes), and with one lock for all, 50 readers' threads spent a quarter of their time
    /// waiting on it (case 4 of the benchmark); a connection is always in the same stripe.
    let awaitingHead: [HeadDeadlines] = (0..<ServerContext.stripes).map { _ in HeadDeadlines() }
    static let stripes = 16
    /// Set when the server stops: the header-deadline thread ends.
    let isStopping = Atomic<Bool>(false)
    /// Nanoseconds a connection may take to send a request line and headers (0: no deadline).
    let headerDeadlineNanoseconds: UInt64

    init(responder: any HTTPResponder, maxBodyBytes: Int, maxBufferedBodyBytes: Int, headerTimeoutSeconds: UInt32, isTLS: Bool) {
        self.responder = responder
        self.maxBodyBytes = maxBodyBytes
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
        self.headerDeadlineNanoseconds = UInt64(headerTimeoutSeconds) * 1_000_000_000
        self.isTLS = isTLS
    }

    /// Reserves `count` bytes of the shared body buffer; false (nothing reserved) past the cap.
    func reserveBody(_ count: Int) -> Bool {
        let after = bufferedBodyBytes.add(count, ordering: .relaxed).newValue
        guard after <= maxBufferedBodyBytes else {
            bufferedBodyBytes.subtract(count, ordering: .relaxed)
            bodiesRefusedForBuffer.add(1, ordering: .relaxed)
            return false
        }
        peakBufferedBodyBytes.max(after, ordering: .relaxed)
        return true
    }

    /// Gives back bytes reserved by `reserveBody`.
    func releaseBody(_ count: Int) {
        guard count > 0 else { return }
        bufferedBodyBytes.subtract(count, ordering: .relaxed)
    }

    /// Starts (or restarts, after a request on a kept-alive connection) a connection's header deadline.
    func awaitHead(_ connection: UInt, socket: Int32, now: UInt64) {
        guard headerDeadlineNanoseconds > 0, socket >= 0 else { return }
        stripe(connection).waiting.withLock { $0[connection] = (socket, now + headerDeadlineNanoseconds) }
    }

    /// The connection's head has arrived (or it closed): no deadline until its next request.
    func headArrived(_ connection: UInt) {
        guard headerDeadlineNanoseconds > 0 else { return }
        _ = stripe(connection).waiting.withLock { $0.removeValue(forKey: connection) }
    }

    /// The stripe of a connection (its libmicrohttpd handle, an aligned pointer: the bits are mixed).
    func stripe(_ connection: UInt) -> HeadDeadlines {
        awaitingHead[Int(truncatingIfNeeded: (UInt64(connection) &* 0x9E37_79B9_7F4A_7C15) >> 60) % Self.stripes]
    }

    /// Ends every connection past its header deadline. Under the lock, so that a connection's
    /// close (which removes it first, before libmicrohttpd closes the socket) cannot race a reused
    /// descriptor.
    func endLateConnections(now: UInt64, shutdown: (Int32) -> Void) {
        for stripe in awaitingHead {
            stripe.waiting.withLock { waiting in
                for (connection, entry) in waiting where entry.deadline <= now {
                    shutdown(entry.socket)
                    waiting.removeValue(forKey: connection)
                    connectionsPastHeaderDeadline.add(1, ordering: .relaxed)
                }
            }
        }
    }
}

/// One stripe of the open connections' header deadlines.
final class HeadDeadlines: Sendable {
    let waiting = Mutex<[UInt: (socket: Int32, deadline: UInt64)]>([:])
}
