import Foundation
import KAACore
import KAAHTTP
import KAAProtocol
import KAARegister
@testable import KAASync
import KAATestFixtures
import Testing

/// A register clock that runs `hook` whenever "today" is read while armed. The register reads
/// today throughout computing a night's cells, so the hook runs in the middle of a seal: where a
/// coordinator's change or a second sync run could land.
///
/// `@unchecked Sendable`: the tests use it from one thread; the hook runs on the thread reading today.
final class HookedClock: RegisterClock, @unchecked Sendable {
    private let date: CalendarDate
    var isArmed = false
    var hook: () -> Void = {}
    private(set) var calls = 0
    private var isRunning = false

    init(today: CalendarDate) {
        date = today
    }

    var today: CalendarDate {
        if isArmed, !isRunning {
            isRunning = true
            calls += 1
            hook()
            isRunning = false
        }
        return date
    }

    var now: String { FixedDateClock(today: date).now }
}

@Suite struct SyncConcurrencyTests {
    /// Another connection to the same register that never waits for a lock (busy → refused at once).
    func impatientConnection(_ fixture: SyncFixture) throws -> Register {
        let register = try Register.open(at: fixture.registerPath, clock: FixedDateClock(today: fixture.today), staff: "handlaggare1")
        try register.database.execute(script: "PRAGMA busy_timeout = 0")
        return register
    }

    @Test func aSealComputesItsCellsInTheTransactionThatSealsThem() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        let coordinator = try impatientConnection(fixture)
        var next = 50
        let change = {
            try coordinator.register(TestPeople.person(born: 2008, next), on: TestDates.date("2026-11-20"), reason: "OKAND")
            next += 1
            try coordinator.sealBatch(newGeneration: false)
        }
        let clock = HookedClock(today: fixture.today)
        // While this seal computes, a coordinator registers someone and another connection seals;
        // "busy" (the seal holds the write lock) is the right outcome and is skipped.
        clock.hook = { _ = try? change() }
        let sealing = try Register.open(at: fixture.registerPath, clock: clock, staff: "nattjobb")
        clock.isArmed = true
        try sealing.sealBatch(newGeneration: false)
        clock.isArmed = false
        #expect(clock.calls > 0, "the hook ran during the seal")
        let sealed = try coordinator.syncStatus()
        #expect(sealed.digest == StateDigest.digest(try coordinator.allCells().filter { $0.n > 0 }),
                "the last sealed state is the register's latest cells, not older ones")
        // The hook's change works when no seal holds the lock (so the check above is not empty).
        try change()
        #expect(try coordinator.syncStatus().digest == StateDigest.digest(try coordinator.allCells().filter { $0.n > 0 }))
    }

    @Test func aSecondRunWhileOneIsSealingExits75AndTheHubEndsOnTheLatestCells() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        try fixture.sync()
        let coordinator = try impatientConnection(fixture)
        var next = 50
        var second: Result<SyncReport, SyncError>?
        let clock = HookedClock(today: fixture.today)
        clock.hook = {
            _ = try? coordinator.register(TestPeople.person(born: 2008, next), on: TestDates.date("2026-11-20"), reason: "OKAND")
            next += 1
            guard second == nil else { return }
            // The timer's run starts while a manual run is sealing.
            let other = SyncClient(register: coordinator, http: fixture.http, options: SyncClient.Options(hubURL: "http://hub.test", token: fixture.token),
                                   now: { 0 }, sleep: { _ in }, random: { 0.5 })
            do throws(SyncError) {
                second = .success(try other.run())
            } catch {
                second = .failure(error)
            }
        }
        fixture.register = try Register.open(at: fixture.registerPath, clock: clock, staff: "nattjobb")
        try fixture.addPeople(2, from: 30) // tonight's change
        let first = SyncClient(register: fixture.register, http: fixture.http, options: SyncClient.Options(hubURL: "http://hub.test", token: fixture.token),
                               now: { 0 }, sleep: { _ in }, random: { 0.5 },
                               log: { if $0.hasPrefix("event=sealed") { clock.isArmed = false } })
        clock.isArmed = true
        let report = try first.run()
        clock.isArmed = false
        #expect(report.sealed.count == 1)
        switch try #require(second) {
        case .success:
            Issue.record("the second run went ahead while the first was sealing")
        case let .failure(error):
            #expect(error.exitCode == 75)
            #expect(error.description.contains("pågår"), "\(error)")
        }
        try fixture.expectHubMatchesRegister()
    }

    @Test func twoRunsOnTwoThreadsLeaveTheHubOnTheRegistersCells() throws {
        let fixture = try SyncFixture()
        try fixture.addPeople(5)
        for round in 0..<4 {
            try fixture.addPeople(2, from: 100 + 2 * round)
            let outcomes = ConcurrentOutcomes()
            let path = fixture.registerPath, http = fixture.http, token = fixture.token, today = fixture.today
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                do {
                    let register = try Register.open(at: path, clock: FixedDateClock(today: today), staff: "nattjobb")
                    let client = SyncClient(register: register, http: http, options: SyncClient.Options(hubURL: "http://hub.test", token: token),
                                            sleep: { _ in }, random: { 0.5 })
                    _ = try client.run()
                    outcomes.append("0")
                } catch let error as SyncError {
                    outcomes.append(error.exitCode == 75 && error.description.contains("pågår") ? "busy" : "\(error.exitCode): \(error)")
                } catch {
                    outcomes.append("\(error)")
                }
            }
            let seen = outcomes.values
            #expect(seen.allSatisfy { $0 == "0" || $0 == "busy" }, "round \(round): \(seen)")
            #expect(seen.contains("0"), "round \(round): one run went through")
            try fixture.expectHubMatchesRegister()
        }
    }
}

/// What concurrent runs ended with.
final class ConcurrentOutcomes: Sendable {
    private let lock = NSLock()
    // nonisolated(unsafe): guarded by `lock`.
    nonisolated(unsafe) private var stored: [String] = []
    func append(_ value: String) { lock.withLock { stored.append(value) } }
    var values: [String] { lock.withLock { stored } }
}
