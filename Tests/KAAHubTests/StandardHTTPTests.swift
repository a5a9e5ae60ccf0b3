import Foundation
import KAACore
import KAAHTTP
@testable import KAAHub
import KAAProtocol
import KAAResources
import KAATestFixtures
import KAAZlib
import Synchronization
import Testing

private func request(_ fixture: HubFixture, _ method: String, _ path: String, query: [(name: String, value: String)] = [],
                     headers: [String: String] = [:]) -> HTTPResponse {
    fixture.responder.respond(to: HTTPRequest(method: method, path: path, queryItems: query, headers: headers))
}

private func request(_ fixture: HubFixture, _ path: String, query: [(name: String, value: String)] = [], headers: [String: String] = [:]) -> HTTPResponse {
    request(fixture, "GET", path, query: query, headers: headers)
}

private let november = [(name: "period", value: "2026-11")]

/// Standard HTTP on the public read API (issue #17): HEAD, validators, caching, CORS, gzip.
@Suite struct StandardHTTPTests {
    @Test(arguments: ["/v1/published", "/v1/published.csv", "/v1/periods", "/v1/tables", "/v1/kommuner", "/v1/openapi.json", "/", "/healthz"])
    func headAnswersWithGETsStatusAndHeaders(_ path: String) throws {
        let (fixture, _) = try publishedFixture()
        let query = path.hasPrefix("/v1/published") ? november : []
        let get = request(fixture, path, query: query, headers: ["Accept-Encoding": "gzip"])
        let head = request(fixture, "HEAD", path, query: query, headers: ["Accept-Encoding": "gzip"])
        #expect(get.status == 200, "\(path): \(String(decoding: get.body, as: UTF8.self).prefix(200))")
        #expect(head.status == get.status)
        #expect(head.headers == get.headers, "\(path)")
        // The transport drops a HEAD answer's body but sends its length: the same bytes as GET's.
        #expect(head.body.count == get.body.count)
    }

    @Test func publishedFiguresCarryValidatorsAndCaching() throws {
        let (fixture, _) = try publishedFixture()
        let response = request(fixture, "/v1/published", query: november)
        let etag = try #require(response.header("ETag"))
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count > 20)
        let lastModified = try #require(response.header("Last-Modified"))
        #expect(HTTPDate.parse(lastModified) != nil, "\(lastModified)")
        #expect(response.header("Cache-Control") == "public, max-age=60", "an open period is cached briefly")
        #expect(response.header("Vary") == "Accept-Encoding")
        #expect(response.header("Access-Control-Allow-Origin") == "*")
        // A frozen period with no figures: long-lived.
        let frozen = request(fixture, "/v1/published", query: [(name: "period", value: "2024-01")])
        #expect(frozen.status == 200)
        #expect(frozen.header("Cache-Control") == "public, max-age=86400")
    }

    @Test func ifNoneMatchGives304UntilTheFiguresChange() throws {
        let (fixture, tokenB) = try publishedFixture()
        let first = request(fixture, "/v1/published", query: november)
        let etag = try #require(first.header("ETag"))
        let notModified = request(fixture, "/v1/published", query: november, headers: ["If-None-Match": etag])
        #expect(notModified.status == 304)
        #expect(notModified.body.isEmpty)
        #expect(notModified.header("ETag") == etag)
        #expect(notModified.header("Cache-Control") == first.header("Cache-Control"))
        #expect(request(fixture, "/v1/published", query: november, headers: ["If-None-Match": "W/\(etag)"]).status == 304, "weak comparison")
        #expect(request(fixture, "/v1/published", query: november, headers: ["If-None-Match": "\"other\", \(etag)"]).status == 304, "a list")
        #expect(request(fixture, "/v1/published", query: november, headers: ["If-None-Match": "*"]).status == 304)
        #expect(request(fixture, "/v1/published", query: november, headers: ["If-None-Match": "\"other\""]).status == 200)
        // Another table or kommun is another representation.
        #expect(request(fixture, "/v1/published.csv", query: november, headers: ["If-None-Match": etag]).status == 200)
        // A batch that changes November: the old tag no longer matches.
        let b2: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 9, 42)]
        let b1: Set<Cell> = [c(.inKAA, "2026-11", ["age": "17", "sex": "K"], 7, 123_456), c(.inKAAReason, "2026-11", ["reason": "OKAND"], 7, 123_456),
                             c(.population, "2026-11", ["age": "17", "sex": "K"], 60, 99)]
        #expect(fixture.put(makeBatch(HubFixture.generationB, 2, from: b1, to: b2, kommun: "0381"), token: tokenB).status == 201)
        let changed = request(fixture, "/v1/published", query: november, headers: ["If-None-Match": etag])
        #expect(changed.status == 200)
        #expect(changed.header("ETag") != etag)
    }

    @Test func ifModifiedSinceGives304ForTheLastModifiedTimeAndLater() throws {
        let (fixture, _) = try publishedFixture()
        let first = request(fixture, "/v1/published", query: november)
        let lastModified = try #require(first.header("Last-Modified"))
        let seconds = try #require(HTTPDate.parse(lastModified))
        #expect(request(fixture, "/v1/published", query: november, headers: ["If-Modified-Since": lastModified]).status == 304)
        #expect(request(fixture, "/v1/published", query: november, headers: ["If-Modified-Since": HTTPDate.format(seconds - 1)]).status == 200)
        // If-None-Match decides when both are sent (RFC 9110 §13.1.3).
        #expect(request(fixture, "/v1/published", query: november,
                        headers: ["If-Modified-Since": lastModified, "If-None-Match": "\"other\""]).status == 200)
    }

    @Test(arguments: ["garbage", "\"", "W/", "\"unterminated", String(repeating: "\"x\",", count: 5000), "\u{0}", "**", "\"a\" \"b\""])
    func garbageIfNoneMatchGivesTheFullAnswer(_ header: String) throws {
        let (fixture, _) = try publishedFixture()
        let response = request(fixture, "/v1/published", query: november, headers: ["If-None-Match": header])
        #expect(response.status == 200)
        #expect(!response.body.isEmpty)
    }

    @Test(arguments: ["yesterday", "Sun, 31 Feb 2026 10:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 CET", "Mon, 01 Jan 9999 00:00:00 GMT",
                      "Thu, 01 Jan 1970 00:00:00", "", String(repeating: "9", count: 10000), "Sun, 06 Nov 1994 25:00:00 GMT", "-1"])
    func badOrFutureIfModifiedSinceIsIgnored(_ header: String) throws {
        let (fixture, _) = try publishedFixture()
        #expect(request(fixture, "/v1/published", query: november, headers: ["If-Modified-Since": header]).status == 200)
    }

    @Test func gzipWhenAcceptedDecompressesToTheSameBytes() throws {
        let (fixture, _) = try publishedFixture()
        let plain = request(fixture, "/v1/tables")
        #expect(plain.header("Content-Encoding") == nil)
        let zipped = request(fixture, "/v1/tables", headers: ["Accept-Encoding": "br;q=1.0, gzip;q=0.5"])
        #expect(zipped.status == 200)
        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(zipped.header("Vary") == "Accept-Encoding")
        #expect(zipped.body.count < plain.body.count)
        #expect(try Gzip.decompress(zipped.body) == plain.body)
        #expect(zipped.header("ETag") != plain.header("ETag"), "each coding has its own tag")
        // The gzip tag revalidates too.
        let tag = try #require(zipped.header("ETag"))
        #expect(request(fixture, "/v1/tables", headers: ["Accept-Encoding": "gzip", "If-None-Match": tag]).status == 304)
        #expect(request(fixture, "/v1/tables", headers: ["Accept-Encoding": "gzip;q=0"]).header("Content-Encoding") == nil)
        #expect(request(fixture, "/v1/tables", headers: ["Accept-Encoding": "*"]).header("Content-Encoding") == "gzip")
        #expect(request(fixture, "/v1/tables", headers: ["Accept-Encoding": "*, gzip;q=0"]).header("Content-Encoding") == nil)
    }

    @Test(arguments: [String(repeating: "x, ", count: 20000) + "gzip", String(repeating: "gzip;q=", count: 5000), "gzip;q=2", "gzip;q=-1",
                      "gzip;q=0.0000000001", "\u{1}", ";;;,,,", "identity"])
    func hostileAcceptEncodingIsHarmless(_ header: String) throws {
        let (fixture, _) = try publishedFixture()
        let response = request(fixture, "/v1/tables", headers: ["Accept-Encoding": header])
        #expect(response.status == 200)
        #expect(response.header("Content-Encoding") == nil, "\(header.prefix(40)): only a clear gzip gets gzip")
    }

    @Test func corsPreflightAllowsReadsFromAnyOrigin() throws {
        let (fixture, _) = try publishedFixture()
        let preflight = request(fixture, "OPTIONS", "/v1/published",
                                headers: ["Origin": "https://example.org", "Access-Control-Request-Method": "GET",
                                          "Access-Control-Request-Headers": "if-none-match"])
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Origin") == "*")
        #expect(preflight.header("Access-Control-Allow-Methods")?.contains("GET") == true)
        #expect(preflight.header("Access-Control-Allow-Headers")?.lowercased().contains("if-none-match") == true)
        #expect(preflight.header("Access-Control-Max-Age") != nil)
        #expect(preflight.body.isEmpty)
        // The sync endpoints are for the sync client, never for a page in a browser.
        let sync = request(fixture, "OPTIONS", "/v1/sites/0380/state", headers: ["Origin": "https://example.org"])
        #expect(sync.header("Access-Control-Allow-Origin") == nil)
        #expect(request(fixture, "/v1/sites/0380/state", headers: ["Authorization": "Bearer \(fixture.token)"]).header("Access-Control-Allow-Origin") == nil)
        #expect(request(fixture, "OPTIONS", "/v1/nothing").status == 404)
    }

    @Test func refusalsOfThePublicAPIAreProblemDetails() throws {
        let (fixture, _) = try publishedFixture()
        for (query, status, kind) in [([(name: "period", value: "2026-13")], 400, "malformed-parameter"),
                                      ([(name: "period", value: "2014-12")], 400, "out-of-range"),
                                      ([(name: "period", value: "2099-01")], 400, "out-of-range"),
                                      ([], 400, "missing-parameter"),
                                      ([(name: "period", value: "2026-11"), (name: "x", value: "1")], 400, "unknown-parameter")] {
            let response = request(fixture, "/v1/published", query: query)
            #expect(response.status == status)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("Access-Control-Allow-Origin") == "*", "a script can read why")
            let body = try json(response)
            #expect(body["status"] as? Int == status)
            #expect((body["type"] as? String)?.hasSuffix(kind) == true, "\(body)")
            #expect(body["title"] is String && body["detail"] is String)
        }
        let range = try json(request(fixture, "/v1/published", query: [(name: "period", value: "2099-01")]))
        #expect((range["detail"] as? String)?.contains("out of range") == true)
        #expect(request(fixture, "/v1/nothing").header("Content-Type") == "application/problem+json")
        let post = request(fixture, "POST", "/v1/tables")
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD, OPTIONS")
        #expect(post.header("Content-Type") == "application/problem+json")
    }

    @Test func theSyncEndpointsKeepTheirErrorBody() throws {
        let fixture = try HubFixture()
        let refused = request(fixture, "/v1/sites/0380/state")
        #expect(refused.status == 401)
        #expect(refused.header("Content-Type") == "application/json")
        #expect(ErrorResponse(json: refused.body) != nil)
        let region = request(fixture, "/v1/sites/0380/region", query: [(name: "period", value: "2026-13")], headers: ["Authorization": "Bearer \(fixture.token)"])
        #expect(region.status == 400)
        #expect(ErrorResponse(json: region.body)?.error.contains("malformed period") == true)
    }

    @Test(arguments: ["/v1/published", "/v1/periods", "/", "/v1/sites/0380/region"])
    func aRepeatedParameterIs400(_ path: String) throws {
        let (fixture, _) = try publishedFixture()
        let response = request(fixture, path, query: [(name: "period", value: "2026-11"), (name: "period", value: "2026-10")],
                               headers: ["Authorization": "Bearer \(fixture.token)"])
        #expect(response.status == 400, "\(path)")
        #expect(String(decoding: response.body, as: UTF8.self).contains(path == "/" ? "mer än en gång" : "more than once"))
        // Even the same value twice: which one counts is not guessed.
        #expect(request(fixture, path, query: [(name: "period", value: "2026-11"), (name: "period", value: "2026-11")],
                        headers: ["Authorization": "Bearer \(fixture.token)"]).status == 400)
    }

    @Test func aLongURLIs414() throws {
        let (fixture, _) = try publishedFixture()
        let long = request(fixture, "/v1/published", query: november + [(name: "table", value: String(repeating: "x", count: 5000))])
        #expect(long.status == 414)
        #expect(long.header("Content-Type") == "application/problem+json")
        #expect(request(fixture, "/" + String(repeating: "a", count: 5000)).status == 414)
        #expect(request(fixture, "/v1/published", query: november + [(name: "table", value: String(repeating: "x", count: 3000))]).status == 400)
    }

    @Test(arguments: ["/favicon.ico", "/nothing", "/kommun", "/index.php", "/kommun/0380/x"])
    func browserPathsGetSwedishHTML(_ path: String) throws {
        let (fixture, _) = try publishedFixture()
        let response = request(fixture, path)
        #expect(response.status == 404)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(html.contains("<html lang=\"sv\">") && html.contains("Sidan finns inte"))
    }

    @Test func robotsTxtIsARealRobotsFile() throws {
        let (fixture, _) = try publishedFixture()
        let response = request(fixture, "/robots.txt")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("User-agent: *\n"))
    }

    @Test func aDashboardParameterErrorIsSwedishHTML() throws {
        let (fixture, _) = try publishedFixture()
        let response = request(fixture, "/", query: [(name: "pnr", value: "200801012386")])
        #expect(response.status == 400)
        #expect(response.header("Content-Type") == "text/html; charset=utf-8")
        #expect(!String(decoding: response.body, as: UTF8.self).contains("200801012386"), "nothing the client sent is echoed")
    }
}

/// `/v1/periods`, `/v1/tables`, `/v1/kommuner` and `reporting.missing` (issue #17).
@Suite struct DiscoveryTests {
    @Test func periodsListThoseWithFiguresAndTheirReportingStatus() throws {
        let (fixture, _) = try publishedFixture()
        _ = try fixture.hub.addSite(kommun: "0382", name: nil, actor: "test")
        let body = try json(request(fixture, "/v1/periods"))
        let periods = try #require(body["periods"] as? [[String: Any]])
        #expect(periods.count == 1)
        let november = try #require(periods.first)
        #expect(november["period"] as? String == "2026-11")
        #expect(november["kind"] as? String == "month")
        #expect(november["reported"] as? Int == 2)
        #expect(november["of"] as? Int == 3)
        #expect(november["preliminary"] as? Bool == true)
        #expect((november["last_changed"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func tablesHaveSwedishLabelsDimsAndEveryValue() throws {
        let (fixture, _) = try publishedFixture()
        let body = try json(request(fixture, "/v1/tables"))
        #expect(body["catalogue_version"] as? Int == CellTable.catalogueVersion)
        let tables = try #require(body["tables"] as? [[String: Any]])
        #expect(Set(tables.compactMap { $0["name"] as? String }) == Set(CellTable.allCases.map(\.rawValue)))
        let inKAA = try #require(tables.first { $0["name"] as? String == "in_kaa" })
        #expect(inKAA["label"] as? String == "I aktivitetsansvaret")
        #expect(inKAA["has_total"] as? Bool == true)
        let dims = try #require(inKAA["dimensions"] as? [[String: Any]])
        let sex = try #require(dims.first { $0["name"] as? String == "sex" })
        #expect(sex["label"] as? String == "Kön")
        #expect((sex["values"] as? [[String: String]]) == [["code": "K", "label": "Kvinnor"], ["code": "M", "label": "Män"]])
        let deregistered = try #require(tables.first { $0["name"] as? String == "deregistered" })
        let reasons = try #require((deregistered["dimensions"] as? [[String: Any]])?.first?["values"] as? [[String: String]])
        #expect(!reasons.contains { $0["code"] == "FELREGISTRERAD" }, "counts nowhere")
        #expect(reasons.contains { $0["code"] == "FLYTTAT" && $0["label"]?.isEmpty == false })
        let measure = try #require(tables.first { $0["name"] as? String == "in_measure" })
        #expect(measure["has_total"] as? Bool == false)
    }

    @Test func kommunerNameTheirLanAndLastReport() throws {
        let (fixture, _) = try publishedFixture()
        _ = try fixture.hub.addSite(kommun: "0382", name: nil, actor: "test")
        let kommuner = try #require(try json(request(fixture, "/v1/kommuner"))["kommuner"] as? [[String: Any]])
        #expect(kommuner.compactMap { $0["kommun"] as? String } == ["0380", "0381", "0382"])
        let uppsala = kommuner[0]
        #expect(uppsala["name"] as? String == "Uppsala")
        #expect(uppsala["lan"] as? String == "03")
        #expect(uppsala["lan_name"] as? String == "Uppsala län")
        #expect(uppsala["last_report"] is String)
        #expect(uppsala["latest_period"] as? String == "2026-11")
        #expect(kommuner[2]["last_report"] is NSNull, "no batch yet")
        #expect(kommuner[2]["latest_period"] is NSNull)
    }

    @Test func theOpenAPIDocumentIsTheRepositorysFile() throws {
        let (fixture, _) = try publishedFixture()
        let served = request(fixture, "/v1/openapi.json")
        #expect(served.status == 200)
        #expect(served.header("Content-Type") == "application/json")
        // The file in the repository, read from the source tree (not from the embedded copy).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try Data(contentsOf: root.appendingPathComponent("docs/openapi.json"))
        #expect(served.body == Array(file))
        let document = try json(served)
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        for path in ["/v1/published", "/v1/published.csv", "/v1/periods", "/v1/tables", "/v1/kommuner", "/v1/openapi.json",
                     "/v1/sites/{kommun}/state", "/v1/sites/{kommun}/region", "/v1/sites/{kommun}/batches/{generation}/{seq}"] {
            #expect(paths[path] != nil, "\(path) is described")
        }
    }
}

/// The pure parsers behind the rules: HTTP dates, entity tags, Accept-Encoding.
@Suite struct HTTPHeaderParsingTests {
    @Test func httpDatesRoundTripInAllThreeForms() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("  Sun, 06 Nov 1994 08:49:37 GMT ") == 784_111_777)
    }

    @Test(arguments: ["Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 30 Feb 2026 08:49:37 GMT",
                      "Sun, 06 Nov 1994 08:49 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1969 08:49:37 GMT",
                      "Sun, 06 Nov 1994 08:49:37 GMT trailing", "1994-11-06T08:49:37Z", "Sun, 06 Nov 1994 08:+9:37 GMT"])
    func malformedDatesAreNotDates(_ text: String) {
        #expect(HTTPDate.parse(text) == nil, "\(text)")
    }

    @Test func validatorsFollowRFC9110() {
        let validators = Validators(entityTag: "abc", lastModified: 1000)
        #expect(validators.etagHeader() == "\"abc\"")
        #expect(validators.etagHeader(coding: "gzip") == "\"abc-gzip\"")
        #expect(validators.isNotModified(ifNoneMatch: "\"abc-gzip\"", ifModifiedSince: nil, now: 2000))
        #expect(!validators.isNotModified(ifNoneMatch: "\"abcd\"", ifModifiedSince: nil, now: 2000))
        #expect(validators.isNotModified(ifNoneMatch: nil, ifModifiedSince: HTTPDate.format(1000), now: 2000))
        #expect(!validators.isNotModified(ifNoneMatch: nil, ifModifiedSince: HTTPDate.format(999), now: 2000))
        #expect(!validators.isNotModified(ifNoneMatch: nil, ifModifiedSince: HTTPDate.format(3000), now: 2000), "a date in the future is ignored")
        #expect(!Validators(entityTag: "abc", lastModified: nil).isNotModified(ifNoneMatch: nil, ifModifiedSince: HTTPDate.format(1000), now: 2000))
    }

    @Test func gzipRefusesTruncatedTrailingAndBombBodies() throws {
        let text = Array(String(repeating: "KAA ", count: 10_000).utf8)
        let zipped = try Gzip.compress(text)
        #expect(try Gzip.decompress(zipped) == text)
        #expect(throws: GzipError.self) { try Gzip.decompress(Array(zipped.dropLast(5))) }
        #expect(throws: GzipError.self) { try Gzip.decompress(zipped + [1, 2, 3]) }
        #expect(throws: GzipError.self) { try Gzip.decompress(text) }
        #expect(throws: GzipError.self) { try Gzip.decompress(zipped, limit: 1000) }
        #expect(try Gzip.decompress(try Gzip.compress([])) == [])
    }
}

/// `period_change` (migration 0003) moves with the cells, in the batch's own transaction.
@Suite struct PeriodChangeTests {
    private func changes(_ fixture: HubFixture) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try fixture.hub.reading { database in
            try database.query("SELECT period, changed_at FROM period_change").map { (try $0.text(0), try $0.text(1)) }
        })
    }

    @Test func aBatchMarksItsPeriodsAndARefusedOneMarksNothing() throws {
        let clock = Mutex("2026-11-23T02:00:00Z")
        let directory = TemporaryDirectory()
        let hub = try Hub(path: directory.file("hub.sqlite"), now: { clock.withLock { $0 } })
        let token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
        let fixture = HubFixture(directory: directory, hub: hub, token: token)
        #expect(try changes(fixture).isEmpty)
        let october: Set<Cell> = [c(.inKAA, "2026-10", ["age": "17", "sex": "K"], 3)]
        #expect(fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: october)).status == 201)
        #expect(try changes(fixture) == ["2026-10": "2026-11-23T02:00:00Z"])
        // A batch whose cells do not reach its digest is rolled back whole: no period marked.
        clock.withLock { $0 = "2026-11-24T02:00:00Z" }
        var wrong = makeBatch(HubFixture.generationA, 2, from: october, to: october.union([c(.new, "2026-11", ["sex": "K"], 1)]))
        wrong = Batch(kommun: wrong.kommun, generation: wrong.generation, seq: wrong.seq, kind: wrong.kind, previousDigest: wrong.previousDigest,
                      digest: String(repeating: "0", count: 64), sealedAt: wrong.sealedAt, cells: wrong.cells)
        #expect(fixture.put(wrong).status == 422)
        #expect(try changes(fixture) == ["2026-10": "2026-11-23T02:00:00Z"])
        // A new generation's snapshot replaces everything: the periods it drops changed too.
        clock.withLock { $0 = "2026-11-25T02:00:00Z" }
        let november: Set<Cell> = [c(.new, "2026-11", ["sex": "K"], 1)]
        #expect(fixture.put(makeBatch(HubFixture.generationB, 1, from: [], to: november)).status == 201)
        #expect(try changes(fixture) == ["2026-10": "2026-11-25T02:00:00Z", "2026-11": "2026-11-25T02:00:00Z"])
        // And Last-Modified says so.
        let response = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/published", query: ["period": "2026-10"]))
        let lastModified = try #require(response.header("Last-Modified").flatMap(HTTPDate.parse))
        #expect(lastModified >= 1_795_572_000, "2026-11-25T02:00:00Z or the responder's start, whichever is later")
    }
}
