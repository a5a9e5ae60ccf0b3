import Foundation
import KAACore
import KAAHTTP
import KAAProtocol
import KAARegister
import KAASystem
import KAAUplink

/// Why a sync run ended early, with the exit code design §10 gives it.
public enum SyncError: Error, CustomStringConvertible {
    /// The hub could not be reached, or kept answering 429/503/5xx, until the deadline (exit 75).
    case temporary(String)
    /// The hub refuses what the outbox holds, or the credentials; an operator must act (exit 65).
    case refused(String)
    /// The register failed.
    case register(RegisterError)
    /// Something unforeseen failed (exit 1: retrying would not help, and 75 would make a nightly
    /// job retry forever).
    case failed(String)

    public var description: String {
        switch self {
        case let .temporary(message), let .refused(message), let .failed(message): return message
        case let .register(error): return error.description
        }
    }

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch self {
        case .temporary: return 75
        case .refused: return 65
        case let .register(error): return error.isBadInput ? 65 : 1
        case .failed: return 1
        }
    }
}

extension SyncError {
    /// The `SyncError` for anything a sync run throws (a register failure keeps its own).
    static func translating(_ error: any Error) -> SyncError {
        switch error {
        case let error as SyncError: return error
        case let error as RegisterError: return .register(error)
        case let UplinkError.temporary(message): return .temporary(message)
        case let UplinkError.refused(message), let UplinkError.credentials(message): return .refused(message)
        case let UplinkError.failed(message): return .failed(message)
        default: return .failed(String(describing: error))
        }
    }
}

/// What one sync run did.
public struct SyncReport: Sendable {
    /// Batches sealed this run (0 on a night with no change, 1 normally, more after a new generation).
    public var sealed: [Batch] = []
    /// Batches the hub acknowledged this run: (seq, body bytes).
    public var uploaded: [(seq: Int, bytes: Int)] = []
    /// New generations started, and why.
    public var newGenerations: [String] = []
    /// Periods whose region figures were fetched and stored.
    public var regionPeriods: [Period] = []
}

extension SyncReport {
    /// Runs an `Uplink` step with this report's generations and uploads, and keeps what it added.
    mutating func uplinking(_ body: (inout UplinkReport) throws -> Void) throws {
        var part = UplinkReport()
        part.newGenerations = newGenerations
        defer {
            sealed += part.sealed
            uploaded += part.uploaded
            newGenerations = part.newGenerations
        }
        try body(&part)
    }
}

/// A register's outbox as the protocol's client sees it.
struct RegisterOutbox: UplinkOutbox {
    let register: Register

    var kommun: String { register.kommun }

    func status() throws -> UplinkStatus {
        let status = try register.syncStatus()
        return UplinkStatus(generation: status.generation, lastSealedSeq: status.lastSealedSeq, lastAcknowledgedSeq: status.lastAcknowledgedSeq)
    }

    func seal(newGeneration: Bool, reason: String) throws -> Batch? {
        try register.sealBatch(newGeneration: newGeneration, reason: reason)
    }

    func pendingBatches() throws -> [UplinkBatch] {
        try register.pendingBatches().map { UplinkBatch(generation: $0.generation, seq: $0.seq, body: $0.body, cells: $0.cells) }
    }

    func acknowledge(generation: String, seq: Int) throws {
        try register.acknowledge(generation: generation, seq: seq)
    }

    func unacknowledge(generation: String, after seq: Int) throws -> Bool {
        try register.unacknowledge(generation: generation, after: seq)
    }
}

/// The sync client (design §7): seal, then upload every unacknowledged batch in seq order.
public struct SyncClient {
    public struct Options: Sendable {
        /// `https://hub.example:8443` (no trailing path).
        public var hubURL: String
        public var token: String
        /// Seconds the whole run may take before it gives up with exit 75.
        public var deadlineSeconds: Double = 600
        /// Seconds one request may take.
        public var requestTimeout: Double = 60
        public var newGeneration = false

        public init(hubURL: String, token: String, deadlineSeconds: Double = 600, newGeneration: Bool = false) {
            self.hubURL = hubURL.hasSuffix("/") ? String(hubURL.dropLast()) : hubURL
            self.token = token
            self.deadlineSeconds = deadlineSeconds
            self.newGeneration = newGeneration
        }
    }

    let register: Register
    let http: any HTTPClient
    let options: Options
    /// Monotonic seconds.
    let now: () -> Double
    let sleep: (Double) -> Void
    /// A uniform random number in [0, 1), for full jitter.
    let random: () -> Double
    let log: (String) -> Void

    public init(register: Register, http: any HTTPClient, options: Options, now: @escaping () -> Double = { ProcessInfo.processInfo.systemUptime },
                sleep: @escaping (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }, random: @escaping () -> Double = { Double.random(in: 0..<1) },
                log: @escaping (String) -> Void = { _ in }) {
        self.register = register
        self.http = http
        self.options = options
        self.now = now
        self.sleep = sleep
        self.random = random
        self.log = log
    }

    /// Seals tonight's batch and uploads the outbox.
    ///
    /// The hub's state is read before sealing: a register restored from a backup would otherwise
    /// seal tonight's batch on a seq the hub already holds with another body. The whole run holds
    /// the register's sync lock, so two runs never interleave their seals, uploads and generations.
    public func run() throws(SyncError) -> SyncReport {
        let deadline = now() + options.deadlineSeconds
        var report = SyncReport()
        try translatingErrors {
            let lock = try takeSyncLock()
            defer { withExtendedLifetime(lock) {} }
            let state: StateResponse
            do {
                state = try readHubState(deadline: deadline)
            } catch {
                // The hub is unreachable or refuses us: the night's figures are still sealed into the
                // outbox, so they do not wait on the hub; a divergence this hides shows as a 422
                // for a seq the hub holds on the next run, and is healed then.
                try seal(newGeneration: options.newGeneration, reason: options.newGeneration ? "operator" : "night", report: &report)
                throw error
            }
            if options.newGeneration {
                try seal(newGeneration: true, reason: "operator", report: &report)
                report.newGenerations.append("driftansvarig bad om en ny generation")
            } else {
                try reconcile(with: state, report: &report)
                try seal(newGeneration: false, reason: "night", report: &report)
            }
            try uploadOutbox(deadline: deadline, report: &report)
            fetchRegion(deadline: deadline, report: &report)
        }
        return report
    }

    /// Seals a batch (nil on a night with no change) and logs how long it took.
    private func seal(newGeneration: Bool, reason: String, report: inout SyncReport) throws {
        let sealing = now()
        guard let batch = try register.sealBatch(newGeneration: newGeneration, reason: reason) else { return }
        report.sealed.append(batch)
        // How long recomputing and sealing took: the figure design §11 sets a target for.
        log("event=sealed generation=\(batch.generation) seq=\(batch.seq) kind=\(batch.kind.rawValue) cells=\(batch.cells.count) "
            + "seconds=\(String(format: "%.3f", now() - sealing))")
    }

    /// The lock file beside the register that one run holds from start to end.
    public static func lockPath(forRegisterAt path: String) -> String { path + ".sync-lock" }

    /// Takes the register's sync lock, or says that another run holds it (exit 75: the nightly job
    /// tries again later, when the other run has finished).
    private func takeSyncLock() throws -> FileLock {
        let path = Self.lockPath(forRegisterAt: register.database.path)
        let lock: FileLock?
        do {
            lock = try FileLock.tryLocking(path)
        } catch {
            throw SyncError.failed("kan inte ta synkroniseringens låsfil: \(error)")
        }
        guard let lock else {
            throw SyncError.temporary("en annan 'kaa sync' för det här registret pågår redan (låsfilen \(path) är låst); "
                + "försök igen när den är klar (inget går förlorat)")
        }
        return lock
    }

    /// Uploads the batches already sealed, with the same rules as `run` (state first, then the
    /// outbox in seq order), without sealing or fetching region figures. For a register whose
    /// batch was sealed earlier, and for the national-night benchmark.
    public func upload() throws(SyncError) -> SyncReport {
        let deadline = now() + options.deadlineSeconds
        var report = SyncReport()
        try translatingErrors {
            let lock = try takeSyncLock()
            defer { withExtendedLifetime(lock) {} }
            try reconcile(with: try readHubState(deadline: deadline), report: &report)
            try uploadOutbox(deadline: deadline, report: &report)
        }
        return report
    }

    /// Runs `body`, translating what it throws into a `SyncError`.
    private func translatingErrors(_ body: () throws -> Void) throws(SyncError) {
        do {
            try body()
        } catch {
            throw SyncError.translating(error)
        }
    }

    // MARK: - The protocol (KAAUplink, shared with the hub's forwarder)

    /// The protocol's client for this run's hub and token.
    private var uplink: Uplink {
        var uplinkOptions = Uplink.Options(hubURL: options.hubURL, token: options.token)
        uplinkOptions.requestTimeout = options.requestTimeout
        return Uplink(http: http, options: uplinkOptions, now: now, sleep: sleep, random: random, log: log)
    }

    private var outbox: RegisterOutbox { RegisterOutbox(register: register) }

    private func readHubState(deadline: Double) throws -> StateResponse {
        try uplink.readState(kommun: register.kommun, deadline: deadline)
    }

    private func reconcile(with state: StateResponse, report: inout SyncReport) throws {
        try report.uplinking { try uplink.reconcile(outbox, with: state, report: &$0) }
    }

    private func uploadOutbox(deadline: Double, report: inout SyncReport) throws {
        try report.uplinking { try uplink.upload(outbox, deadline: deadline, report: &$0) }
    }

    private func send(_ method: String, _ path: String, body: [UInt8]?, deadline: Double) throws -> HTTPResponse {
        try uplink.send(method, path, body: body, deadline: deadline)
    }

    /// The hub's stated reason, fit to show a person (see `Uplink.sanitisedReason`).
    static func sanitisedReason(_ body: [UInt8]) -> String? { Uplink.sanitisedReason(body) }

    // MARK: - The region back to the kommun

    /// Fetches and stores the region's protected figures for every open period. A failure here does
    /// not fail the night: the upload is what matters; the comparison waits for the next run.
    private func fetchRegion(deadline: Double, report: inout SyncReport) {
        let today = register.today
        let periods = Period.all(from: Period.firstOpenDay(today: today), through: today).filter { !$0.isFrozen(today: today) }
        for period in periods {
            do {
                let response = try send("GET", "/v1/sites/\(register.kommun)/region?period=\(period)", body: nil, deadline: deadline)
                guard response.status == 200, let figures = Self.parseRegion(response.body, period: period, fetchedAt: register.clock.now) else {
                    log("event=region_fetch_failed period=\(period) status=\(response.status)")
                    return
                }
                try register.storeRegionFigures(figures)
                report.regionPeriods.append(period)
            } catch {
                log("event=region_fetch_failed period=\(period) reason=\"\(error)\"")
                return
            }
        }
        if !periods.isEmpty { log("event=region_fetched periods=\(report.regionPeriods.count)") }
    }

    static func parseRegion(_ body: [UInt8], period: Period, fetchedAt: String) -> RegionFigures? {
        guard let publication = PublicationResponse(json: body) else { return nil }
        var values: [CellKey: Int] = [:]
        for figure in publication.cells where figure.kommun == nil {
            guard figure.value >= 0 else { return nil }
            values[CellKey(table: figure.table, period: period, dims: Dims(figure.dims))] = figure.value
        }
        return RegionFigures(period: period, fetchedAt: fetchedAt, isPreliminary: publication.preliminary,
                             reporting: publication.reporting.kommuner, enrolled: publication.reporting.of, values: values)
    }
}
