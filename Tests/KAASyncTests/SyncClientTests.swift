import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAAProtocol
import KAARegister
import KAASQLite
@testable import KAASync
import KAATestFixtures
import KAAHTTPTestKit
import Testing

/// A kommun register, a hub, and an in-process connection between them.
final class SyncFixture {
    let directory = TemporaryDirectory()
    var register: Register
    let hub: Hub
    let http: InProcessHTTPClient
    var token: String
    var today: CalendarDate
    var sleeps: [Double] = []
    var clock = 0.0
    var log: [String] = []

    var registerPath: String { directory.file("kaa.sqlite") }

    init(today: CalendarDate = TestDates.today) throws {
        self.today = today
        register = try Register.create(at: directory.file("kaa.sqlite"), kommun: "0380", clock: FixedDateClock(today: today), staff: "nattjobb")
        hub = try Hub(path: directory.file("hub.sqlite"))
        http = InProcessHTTPClient(responder: HubResponder(hub: hub))
        token = try hub.addSite(kommun: "0380", name: nil, actor: "test")
    }

    func client(newGeneration: Bool = false, token: String? = nil, deadline: Double = 600) -> SyncClient {
        SyncClient(register: register, http: http,
                   options: SyncClient.Options(hubURL: "http://hub.test", token: token ?? self.token, deadlineSeconds: deadline, newGeneration: newGeneration),
                   now: { [unowned self] in clock }, sleep: { [unowned self] in sleeps.append($0); clock += $0 },
                   random: { 0.5 }, log: { [unowned self] in log.append($0) })
    }

    @discardableResult
    func sync(newGeneration: Bool = false) throws(SyncError) -> SyncReport {
        try client(newGeneration: newGeneration).run()
    }

    /// Five people synced, a backup taken, one more night synced (the hub holds seq 2, the backup
    /// only seq 1), then the backup restored and two more people added: last night's state lost.
    func restoreLastNightsBackup() throws {
        try addPeople(5)
        try sync()
        let backup = directory.file("backup.sqlite")
        try register.backup(to: backup)
        try addPeople(3, from: 10)
        try sync()
        try restore(from: backup)
        try addPeople(2, from: 40)
    }

    /// Replaces the register file with `backup` (what an operator's restore does) and reopens it.
    func restore(from backup: String, on date: String = "2026-11-23") throws {
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: registerPath + suffix) }
        try FileManager.default.removeItem(atPath: registerPath)
        try FileManager.default.copyItem(atPath: backup, toPath: registerPath)
        try reopen(on: date)
    }

    /// Reopens the register on another day (a later night).
    func reopen(on date: String) throws {
        today = TestDates.date(date)
        register = try Register.open(at: registerPath, clock: FixedDateClock(today: today), staff: "nattjobb")
    }

    /// The hub's exact cells equal the register's, cell by cell (n and ck), for every period.
    func expectHubMatchesRegister(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let hubCells = Set(try hub.exactCells(kommun: "0380").map(\.cell))
        let registerCells = Set(try register.allCells().filter { $0.n > 0 })
        #expect(hubCells == registerCells, "hub \(hubCells.count) cells, register \(registerCells.count)", sourceLocation: sourceLocation)
        #expect(!registerCells.isEmpty, sourceLocation: sourceLocation)
        // And what `kaa stats` shows for each period equals the hub's n.
        for period in Set(registerCells.map(\.period)) {
            let stats = Set(try register.cells(for: period).map { "\($0.table)|\($0.dims)|\($0.n)" })
            let atHub = Set(hubCells.filter { $0.period == period }.map { "\($0.table)|\($0.dims)|\($0.n)" })
            #expect(stats == atHub, "\(period)", sourceLocation: sourceLocation)
        }
    }

    /// Registers `count` people (test numbers born 2008 from `start`) on `date`.
    func addPeople(_ count: Int, from start: Int = 0, on date: String = "2026-10-05") throws {
        for index in start..<(start + count) {
            let pnr = TestPeople.person(born: 2008, index)
            try register.register(pnr, on: TestDates.date(date), reason: index % 2 == 0 ? "AVBROTT_NP" : "EJ_PABORJAT")
            if index % 3 == 0 { try register.addContact(pnr, on: TestDates.date(date), channel: "SMS", isReached: true, occupation: "ARBETE") }
        }
    }
}

@Suite struct SyncHappyPathTests {
    @Test func aSnapshotThenChangesThenANightWithNoChanges() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(10)
        let first = try fixture.sync()
        #expect(first.sealed.map(\.seq) == [1] && first.sealed.first?.kind == .snapshot)
        #expect(first.regionPeriods.contains(Period.month(of: fixture.today)), "the region's figures come back")
        let region = try #require(try fixture.register.regionFigures(Period.month(of: fixture.today)))
        #expect(region.reporting == 1 && region.value(.inKAA) != nil)
        #expect(first.uploaded.count == 1)
        try fixture.expectHubMatchesRegister()

        try fixture.register.deregister(TestPeople.person(born: 2008, 0), on: TestDates.date("2026-11-20"), reason: "FLYTTAT")
        let second = try fixture.sync()
        #expect(second.sealed.map(\.seq) == [2] && second.sealed.first?.kind == .changes)
        let snapshotBytes = first.uploaded[0].bytes
        #expect(second.uploaded[0].bytes < snapshotBytes / 2, "a night's change is much smaller than a snapshot")
        try fixture.expectHubMatchesRegister()

        let requestsBefore = fixture.http.sent.count
        let quiet = try fixture.sync()
        #expect(quiet.sealed.isEmpty && quiet.uploaded.isEmpty)
        #expect(fixture.http.sent.dropFirst(requestsBefore).allSatisfy { $0.method == "GET" }, "nothing is sent, only the state and the region read")
        #expect(try fixture.hub.sites().first?.lastContactAt != nil)
    }

    @Test func aCellThatDisappearsIsSentWithNZero() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(1)
        try fixture.sync()
        try fixture.register.removeEpisode(1, confirming: try fixture.register.removalPlan(ofEpisode: 1))
        let report = try fixture.sync()
        #expect(report.sealed.first?.cells.allSatisfy { $0.n == 0 } == true)
        #expect(try fixture.hub.exactCells(kommun: "0380").isEmpty)
    }
}

@Suite struct SyncFaultTests {
    @Test func hubDownExits75ThenTheNextRunRecovers() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        fixture.http.persistentFault = .unreachable
        do {
            _ = try fixture.client(deadline: 30).run()
            Issue.record("expected a temporary failure")
        } catch {
            #expect(error.exitCode == 75)
        }
        #expect(fixture.sleeps.count >= 2, "it retried with backoff")
        #expect(fixture.sleeps.reduce(0, +) < 30, "within the deadline")
        #expect(try fixture.register.pendingBatches().count == 1, "the sealed batch stays in the outbox")
        fixture.http.persistentFault = nil
        let report = try fixture.sync()
        #expect(report.sealed.isEmpty, "nothing new to seal")
        #expect(report.uploaded.map(\.seq) == [1])
        try fixture.expectHubMatchesRegister()
    }

    @Test func aConnectionCutMidUploadIsRetried() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        // The state request passes; the PUT's connection breaks twice before the hub sees it.
        fixture.http.inject(.pass, .cutBeforeServer, .cutBeforeServer)
        let report = try fixture.sync()
        #expect(report.uploaded.map(\.seq) == [1])
        #expect(fixture.sleeps.count == 2)
        try fixture.expectHubMatchesRegister()
    }

    @Test func aServerErrorIsRetried() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        fixture.http.inject(.status(500, retryAfter: nil), .status(502, retryAfter: nil))
        try fixture.sync()
        try fixture.expectHubMatchesRegister()
    }

    @Test func retryAfterIsHonoured() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(3)
        fixture.http.inject(.status(429, retryAfter: "7"), .status(503, retryAfter: "3"))
        try fixture.sync()
        #expect(fixture.sleeps == [7, 3])
        try fixture.expectHubMatchesRegister()
    }

    @Test func theSameBatchDeliveredTwiceIsHarmless() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        try fixture.register.deregister(TestPeople.person(born: 2008, 1), on: TestDates.date("2026-11-20"), reason: "FLYTTAT")
        // The PUT reaches the hub twice: 201, then 200 for the same body; the client sees the 200.
        fixture.http.inject(.pass, .deliveredTwice)
        let report = try fixture.sync()
        #expect(report.uploaded.map(\.seq) == [2])
        let pending = try fixture.register.pendingBatches()
        #expect(pending.isEmpty)
        #expect(try fixture.hub.sites().first?.lastSeq == 2)
        try fixture.expectHubMatchesRegister()
    }

    @Test func theHubCommitsButTheResponseIsLost() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        try fixture.register.deregister(TestPeople.person(born: 2008, 2), on: TestDates.date("2026-11-20"), reason: "FLYTTAT")
        // The hub applies seq 2 and commits, the answer is lost; the retry gets 200 and acknowledges.
        fixture.http.inject(.pass, .cutAfterServer)
        let report = try fixture.sync()
        #expect(report.uploaded.map(\.seq) == [2])
        #expect(try fixture.hub.sites().first?.lastSeq == 2)
        #expect(try fixture.register.syncStatus().lastAcknowledgedSeq == 2)
        try fixture.expectHubMatchesRegister()
    }

    @Test func aClientKilledBetweenSealAndSendLosesNothing() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.register.sealBatch(newGeneration: false) // then the process died
        try fixture.addPeople(2, from: 20)
        let report = try fixture.sync()
        #expect(report.uploaded.map(\.seq) == [1, 2])
        try fixture.expectHubMatchesRegister()
    }
}

@Suite struct SyncRecoveryTests {
    @Test func aRegisterRestoredFromBackupStartsANewGeneration() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        try fixture.register.backup(to: fixture.directory.file("backup.sqlite"))
        try fixture.addPeople(3, from: 10)
        try fixture.sync()
        try fixture.addPeople(1, from: 30)
        try fixture.sync()
        #expect(try fixture.hub.sites().first?.lastSeq == 3)
        // Restore: the backup replaces the register file.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: fixture.registerPath + suffix) }
        try FileManager.default.removeItem(atPath: fixture.registerPath)
        try FileManager.default.copyItem(atPath: fixture.directory.file("backup.sqlite"), toPath: fixture.registerPath)
        try fixture.reopen(on: "2026-11-23")
        try fixture.addPeople(2, from: 40)
        let report = try fixture.sync()
        #expect(report.newGenerations.count == 1)
        #expect(report.newGenerations.first?.contains("återställt") == true)
        #expect(try fixture.hub.sites().first?.generation == report.sealed.last?.generation)
        try fixture.expectHubMatchesRegister()
    }

    @Test func aDivergedHubStateIsHealedByANewGeneration() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        // Someone edits the hub's cells behind its back; its digest no longer matches ours.
        let db = try Database(path: fixture.directory.file("hub.sqlite"))
        try db.execute("UPDATE site SET digest = ? WHERE kommun = '0380'", [.text(String(repeating: "0", count: 64))])
        try fixture.addPeople(1, from: 20)
        let report = try fixture.sync()
        #expect(report.newGenerations.first?.contains("gått isär") == true)
        try fixture.expectHubMatchesRegister()
    }

    @Test func aRotatedOrRevokedTokenIsAClearErrorAndLosesNothing() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        let newToken = try fixture.hub.rotate(kommun: "0380", actor: "test")
        do {
            try fixture.sync()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.description.contains("token"))
        }
        #expect(try fixture.register.pendingBatches().count == 1)
        fixture.token = newToken
        try fixture.sync()
        try fixture.expectHubMatchesRegister()

        try fixture.hub.revoke(kommun: "0380", actor: "test")
        try fixture.addPeople(1, from: 30)
        #expect(throws: SyncError.self) { try fixture.sync() }
        #expect(try fixture.register.pendingBatches().count == 1, "tonight's batch is kept")
    }

    @Test func aSeqTheHubHoldsWithAnotherBodyIsDivergenceAndStartsANewGeneration() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        // Another copy of the register sent a different seq 2 first.
        let status = try fixture.register.syncStatus()
        let impostor = Batch(kommun: "0380", generation: try #require(status.generation), seq: 2, kind: .changes, previousDigest: status.digest,
                             digest: status.digest, sealedAt: "x", cells: [])
        #expect(fixture.http.sendBatch(impostor, token: fixture.token) == 201)
        try fixture.addPeople(1, from: 20)
        let report = try fixture.sync()
        #expect(report.newGenerations.count == 1)
        #expect(report.sealed.last?.kind == .snapshot)
        #expect(try fixture.hub.sites().first?.generation == report.sealed.last?.generation)
        try fixture.expectHubMatchesRegister()
    }

    @Test func a422ForAnythingElseHoldsTheOutboxAndNewGenerationIsTheWayOut() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        try fixture.addPeople(1, from: 20)
        // The hub refuses seq 2 although it does not hold it (its cells would not reach its digest, say).
        fixture.http.inject(.pass, .status(422, retryAfter: nil))
        do {
            try fixture.sync()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.description.contains("--new-generation"))
        }
        #expect(try fixture.register.pendingBatches().map(\.seq) == [2], "held")
        let report = try fixture.sync(newGeneration: true)
        #expect(report.sealed.first?.kind == .snapshot)
        try fixture.expectHubMatchesRegister()
    }

    @Test func aRegisterRestoredFromLastNightsBackupIsNoticedBeforeItSeals() throws {
        let fixture = try SyncFixture()
        try fixture.restoreLastNightsBackup()
        #expect(try fixture.hub.sites().first?.lastSeq == 2, "the hub kept the night the backup does not know")
        let report = try fixture.sync()
        #expect(report.newGenerations.count == 1)
        #expect(report.newGenerations.first?.contains("återställt") == true)
        #expect(report.sealed.map(\.kind) == [.snapshot], "nothing is sealed on the old seq")
        #expect(try fixture.hub.sites().first?.generation == report.sealed.last?.generation)
        try fixture.expectHubMatchesRegister()
    }

    @Test func aRestoredRegisterWhoseFirstNightFoundTheHubDownHealsOnTheNext() throws {
        let fixture = try SyncFixture()
        try fixture.restoreLastNightsBackup()
        // The hub is down: the night is sealed on seq 2 (the hub holds another seq 2) and kept.
        fixture.http.persistentFault = .unreachable
        #expect(throws: SyncError.self) { try fixture.client(deadline: 10).run() }
        #expect(try fixture.register.pendingBatches().map(\.seq) == [2])
        fixture.http.persistentFault = nil
        // The next night: the 422 for a seq the hub holds with another body is a divergence.
        let report = try fixture.sync()
        #expect(report.newGenerations.count == 1)
        #expect(report.sealed.last?.kind == .snapshot)
        try fixture.expectHubMatchesRegister()
    }
}

extension InProcessHTTPClient {
    /// Sends an outbox batch straight to the hub, bypassing the client; returns the status.
    func sendDirect(_ batch: OutboxBatch, token: String) -> Int {
        (try? send(HTTPClientRequest(method: "PUT", url: "http://hub.test/v1/sites/0380/batches/\(batch.generation)/\(batch.seq)",
                                     headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json",
                                               "Content-Digest": ContentDigest.header(for: batch.body)], body: batch.body)))?.status ?? -1
    }

    /// Sends a batch straight to the hub; returns the status.
    func sendBatch(_ batch: Batch, token: String) -> Int {
        sendDirect(OutboxBatch(generation: batch.generation, seq: batch.seq, body: batch.encoded(), cells: batch.cells.count, isAcknowledged: false), token: token)
    }
}

/// How errors reach exit codes: 75 only for "try again later", since a nightly job retries on it.
@Suite struct SyncErrorExitCodeTests {
    struct Unexpected: Error {}

    @Test func anUnknownErrorExits1NotTryAgainLater() {
        #expect(SyncError.translating(Unexpected()).exitCode == 1)
        #expect(SyncError.translating(SyncError.temporary("hub down")).exitCode == 75)
        #expect(SyncError.translating(SyncError.refused("no")).exitCode == 65)
    }
}
