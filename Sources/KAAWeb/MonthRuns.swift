import Dispatch
import Foundation
import KAACore
import KAARegister
import Synchronization

/// A file of a month run as uploaded: the name the browser gave (cleaned, for display only), where
/// this server keeps it, its size, lines and SHA-256.
struct UploadedFile: Sendable {
    enum Kind: String, Sendable { case folkbokforing, inskrivning }
    let kind: Kind
    let name: String
    let path: String
    var bytes: Int64
    var lines: Int
    var sha256: String
}

/// One month run from upload to commit (or cancel), held in memory by the web server: the files
/// are on disk in the run's own folder until the run is committed, cancelled or fails, and every
/// folder is removed when the server starts (so a crash leaves nothing behind past the next start).
struct MonthRun: Sendable {
    enum Phase: Sendable {
        /// The files are arriving.
        case uploading
        /// The preview (a dry run) is reading the files.
        case reading(IdentifyProgress?)
        /// The preview is ready (with the register's ids of the people it names, for the audit of
        /// each view); nothing has been written.
        case ready(IdentifyReport, shownPeople: [Int64])
        /// The commit is running.
        case committing(IdentifyProgress?)
        /// Committed: the kept report's id.
        case committed(Int64)
        /// The departures guard stopped the preview; the files are kept so that the owner can make it
        /// again accepting the departures (or cancel).
        case departuresHeld(MonthRunFailure)
        /// Refused or failed; nothing written, the files deleted.
        case failed(MonthRunFailure)
        /// Cancelled by its owner; the files deleted.
        case cancelled
    }

    let id: Int64
    /// Who uploaded it: only they see and commit it.
    let owner: Viewer
    let startedAt: Date
    let directory: String
    var date: CalendarDate?
    var files: [UploadedFile] = []
    /// Whether the preview was made accepting a large number of departures (design §5's guard).
    var acceptsDepartures = false
    /// A note above the preview (the register changed and the preview was made again).
    var note: String?
    var phase: Phase = .uploading
    var touchedAt: Date

    /// Whether the run still holds files and the register's one slot for a month run.
    var isActive: Bool {
        switch phase {
        case .uploading, .reading, .ready, .committing, .departuresHeld: true
        case .committed, .failed, .cancelled: false
        }
    }

    /// Whether its owner may cancel it now: not while the files arrive or the commit runs (a
    /// preview being made stops at its next step).
    var isCancellable: Bool {
        switch phase {
        case .reading, .ready, .departuresHeld: true
        default: false
        }
    }

    /// Whether a background job is working on it (it cannot be replaced meanwhile).
    var isWorking: Bool {
        switch phase {
        case .uploading, .reading, .committing: true
        default: false
        }
    }
}

/// Thrown into a job whose run was cancelled under it.
struct MonthRunStopped: Error {}

/// Why a run stopped: the message, the files' bad rows (file and line), and whether it is the
/// departures guard (then the preview can be made again accepting them).
struct MonthRunFailure: Sendable {
    let message: String
    /// The first `MonthRunPage.shownRows` bad rows (a file in a wrong format can have one per row).
    var problems: [ImportProblem] = []
    /// How many bad rows there were in all.
    var problemCount = 0
    var isDepartureGuard = false
}

/// The month runs of this server: one active at a time per register (the commit is all-or-nothing
/// over the whole register, and two previews of the same month would race), the others kept for
/// their status page until the server stops.
final class MonthRuns: Sendable {
    /// Where uploads are kept (nil: uploads are not possible on this server).
    let directory: String?
    /// A run untouched this long no longer holds the slot (its owner went away).
    static let abandonAfter: TimeInterval = 2 * 3600
    private let runs = Mutex<[Int64: MonthRun]>([:])
    private let nextID = Atomic<Int64>(1)
    /// Sweeps runs left untouched (their files deleted) every few minutes.
    private let sweeper: SweepTimer?
    /// A finished run's status page is kept this long.
    static let keepFinishedFor: TimeInterval = 24 * 3600

    /// Runs kept in `directory`, which is emptied now: what is there is from a server that stopped
    /// (or crashed) mid-run, and nothing of it is valid any more.
    init(directory: String?, sweepEvery seconds: Int = 300) {
        self.directory = directory
        guard let directory else {
            sweeper = nil
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "kaa.month-runs.sweep"))
        sweeper = SweepTimer(timer)
        let files = FileManager.default
        if let entries = try? files.contentsOfDirectory(atPath: directory) {
            for entry in entries { try? files.removeItem(atPath: directory + "/" + entry) }
        }
        try? files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        timer.schedule(deadline: .now() + .seconds(seconds), repeating: .seconds(seconds))
        timer.setEventHandler { [weak self] in self?.sweep(now: Date()) }
        timer.resume()
    }

    deinit {
        sweeper?.timer.cancel()
    }

    /// Cancels every run left untouched for `abandonAfter` that no job is working on (its owner went
    /// away: the files, a whole population's personal data, must not wait for the next upload or
    /// restart), and forgets finished runs after `keepFinishedFor`.
    func sweep(now: Date) {
        var folders: [String] = []
        runs.withLock { runs in
            for (id, run) in runs {
                let idle = now.timeIntervalSince(run.touchedAt)
                if run.isActive, !run.isWorking, idle > Self.abandonAfter {
                    runs[id]?.phase = .cancelled
                    folders.append(run.directory)
                } else if !run.isActive, idle > Self.keepFinishedFor {
                    runs[id] = nil
                }
            }
        }
        for folder in folders { Self.remove(folder) }
    }

    enum Claim {
        case claimed(MonthRun)
        /// Someone's run holds the slot.
        case busy(MonthRun)
        /// Uploads are not configured, or the folder cannot be made.
        case unavailable(String)
    }

    /// Takes the slot for a new run of `owner`'s, with a folder of its own. An earlier run of the
    /// same owner that is not working is cancelled (its files deleted); anyone else's active run
    /// refuses, unless it has been left untouched for `abandonAfter`.
    func claim(for owner: Viewer, now: Date) -> Claim {
        guard let directory else { return .unavailable("servern har ingen mapp för uppladdningar") }
        var released: [String] = []
        let claim: Claim = runs.withLock { runs in
            for (id, run) in runs where run.isActive {
                let isStale = now.timeIntervalSince(run.touchedAt) > Self.abandonAfter
                if run.owner.staffID == owner.staffID, !run.isWorking || isStale {
                    runs[id]?.phase = .cancelled
                    released.append(run.directory)
                } else if isStale, !run.isWorking {
                    runs[id]?.phase = .cancelled
                    released.append(run.directory)
                } else {
                    return .busy(run)
                }
            }
            let id = nextID.add(1, ordering: .relaxed).oldValue
            let run = MonthRun(id: id, owner: owner, startedAt: now, directory: "\(directory)/\(id)", touchedAt: now)
            runs[id] = run
            return .claimed(run)
        }
        for folder in released { Self.remove(folder) }
        guard case let .claimed(run) = claim else { return claim }
        do {
            try FileManager.default.createDirectory(atPath: run.directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            finish(run.id, .failed(MonthRunFailure(message: "Servern kunde inte göra en mapp för filerna.")))
            return .unavailable("servern kunde inte göra en mapp för filerna (\(run.directory))")
        }
        return claim
    }

    /// The run with `id`.
    func run(_ id: Int64) -> MonthRun? {
        runs.withLock { $0[id] }
    }

    /// The active run, if any.
    var active: MonthRun? {
        runs.withLock { runs in runs.values.first(where: \.isActive) }
    }

    /// Changes a run (nothing if it is gone).
    func update(_ id: Int64, now: Date? = nil, _ change: (inout MonthRun) -> Void) {
        runs.withLock { runs in
            guard var run = runs[id] else { return }
            change(&run)
            if let now { run.touchedAt = now }
            runs[id] = run
        }
    }

    /// Moves a run to a final phase and deletes its files; a run already in a final phase keeps it
    /// (a cancel or a commit that got there first is not overwritten).
    func finish(_ id: Int64, _ phase: MonthRun.Phase) {
        var folder: String?
        runs.withLock { runs in
            guard var run = runs[id], run.isActive else { return }
            run.phase = phase
            runs[id] = run
            folder = run.directory
        }
        if let folder { Self.remove(folder) }
    }

    /// Starts a commit: only a run whose preview is ready with `digest` becomes `.committing` (one
    /// lock, so a double click or a second tab starts no second commit). False otherwise.
    func beginCommit(_ id: Int64, digest: String, now: Date) -> Bool {
        runs.withLock { runs in
            guard var run = runs[id], case let .ready(report, _) = run.phase, report.digest == digest else { return false }
            run.phase = .committing(nil)
            run.touchedAt = now
            runs[id] = run
            return true
        }
    }

    /// Cancels a run its owner may cancel now (files deleted); false if it may not (it is being
    /// uploaded or committed, or is over).
    func cancel(_ id: Int64) -> Bool {
        let folder: String? = runs.withLock { runs in
            guard var run = runs[id], run.isCancellable else { return nil }
            run.phase = .cancelled
            runs[id] = run
            return run.directory
        }
        guard let folder else { return false }
        Self.remove(folder)
        return true
    }

    /// Makes the preview again accepting the departures, if the guard holds the run; false otherwise.
    func acceptDepartures(_ id: Int64, now: Date) -> Bool {
        runs.withLock { runs in
            guard var run = runs[id], case .departuresHeld = run.phase else { return false }
            run.acceptsDepartures = true
            run.phase = .reading(nil)
            run.touchedAt = now
            runs[id] = run
            return true
        }
    }

    /// Shows a job's progress; throws `MonthRunStopped` once the run has moved on (cancelled), so
    /// that the job stops at its next step.
    func progress(_ id: Int64, _ step: IdentifyProgress) throws(MonthRunStopped) {
        let goesOn = runs.withLock { runs in
            switch runs[id]?.phase {
            case .reading: runs[id]?.phase = .reading(step); return true
            case .committing: runs[id]?.phase = .committing(step); return true
            default: return false
            }
        }
        guard goesOn else { throw MonthRunStopped() }
    }

    /// Whether the run was cancelled (a job that ends then leaves its phase alone).
    func isCancelled(_ id: Int64) -> Bool {
        if case .cancelled = run(id)?.phase { return true }
        return false
    }

    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// The sweep's timer: set up once in `MonthRuns.init` and cancelled in its deinit, never touched
/// in between (hence `@unchecked Sendable`).
final class SweepTimer: @unchecked Sendable {
    let timer: any DispatchSourceTimer
    init(_ timer: any DispatchSourceTimer) { self.timer = timer }
}
