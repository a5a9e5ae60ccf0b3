import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAAProtocol
import KAARegister
import KAASync
import KAAUplink
import KAATestFixtures
import KAAHTTPTestKit
import Testing

/// Issue 20's hub of hubs: five regional hubs (the län of Östra Mellansverige, two kommuner each,
/// fed by real registers through `SyncClient`) and the ÖMS hub above them, fed by `Forwarder`
/// through one relay per regional hub, all connected in process (faults on demand).
final class Federation {
    final class Region {
        let lan: String
        let relay: String
        let kommuner: [String]
        let path: String
        var hub: Hub
        /// The kommuner's connection to this regional hub.
        var http: InProcessHTTPClient
        var tokens: [String: String] = [:]
        var relayToken = ""

        init(lan: String, relay: String, kommuner: [String], path: String) throws {
            self.lan = lan
            self.relay = relay
            self.kommuner = kommuner
            self.path = path
            hub = try Hub(path: path)
            http = InProcessHTTPClient(responder: HubResponder(hub: hub))
        }

        /// Replaces the hub's file with `backup` (an operator's restore) and reopens it.
        func restore(from backup: String) throws {
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: backup, toPath: path)
            hub = try Hub(path: path)
            http = InProcessHTTPClient(responder: HubResponder(hub: hub))
        }
    }

    static let layout: [(lan: String, relay: String, kommuner: [String])] = [
        ("03", "uppsala", ["0380", "0381"]), ("04", "sormland", ["0480", "0481"]), ("05", "ostergotland", ["0580", "0581"]),
        ("18", "orebro", ["1880", "1881"]), ("19", "vastmanland", ["1980", "1981"]),
    ]

    let directory = TemporaryDirectory()
    let upper: Hub
    let upperHTTP: InProcessHTTPClient
    var regions: [Region] = []
    var registers: [String: Register] = [:]
    var people: [String: Int] = [:]
    var clock = 0.0
    var log: [String] = []
    let today = TestDates.today

    init(upperPerturbation: PerturbationTable? = nil) throws {
        upper = try Hub(path: directory.file("oms.sqlite"), perturbation: upperPerturbation, regionName: "Östra Mellansverige",
                        scope: HubScope(counties: Set(Self.layout.map(\.lan)), kommuner: []))
        upperHTTP = InProcessHTTPClient(responder: HubResponder(hub: upper))
        for entry in Self.layout {
            let region = try Region(lan: entry.lan, relay: entry.relay, kommuner: entry.kommuner, path: directory.file("\(entry.relay).sqlite"))
            region.relayToken = try upper.addRelay(name: entry.relay, kommuner: entry.kommuner, actor: "test")
            for kommun in entry.kommuner {
                region.tokens[kommun] = try region.hub.addSite(kommun: kommun, name: nil, actor: "test")
                registers[kommun] = try Register.create(at: directory.file("\(kommun).sqlite"), kommun: kommun, clock: FixedDateClock(today: today), staff: "natt")
            }
            regions.append(region)
        }
    }

    /// One night: every register gains `count` people (some reached, one in three deregistered
    /// again in later nights) and syncs to its regional hub.
    func night(people count: Int = 3, date: String = "2026-10-05") throws {
        for region in regions {
            for kommun in region.kommuner {
                guard let register = registers[kommun], let token = region.tokens[kommun] else { throw FederationTestError("no register for \(kommun)") }
                let start = people[kommun] ?? 0
                for index in start..<(start + count) {
                    let pnr = TestPeople.person(born: 2008, index)
                    try register.register(pnr, on: TestDates.date(date), reason: index % 2 == 0 ? "AVBROTT_NP" : "EJ_PABORJAT")
                    if index % 3 == 0 { try register.addContact(pnr, on: TestDates.date(date), channel: "SMS", isReached: true, occupation: "ARBETE") }
                }
                if start > 0 { try register.deregister(TestPeople.person(born: 2008, start - 1), on: TestDates.date(date), reason: "FLYTTAT") }
                people[kommun] = start + count
                _ = try SyncClient(register: register, http: region.http, options: SyncClient.Options(hubURL: "http://\(region.relay)", token: token)).run()
            }
        }
    }

    /// The uplink a regional hub forwards with (its relay token, its protection).
    func uplink(_ region: Region, token: String? = nil, protection: String? = nil) -> Uplink {
        var options = Uplink.Options(hubURL: "http://oms", token: token ?? region.relayToken)
        options.sender = .relay
        options.extraHeaders[Hub.protectionHeader] = protection ?? region.hub.protection
        return Uplink(http: upperHTTP, options: options, now: { [unowned self] in clock }, sleep: { [unowned self] in clock += $0 },
                      random: { 0.5 }, log: { [unowned self] in log.append($0) })
    }

    /// `kaa-hub forward` for one regional hub, with `faults` on its next requests to the ÖMS hub.
    @discardableResult
    func forward(_ region: Region, faults: [InProcessHTTPClient.Fault] = [], deadline: Double = 600) throws -> Forwarder.Summary {
        for fault in faults { upperHTTP.inject(fault) }
        return Forwarder(uplink: uplink(region), deadline: clock + deadline).run(try region.hub.forwardOutboxes()) { [unowned self] in log.append($0) }
    }

    func forwardAll() throws {
        for region in regions {
            let summary = try forward(region)
            #expect(summary.outcome == .complete, "\(region.relay): \(summary.outcome)")
        }
    }

    /// Every exact cell as one line, with its kommun.
    static func lines(_ cells: [(kommun: String, cell: Cell)]) -> Set<String> {
        Set(cells.map { "\($0.kommun)|\(StateDigest.line($0.cell))" })
    }

    /// The ÖMS hub's exact cells equal the union of the regional hubs' (n and ck, every period),
    /// and each kommun's published figures are the same on both levels.
    func expectExactEquality(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var union = Set<String>()
        for region in regions { union.formUnion(Self.lines(try region.hub.exactCells())) }
        let above = Self.lines(try upper.exactCells())
        #expect(!union.isEmpty, sourceLocation: sourceLocation)
        #expect(above == union, "\(what): \(above.subtracting(union).count) cells only above, \(union.subtracting(above).count) only below",
                sourceLocation: sourceLocation)
        let periods = Set(try upper.reportedPeriods().map(\.period)).union(try regions.flatMap { try $0.hub.reportedPeriods().map(\.period) })
        #expect(!periods.isEmpty, sourceLocation: sourceLocation)
        for period in periods {
            let top = try upper.publication(period: period, today: today)
            for region in regions {
                let own = try region.hub.publication(period: period, today: today)
                func published(_ figures: [PublishedFigure]) -> [String] {
                    figures.compactMap { figure in
                        guard let kommun = figure.kommun, region.kommuner.contains(kommun) else { return nil }
                        return "\(kommun)|\(figure.table.rawValue)|\(figure.dims.encoded)|\(figure.value)"
                    }.sorted()
                }
                #expect(published(top.figures) == published(own.figures), "\(what): \(region.relay)'s kommuner in \(period)", sourceLocation: sourceLocation)
                // The län's total on the hub above is the region total of the län's own hub.
                let county = top.countyFigures.filter { $0.county == region.lan }.map { "\($0.table.rawValue)|\($0.dims.encoded)|\($0.value)" }.sorted()
                let regionTotal = own.figures.filter { $0.kommun == nil }.map { "\($0.table.rawValue)|\($0.dims.encoded)|\($0.value)" }.sorted()
                #expect(county == regionTotal, "\(what): län \(region.lan)'s figures in \(period)", sourceLocation: sourceLocation)
            }
        }
    }
}

struct FederationTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The faults of issue 20's test list, each met by one regional hub while the others forward normally.
enum ForwardFault: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case droppedRequest, unavailable503, doubledRequest, responseLostAfterCommit, killedAfterSealing, killedBeforeAcknowledging, restoredFromBackup

    var testDescription: String { rawValue }
}

@Suite struct FederationFaultTests {
    /// Night 1 forwarded cleanly; night 2 forwarded with `fault` at the second regional hub; night 3
    /// forwarded cleanly. After every forward, the ÖMS hub equals the union of the regional hubs.
    @Test(arguments: ForwardFault.allCases)
    func exactEqualityAfter(_ fault: ForwardFault) throws {
        let federation = try Federation()
        try federation.night()
        try federation.forwardAll()
        try federation.expectExactEquality("night 1")
        let backup = federation.directory.file("sormland-backup.sqlite")
        try federation.regions[1].hub.backup(to: backup)

        try federation.night(people: 2, date: "2026-11-02")
        let hit = federation.regions[1]
        for region in federation.regions where region !== hit { try federation.forward(region) }
        switch fault {
        case .droppedRequest:
            // The second request (the first kommun's batch) never reaches the ÖMS hub: retried.
            let summary = try federation.forward(hit, faults: [.pass, .cutBeforeServer])
            #expect(summary.outcome == .complete && summary.batches == 2)
        case .unavailable503:
            let summary = try federation.forward(hit, faults: [.pass, .status(503, retryAfter: "3")])
            #expect(summary.outcome == .complete && summary.batches == 2)
            #expect(federation.log.contains { $0.contains("event=retry") && $0.contains("HTTP 503") })
        case .doubledRequest:
            let summary = try federation.forward(hit, faults: [.pass, .deliveredTwice])
            #expect(summary.outcome == .complete && summary.batches == 2)
        case .responseLostAfterCommit:
            // Applied above, the answer lost: the resend is answered 200 (the same body) and acknowledged.
            let summary = try federation.forward(hit, faults: [.pass, .cutAfterServer])
            #expect(summary.outcome == .complete && summary.batches == 2)
            #expect(federation.log.contains { $0.contains("event=uploaded") && $0.contains("status=200") }, "the resend met the batch already applied")
        case .killedAfterSealing:
            // The process died after sealing a kommun's batch, before sending it: the next run sends it.
            #expect(try hit.hub.forwardOutbox(kommun: hit.kommuner[0]).seal(newGeneration: false, reason: "night") != nil)
            try federation.expectStateAboveIsBehind(hit)
            let summary = try federation.forward(hit)
            #expect(summary.outcome == .complete && summary.batches == 2 && summary.newGenerations == 0)
        case .killedBeforeAcknowledging:
            // The batch was applied above but the process died before recording the answer (here:
            // the answer lost and the ÖMS hub unreachable until the deadline): the next run finds
            // the ÖMS hub holding it and sends the rest.
            federation.upperHTTP.inject(.pass, .cutAfterServer)
            federation.upperHTTP.persistentFault = .unreachable
            let stopped = try federation.forward(hit, deadline: 30)
            guard case .temporary = stopped.outcome else {
                Issue.record("a forward cut off until its deadline is temporary, not \(stopped.outcome)")
                return
            }
            federation.upperHTTP.persistentFault = nil
            let summary = try federation.forward(hit)
            #expect(summary.outcome == .complete && summary.newGenerations == 0)
        case .restoredFromBackup:
            // The regional hub goes back to last night's copy (night 2 lost there); the ÖMS hub
            // holds night 2, so the regional hub starts new generations; the kommuner send night 2
            // again at their next sync, and the next forward carries it.
            try federation.forward(hit)
            try hit.restore(from: backup)
            let summary = try federation.forward(hit)
            #expect(summary.outcome == .complete && summary.newGenerations == 2, "\(federation.log.suffix(6))")
            try federation.expectExactEquality("after the restore, before the kommuner resync")
            try federation.night(people: 1, date: "2026-11-12")
            for region in federation.regions where region !== hit { try federation.forward(region) }
            #expect(try federation.forward(hit).outcome == .complete)
        }
        try federation.expectExactEquality("night 2 with \(fault.rawValue)")

        try federation.night(people: 1, date: "2026-11-16")
        try federation.forwardAll()
        try federation.expectExactEquality("night 3 after \(fault.rawValue)")
        // A night with no change forwards nothing.
        for region in federation.regions {
            let quiet = try federation.forward(region)
            #expect(quiet.outcome == .complete && quiet.batches == 0)
        }
    }

    /// Every fault of the list in one night, one regional hub each, then a clean night.
    @Test func allFaultsInOneNight() throws {
        let federation = try Federation()
        try federation.night()
        try federation.forwardAll()
        try federation.night(people: 2, date: "2026-11-02")
        let faults: [[InProcessHTTPClient.Fault]] = [[.pass, .cutBeforeServer], [.pass, .status(503, retryAfter: "1")], [.pass, .deliveredTwice],
                                                     [.pass, .cutAfterServer], [.cutAfterServer, .cutAfterServer, .cutBeforeServer]]
        for (region, injected) in zip(federation.regions, faults) {
            let summary = try federation.forward(region, faults: injected)
            #expect(summary.outcome == .complete, "\(region.relay): \(summary.outcome)")
        }
        try federation.expectExactEquality("five faults")
        try federation.night(people: 1, date: "2026-11-16")
        try federation.forwardAll()
        try federation.expectExactEquality("the night after")
    }
}

extension Federation {
    /// The ÖMS hub does not yet hold what the regional hub holds for `region`'s first kommun.
    func expectStateAboveIsBehind(_ region: Region, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let kommun = region.kommuner[0]
        #expect(Self.lines(try upper.exactCells(kommun: kommun)) != Self.lines(try region.hub.exactCells(kommun: kommun)), sourceLocation: sourceLocation)
    }
}

@Suite struct RelayRefusalTests {
    /// A PUT of an empty changes batch for `kommun` on the ÖMS hub with `token`.
    static func put(_ federation: Federation, kommun: String, token: String, protection: String?) -> HTTPResponse {
        let batch = Batch(kommun: kommun, generation: String(repeating: "a", count: 32), seq: 1, kind: .snapshot, previousDigest: StateDigest.empty,
                          digest: StateDigest.empty, sealedAt: "2026-11-23T02:00:00Z", cells: [])
        let body = batch.encoded()
        var headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json", "Content-Digest": ContentDigest.header(for: body)]
        if let protection { headers[Hub.protectionHeader] = protection }
        return (try? federation.upperHTTP.send(HTTPClientRequest(method: "PUT", url: "http://oms/v1/sites/\(kommun)/batches/\(batch.generation)/1",
                                                                 headers: headers, body: body, timeout: 10)))
            ?? HTTPResponse(status: 0, headers: [:], body: [])
    }

    @Test func aRelayWritingAKommunOutsideItsListIsRefusedAndCounted() throws {
        let federation = try Federation()
        try federation.night()
        try federation.forwardAll()
        let before = Federation.lines(try federation.upper.exactCells())
        let sites = try federation.upper.sites()
        let uppsala = federation.regions[0]
        // Uppsala's relay token for Sörmland's Nyköping (0480).
        let response = Self.put(federation, kommun: "0480", token: uppsala.relayToken, protection: uppsala.hub.protection)
        #expect(response.status == 403)
        #expect(throws: UplinkError.self) { try federation.uplink(uppsala).readState(kommun: "0480", deadline: 600) }
        #expect(Federation.lines(try federation.upper.exactCells()) == before, "nothing changed")
        #expect(try federation.upper.sites().map(\.digest) == sites.map(\.digest))
        let relay = try federation.upper.relays().first { $0.name == "uppsala" }
        #expect(relay?.rejects == 2, "both refusals are counted on the relay")
        let metrics = try federation.upper.metricsText()
        #expect(metrics.contains("kaa_hub_relay_refusals_total{relay=\"uppsala\"} 2\n") && metrics.contains("kaa_hub_relay_refusals_total{relay=\"sormland\"} 0\n"))
        #expect(metrics.contains("kaa_hub_relay_last_contact_timestamp_seconds{relay=\"uppsala\"} "))
    }

    @Test func aRevokedRelayedKommunIsNoLongerTheRelaysToWriteAndMayMoveToAnotherRelay() throws {
        let federation = try Federation()
        try federation.night()
        try federation.forwardAll()
        let uppsala = federation.regions[0]
        try federation.upper.revoke(kommun: "0381", actor: "test")
        let before = Federation.lines(try federation.upper.exactCells(kommun: "0381"))
        try federation.night(people: 1, date: "2026-11-02")
        let summary = try federation.forward(uppsala)
        guard case let .refused(message) = summary.outcome else {
            Issue.record("a revoked kommun's forward is refused, not \(summary.outcome)")
            return
        }
        #expect(message.contains("0381") && summary.forwarded == 1, "0380 still forwarded: \(message)")
        #expect(Federation.lines(try federation.upper.exactCells(kommun: "0381")) == before)
        // Moved to another relay (one for Enköping alone): written again from a new generation.
        let token = try federation.upper.addRelay(name: "enkoping", kommuner: ["0381"], actor: "test")
        #expect(try federation.upper.relays().first { $0.name == "uppsala" }?.kommuner == ["0380"])
        let moved = Forwarder(uplink: federation.uplink(uppsala, token: token), deadline: federation.clock + 600)
            .run([uppsala.hub.forwardOutbox(kommun: "0381")]) { _ in }
        #expect(moved.outcome == .complete)
        #expect(Federation.lines(try federation.upper.exactCells(kommun: "0381")) == Federation.lines(try uppsala.hub.exactCells(kommun: "0381")))
    }

    @Test func aSecondRelayForTheSameKommunIsRefusedAndNothingIsCreated() throws {
        let federation = try Federation()
        let before = try federation.upper.relays()
        #expect(throws: HubError.self) { try federation.upper.addRelay(name: "extra", kommuner: ["0382", "0380"], actor: "test") }
        #expect(try federation.upper.relays() == before, "no relay 'extra', and 0382 got no site")
        #expect(try !federation.upper.sites().contains { $0.kommun == "0382" })
        // The same name twice, a bad name, an unknown kommun and an empty list are refused as well.
        #expect(throws: HubError.self) { try federation.upper.addRelay(name: "uppsala", kommuner: ["0382"], actor: "test") }
        for name in ["", "Uppsala", "upp sala", "upp/sala", String(repeating: "a", count: 41), "uppsala\n"] {
            #expect(throws: HubError.self) { try federation.upper.addRelay(name: name, kommuner: ["0382"], actor: "test") }
        }
        #expect(throws: HubError.self) { try federation.upper.addRelay(name: "ny", kommuner: ["9999"], actor: "test") }
        // Stockholm (0180) is outside the ÖMS hub's län.
        #expect(throws: HubError.self) { try federation.upper.addRelay(name: "ny", kommuner: ["0382", "0180"], actor: "test") }
        #expect(throws: HubError.self) { try federation.upper.addRelay(name: "ny", kommuner: [], actor: "test") }
        #expect(throws: HubError.self) { try federation.upper.addRelay(name: "ny", kommuner: ["0382", "0382"], actor: "test") }
        #expect(try federation.upper.relays() == before)
    }

    @Test func aDirectUploadForARelayedKommunIsRefusedAndCounted() throws {
        let federation = try Federation()
        try federation.night()
        try federation.forwardAll()
        let upper = federation.upper
        // A relayed kommun cannot get a token of its own...
        #expect(throws: HubError.self) { try upper.addSite(kommun: "0380", name: nil, actor: "test") }
        #expect(throws: HubError.self) { try upper.rotate(kommun: "0380", actor: "test") }
        // ...and a kommun sending directly cannot be taken by a relay until its token is revoked.
        let direct = try upper.addSite(kommun: "0382", name: nil, actor: "test")
        #expect(throws: HubError.self) { try upper.addRelay(name: "knivsta", kommuner: ["0382"], actor: "test") }
        // A direct token writing a relayed kommun's site: 403, counted on the token's kommun.
        let before = Federation.lines(try upper.exactCells())
        let response = Self.put(federation, kommun: "0380", token: direct, protection: nil)
        #expect(response.status == 403)
        #expect(Federation.lines(try upper.exactCells()) == before)
        #expect(try upper.sites().first { $0.kommun == "0382" }?.rejects == 1)
        try upper.revoke(kommun: "0382", actor: "test")
        let token = try upper.addRelay(name: "knivsta", kommuner: ["0382"], actor: "test")
        #expect(!token.isEmpty && token != direct)
        #expect(Self.put(federation, kommun: "0382", token: direct, protection: nil).status == 401, "the revoked direct token stays refused")
    }

    @Test func otherProtectionAboveIsRefusedNamingTheParameterAndKeepsTheUpperHubFromStarting() throws {
        let federation = try Federation(upperPerturbation: try PerturbationTable(maximumNoise: 3, variance: 1))
        try federation.night()
        let uppsala = federation.regions[0]
        let summary = try federation.forward(uppsala)
        guard case let .refused(message) = summary.outcome else {
            Issue.record("other noise parameters above must be refused, not \(summary.outcome)")
            return
        }
        #expect(message.contains("412") && message.contains("noiseMaximum"), "\(message)")
        #expect(try federation.upper.exactCells().isEmpty)
        // Without the header at all: 412 too.
        #expect(Self.put(federation, kommun: "0380", token: uppsala.relayToken, protection: nil).status == 412)
        // The refused relay's parameters are kept: the hub above now refuses to start until they agree
        // (after a change made on the regional hubs first, it starts with the new ones).
        let refusedWith = try federation.upper.relayProtectionMismatches()
        #expect(refusedWith.map(\.relay) == ["uppsala"] && refusedWith.first?.differences.contains { $0.contains("noiseMaximum är 3 här men 2") } == true)
        #expect(try Hub(path: federation.directory.file("oms.sqlite"), perturbation: try PerturbationTable(maximumNoise: 2, variance: 1))
            .relayProtectionMismatches().isEmpty, "with the regional hubs' parameters the hub above may start")

        // A relay that forwarded under D = 2 keeps a D = 3 hub above from starting.
        let agreeing = try Federation()
        try agreeing.night()
        try agreeing.forwardAll()
        let reopened = try Hub(path: agreeing.directory.file("oms.sqlite"), perturbation: try PerturbationTable(maximumNoise: 3, variance: 1))
        let mismatches = try reopened.relayProtectionMismatches()
        #expect(mismatches.count == 5)
        #expect(mismatches.first?.differences.contains { $0.contains("noiseMaximum är 3 här men 2") } == true, "\(mismatches)")
        #expect(try Hub(path: agreeing.directory.file("oms.sqlite")).relayProtectionMismatches().isEmpty)
    }
}
