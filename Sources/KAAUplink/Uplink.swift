import Foundation
import KAACore
import KAAHTTP
import KAAProtocol

/// Why an upload to a hub ended early. The sync client and the forwarder translate it into their
/// own errors and exit codes (design §10).
public enum UplinkError: Error, CustomStringConvertible {
    /// The hub could not be reached, or kept answering 429/503/5xx, until the deadline (exit 75).
    case temporary(String)
    /// The hub refuses what the outbox holds; an operator must act (exit 65).
    case refused(String)
    /// The hub refuses the sender itself (401: the token; 412: a relay's publication parameters):
    /// the same for every kommun the sender sends for (exit 65).
    case credentials(String)
    /// Something unforeseen failed (exit 1: retrying would not help).
    case failed(String)

    public var description: String {
        switch self {
        case let .temporary(message), let .refused(message), let .credentials(message), let .failed(message): return message
        }
    }
}

/// One sealed, unacknowledged batch of an outbox.
public struct UplinkBatch: Sendable {
    public let generation: String
    public let seq: Int
    public let body: [UInt8]
    /// How many cells it carries.
    public let cells: Int

    public init(generation: String, seq: Int, body: [UInt8], cells: Int) {
        self.generation = generation
        self.seq = seq
        self.body = body
        self.cells = cells
    }
}

/// Where an outbox stands in its current generation.
public struct UplinkStatus: Sendable {
    /// The current generation, nil before anything was sealed.
    public let generation: String?
    public let lastSealedSeq: Int
    public let lastAcknowledgedSeq: Int

    public init(generation: String?, lastSealedSeq: Int, lastAcknowledgedSeq: Int) {
        self.generation = generation
        self.lastSealedSeq = lastSealedSeq
        self.lastAcknowledgedSeq = lastAcknowledgedSeq
    }
}

/// One kommun's stream of sealed batches (design §7): a kommun's register, or a regional hub's
/// forward outbox for one of its kommuner. The rules for sending it are the same for both
/// (`Uplink`); only where the batches live differs.
public protocol UplinkOutbox {
    /// The kommun whose site the batches go to.
    var kommun: String { get }
    func status() throws -> UplinkStatus
    /// Seals a batch of what changed since the last sealed one (a snapshot in a new generation);
    /// nil when nothing changed.
    func seal(newGeneration: Bool, reason: String) throws -> Batch?
    /// The unacknowledged batches of the current generation, in seq order.
    func pendingBatches() throws -> [UplinkBatch]
    func acknowledge(generation: String, seq: Int) throws
    /// Marks the batches after `seq` unacknowledged again (the hub lost them); whether every one
    /// of them is still there to be sent.
    func unacknowledge(generation: String, after seq: Int) throws -> Bool
}

/// What one upload did for one outbox.
public struct UplinkReport: Sendable {
    /// Batches sealed during the upload (new generations).
    public var sealed: [Batch] = []
    /// Batches the hub acknowledged: (seq, body bytes).
    public var uploaded: [(seq: Int, bytes: Int)] = []
    /// New generations started, and why.
    public var newGenerations: [String] = []
    /// Cells in the acknowledged batches.
    public var uploadedCells = 0

    public init() {}
}

/// The client side of sync protocol v1 (design §7), shared by `kaa sync` and `kaa-hub forward`:
/// read the hub's state, reconcile (a restored sender starts a new generation, a hub that lost
/// batches gets them again), upload the outbox in seq order, acknowledge only on 2xx, and retry
/// transport failures, 429, 503 and other 5xx with exponential backoff and full jitter until a
/// deadline. The hub is not trusted: its text is shown short and sanitised.
public struct Uplink {
    public struct Options: Sendable {
        /// `https://hub.example:8443` (no trailing path).
        public var hubURL: String
        public var token: String
        /// Seconds one request may take.
        public var requestTimeout: Double = 60
        /// Headers sent with every request besides the protocol's own.
        public var extraHeaders: [String: String] = [:]
        /// The command an operator runs to send a full snapshot (named in refusals).
        public var newGenerationCommand = "kaa sync --new-generation"
        /// The command an operator runs again once a refusal's cause is fixed.
        public var retryCommand = "kaa sync"
        /// Who holds the token, for the wording of a 401 or 403.
        public var sender: Sender = .kommun

        public init(hubURL: String, token: String) {
            self.hubURL = hubURL.hasSuffix("/") ? String(hubURL.dropLast()) : hubURL
            self.token = token
        }
    }

    /// Whose token a request carries.
    public enum Sender: Sendable {
        /// A kommun's own token (`kaa-hub site add`).
        case kommun
        /// A regional hub's relay token (`kaa-hub relay add`) on the hub above it.
        case relay
    }

    let http: any HTTPClient
    let options: Options
    /// Monotonic seconds.
    let now: () -> Double
    let sleep: (Double) -> Void
    /// A uniform random number in [0, 1), for full jitter.
    let random: () -> Double
    let log: (String) -> Void

    public init(http: any HTTPClient, options: Options, now: @escaping () -> Double, sleep: @escaping (Double) -> Void,
                random: @escaping () -> Double, log: @escaping (String) -> Void) {
        self.http = http
        self.options = options
        self.now = now
        self.sleep = sleep
        self.random = random
        self.log = log
    }

    // MARK: - Reconciling with the hub's state

    /// The hub's state for `kommun`.
    public func readState(kommun: String, deadline: Double) throws -> StateResponse {
        let response = try send("GET", "/v1/sites/\(kommun)/state", body: nil, deadline: deadline)
        guard response.status == 200, let state = StateResponse(json: response.body) else {
            throw refusalError(response, refusal(response, kommun: kommun, what: "frågan om hubbens läge"))
        }
        return state
    }

    /// Compares the hub's state with the outbox's before anything is sent, so that a restored
    /// sender (the hub is ahead in our generation) or a hub that lost state is noticed first.
    public func reconcile(_ outbox: some UplinkOutbox, with state: StateResponse, report: inout UplinkReport) throws {
        let hubGeneration = state.generation
        let hubSeq = state.lastSeq
        let ours = try outbox.status()
        guard let generation = ours.generation else { return }
        if hubGeneration == generation {
            if hubSeq > ours.lastSealedSeq {
                try startGeneration(outbox, "hubben ligger före i vår generation (hubbens batch \(hubSeq), vår \(ours.lastSealedSeq)): registret är återställt från en säkerhetskopia", &report)
            } else if hubSeq < ours.lastAcknowledgedSeq {
                // The hub lost batches it had acknowledged (restored from its backup): send them again.
                if try !outbox.unacknowledge(generation: generation, after: hubSeq) {
                    try startGeneration(outbox, "hubben saknar batcher som inte längre finns i utkorgen", &report)
                } else {
                    log("event=resend_after_hub_loss kommun=\(outbox.kommun) from_seq=\(hubSeq + 1)")
                }
            }
        } else if ours.lastAcknowledgedSeq > 0 {
            // The hub holds another generation (or none) although it acknowledged ours: start afresh.
            try startGeneration(outbox, "hubben har generation \(hubGeneration ?? "ingen"), inte vår", &report)
        }
    }

    private func startGeneration(_ outbox: some UplinkOutbox, _ why: String, _ report: inout UplinkReport) throws {
        guard report.newGenerations.count < 3 else {
            throw UplinkError.refused("hubben och \(senderNoun) är fortfarande oense (\(why)); kör '\(options.newGenerationCommand)' när hubbens driftansvariga har kontrollerat kommunen")
        }
        log("event=new_generation kommun=\(outbox.kommun) reason=\"\(why)\"")
        report.newGenerations.append(why)
        if let batch = try outbox.seal(newGeneration: true, reason: why) { report.sealed.append(batch) }
    }

    private var senderNoun: String { options.sender == .kommun ? "registret" : "den regionala hubben" }

    // MARK: - Uploading

    /// Uploads every unacknowledged batch of `outbox` in seq order, following the hub's conflicts.
    public func upload(_ outbox: some UplinkOutbox, deadline: Double, report: inout UplinkReport) throws {
        var rounds = 0
        outer: while true {
            rounds += 1
            guard rounds < 20 else { throw UplinkError.refused("uppladdningen når inte fram till samma läge; kör '\(options.newGenerationCommand)'") }
            for batch in try outbox.pendingBatches() {
                let path = "/v1/sites/\(outbox.kommun)/batches/\(batch.generation)/\(batch.seq)"
                let response = try send("PUT", path, body: batch.body, deadline: deadline)
                switch response.status {
                case 200, 201:
                    try outbox.acknowledge(generation: batch.generation, seq: batch.seq)
                    report.uploaded.append((batch.seq, batch.body.count))
                    report.uploadedCells += batch.cells
                    log("event=uploaded kommun=\(outbox.kommun) generation=\(batch.generation) seq=\(batch.seq) status=\(response.status) bytes=\(batch.body.count)")
                case 409:
                    try handleConflict(response, outbox: outbox, batch: batch, report: &report)
                    continue outer
                case 422 where try hubHoldsAnotherBody(for: batch, kommun: outbox.kommun, deadline: deadline):
                    // The hub applied this seq of our generation with another body: two copies of
                    // the sender (a restored backup and the one before it) sealed different
                    // batches on the same seq. Only a new generation brings the hub back to ours.
                    try startGeneration(outbox, "hubben har batch \(batch.seq) i vår generation med ett annat innehåll: lägena har gått isär "
                        + "(\(senderNoun) är återställt från en säkerhetskopia)", &report)
                    continue outer
                default:
                    throw refusalError(response, refusal(response, kommun: outbox.kommun, what: "batch \(batch.seq) i generation \(batch.generation)")
                        + ". Utkorgen är kvar; kör '\(options.retryCommand)' igen när orsaken är åtgärdad, eller '\(options.newGenerationCommand)' för att skicka en hel ögonblicksbild.")
                }
            }
            return
        }
    }

    /// Whether the hub's state shows it already holds `batch`'s seq of `batch`'s generation (so
    /// a 422 means "another body", not "your cells do not reach your digest").
    private func hubHoldsAnotherBody(for batch: UplinkBatch, kommun: String, deadline: Double) throws -> Bool {
        let state = try readState(kommun: kommun, deadline: deadline)
        return state.generation == batch.generation && state.lastSeq >= batch.seq
    }

    private func handleConflict(_ response: HTTPResponse, outbox: some UplinkOutbox, batch: UplinkBatch, report: inout UplinkReport) throws {
        // A 409 without its body (a proxy's page) reads as "the hub holds nothing": a new generation.
        let conflict = ConflictResponse(json: response.body)
        let expectedGeneration = conflict?.expectedGeneration
        let expectedSeq = conflict?.expectedSeq ?? 1
        let ours = try outbox.status()
        log("event=conflict kommun=\(outbox.kommun) seq=\(batch.seq) expected_generation=\(expectedGeneration ?? "none") expected_seq=\(expectedSeq)")
        guard expectedGeneration == batch.generation else {
            try startGeneration(outbox, "hubben väntar sig generation \(expectedGeneration ?? "ingen")", &report)
            return
        }
        if expectedSeq > ours.lastSealedSeq + 1 {
            try startGeneration(outbox, "hubben ligger före i vår generation: \(senderNoun) är återställt från en säkerhetskopia", &report)
        } else if expectedSeq == batch.seq {
            // Our batch follows on a state the hub does not have: the states diverged.
            try startGeneration(outbox, "hubbens läge har gått isär från vårt vid batch \(batch.seq)", &report)
        } else if expectedSeq < batch.seq {
            guard try outbox.unacknowledge(generation: batch.generation, after: expectedSeq - 1) else {
                try startGeneration(outbox, "hubben behöver batch \(expectedSeq), som inte längre finns i utkorgen", &report)
                return
            }
        } else {
            // The hub already has everything before expected_seq.
            for seq in batch.seq..<expectedSeq { try outbox.acknowledge(generation: batch.generation, seq: seq) }
        }
    }

    // MARK: - Requests

    /// Sends with retries: transport errors, 429, 503 and other 5xx are retried with exponential
    /// backoff and full jitter (honouring `Retry-After`) until the deadline, then a temporary error.
    public func send(_ method: String, _ path: String, body: [UInt8]?, deadline: Double) throws -> HTTPResponse {
        var headers = options.extraHeaders
        headers["Authorization"] = "Bearer \(options.token)"
        headers["Accept"] = "application/json"
        if let body {
            headers["Content-Type"] = "application/json"
            headers["Content-Digest"] = ContentDigest.header(for: body)
        }
        var attempt = 0
        while true {
            let remaining = deadline - now()
            guard remaining > 0 else { throw UplinkError.temporary("hubben svarade inte i tid; utkorgen är kvar till nästa körning") }
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
                throw UplinkError.failed("hubben svarade med mer data än klienten tar emot (\(error.message)); utkorgen är kvar. "
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
                throw UplinkError.temporary("hubben nås inte eller är upptagen (\(reason))\(asked); utkorgen är kvar, försök igen senare")
            }
            sleep(backoff)
        }
    }

    /// The shortest wait between two attempts, in seconds, whatever the hub says.
    public static let minimumWaitSeconds = 1.0

    /// `Retry-After` as delta-seconds (RFC 9110: digits only); nil for anything else (a date, a
    /// negative or garbled value), which falls back to the backoff.
    public static func retryAfterSeconds(_ value: String?) -> Double? {
        guard let text = value?.trimmingCharacters(in: .whitespaces), (1...9).contains(text.utf8.count),
              text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Double(text)
    }

    /// The hub's stated reason, fit to show a person: only the `error` of a JSON refusal (never
    /// the raw body, which could be a proxy's page or anything a hostile hub sends), only printable
    /// ASCII and Swedish letters (no control or bidi characters), at most `maximumReasonLength`.
    public static func sanitisedReason(_ body: [UInt8]) -> String? {
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
    public static let maximumReasonLength = 120

    /// The error for a refusal: `credentials` when it concerns the sender itself.
    private func refusalError(_ response: HTTPResponse, _ message: String) -> UplinkError {
        response.status == 401 || response.status == 412 ? .credentials(message) : .refused(message)
    }

    /// A refusal in words for the operator.
    public func refusal(_ response: HTTPResponse, kommun: String, what: String) -> String {
        let detail = Self.sanitisedReason(response.body).map { ": \($0)" } ?? ""
        switch (response.status, options.sender) {
        case (401, .kommun): return "hubben godtar inte token (HTTP 401) för \(what): kontrollera tokenfilen eller be hubbens driftansvariga att byta kommunens token (site rotate)"
        case (401, .relay): return "hubben godtar inte reläets token (HTTP 401) för \(what): kontrollera tokenfilen eller be den övre hubbens driftansvariga att byta reläets token (relay rotate)"
        case (403, .kommun): return "hubben godtar inte den här token för kommun \(kommun) (HTTP 403): token hör till en annan kommun"
        case (403, .relay): return "den övre hubben tar inte emot kommun \(kommun) genom det här reläet (HTTP 403)\(detail): kommunen hör inte till reläet där, eller är spärrad; tala med den övre hubbens driftansvariga"
        default: return "hubben vägrade \(what) med HTTP \(response.status)\(detail)"
        }
    }
}
