/// Takes a form's body (`multipart/form-data`, or `application/x-www-form-urlencoded`) field by
/// field while it arrives, so that an upload is never held whole in memory: the transport parses
/// the body (libmicrohttpd's post processor) and hands each piece of each field's value here.
///
/// One connection's thread at a time calls a receiver, in order: `receive` for every piece, then
/// exactly one of `finish` (the body arrived whole and well-formed) or `abandon` (it did not:
/// refused, malformed, cut off, the client gone). A receiver that kept anything (a file on disk)
/// must let go of it in `abandon`.
public protocol HTTPFormReceiver: AnyObject {
    /// A piece of a field's value: `offset` is where it starts in the value (0 for a field's first
    /// piece, so a repeated name with offset 0 is the next field), `filename` is set for a file part.
    /// Returns nil to read on, or the answer that refuses the body (nothing more is read).
    func receive(field: String, filename: String?, contentType: String?, offset: UInt64, bytes: UnsafeRawBufferPointer) -> HTTPResponse?
    /// The whole body has been read: the answer. `head` is the request without its body.
    func finish(_ head: HTTPRequest) -> HTTPResponse
    /// The body did not arrive whole (or was refused): let go of everything.
    func abandon()
}

/// How a transport is to read a request's body, decided on its head alone.
public enum HTTPBodyHandling {
    /// Read the body into memory (within the server's limits) and call `respond(to:)`; `admit` may
    /// still refuse it.
    case buffered
    /// Parse the body as a form and hand it to the receiver piece by piece, without the server's
    /// in-memory limits (the receiver keeps its own).
    case streamedForm(any HTTPFormReceiver)
    /// Answer this before any of the body is read.
    case refused(HTTPResponse)
}
