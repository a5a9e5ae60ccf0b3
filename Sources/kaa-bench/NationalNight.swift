import Foundation
import KAACore
import KAACurl
import KAAHTTP
import KAAHTTPServer
import KAAHub
import KAARegister
import KAASync
import Synchronization

/// Design §11's national night: one register per kommun (290), each with a sealed batch, uploaded
/// concurrently from one process by the sync client's own code, and the same bytes for the
/// transport baseline. Benchmark only: nothing here runs in production.
enum NationalNight {
    /// Where `prepare` leaves things under its directory.
    struct Layout {
        let directory: String
        var manifest: String { directory + "/manifest.txt" }
        func register(_ kommun: String) -> String { directory + "/registers/\(kommun).sqlite" }
        func batch(_ kommun: String) -> String { directory + "/batches/\(kommun).json" }
    }

    /// One prepared kommun: its sealed batch and the site token.
    struct Entry {
        let kommun: String
        let generation: String
        let seq: Int
        let token: String
    }

    /// Creates a register per kommun with `people(kommun)` synthetic people in KAA (generated valid
    /// numbers, in temporary files only), seals its first batch, adds the kommun as a site on the
    /// hub database and writes the manifest and the batch bodies (for the curl baseline).
    public static func prepare(directory: String, hubDatabase: String, clock: any RegisterClock, kommuner count: Int? = nil,
                               people: (String) -> Int, progress: (String) -> Void) throws {
        let layout = Layout(directory: directory)
        let files = FileManager.default
        try files.createDirectory(atPath: directory + "/registers", withIntermediateDirectories: true)
        try files.createDirectory(atPath: directory + "/batches", withIntermediateDirectories: true)
        let hub = try Hub(path: hubDatabase)
        var lines: [String] = []
        var serial = 0
        let chosen = Kommuner.all.keys.sorted().prefix(count ?? Kommuner.all.count)
        for (index, kommun) in chosen.enumerated() {
            let register = try Register.create(at: layout.register(kommun), kommun: kommun, clock: clock, staff: "benchmark")
            for _ in 0..<people(kommun) {
                serial += 1
                let pnr = try syntheticPersonnummer(serial, today: clock.today)
                try register.register(pnr, on: clock.today, reason: serial % 3 == 0 ? "EJ_PABORJAT" : "AVBROTT_NP")
                if serial % 2 == 0 { _ = try register.addContact(pnr, on: clock.today, channel: "SMS", isReached: true) }
            }
            _ = try register.sealBatch(newGeneration: false, reason: "night")
            guard let batch = try register.pendingBatches().first else { throw BenchError.failed("\(kommun): no batch was sealed") }
            try Data(batch.body).write(to: URL(fileURLWithPath: layout.batch(kommun)))
            let token = try hub.addSite(kommun: kommun, name: nil, actor: "benchmark")
            lines.append("\(kommun) \(batch.generation) \(batch.seq) \(token)")
            if (index + 1) % 50 == 0 { progress("\(index + 1) register förberedda") }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: layout.manifest, atomically: true, encoding: .utf8)
    }

    /// What an upload run measured.
    public struct Result: Sendable {
        /// Seconds from the start signal until the last batch was acknowledged.
        public let totalSeconds: Double
        /// Seconds per kommun, from the start signal until its batch was acknowledged.
        public let perBatchSeconds: [Double]
        public let bytes: Int
        public let failures: [String]
        /// CPU seconds the uploading process used from the start signal until the last acknowledgement.
        public let clientCPUSeconds: Double
    }

    /// Opens every prepared register, then lets them all upload at once, each on its own thread
    /// with the sync client and libcurl, and waits until every batch is acknowledged (the hub
    /// answers after its commit, so acknowledged means applied durably).
    public static func upload(directory: String, hubURL: String, clock: any RegisterClock) throws -> Result {
        let entries = try readManifest(Layout(directory: directory))
        try raiseOpenFileLimit(to: rlim_t(entries.count * 6 + 64))
        // The start signal: every thread waits once; surplus signals (a register that failed to open) are harmless.
        let gate = DispatchSemaphore(value: 0)
        let opened = DispatchGroup()
        let finished = DispatchGroup()
        // Registers are closed (a WAL checkpoint each) after the clock stops: closing comes after
        // the batch was applied and acknowledged, so it is not part of what is measured.
        let closing = DispatchSemaphore(value: 0)
        let closed = DispatchGroup()
        let outcomes = Mutex<[(seconds: Double, bytes: Int, failure: String?)]>([])
        let startTime = Mutex<Double>(0)
        for entry in entries {
            opened.enter()
            finished.enter()
            closed.enter()
            let path = Layout(directory: directory).register(entry.kommun)
            let thread = Thread {
                defer { closed.leave() }
                let register: Register
                do {
                    register = try Register.open(at: path, clock: clock, staff: "benchmark")
                } catch {
                    opened.leave()
                    outcomes.withLock { $0.append((0, 0, "\(entry.kommun): \(error)")) }
                    finished.leave()
                    return
                }
                opened.leave()
                gate.wait()
                var outcome: (seconds: Double, bytes: Int, failure: String?) = (0, 0, nil)
                let client = SyncClient(register: register, http: CurlHTTPClient(),
                                        options: SyncClient.Options(hubURL: hubURL, token: entry.token, deadlineSeconds: 120))
                do {
                    let report = try client.upload()
                    outcome.bytes = report.uploaded.map(\.bytes).reduce(0, +)
                    if report.uploaded.isEmpty { outcome.failure = "\(entry.kommun): nothing was uploaded" }
                } catch {
                    outcome.failure = "\(entry.kommun): \(error)"
                }
                outcome.seconds = ProcessInfo.processInfo.systemUptime - startTime.withLock { $0 }
                outcomes.withLock { $0.append(outcome) }
                finished.leave()
                closing.wait()
                withExtendedLifetime(register) {}
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        opened.wait()
        let cpu0 = cpuSeconds()
        let start = ProcessInfo.processInfo.systemUptime
        startTime.withLock { $0 = start }
        for _ in entries { gate.signal() }
        finished.wait()
        let total = ProcessInfo.processInfo.systemUptime - start
        let cpu = cpuSeconds() - cpu0
        for _ in entries { closing.signal() }
        closed.wait()
        let all = outcomes.withLock { $0 }
        return Result(totalSeconds: total, perBatchSeconds: all.map(\.seconds).sorted(), bytes: all.map(\.bytes).reduce(0, +),
                      failures: all.compactMap(\.failure).sorted(), clientCPUSeconds: cpu)
    }

    /// The manifest's lines, for the curl baseline: kommun, generation, seq.
    static func readManifest(_ layout: Layout) throws -> [Entry] {
        guard let text = try? String(contentsOfFile: layout.manifest, encoding: .utf8) else {
            throw BenchError.usage("\(layout.manifest) saknas: kör 'kaa-bench national-prepare' först")
        }
        return try text.split(separator: "\n").enumerated().map { index, line in
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 4, let seq = Int(parts[2]) else {
                throw BenchError.failed("\(layout.manifest):\(index + 1): trasig rad")
            }
            return Entry(kommun: parts[0], generation: parts[1], seq: seq, token: parts[3])
        }
    }

    /// A valid personnummer for a synthetic person aged 17–19 on `today`: birth date and birth
    /// number from `serial`, the check digit computed. Generated, never stored outside a benchmark's
    /// temporary files.
    static func syntheticPersonnummer(_ serial: Int, today: CalendarDate) throws -> PersonalIdentityNumber {
        let born = CalendarDate(dayNumber: today.adding(months: -17 * 12 - 6).dayNumber - serial % 700)
        let (year, month, day) = born.components
        let number = 1 + (serial / 700) % 999
        let nine = String(format: "%02d%02d%02d%03d", year % 100, month, day, number)
        var sum = 0
        for (index, byte) in nine.utf8.enumerated() {
            let digit = Int(byte - UInt8(ascii: "0")) * (index % 2 == 0 ? 2 : 1)
            sum += digit > 9 ? digit - 9 : digit
        }
        return try PersonalIdentityNumber(String(format: "%02d", year / 100) + nine + String((10 - sum % 10) % 10), today: today)
    }

    private static func raiseOpenFileLimit(to wanted: rlim_t) throws {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw BenchError.failed("getrlimit: \(errno)") }
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        guard setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur >= wanted else {
            throw BenchError.failed("the open-file limit (\(limit.rlim_max)) is below the \(wanted) this run needs")
        }
    }
}

/// A server that answers every request with the same bytes: the static-file baseline.
struct StaticResponder: HTTPResponder {
    let body: [UInt8]
    let contentType: String

    public init(body: [UInt8], contentType: String) {
        self.body = body
        self.contentType = contentType
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": contentType], body: body)
    }
}

/// A server that reads each request and answers 204: the transport baseline.
struct NullResponder: HTTPResponder {
    public init() {}
    public func respond(to request: HTTPRequest) -> HTTPResponse { HTTPResponse(status: 204) }
}

/// What went wrong in a benchmark command.
enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case failed(String)

    public var description: String {
        switch self {
        case let .usage(message), let .failed(message): return message
        }
    }
}

/// CPU seconds (user + system) this process has used so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
