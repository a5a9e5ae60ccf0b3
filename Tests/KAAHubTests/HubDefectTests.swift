import Foundation
import KAACore
import KAAHTTP
@testable import KAAHub
import KAAProtocol
import KAASQLite
import KAATestSupport
import Testing

@Suite struct PublicationCacheValidityTests {
    @Test func anAuthenticatedRequestKeepsThePublicationCached() throws {
        let (fixture, _) = try publishedFixture()
        let first = get(fixture, "/v1/published", query: ["period": "2026-11"])
        let made = fixture.hub.publicationCache.made
        // A sync run's state request records the kommun's last contact, which changes no figure.
        _ = try fixture.state()
        let again = get(fixture, "/v1/published", query: ["period": "2026-11"])
        #expect(again.body == first.body)
        #expect(fixture.hub.publicationCache.made == made, "served from the cache")
    }
}

@Suite struct ReportingCountTests {
    @Test func everyKommunWithFiguresForThePeriodHasReportedWhateverTableIsAsked() throws {
        // Only 0380 has in_measure cells; 0381 reported for 2026-11 too.
        let (fixture, _) = try publishedFixture()
        let body = try json(get(fixture, "/v1/published", query: ["period": "2026-11", "table": "in_measure"]))
        #expect((body["reporting"] as? [String: Int]) == ["kommuner": 2, "of": 2])
        let publication = try fixture.hub.publication(period: Period("2026-11") ?? .month(year: 2026, month: 11), table: .inMeasure, today: TestDates.today)
        #expect(publication.reporting == 2)
    }
}

@Suite struct GroupCommitFailureTests {
    struct Refused: Error {}

    /// A job that writes one audit row named `actor`.
    static func insert(_ actor: String) -> (Database) throws -> Hub.GroupWrite {
        { database in
            try database.write {
                try database.execute("INSERT INTO admin_audit (at, actor, action, kommun) VALUES ('t', ?, 'test', '0380')", [.text(actor)])
            }
            return .contactRecorded
        }
    }

    @Test func aGroupThatSQLiteRolledBackReportsExactlyWhatWasCommitted() throws {
        let fixture = try HubFixture()
        let hub = fixture.hub
        // The second job stands in for an error after which SQLite rolled back the whole
        // transaction (SQLITE_FULL, SQLITE_IOERR): the group's COMMIT then fails.
        let results = hub.executeGroup([
            Self.insert("first"),
            { database in try database.execute(script: "ROLLBACK"); throw Refused() },
            Self.insert("third"),
        ])
        let stored = try hub.withDatabase { database in
            Set(try database.query("SELECT actor FROM admin_audit WHERE action = 'test'").map { try $0.text(0) })
        }
        #expect(results.count == 3)
        for (index, actor) in ["first", "", "third"].enumerated() where !actor.isEmpty {
            let reported = (try? results[index].get()) != nil
            #expect(reported == stored.contains(actor), "\(actor): reported \(reported ? "applied" : "failed"), stored \(stored.contains(actor))")
        }
        #expect(!hub.withDatabase { $0.isInTransaction })
    }
}

/// The hub's answers are the protocol's wire bodies, byte for byte (docs/sync-protocol.md).
@Suite struct HubWireBytesTests {
    @Test func stateConflictAndErrorBodiesKeepTheirBytes() throws {
        let fixture = try HubFixture()
        let state = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/state",
                                                              headers: ["Authorization": "Bearer \(fixture.token)"]))
        #expect(String(decoding: state.body, as: UTF8.self)
            == #"{"catalogue_versions":[1],"digest":"\#(StateDigest.empty)","generation":null,"last_seq":0}"#)
        #expect(state.header("Content-Type") == "application/json")
        let gap = fixture.put(makeBatch(HubFixture.generationA, 2, from: [], to: state1))
        #expect(gap.status == 409)
        #expect(String(decoding: gap.body, as: UTF8.self) == #"{"digest":"\#(StateDigest.empty)","expected_generation":null,"expected_seq":1}"#)
        let applied = fixture.put(makeBatch(HubFixture.generationA, 1, from: [], to: state1))
        #expect(String(decoding: applied.body, as: UTF8.self)
            == #"{"digest":"\#(StateDigest.digest(state1))","generation":"\#(HubFixture.generationA)","seq":1}"#)
        let unauthenticated = fixture.responder.respond(to: HTTPRequest(method: "GET", path: "/v1/sites/0380/state"))
        #expect(String(decoding: unauthenticated.body, as: UTF8.self) == #"{"error":"a valid bearer token is required"}"#)
    }
}
