import Foundation
import KAACore
import KAACrypto
import KAAHTTP
import KAAProtocol
import KAAResources
import KAASQLite
import KAAZlib

/// The hub's HTTP API (design §7, §8): routing, authentication, strict validation before any
/// write, the status codes the sync client relies on, and standard HTTP on the public read API
/// (HEAD, validators and 304, caching, CORS, gzip, problem details). Transport-free: tests call it
/// directly.
public struct HubResponder: HTTPResponder {
    let hub: Hub
    let log: @Sendable (String) -> Void
    let today: @Sendable () -> CalendarDate
    /// Seconds on a monotonic clock, for the rate limit of the log.
    let clock: @Sendable () -> Double
    /// Unauthenticated requests are logged at most once per interval (anyone can send them).
    let unauthenticatedLog: RateLimitedLog
    /// Seconds since 1970 (UTC), for judging an `If-Modified-Since` from the future.
    let wallClock: @Sendable () -> Int
    /// When this responder started (seconds since 1970): no answer is older, since the figures
    /// depend on its configuration (the noise table) too.
    let startedAt: Int
    /// The public answers with their validators and gzip bodies.
    let responseCache = ResponseCache()
    /// Seconds for which a commit by another process (the admin CLI) may go unseen by the
    /// public answers: SQLite's `data_version` is read on one connection behind a lock, and
    /// reading it on every request made 50 readers queue there. The hub's own commits are seen at once.
    let dataVersion: RecentValue<Int64>

    /// A responder for `hub`; `unauthenticatedLogInterval` is the seconds between log lines about
    /// requests without a valid token (all are counted in `/metrics`, which `MetricsResponder` serves
    /// on a listener of its own).
    public init(hub: Hub, log: @escaping @Sendable (String) -> Void = { _ in }, today: @escaping @Sendable () -> CalendarDate = HubResponder.swedishToday,
                clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
                unauthenticatedLogInterval: Double = 60,
                wallClock: @escaping @Sendable () -> Int = { Int(time(nil)) }, externalChangeDelay: Double = 0.05) {
        self.dataVersion = RecentValue(interval: externalChangeDelay)
        self.wallClock = wallClock
        self.startedAt = wallClock()
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
        let surface = Surface(parts)
        if request.targetLength > Self.maxTargetBytes {
            return refuse(Refusal(414, "uri-too-long", "URI too long", "the path and query are longer than \(Self.maxTargetBytes) bytes"), on: surface)
        }
        if request.method == "OPTIONS" { return options(request, parts: parts, surface: surface) }
        // HEAD is answered as GET; the transport sends its head only (libmicrohttpd drops a HEAD
        // answer's body and keeps its Content-Length), so both carry the same headers.
        var get = request
        if request.method == "HEAD" { get.method = "GET" }
        if surface != .sync, let name = get.repeatedQueryParameter {
            return refuse(Refusal(400, "repeated-parameter", "Repeated parameter", "the parameter '\(name)' is given more than once; give it once"),
                          on: surface)
        }
        switch surface {
        case .browser: return browser(get, parts: parts)
        case .publicAPI: return publicAPI(get, parts: parts)
        case .sync: return sync(get, parts: parts)
        }
    }

    /// Today in Sweden, worked out at most once a second: a Foundation calendar and time zone per
    /// request were a visible part of a small answer's time.
    @Sendable public static func swedishToday() -> CalendarDate {
        recentToday.value(now: Double(DispatchTime.now().uptimeNanoseconds) / 1e9) { Hub.swedishToday() }
    }

    private static let recentToday = RecentValue<CalendarDate>(interval: 1)

    /// The longest path and query accepted (bytes, decoded); longer is 414. Every real URL of the
    /// API is far shorter, and libmicrohttpd refuses what does not fit its buffer before this.
    static let maxTargetBytes = 4096

    /// The three kinds of path, each with its own way of refusing.
    enum Surface {
        /// The dashboard and whatever else a browser asks for: Swedish HTML.
        case browser
        /// The public read API under `/v1` (not the sites): RFC 9457 problem details, CORS.
        case publicAPI
        /// The sync endpoints `/v1/sites/{kommun}/…`: their `{"error"}` bodies, unchanged (design §7).
        case sync

        init(_ parts: [String]) {
            if parts.first != "v1" { self = .browser } else if parts.count >= 2, parts[1] == "sites" { self = .sync } else { self = .publicAPI }
        }
    }

    /// The public read API's routes (`GET`, `HEAD`, `OPTIONS`).
    static let publicRoutes: Set<String> = ["published", "published.csv", "published.xlsx", "periods", "tables", "kommuner", "openapi.json"]

    // MARK: - Browser paths

    private func browser(_ request: HTTPRequest, parts: [String]) -> HTTPResponse {
        if parts.isEmpty || (parts.count == 2 && (parts[0] == "kommun" || parts[0] == "lan")) {
            guard request.method == "GET" else { return methodNotAllowed("GET, HEAD", on: .browser) }
            if let unknown = request.query.keys.sorted().first(where: { $0 != "period" }) {
                return refuse(Refusal(400, "unknown-parameter", "Unknown parameter", "unknown parameter '\(unknown)'"), on: .browser)
            }
            do {
                let page = try Dashboard(hub: hub, today: today()).page(period: request.query["period"], kommun: parts.count == 2 && parts[0] == "kommun" ? parts[1] : nil,
                                                                        county: parts.count == 2 && parts[0] == "lan" ? parts[1] : nil)
                let body = Array(page.html.utf8)
                guard page.status == 200 else { return .text(page.status, page.html, contentType: "text/html; charset=utf-8") }
                return serve(request, Self.representation(body, contentType: "text/html; charset=utf-8", lastModified: nil,
                                                          cacheControl: "public, max-age=60"), isCORS: false)
            } catch {
                return failure(error, on: .browser)
            }
        }
        if parts == ["healthz"] {
            guard request.method == "GET" else { return methodNotAllowed("GET, HEAD", on: .browser) }
            var response = HTTPResponse.text(200, "ok\n")
            response.headers["Cache-Control"] = "no-store"
            return response
        }
        if parts == ["robots.txt"] {
            guard request.method == "GET" else { return methodNotAllowed("GET, HEAD", on: .browser) }
            // The dashboard may be indexed; the API's many parameter combinations may not.
            var response = HTTPResponse.text(200, "User-agent: *\nDisallow: /v1/\n")
            response.headers["Cache-Control"] = "public, max-age=86400"
            return response
        }
        return BrowserPage.notFound(path: request.path)
    }

    // MARK: - The public read API

    private func publicAPI(_ request: HTTPRequest, parts: [String]) -> HTTPResponse {
        guard parts.count == 2, Self.publicRoutes.contains(parts[1]) else {
            return refuse(Refusal(404, "not-found", "Not found", "no such resource; the API is described at /v1/openapi.json"), on: .publicAPI)
        }
        guard request.method == "GET" else { return methodNotAllowed("GET, HEAD, OPTIONS", on: .publicAPI) }
        let route = parts[1]
        if let format = PublicationFormat(resource: route) {
            return published(request, format: format, allowed: ["period", "table", "kommun", "lan"], kommun: nil)
        }
        if let unknown = request.query.keys.sorted().first {
            return refuse(Refusal(400, "unknown-parameter", "Unknown parameter", "unknown parameter '\(unknown)'; this resource takes none"), on: .publicAPI)
        }
        do {
            let representation = try cached(route) {
                switch route {
                case "tables":
                    return Self.representation(CatalogueDescription.response.json, contentType: "application/json", lastModified: startedAt,
                                               cacheControl: "public, max-age=3600")
                case "openapi.json":
                    return Self.representation(Array((EmbeddedFiles.text("docs/openapi.json") ?? "").utf8), contentType: "application/json",
                                               lastModified: startedAt, cacheControl: "public, max-age=3600")
                case "periods":
                    let lastModified = try hub.sitesLastChanged()
                    return Self.representation(try periodsBody().json, contentType: "application/json",
                                               lastModified: max(lastModified ?? 0, startedAt), cacheControl: "public, max-age=60")
                default:
                    let lastModified = try hub.sitesLastChanged()
                    return Self.representation(try kommunerBody().json, contentType: "application/json",
                                               lastModified: max(lastModified ?? 0, startedAt), cacheControl: "public, max-age=60")
                }
            }
            return serve(request, representation, isCORS: true)
        } catch {
            return failure(error, on: .publicAPI)
        }
    }

    /// `/v1/periods`: every period with figures, with how many kommuner reported it.
    private func periodsBody() throws -> PeriodsResponse {
        let (statuses, enrolled) = try hub.periodStatuses()
        let day = today()
        return PeriodsResponse(periods: statuses.map { status in
            let kind = if case .month = status.period { "month" } else { "half_year" }
            return PeriodsResponse.Period(period: status.period.description, kind: kind, reported: status.reported, of: enrolled,
                                          preliminary: !status.period.isFrozen(today: day), lastChanged: status.changedAt)
        })
    }

    /// `/v1/kommuner`: the enrolled kommuner with their län and last report.
    private func kommunerBody() throws -> KommunerResponse {
        KommunerResponse(kommuner: try hub.kommunStatuses().map { entry in
            let county = Kommuner.all[entry.site.kommun]?.county ?? String(entry.site.kommun.prefix(2))
            return KommunerResponse.Kommun(kommun: entry.site.kommun, name: entry.site.name, lan: county, lanName: Kommuner.counties[county] ?? county,
                                           lastReport: entry.site.lastBatchAt, latestPeriod: entry.latestPeriod?.description)
        })
    }

    // MARK: - The sync endpoints (design §7)

    private func sync(_ request: HTTPRequest, parts: [String]) -> HTTPResponse {
        guard parts.count >= 4, KommunCode.isWellFormed(parts[2]) else {
            return .refusal(404, ErrorResponse("no such resource"))
        }
        let kommun = parts[2]
        switch Array(parts.dropFirst(3)) {
        case ["state"]:
            guard request.method == "GET" else { return methodNotAllowed("GET, HEAD", on: .sync) }
            return authenticated(request, kommun) { noStore(getState(kommun)) }
        case ["region"]:
            guard request.method == "GET" else { return methodNotAllowed("GET, HEAD", on: .sync) }
            return authenticated(request, kommun, contact: .inBackground) {
                if let name = request.repeatedQueryParameter {
                    return .refusal(400, ErrorResponse("the parameter '\(name)' is given more than once"))
                }
                return noStore(published(request, format: .json, allowed: ["period", "table"], kommun: kommun, regionOnly: true))
            }
        case let tail where tail.count == 3 && tail[0] == "batches":
            guard request.method == "PUT" else { return methodNotAllowed("PUT", on: .sync) }
            return authenticated(request, kommun) { putBatch(request, kommun: kommun, generation: tail[1], seqText: tail[2]) }
        default:
            return .refusal(404, ErrorResponse("no such resource"))
        }
    }

    /// An authenticated answer that no shared cache may keep.
    private func noStore(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        response.headers["Cache-Control"] = "no-store"
        return response
    }

    /// Whether a request's token lets it use `kommun`'s site, and whose token it is.
    private enum Authorization {
        case granted(Principal)
        case refused(HTTPResponse)
    }

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

    /// 401 without a valid token (counted; logged at most once per interval, since anyone can
    /// cause it), 403 for another kommun's site (recorded as the token owner's refusal). Every
    /// authenticated request is the kommun's last contact.
    ///
    /// A relay's token (issue 20) may use the sites of its own kommuner only (else 403, counted on
    /// the relay), and only with this hub's publication parameters in `KAA-Protection` (else 412
    /// naming what differs): a kommun's figure must be the same on both levels.
    private func authorize(_ request: HTTPRequest, _ kommun: String, contact: ContactRecording = .now) -> Authorization {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer "),
              let principal = hub.principal(token: String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)) else {
            hub.unauthenticatedRequests.add(1, ordering: .relaxed)
            let (allowed, suppressed) = unauthenticatedLog.mayLog(now: clock())
            if allowed { log("event=auth_failed site=\(kommun) suppressed_since_last=\(suppressed)") }
            var response = HTTPResponse.refusal(401, ErrorResponse("a valid bearer token is required"))
            response.headers["WWW-Authenticate"] = "Bearer"
            return .refused(response)
        }
        let record: @Sendable () throws -> Void
        switch principal {
        case let .site(owner):
            record = { [hub] in try hub.recordContact(kommun: owner) }
        case let .relay(name, kommuner):
            guard kommuner.contains(kommun) else {
                log("event=forbidden relay=\(name) site=\(kommun)")
                hub.recordRelayReject(name: name, kommun: kommun, status: 403, reason: .forbiddenSite)
                return .refused(.refusal(403, ErrorResponse("this relay may only write the kommuner it was created for")))
            }
            let theirs = request.header(Hub.protectionHeader) ?? ""
            let ours = hub.protection
            guard theirs == ours else {
                let differences = theirs.isEmpty ? ["the \(Hub.protectionHeader) header is missing"] : Hub.protectionDifferences(ours: ours, theirs: theirs)
                log("event=protection_mismatch relay=\(name)")
                hub.recordRelayReject(name: name, kommun: kommun, status: 412, reason: .refused, protection: theirs.isEmpty ? nil : theirs)
                return .refused(.refusal(412, ErrorResponse("the publication parameters differ from this hub's: " + differences.joined(separator: "; "))))
            }
            record = { [hub] in try hub.recordRelayContact(name: name, kommun: kommun, protection: ours) }
        }
        do {
            switch contact {
            case .now: try record()
            case .inBackground:
                DispatchQueue.global().async { try? record() }
            case .notNow: break
            }
        } catch {
            return .refused(unavailable("the database is busy"))
        }
        if case let .site(owner) = principal, owner != kommun {
            log("event=forbidden token_site=\(owner) site=\(kommun)")
            hub.recordReject(kommun: owner, status: 403, reason: .forbiddenSite)
            return .refused(.refusal(403, ErrorResponse("this token may only use its own site")))
        }
        return .granted(principal)
    }

    /// Runs `body` for a request whose bearer token may use `kommun`'s site (see `authorize`); a
    /// refusal after it is recorded with its fixed reason code (on the relay too, for a relay's).
    private func authenticated(_ request: HTTPRequest, _ kommun: String, contact: ContactRecording = .now, _ body: () -> HTTPResponse) -> HTTPResponse {
        let principal: Principal
        switch authorize(request, kommun, contact: contact) {
        case let .refused(response): return response
        case let .granted(granted): principal = granted
        }
        let response = body()
        if response.status >= 400 {
            if case let .relay(name, _) = principal {
                hub.recordRelayReject(name: name, kommun: kommun, status: response.status, reason: RejectReason(status: response.status), countedOnSite: true)
            } else {
                hub.recordReject(kommun: kommun, status: response.status, reason: RejectReason(status: response.status))
            }
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
    /// On the public API (`kommun` nil) the answer carries validators, gzip and CORS; the region
    /// endpoint (a sync endpoint) keeps its plain `{"error"}` refusals.
    private func published(_ request: HTTPRequest, format: PublicationFormat, allowed: Set<String>, kommun: String?, regionOnly: Bool = false) -> HTTPResponse {
        let surface: Surface = regionOnly ? .sync : .publicAPI
        if let unknown = request.query.keys.sorted().first(where: { !allowed.contains($0) }) {
            return refuse(Refusal(400, "unknown-parameter", "Unknown parameter",
                                  "unknown parameter '\(unknown)'; allowed: \(allowed.sorted().joined(separator: ", "))"), on: surface)
        }
        guard let text = request.query["period"] else {
            return refuse(Refusal(400, "missing-parameter", "Missing parameter", "period is required (e.g. 2026-11 or 2026-H2)"), on: surface)
        }
        guard let period = Period(text) else {
            return refuse(Refusal(400, "malformed-parameter", "Malformed parameter",
                                  "malformed period '\(text)'; give a month (2026-11) or a half-year (2026-H2)"), on: surface)
        }
        guard (2000...2100).contains(period.firstDay.year), CellTable.isPlausible(period, today: today()) else {
            return refuse(Refusal(400, "out-of-range", "Period out of range",
                                  "the period \(period) is out of range: figures exist from \(CellTable.firstPeriod) to a month from today"), on: surface)
        }
        var table: CellTable?
        if let name = request.query["table"] {
            guard let known = CellTable(rawValue: name) else {
                return refuse(Refusal(400, "unknown-value", "Unknown value",
                                      "unknown table '\(name)'; known: \(CellTable.allCases.map(\.rawValue).joined(separator: ", ")) (see /v1/tables)"), on: surface)
            }
            table = known
        }
        var filter = kommun
        if !regionOnly, let code = request.query["kommun"] {
            guard KommunCode.isWellFormed(code), (try? hub.sites().contains { $0.kommun == code }) == true else {
                return refuse(Refusal(400, "unknown-value", "Unknown value", "unknown kommun '\(code)' (see /v1/kommuner)"), on: surface)
            }
            filter = code
        }
        var county: String?
        if !regionOnly, let code = request.query["lan"] {
            guard code.count == 2, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return refuse(Refusal(400, "malformed-parameter", "Malformed parameter",
                                      "malformed lan; give a län's two-digit county code (e.g. 03, see /v1/kommuner)"), on: surface)
            }
            guard Kommuner.counties[code] != nil,
                  hub.scope.counties.contains(code) || (try? hub.sites().contains { Publication.county(of: $0.kommun) == code }) == true else {
                return refuse(Refusal(400, "unknown-value", "Unknown value", "unknown lan '\(code)': the hub serves no kommun there (see /v1/kommuner)"),
                              on: surface)
            }
            if let filter, Publication.county(of: filter) != code {
                return refuse(Refusal(400, "unknown-value", "Unknown value", "the kommun '\(filter)' is not in lan '\(code)'"), on: surface)
            }
            county = code
        }
        do {
            let day = today()
            let key = PublicationCache.Key(period: period, table: table, kommun: filter, county: county, isRegionOnly: regionOnly, format: format, day: day)
            // Read before the body: a change in between can only make Last-Modified too early,
            // which costs a client a full answer, never a stale 304.
            func body() throws -> [UInt8] {
                try hub.publicationCache.body(key, dataVersion: try hub.dataVersion()) {
                    var publication = try hub.publication(period: period, table: table, kommun: filter, county: county, today: day)
                    if regionOnly { publication = publication.regionOnly }
                    return try format.render(publication, perturbation: hub.perturbation, kommun: filter, table: table, county: county, day: day)
                }
            }
            if regionOnly {
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: try body())
            }
            let representation = try cached("published|\(format)|\(period)|\(table?.rawValue ?? "")|\(filter ?? "")|\(county ?? "")|\(day)") {
                let changed = try hub.lastChanged(period: period) ?? 0
                let frozen = period.isFrozen(today: day)
                // A period's figures also change the day it freezes (no longer preliminary).
                let frozenSince = frozen ? (period.halfYear.next.lastDay.dayNumber + 1) * 86_400 : 0
                var headers = format.headers(period: period, kommun: filter, table: table, county: county)
                let contentType = headers.removeValue(forKey: "Content-Type") ?? format.contentType
                return Self.representation(try body(), contentType: contentType,
                                           lastModified: max(changed, frozenSince, startedAt),
                                           cacheControl: frozen ? "public, max-age=86400" : "public, max-age=60",
                                           headers: headers)
            }
            return serve(request, representation, isCORS: true)
        } catch {
            return failure(error, on: surface)
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
    private func failure(_ error: any Error, on surface: Surface = .sync) -> HTTPResponse {
        switch error {
        case let error as SQLiteError where error.isBusy: return unavailable("the database is busy", on: surface)
        case let HubError.database(error) where error.isBusy: return unavailable("the database is busy", on: surface)
        case HubError.notFound: return refuse(Refusal(404, "not-found", "Not found", "no such site"), on: surface)
        default:
            log("event=internal_error error=\(String(describing: error).prefix(200).replacingOccurrences(of: " ", with: "_"))")
            return refuse(Refusal(500, "internal", "Internal error", "internal error"), on: surface)
        }
    }

    private func unavailable(_ message: String, on surface: Surface = .sync) -> HTTPResponse {
        var response = refuse(Refusal(503, "busy", "Service unavailable", message + "; try again later"), on: surface)
        if surface == .sync { response = .refusal(503, ErrorResponse(message)) }
        response.headers["Retry-After"] = "5"
        return response
    }

    private func methodNotAllowed(_ allowed: String, on surface: Surface) -> HTTPResponse {
        var response = refuse(Refusal(405, "method-not-allowed", "Method not allowed", "method not allowed; allowed: \(allowed)"), on: surface)
        if surface == .sync { response = .refusal(405, ErrorResponse("method not allowed")) }
        response.headers["Allow"] = allowed
        return response
    }

    // MARK: - Standard HTTP: refusals, preflight, validators, gzip

    /// A refusal, said the way its surface says it.
    struct Refusal {
        let status: Int
        /// The problem type's last part (`out-of-range`).
        let kind: String
        let title: String
        let detail: String

        init(_ status: Int, _ kind: String, _ title: String, _ detail: String) {
            self.status = status
            self.kind = kind
            self.title = title
            self.detail = detail
        }

        /// The RFC 9457 body: `tag:` type URIs identify the kinds (RFC 9457 §4, no page behind them).
        var problem: ProblemResponse {
            ProblemResponse(type: "tag:kaa-register,2026:problem:\(kind)", title: title, status: status, detail: detail)
        }
    }

    /// `refusal` as problem details (public API), the `{"error"}` body (sync) or a Swedish page.
    private func refuse(_ refusal: Refusal, on surface: Surface) -> HTTPResponse {
        switch surface {
        case .sync:
            return .refusal(refusal.status, ErrorResponse(refusal.detail))
        case .publicAPI:
            var response = HTTPResponse(status: refusal.status, headers: ["Content-Type": ProblemResponse.mediaType], body: refusal.problem.json)
            response.headers.merge(Self.corsHeaders) { _, new in new }
            response.headers["Cache-Control"] = "no-store"
            return response
        case .browser:
            return BrowserPage.refusal(status: refusal.status)
        }
    }

    /// CORS for the public read API: anyone's page may read the published figures (they are
    /// public); `ETag` and `Last-Modified` are exposed so that a script can revalidate.
    static let corsHeaders = ["Access-Control-Allow-Origin": "*",
                              "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Disposition"]

    /// `OPTIONS`: a CORS preflight on the public API (GET and HEAD, the conditional headers);
    /// elsewhere only `Allow`, so that no browser page may call the sync endpoints.
    private func options(_ request: HTTPRequest, parts: [String], surface: Surface) -> HTTPResponse {
        switch surface {
        case .publicAPI:
            guard parts.count == 2, Self.publicRoutes.contains(parts[1]) else {
                return refuse(Refusal(404, "not-found", "Not found", "no such resource; the API is described at /v1/openapi.json"), on: .publicAPI)
            }
            var response = HTTPResponse(status: 204, headers: Self.corsHeaders)
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept, Accept-Encoding"
            response.headers["Access-Control-Max-Age"] = "86400"
            return response
        case .sync:
            return HTTPResponse(status: 204, headers: ["Allow": parts.count == 6 ? "PUT" : "GET, HEAD"])
        case .browser:
            return HTTPResponse(status: 204, headers: ["Allow": "GET, HEAD"])
        }
    }

    /// A representation of `body`: its entity tag (SHA-256, 128 bits) and, past 1 KiB, its gzip.
    static func representation(_ body: [UInt8], contentType: String, lastModified: Int?, cacheControl: String,
                               headers: [String: String] = [:]) -> ResponseCache.Representation {
        let tag = Crypto.hex(Crypto.sha256(body).prefix(16))
        // A body that gzip cannot make is sent as it is (the representation stays correct).
        let gzip = body.count >= 1024 ? try? Gzip.compress(body) : nil
        return ResponseCache.Representation(body: body, gzip: gzip.flatMap { $0.count < body.count ? $0 : nil },
                                            validators: Validators(entityTag: tag, lastModified: lastModified),
                                            contentType: contentType, cacheControl: cacheControl, headers: headers)
    }

    /// The representation under `key` for the hub's current data, made when missing or stale.
    private func cached(_ key: String, make: () throws -> ResponseCache.Representation) throws -> ResponseCache.Representation {
        let version = hub.publicationCache.version(dataVersion: try recentDataVersion())
        return try responseCache.representation(key, version: version, currentVersion: {
            hub.publicationCache.version(dataVersion: try hub.dataVersion())
        }, make: make)
    }

    /// SQLite's `data_version`, read at most once per `externalChangeDelay`.
    private func recentDataVersion() throws -> Int64 {
        try dataVersion.value(now: clock()) { try hub.dataVersion() }
    }

    /// The answer to a GET (or HEAD) of `representation`: `304` when the client's validators
    /// match, else the body, gzip when the client accepts it; every answer names its validators,
    /// its caching and `Vary: Accept-Encoding`.
    private func serve(_ request: HTTPRequest, _ representation: ResponseCache.Representation, isCORS: Bool) -> HTTPResponse {
        let gzip = AcceptEncoding.acceptsGzip(request.header("Accept-Encoding")) ? representation.gzip : nil
        var headers = representation.headers
        headers["ETag"] = representation.validators.etagHeader(coding: gzip == nil ? nil : "gzip")
        if let lastModified = representation.validators.lastModified { headers["Last-Modified"] = HTTPDate.format(lastModified) }
        headers["Cache-Control"] = representation.cacheControl
        headers["Vary"] = "Accept-Encoding"
        if isCORS { headers.merge(Self.corsHeaders) { _, new in new } }
        if representation.validators.isNotModified(ifNoneMatch: request.header("If-None-Match"), ifModifiedSince: request.header("If-Modified-Since"),
                                                   now: wallClock()) {
            // No body: libmicrohttpd 0.9.75 then writes `Content-Length: 0`, which caches never take
            // from a 304 (RFC 9111 §3.2). Giving it the 200's body for the true length (RFC 9110
            // §8.6) makes clients with older parsers (wrk's) wait for a body that never comes.
            return HTTPResponse(status: 304, headers: headers)
        }
        headers["Content-Type"] = representation.contentType
        if let gzip {
            headers["Content-Encoding"] = "gzip"
            return HTTPResponse(status: 200, headers: headers, body: gzip)
        }
        return HTTPResponse(status: 200, headers: headers, body: representation.body)
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
