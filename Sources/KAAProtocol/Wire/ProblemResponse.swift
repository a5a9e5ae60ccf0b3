/// A refusal of the public read API as RFC 9457 problem details (`application/problem+json`).
/// The sync endpoints keep their `{"error"}` body (`ErrorResponse`), which the sync client reads.
public struct ProblemResponse: WireBody, Equatable {
    /// A URI naming the kind of problem (`tag:` URIs, RFC 9457 §4: identifiers, not pages), or
    /// `about:blank` when the status says it all.
    public let type: String
    /// A short summary of the kind of problem, the same for every occurrence.
    public let title: String
    /// The HTTP status code.
    public let status: Int
    /// What was wrong with this request, for the person reading it.
    public let detail: String

    /// A problem of kind `type` (its `title`) with `status` and `detail`.
    public init(type: String, title: String, status: Int, detail: String) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
    }

    /// The media type of the body.
    public static let mediaType = "application/problem+json"
}
