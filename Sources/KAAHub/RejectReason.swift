/// Why the hub refused an authenticated request, as stored in its `reject` table.
///
/// A fixed code per refusal, never the error message: messages quote what the client sent (a
/// table name, a period, a header), and what a client sends must not end up in the hub file.
/// The codes are the ones `migrations/hub/0002_reject_codes.sql` allows.
public enum RejectReason: String, Sendable, CaseIterable {
    case badRequest = "bad_request"
    case forbiddenSite = "forbidden_site"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case conflict = "conflict"
    case tooLarge = "too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case unprocessable = "unprocessable"
    case busy = "busy"
    case `internal` = "internal"
    case refused = "refused"

    /// The code for a refusal with HTTP status `status`.
    public init(status: Int) {
        switch status {
        case 400: self = .badRequest
        case 403: self = .forbiddenSite
        case 404: self = .notFound
        case 405: self = .methodNotAllowed
        case 409: self = .conflict
        case 413: self = .tooLarge
        case 415: self = .unsupportedMediaType
        case 422: self = .unprocessable
        case 503: self = .busy
        case 500: self = .internal
        default: self = .refused
        }
    }
}
