import KAARegister

/// Everything a web request can fail with, translated once into a status and a Swedish page
/// (`WebApp.errorResponse`).
public enum WebError: Error {
    /// The register refused or failed (bad input, not found, forbidden, a stale form, the database).
    case register(RegisterError)
    /// The request itself is malformed: a form that is not one, a field twice, a bad id.
    case badRequest(String)
    /// No such page.
    case notFound
    /// The method is not one the page takes.
    case methodNotAllowed(allowed: String)
    /// A state-changing request without the session's CSRF token or from another origin.
    case forgedRequest
    /// The role may not use this page (already audited).
    case forbidden(String)
}
