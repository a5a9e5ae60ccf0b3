import Foundation
import KAACore
import KAAHTTP
import KAAProtocol
import KAARegister

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
    public func run() throws(SyncError) -> SyncReport {
        let deadline = now() + options.deadlineSeconds
        var report = SyncReport()
        try translatingErrors {
            let sealing = now()
            if let batch = try register.sealBatch(newGeneration: options.newGeneration, reason: options.newGeneration ? "operator" : "night") {
                report.sealed.append(batch)
                // How long recomputing and sealing took: the figure design §11 sets a target for.
                log("event=sealed generation=\(batch.generation) seq=\(batch.seq) kind=\(batch.kind.rawValue) cells=\(batch.cells.count) "
                    + "seconds=\(String(format: "%.3f", now() - sealing))")
                if options.newGeneration { report.newGenerations.append("operator asked for a new generation") }
            }
            try reconcileWithHub(deadline: deadline, report: &report)
            try uploadOutbox(deadline: deadline, report: &report)
            fetchRegion(deadline: deadline, report: &report)
        }
        return report
    }

    /// Uploads the batches already sealed, with the same rules as `run` (state first, then the
    /// outbox in seq order), without sealing or fetching region figures. For a register whose
    /// batch was sealed earlier, and for the national-night benchmark.
    public func upload() throws(SyncError) -> SyncReport {
        let deadline = now() + options.deadlineSeconds
        var report = SyncReport()
        try translatingErrors {
            try reconcileWithHub(deadline: deadline, report: &report)
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

    // MARK: - Reconciling with the hub's state

    /// Reads the hub's state for this kommun first, so that a restored register (the hub is ahead
    /// in our generation) or a hub that lost state is noticed before anything is sent.
    private func reconcileWithHub(deadline: Double, report: inout SyncReport) throws {
        let response = try send("GET", "/v1/sites/\(register.kommun)/state", body: nil, deadline: deadline)
        guard response.status == 200, let state = StateResponse(json: response.body) else {
            throw SyncError.refused(refusal(response, what: "the state request"))
        }
        let hubGeneration = state.generation
        let hubSeq = state.lastSeq
        let ours = try register.syncStatus()
        guard let generation = ours.generation else { return }
        if hubGeneration == generation {
            if hubSeq > ours.lastSealedSeq {
                try startGeneration("the hub is ahead in our generation (hub seq \(hubSeq), ours \(ours.lastSealedSeq)): the register was restored from a backup", &report)
            } else if hubSeq < ours.lastAcknowledgedSeq {
                // The hub lost batches it had acknowledged (restored from its backup): send them again.
                if try !register.unacknowledge(generation: generation, after: hubSeq) {
                    try startGeneration("the hub lost batches no longer in the outbox", &report)
                } else {
                    log("event=resend_after_hub_loss from_seq=\(hubSeq + 1)")
                }
            }
        } else if ours.lastAcknowledgedSeq > 0 {
            // The hub holds another generation (or none) although it acknowledged ours: start afresh.
            try startGeneration("the hub holds generation \(hubGeneration ?? "none"), not ours", &report)
        }
    }

    private func startGeneration(_ why: String, _ report: inout SyncReport) throws {
        guard report.newGenerations.count < 3 else {
            throw SyncError.refused("the hub and the register keep disagreeing (\(why)); run 'kaa sync --new-generation' once the hub operator has checked the site")
        }
        log("event=new_generation reason=\"\(why)\"")
        report.newGenerations.append(why)
        if let batch = try register.sealBatch(newGeneration: true, reason: why) { report.sealed.append(batch) }
    }

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

    // MARK: - Uploading

    private func uploadOutbox(deadline: Double, report: inout SyncReport) throws {
        var rounds = 0
        outer: while true {
            rounds += 1
            guard rounds < 20 else { throw SyncError.refused("the upload does not converge; run 'kaa sync --new-generation'") }
            for batch in try register.pendingBatches() {
                let path = "/v1/sites/\(register.kommun)/batches/\(batch.generation)/\(batch.seq)"
                let response = try send("PUT", path, body: batch.body, deadline: deadline)
                switch response.status {
                case 200, 201:
                    try register.acknowledge(generation: batch.generation, seq: batch.seq)
                    report.uploaded.append((batch.seq, batch.body.count))
                    log("event=uploaded generation=\(batch.generation) seq=\(batch.seq) status=\(response.status) bytes=\(batch.body.count)")
                case 409:
                    try handleConflict(response, batch: batch, report: &report)
                    continue outer
                default:
                    throw SyncError.refused(refusal(response, what: "batch \(batch.seq) of generation \(batch.generation)")
                        + ". The outbox is kept; when the cause is fixed run 'kaa sync' again, or 'kaa sync --new-generation' to send a full snapshot.")
                }
            }
            return
        }
    }

    private func handleConflict(_ response: HTTPResponse, batch: OutboxBatch, report: inout SyncReport) throws {
        // A 409 without its body (a proxy's page) reads as "the hub holds nothing": a new generation.
        let conflict = ConflictResponse(json: response.body)
        let expectedGeneration = conflict?.expectedGeneration
        let expectedSeq = conflict?.expectedSeq ?? 1
        let ours = try register.syncStatus()
        log("event=conflict seq=\(batch.seq) expected_generation=\(expectedGeneration ?? "none") expected_seq=\(expectedSeq)")
        guard expectedGeneration == batch.generation else {
            try startGeneration("the hub expects generation \(expectedGeneration ?? "none")", &report)
            return
        }
        if expectedSeq > ours.lastSealedSeq + 1 {
            try startGeneration("the hub is ahead in our generation: the register was restored from a backup", &report)
        } else if expectedSeq == batch.seq {
            // Our batch follows on a state the hub does not have: the states diverged.
            try startGeneration("the hub's state diverged from ours at seq \(batch.seq)", &report)
        } else if expectedSeq < batch.seq {
            guard try register.unacknowledge(generation: batch.generation, after: expectedSeq - 1) else {
                try startGeneration("the hub needs seq \(expectedSeq), no longer in the outbox", &report)
                return
            }
        } else {
            // The hub already has everything before expected_seq.
            for seq in batch.seq..<expectedSeq { try register.acknowledge(generation: batch.generation, seq: seq) }
        }
    }

    /// Sends with retries: transport errors, 429, 503 and other 5xx are retried with exponential
    /// backoff and full jitter (honouring `Retry-After`) until the deadline, then exit 75.
    private func send(_ method: String, _ path: String, body: [UInt8]?, deadline: Double) throws -> HTTPResponse {
        var headers = ["Authorization": "Bearer \(options.token)", "Accept": "application/json"]
        if let body {
            headers["Content-Type"] = "application/json"
            headers["Content-Digest"] = ContentDigest.header(for: body)
        }
        var attempt = 0
        while true {
            let remaining = deadline - now()
            guard remaining > 0 else { throw SyncError.temporary("the hub did not answer in time; the outbox is kept for the next run") }
            let request = HTTPClientRequest(method: method, url: options.hubURL + path, headers: headers, body: body ?? [],
                                            timeout: min(options.requestTimeout, remaining))
            var wait: Double?
            var reason: String
            do {
                let response = try http.send(request)
                switch response.status {
                case 429, 503:
                    wait = response.header("Retry-After").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                    reason = "HTTP \(response.status)"
                case 500...599:
                    reason = "HTTP \(response.status)"
                default:
                    return response
                }
            } catch {
                reason = error.message
            }
            attempt += 1
            let backoff = wait ?? random() * min(60, 0.5 * pow(2, Double(min(attempt, 10))))
            log("event=retry attempt=\(attempt) wait=\(String(format: "%.2f", backoff)) reason=\"\(reason)\"")
            guard now() + backoff < deadline else {
                throw SyncError.temporary("the hub is unreachable or busy (\(reason)); the outbox is kept, try again later")
            }
            sleep(backoff)
        }
    }

    private func refusal(_ response: HTTPResponse, what: String) -> String {
        let detail = ErrorResponse(json: response.body)?.error ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        switch response.status {
        case 401: return "the hub refuses the token (HTTP 401) for \(what): check the token file, or ask the hub operator to rotate the kommun's token"
        case 403: return "the hub refuses this token for kommun \(register.kommun) (HTTP 403): the token belongs to another kommun"
        default: return "the hub refused \(what) with HTTP \(response.status): \(detail)"
        }
    }
}
