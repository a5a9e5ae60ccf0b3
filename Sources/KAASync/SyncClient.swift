import Foundation
import KAACore
import KAAHTTP
import KAAProtocol
import KAARegister
import KAASystem

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

    // MARK: - Reconciling with the hub's state

    /// The hub's state for this kommun.
    private func readHubState(deadline: Double) throws -> StateResponse {
        let response = try send("GET", "/v1/sites/\(register.kommun)/state", body: nil, deadline: deadline)
        guard response.status == 200, let state = StateResponse(json: response.body) else {
            throw SyncError.refused(refusal(response, what: "frågan om hubbens läge"))
        }
        return state
    }

    /// Compares the hub's state with ours before anything is sealed or sent, so that a restored
    /// register (the hub is ahead in our generation) or a hub that lost state is noticed first.
    private func reconcile(with state: StateResponse, report: inout SyncReport) throws {
        let hubGeneration = state.generation
        let hubSeq = state.lastSeq
        let ours = try register.syncStatus()
        guard let generation = ours.generation else { return }
        if hubGeneration == generation {
            if hubSeq > ours.lastSealedSeq {
                try startGeneration("hubben ligger före i vår generation (hubbens batch \(hubSeq), vår \(ours.lastSealedSeq)): registret är återställt från en säkerhetskopia", &report)
            } else if hubSeq < ours.lastAcknowledgedSeq {
                // The hub lost batches it had acknowledged (restored from its backup): send them again.
                if try !register.unacknowledge(generation: generation, after: hubSeq) {
                    try startGeneration("hubben saknar batcher som inte längre finns i utkorgen", &report)
                } else {
                    log("event=resend_after_hub_loss from_seq=\(hubSeq + 1)")
                }
            }
        } else if ours.lastAcknowledgedSeq > 0 {
            // The hub holds another generation (or none) although it acknowledged ours: start afresh.
            try startGeneration("hubben har generation \(hubGeneration ?? "ingen"), inte vår", &report)
        }
    }

    private func startGeneration(_ why: String, _ report: inout SyncReport) throws {
        guard report.newGenerations.count < 3 else {
            throw SyncError.refused("hubben och registret är fortfarande oense (\(why)); kör 'kaa sync --new-generation' när hubbens driftansvariga har kontrollerat kommunen")
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
            guard rounds < 20 else { throw SyncError.refused("uppladdningen når inte fram till samma läge; kör 'kaa sync --new-generation'") }
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
                case 422 where try hubHoldsAnotherBody(for: batch, deadline: deadline):
                    // The hub applied this seq of our generation with another body: two copies of
                    // the register (a restored backup and the one before it) sealed different
                    // batches on the same seq. Only a new generation brings the hub back to ours.
                    try startGeneration("hubben har batch \(batch.seq) i vår generation med ett annat innehåll: lägena har gått isär "
                        + "(registret är återställt från en säkerhetskopia)", &report)
                    continue outer
                default:
                    throw SyncError.refused(refusal(response, what: "batch \(batch.seq) i generation \(batch.generation)")
                        + ". The outbox is kept; when the cause is fixed run 'kaa sync' again, or 'kaa sync --new-generation' to send a full snapshot.")
                }
            }
            return
        }
    }

    /// Whether the hub's state shows it already holds `batch`'s seq of `batch`'s generation (so
    /// a 422 means "another body", not "your cells do not reach your digest").
    private func hubHoldsAnotherBody(for batch: OutboxBatch, deadline: Double) throws -> Bool {
        let state = try readHubState(deadline: deadline)
        return state.generation == batch.generation && state.lastSeq >= batch.seq
    }

    private func handleConflict(_ response: HTTPResponse, batch: OutboxBatch, report: inout SyncReport) throws {
        // A 409 without its body (a proxy's page) reads as "the hub holds nothing": a new generation.
        let conflict = ConflictResponse(json: response.body)
        let expectedGeneration = conflict?.expectedGeneration
        let expectedSeq = conflict?.expectedSeq ?? 1
        let ours = try register.syncStatus()
        log("event=conflict seq=\(batch.seq) expected_generation=\(expectedGeneration ?? "none") expected_seq=\(expectedSeq)")
        guard expectedGeneration == batch.generation else {
            try startGeneration("hubben väntar sig generation \(expectedGeneration ?? "ingen")", &report)
            return
        }
        if expectedSeq > ours.lastSealedSeq + 1 {
            try startGeneration("hubben ligger före i vår generation: registret är återställt från en säkerhetskopia", &report)
        } else if expectedSeq == batch.seq {
            // Our batch follows on a state the hub does not have: the states diverged.
            try startGeneration("hubbens läge har gått isär från vårt vid batch \(batch.seq)", &report)
        } else if expectedSeq < batch.seq {
            guard try register.unacknowledge(generation: batch.generation, after: expectedSeq - 1) else {
                try startGeneration("hubben behöver batch \(expectedSeq), som inte längre finns i utkorgen", &report)
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
            guard remaining > 0 else { throw SyncError.temporary("hubben svarade inte i tid; utkorgen är kvar till nästa körning") }
            let request = HTTPClientRequest(method: method, url: options.hubURL + path, headers: headers, body: body ?? [],
                                            timeout: min(options.requestTimeout, remaining))
            var wait: Double?
            var reason: String
            do {
                let response = try http.send(request)
                switch response.status {
                case 429, 503:
                    wait = Self.retryAfterSeconds(response.header("Retry-After"))
                    reason = "HTTP \(response.status)"
                case 500...599:
                    reason = "HTTP \(response.status)"
                default:
                    return response
                }
            } catch where error.kind == .responseTooLarge {
                // Not "try again later": the hub would send the same oversized answer again.
                throw SyncError.failed("hubben svarade med mer data än klienten tar emot (\(error.message)); utkorgen är kvar. "
                    + "Kontakta hubbens driftansvariga.")
            } catch {
                reason = error.message
            }
            attempt += 1
            // The floor holds for Retry-After as for the jitter (which can draw 0): a hub that says
            // "0" or "-1" is not hammered in a tight loop until the deadline.
            let backoff = max(Self.minimumWaitSeconds, wait ?? random() * min(60, 0.5 * pow(2, Double(min(attempt, 10)))))
            log("event=retry attempt=\(attempt) wait=\(String(format: "%.2f", backoff)) reason=\"\(reason)\"")
            guard now() + backoff < deadline else {
                let asked = wait.map { " (hubben bad om att vänta \(Int($0)) s, längre än tidsgränsen tillåter)" } ?? ""
                throw SyncError.temporary("hubben nås inte eller är upptagen (\(reason))\(asked); utkorgen är kvar, försök igen senare")
            }
            sleep(backoff)
        }
    }

    /// The shortest wait between two attempts, in seconds, whatever the hub says.
    static let minimumWaitSeconds = 1.0

    /// `Retry-After` as delta-seconds (RFC 9110: digits only); nil for anything else (a date, a
    /// negative or garbled value), which falls back to the backoff.
    static func retryAfterSeconds(_ value: String?) -> Double? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), (1...9).contains(text.utf8.count),
              text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Double(text)
    }

    /// The hub's stated reason, fit to show a person: only the `error` of a JSON refusal (never
    /// the raw body, which could be a proxy's page or anything a hostile hub sends), only printable
    /// ASCII and Swedish letters (no control or bidi characters), at most `maximumReasonLength`.
    static func sanitisedReason(_ body: [UInt8]) -> String? {
        guard let text = ErrorResponse(json: body)?.error else { return nil }
        let swedish: Set<Unicode.Scalar> = ["å", "ä", "ö", "Å", "Ä", "Ö", "é", "É"]
        var kept = String.UnicodeScalarView()
        var isCut = false
        for scalar in text.unicodeScalars {
            guard kept.count < maximumReasonLength else {
                isCut = true
                break
            }
            if (0x20...0x7E).contains(scalar.value) || swedish.contains(scalar) {
                kept.append(scalar)
            } else if !(kept.last.map { $0 == " " } ?? true) {
                kept.append(" ")
            }
        }
        let reason = String(kept).trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { return nil }
        return isCut ? reason + "…" : reason
    }

    /// The longest hub reason a message shows.
    static let maximumReasonLength = 120

    private func refusal(_ response: HTTPResponse, what: String) -> String {
        let detail = Self.sanitisedReason(response.body).map { ": \($0)" } ?? ""
        switch response.status {
        case 401: return "hubben godtar inte token (HTTP 401) för \(what): kontrollera tokenfilen eller be hubbens driftansvariga att byta kommunens token (site rotate)"
        case 403: return "hubben godtar inte den här token för kommun \(register.kommun) (HTTP 403): token hör till en annan kommun"
        default: return "hubben vägrade \(what) med HTTP \(response.status)\(detail)"
        }
    }
}
