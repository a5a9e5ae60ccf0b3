import KAAProtocol
import KAAUplink

/// One night's forwarding of every kommun's outbox, in kommun order. A kommun the upper hub
/// refuses does not stop the others; the exit code is the worst outcome.
public struct Forwarder {
    let uplink: Uplink
    let deadline: Double
    let newGeneration: Bool

    /// `deadline` on the same monotonic clock as `uplink`'s.
    public init(uplink: Uplink, deadline: Double, newGeneration: Bool = false) {
        self.uplink = uplink
        self.deadline = deadline
        self.newGeneration = newGeneration
    }

    /// How a night ended: the worst outcome over the kommuner.
    public enum Outcome: Sendable, Equatable {
        case complete
        /// Only temporary trouble (the upper hub unreachable or busy until the deadline): exit 75.
        case temporary(String)
        /// The upper hub refused something an operator must look at: exit 65.
        case refused(String)
        /// Something unforeseen: exit 1.
        case failed(String)
    }

    public struct Summary: Sendable {
        /// Kommuner whose outbox is now fully acknowledged.
        public var forwarded = 0
        public var batches = 0
        public var cells = 0
        /// New generations started (a restored regional hub, an upper hub that lost state).
        public var newGenerations = 0
        public var outcome = Outcome.complete
    }

    public func run(_ outboxes: [some UplinkOutbox], progress: (String) -> Void) -> Summary {
        var summary = Summary()
        var refused: [String] = [], temporary: [String] = [], failed: [String] = []
        for (index, outbox) in outboxes.enumerated() {
            var report = UplinkReport()
            do {
                // The upper hub's state first: a regional hub restored from a backup is noticed
                // before anything is sealed on a seq the upper hub already holds (design §7).
                let state = try uplink.readState(kommun: outbox.kommun, deadline: deadline)
                if newGeneration {
                    if let batch = try outbox.seal(newGeneration: true, reason: "operator") { report.sealed.append(batch) }
                } else {
                    try uplink.reconcile(outbox, with: state, report: &report)
                    if let batch = try outbox.seal(newGeneration: false, reason: "night") { report.sealed.append(batch) }
                }
                try uplink.upload(outbox, deadline: deadline, report: &report)
                summary.forwarded += 1
                summary.batches += report.uploaded.count
                summary.cells += report.uploadedCells
                summary.newGenerations += report.newGenerations.count
                progress("event=forwarded kommun=\(outbox.kommun) batches=\(report.uploaded.count) cells=\(report.uploadedCells) (\(index + 1)/\(outboxes.count))")
            } catch let UplinkError.temporary(message) {
                temporary.append(outbox.kommun)
                progress("event=deferred kommun=\(outbox.kommun) reason=\"\(message)\"")
            } catch let UplinkError.refused(message) {
                refused.append(outbox.kommun)
                progress("event=refused kommun=\(outbox.kommun) reason=\"\(message)\"")
            } catch let UplinkError.credentials(message) {
                // A wrong token or other protection is the same for every kommun: stop asking.
                progress("event=refused kommun=\(outbox.kommun) reason=\"\(message)\"")
                summary.outcome = failed.isEmpty ? .refused(message) : .failed("vidarebefordringen misslyckades för \(failed.joined(separator: ", ")), "
                    + "och sedan vägrade den övre hubben: \(message)")
                return summary
            } catch let error as HubError where error.isBusy {
                // The regional hub's database stayed locked by its server's writes: try again later.
                temporary.append(outbox.kommun)
                progress("event=deferred kommun=\(outbox.kommun) reason=\"\(error)\"")
            } catch {
                failed.append(outbox.kommun)
                progress("event=failed kommun=\(outbox.kommun) reason=\"\(error)\"")
            }
        }
        if !failed.isEmpty {
            summary.outcome = .failed("vidarebefordringen misslyckades för \(failed.joined(separator: ", ")) (se meddelandena ovan)")
        } else if !refused.isEmpty {
            summary.outcome = .refused("den övre hubben vägrade \(refused.joined(separator: ", ")) (se meddelandena ovan); "
                + "utkorgen är kvar")
        } else if !temporary.isEmpty {
            summary.outcome = .temporary("den övre hubben nåddes inte för \(temporary.joined(separator: ", ")); "
                + "utkorgen är kvar, nästa körning skickar det som väntar")
        }
        return summary
    }
}
