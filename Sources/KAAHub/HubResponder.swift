import Foundation
import KAACore
import KAAHTTP
import KAAProtocol
import KAASQLite

/// The hub's HTTP API (design §7): routing, authentication, strict validation before any write,
/// and the status codes the sync client relies on. Transport-free: tests call it directly.
public struct HubResponder: HTTPResponder {
    let hub: Hub
    let log: @Sendable (String) -> Void
    let today: @Sendable () -> CalendarDate
    /// Seconds on a monotonic clock, for the rate limit of the log.
    let clock: @Sendable () -> Double
    /// Unauthenticated requests are logged at most once per interval (anyone can send them).
    let unauthenticatedLog: RateLimitedLog

    /// A responder for `hub`; `unauthenticatedLogInterval` is the seconds between log lines about
    /// requests without a valid token (all are counted in `/metrics`, which `MetricsResponder` serves
    /// on a listener of its own).
    public init(hub: Hub, log: @escaping @Sendable (String) -> Void = { _ in }, today: @escaping @Sendable () -> CalendarDate = Hub.swedishToday,
                clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
                unauthenticatedLogInterval: Double = 60) {
        self.hub = hub
        self.log = log
        self.today = today
        self.clock = clock
        self.unauthenticatedLog = RateLimitedLog(interval: unauthenticatedLogInterval)
    }

    /// Judges a request on its head, before any body byte is read: only a batch upload takes a
    /// body, and only with its kommun's token and JSON; any other request is answered from its
    /// head (a body sent with it is never read). Nil: read the batch's body.
    public func admit(_ head: HTTPRequest) -> HTTPResponse? {
        let parts = head.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard head.method == "PUT", parts.count == 6, parts[0] == "v1", parts[1] == "sites", KommunCode.isWellFormed(parts[2]),
              parts[3] == "batches" else {
            return head.declaresBody ? respond(to: head) : nil
        }
        if case let .refused(response) = authorize(head, parts[2], contact: .notNow) { return response }
        if let refusal = Self.refuseContentType(head) { return refusal }
        return nil
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.isEmpty || (parts.count == 2 && parts[0] == "kommun") {
            guard request.method == "GET" else { return methodNotAllowed("GET") }
            if let unknown = request.query.keys.first(where: { $0 != "period" }) {
                return .text(400, "Okänd parameter '\(unknown)'.\n")
            }
            do {
                let page = try Dashboard(hub: hub, today: today()).page(period: request.query["period"], kommun: parts.count == 2 ? parts[1] : nil)
                return .text(page.status, page.html, contentType: "text/html; charset=utf-8")
            } catch {
                return failure(error)
            }
        }
        if parts == ["healthz"] {
            return request.method == "GET" ? .text(200, "ok\n") : methodNotAllowed("GET")
        }
        if parts.count == 2, parts[0] == "v1", let format = PublicationFormat(resource: parts[1]) {
            guard request.method == "GET" else { return methodNotAllowed("GET") }
            return published(request, format: format, allowed: ["period", "table", "kommun"], kommun: nil)
        }
        guard parts.count >= 4, parts[0] == "v1", parts[1] == "sites", KommunCode.isWellFormed(parts[2]) else {
            return .refusal(404, ErrorResponse("no such resource"))
        }
        let kommun = parts[2]
        switch Array(parts.dropFirst(3)) {
        case ["state"]:
            guard request.method == "GET" else { return methodNotAllowed("GET") }
            return authenticated(request, kommun) { getState(kommun) }
        case ["region"]:
            guard request.method == "GET" else { return methodNotAllowed("GET") }
            return authenticated(request, kommun, contact: .inBackground) { published(request, format: .json, allowed: ["period", "table"], kommun: kommun, regionOnly: true) }
        case let tail where tail.count == 3 && tail[0] == "batches":
            guard request.method == "PUT" else { return methodNotAllowed("PUT") }
            return authenticated(request, kommun) { putBatch(request, kommun: kommun, generation: tail[1], seqText: tail[2]) }
        default:
            return .refusal(404, ErrorResponse("no such resource"))
        }
    }

    /// Whether a request's token lets it use `kommun`'s site.
    private enum Authorization {
        case granted
        case refused(HTTPResponse)
    }

    /// 401 without a valid token (counted; logged at most once per interval, since anyone can
    /// cause it), 403 for another kommun's site (recorded as the token owner's refusal). Every
    /// authenticated request is the kommun's last contact.
    /// When an authorised request is recorded as the kommun's last contact.
    enum ContactRecording {
        /// Before answering (a batch, the state the sync client starts from).
        case now
        /// Without making the answer wait: a read of the region's figures must not queue behind
        /// a writer (design §7 still holds: the contact is recorded, a moment later).
        case inBackground
        /// Not by this call (a head judged before its body; the full request records it).
        case notNow
    }

    private func authorize(_ request: HTTPRequest, _ kommun: String, contact: ContactRecording = .now) -> Authorization {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer "),
              let owner = hub.authenticate(token: String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)) else {
            hub.unauthenticatedRequests.add(1, ordering: .relaxed)
            let (allowed, suppressed) = unauthenticatedLog.mayLog(now: clock())
            if allowed { log("event=auth_failed site=\(kommun) suppressed_since_last=\(suppressed)") }
            var response = HTTPResponse.refusal(401, ErrorResponse("a valid bearer token is required"))
            response.headers["WWW-Authenticate"] = "Bearer"
            return .refused(response)
        }
        do {
            switch contact {
            case .now: try hub.recordContact(kommun: owner)
            case .inBackground:
                let hub = self.hub
                DispatchQueue.global().async { try? hub.recordContact(kommun: owner) }
            case .notNow: break
            }
        } catch {
            return .refused(unavailable("the database is busy"))
        }
        guard owner == kommun else {
            log("event=forbidden token_site=\(owner) site=\(kommun)")
            hub.recordReject(kommun: owner, status: 403, reason: .forbiddenSite)
            return .refused(.refusal(403, ErrorResponse("this token may only use its own site")))
        }
        return .granted
    }

    /// Runs `body` for a request whose bearer token belongs to `kommun` (see `authorize`); a
    /// refusal after it is recorded with its fixed reason code.
    private func authenticated(_ request: HTTPRequest, _ kommun: String, contact: ContactRecording = .now, _ body: () -> HTTPResponse) -> HTTPResponse {
        if case let .refused(response) = authorize(request, kommun, contact: contact) { return response }
        let response = body()
        if response.status >= 400 {
            hub.recordReject(kommun: kommun, status: response.status, reason: RejectReason(status: response.status))
        }
        return response
    }

    /// 415 unless the request says its body is JSON.
    private static func refuseContentType(_ request: HTTPRequest) -> HTTPResponse? {
        guard let type = request.header("Content-Type"), type.lowercased().split(separator: ";").first?.trimmingCharacters(in: .whitespaces) == "application/json" else {
            return .refusal(415, ErrorResponse("Content-Type must be application/json"))
        }
        return nil
    }

    /// Protected figures only: every value is `n + noise`; exact counts never leave the hub.
    private func published(_ request: HTTPRequest, format: PublicationFormat, allowed: Set<String>, kommun: String?, regionOnly: Bool = false) -> HTTPResponse {
        if let unknown = request.query.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .refusal(400, ErrorResponse("unknown parameter '\(unknown)'; allowed: \(allowed.sorted().joined(separator: ", "))"))
        }
        guard let text = request.query["period"] else { return .refusal(400, ErrorResponse("period is required (e.g. 2026-11 or 2026-H2)")) }
        guard let period = Period(text), (2000...2100).contains(period.firstDay.year) else {
            return .refusal(400, ErrorResponse("malformed period '\(text)'; give a month (2026-11) or a half-year (2026-H2)"))
        }
        guard CellTable.isPlausible(period, today: today()) else {
            return .refusal(400, ErrorResponse("no figures exist for \(period): periods run from \(CellTable.firstPeriod) to a month from today"))
        }
        var table: CellTable?
        if let name = request.query["table"] {
            guard let known = CellTable(rawValue: name) else {
                return .refusal(400, ErrorResponse("unknown table '\(name)'; known: \(CellTable.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            table = known
        }
        var filter = kommun
        if !regionOnly, let code = request.query["kommun"] {
            guard KommunCode.isWellFormed(code), (try? hub.sites().contains { $0.kommun == code }) == true else {
                return .refusal(400, ErrorResponse("unknown kommun '\(code)'"))
            }
            filter = code
        }
        do {
            let day = today()
            let key = PublicationCache.Key(period: period, table: table, kommun: filter, isRegionOnly: regionOnly, format: format, day: day)
            let body = try hub.publicationCache.body(key, dataVersion: try hub.dataVersion()) {
                var publication = try hub.publication(period: period, table: table, kommun: filter, today: day)
                if regionOnly { publication = publication.regionOnly }
                return try format.render(publication, perturbation: hub.perturbation, kommun: filter, table: table, day: day)
            }
            return HTTPResponse(status: 200, headers: format.headers(period: period, kommun: filter, table: table), body: body)
        } catch {
            return failure(error)
        }
    }

    private func getState(_ kommun: String) -> HTTPResponse {
        do {
            return .body(200, try hub.state(kommun: kommun))
        } catch {
            return failure(error)
        }
    }

    private func putBatch(_ request: HTTPRequest, kommun: String, generation: String, seqText: String) -> HTTPResponse {
        guard request.body.count <= hub.maxBodyBytes else {
            return .refusal(413, ErrorResponse("the body is larger than \(hub.maxBodyBytes) bytes"))
        }
        if let refusal = Self.refuseContentType(request) { return refusal }
        guard let contentDigest = request.header("Content-Digest") else {
            return .refusal(400, ErrorResponse("Content-Digest (RFC 9530, sha-256) is required"))
        }
        guard ContentDigest.matches(contentDigest, body: request.body) else {
            return .refusal(400, ErrorResponse("the body does not match its Content-Digest"))
        }
        guard Generation.isWellFormed(generation), let seq = Int(seqText), seq >= 1 else {
            return .refusal(400, ErrorResponse("the URL must name /batches/{32 hex digits}/{seq ≥ 1}"))
        }
        let batch: Batch
        do {
            batch = try Batch.decode(request.body, maximumCount: hub.maxCellCount)
        } catch {
            return .refusal(400, ErrorResponse(error.message))
        }
        let day = today()
        if let index = batch.cells.firstIndex(where: { !CellTable.isPlausible($0.period, today: day) }) {
            return .refusal(400, ErrorResponse("cells[\(index)]: no figures can exist for \(batch.cells[index].period) "
                + "(periods run from \(CellTable.firstPeriod) to a month from today)"))
        }
        guard batch.kommun == kommun, batch.generation == generation, batch.seq == seq else {
            return .refusal(400, ErrorResponse("the batch's kommun, generation and seq must equal the URL's"))
        }
        do {
            let started = DispatchTime.now().uptimeNanoseconds
            let outcome = try hub.apply(batch, body: request.body)
            if outcome.changesFigures { hub.applyLatency.record(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
            let response = Self.response(for: outcome)
            if case .digestMismatch = outcome {
                log("event=batch_digest_mismatch site=\(kommun) seq=\(seq)")
            } else {
                log("event=batch site=\(kommun) generation=\(generation) seq=\(seq) cells=\(batch.cells.count) status=\(response.status)")
            }
            return response
        } catch {
            return failure(error)
        }
    }

    /// The one mapping from a batch's outcome to its HTTP status and body (design §7).
    static func response(for outcome: BatchOutcome) -> HTTPResponse {
        switch outcome {
        case let .applied(body): return .body(201, body)
        case let .alreadyApplied(body): return .body(200, body)
        case let .conflict(body): return .body(409, body)
        case let .differentBody(generation, seq):
            return .refusal(422, ErrorResponse("seq \(seq) of generation \(generation) was already applied with a different body"))
        case let .digestMismatch(expected, found):
            return .refusal(422, ErrorResponse("after applying, the state's digest is \(found), not the batch's \(expected); nothing was applied"))
        case let .implausible(message):
            return .refusal(400, ErrorResponse(message + "; nothing was applied"))
        }
    }

    /// The one mapping from an error to its HTTP status: busy is 503 (the client retries), an
    /// unknown site 404, anything else 500 (logged, never shown).
    private func failure(_ error: any Error) -> HTTPResponse {
        switch error {
        case let error as SQLiteError where error.isBusy: return unavailable("the database is busy")
        case let HubError.database(error) where error.isBusy: return unavailable("the database is busy")
        case HubError.notFound: return .refusal(404, ErrorResponse("no such site"))
        default:
            log("event=internal_error error=\(String(describing: error).prefix(200).replacingOccurrences(of: " ", with: "_"))")
            return .refusal(500, ErrorResponse("internal error"))
        }
    }

    private func unavailable(_ message: String) -> HTTPResponse {
        var response = HTTPResponse.refusal(503, ErrorResponse(message))
        response.headers["Retry-After"] = "5"
        return response
    }

    private func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        var response = HTTPResponse.refusal(405, ErrorResponse("method not allowed"))
        response.headers["Allow"] = allowed
        return response
    }
}

extension HTTPResponse {
    /// A JSON response carrying a protocol body.
    static func body(_ status: Int, _ body: some WireBody) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body.json)
    }

    /// A refusal with its `{"error"}` body.
    static func refusal(_ status: Int, _ error: ErrorResponse) -> HTTPResponse {
        body(status, error)
    }
}
