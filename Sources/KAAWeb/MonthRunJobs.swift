import Foundation
import KAACore
import KAARegister

/// The month run's long work, each on a thread of its own so that the request that starts it
/// answers at once and the run's page shows its progress: the preview (a dry run of identify on
/// the uploaded files) and the commit. Each takes a register from the pool for as long as it runs
/// and acts as the run's owner (their audit rows, their need-to-know).
enum MonthRunJobs {
    /// Starts the preview of run `id` (its phase is `.reading`).
    static func preview(_ id: Int64, app: WebApp) {
        Thread.detachNewThread { runPreview(id, app: app) }
    }

    /// Starts the commit of run `id` with what its preview showed (`digest`) and the owner's choices.
    /// Returns false (and starts nothing) unless the run's preview is ready with `digest`.
    static func commit(_ id: Int64, app: WebApp, digest: String, choices: [String: ReviewDecision]) -> Bool {
        guard app.monthRuns.beginCommit(id, digest: digest, now: app.now()) else { return false }
        Thread.detachNewThread { runCommit(id, app: app, digest: digest, choices: choices) }
        return true
    }

    /// The files of a run as identify takes them.
    private static func inputs(_ run: MonthRun) -> (extract: String, enrolment: [String], names: [String: String])? {
        guard let extract = run.files.first(where: { $0.kind == .folkbokforing }) else { return nil }
        let names = Dictionary(run.files.map { ($0.path, $0.name) }, uniquingKeysWith: { first, _ in first })
        return (extract.path, run.files.filter { $0.kind == .inskrivning }.map(\.path), names)
    }

    static func runPreview(_ id: Int64, app: WebApp) {
        guard let run = app.monthRuns.run(id), let date = run.date, let files = inputs(run) else {
            app.monthRuns.finish(id, .failed(MonthRunFailure(message: "Körningen saknar filer.")))
            return
        }
        do throws(WebError) {
            let (report, people) = try app.pool.withDedicated { (register: Register) throws(WebError) -> (IdentifyReport, [Int64]) in
                do throws(RegisterError) {
                    return try register.acting(as: run.owner) { () throws(RegisterError) in
                        let report = try register.identify(on: date, folkbokforing: files.extract, enrolment: files.enrolment, dryRun: true,
                                                           acceptDepartures: run.acceptsDepartures, names: files.names) { try app.monthRuns.progress(id, $0) }
                        // Looked up once, not on every view of the preview.
                        return (report, try register.monthRunPreviewPeople(report))
                    }
                } catch {
                    throw .register(error)
                }
            }
            app.monthRuns.update(id, now: app.now()) { run in
                if case .reading = run.phase { run.phase = .ready(report, shownPeople: people) }
            }
        } catch {
            if app.monthRuns.isCancelled(id) { return }
            let failed = failure(error, app: app)
            if failed.isDepartureGuard {
                app.monthRuns.update(id, now: app.now()) { $0.phase = .departuresHeld(failed) }
            } else {
                app.monthRuns.finish(id, .failed(failed))
            }
        }
    }

    static func runCommit(_ id: Int64, app: WebApp, digest: String, choices: [String: ReviewDecision]) {
        guard let run = app.monthRuns.run(id), let date = run.date, let files = inputs(run) else {
            app.monthRuns.finish(id, .failed(MonthRunFailure(message: "Körningen saknar filer.")))
            return
        }
        let kept = run.files.map { MonthRunFile(name: $0.name, bytes: $0.bytes, sha256: $0.sha256) }
        do throws(WebError) {
            let committed = try app.pool.withDedicated { (register: Register) throws(WebError) -> (id: Int64, report: IdentifyReport) in
                do throws(RegisterError) {
                    return try register.acting(as: run.owner) { () throws(RegisterError) in
                        try register.commitMonthRun(on: date, folkbokforing: files.extract, enrolment: files.enrolment, files: kept, names: files.names,
                                                    acceptDepartures: run.acceptsDepartures, expecting: digest, choices: choices) {
                            try app.monthRuns.progress(id, $0)
                        }
                    }
                } catch {
                    throw .register(error)
                }
            }
            app.monthRuns.finish(id, .committed(committed.id))
        } catch .register(.staleView(let message)) {
            // The register changed since the preview: nothing was written; the preview is made again
            // from the same files, with the reason above it.
            app.monthRuns.update(id, now: app.now()) { run in
                run.phase = .reading(nil)
                run.note = message
            }
            runPreview(id, app: app)
        } catch {
            app.monthRuns.finish(id, .failed(failure(error, app: app)))
        }
    }

    /// What a failed preview or commit says.
    static func failure(_ error: WebError, app: WebApp) -> MonthRunFailure {
        switch error {
        case let .register(.importProblems(problems)):
            return MonthRunFailure(message: "Filerna har fel på \(problems.count == 1 ? "en rad" : "\(SwedishFormat.integer(problems.count)) rader"). "
                + "Ingenting har sparats. Rätta filerna (eller beställ nya) och ladda upp dem igen.",
                                   problems: Array(problems.prefix(MonthRunPage.shownRows)), problemCount: problems.count)
        case let .register(.invalidInput(field, message)) where field == "--accept-departures":
            _ = message
            return MonthRunFailure(message: "Uttaget skulle avregistrera ovanligt många i aktivitetsansvaret för att de saknas i det; det kan vara tomt "
                + "eller avkortat. Ingenting har sparats. Kontrollera radantalet mot beställningen. Stämmer uttaget kan du göra förhandsgranskningen "
                + "igen och godta avregistreringarna.", isDepartureGuard: true)
        case let .register(.invalidInput(_, message)):
            return MonthRunFailure(message: WebApp.sentence(message) + " Ingenting har sparats.")
        case .register(.database(let sqlite)) where sqlite.resultCode == .busy || sqlite.resultCode == .locked:
            return MonthRunFailure(message: "Registret var upptaget. Ingenting har sparats; försök igen om en stund.")
        default:
            app.log("event=month_run_failed error=\(WebApp.loggable(String(describing: error)))")
            return MonthRunFailure(message: "Ett fel uppstod i registret; ingenting har sparats. Kontakta kommunens IT om det upprepas.")
        }
    }
}
