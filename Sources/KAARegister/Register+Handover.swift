import KAACore
import KAASQLite

/// Utslussning (issue 16): the hand-over of a young person at 20 (or at an earlier
/// de-registration) to the party that takes over, with their answer on sharing their information.
public struct Handover: Sendable, Equatable {
    /// A code of `handover_receiver`.
    public var receiver: String
    public var handedOverOn: CalendarDate
    /// Whether the youth agreed that their information be shared with the receiver.
    public var consent: Bool
    /// When they answered.
    public var consentOn: CalendarDate
    /// A code of `consent_method`: how they answered.
    public var consentMethod: String

    public init(receiver: String, handedOverOn: CalendarDate, consent: Bool, consentOn: CalendarDate, consentMethod: String) {
        self.receiver = receiver
        self.handedOverOn = handedOverOn
        self.consent = consent
        self.consentOn = consentOn
        self.consentMethod = consentMethod
    }
}

/// The hand-overs of a period, for the kommun's report (exact counts, no one named).
public struct HandoverCounts: Sendable, Equatable {
    public var total = 0
    /// Of them, with the youth's consent to share.
    public var withConsent = 0
    /// By receiver code, in the code list's order (receivers with none left out).
    public var byReceiver: [(code: String, count: Int)] = []

    public static func == (lhs: HandoverCounts, rhs: HandoverCounts) -> Bool {
        lhs.total == rhs.total && lhs.withConsent == rhs.withConsent && lhs.byReceiver.map(\.code) == rhs.byReceiver.map(\.code)
            && lhs.byReceiver.map(\.count) == rhs.byReceiver.map(\.count)
    }
}

extension Register {
    /// Whether a hand-over may be recorded now for the person's latest episode: once it has ended,
    /// or while it is open within `turning20Days` of the 20th birthday. Nil when it may; else why not.
    public func handoverRefusal(latest episode: EpisodeHistory?, birthDate: CalendarDate) -> String? {
        guard let episode else { return "personen har ingen inskrivning i registret" }
        if episode.deregisteredOn != nil { return nil }
        let twentieth = KAAAgeRule.endDay(birthDate: birthDate)
        guard today.days(until: twentieth) <= configuration.turning20Days else {
            return "utslussning registreras när personen fyller 20 (\(twentieth)) eller avregistreras; "
                + "det går tidigast \(configuration.turning20Days) dagar före 20-årsdagen"
        }
        return nil
    }

    /// Records (or corrects) the hand-over of the person's latest episode. Codes and dates are
    /// checked before anything is written; the audit row says what changed.
    @discardableResult
    public func recordHandover(_ pnr: PersonalIdentityNumber, _ handover: Handover) throws(RegisterError) -> Int64 {
        let receiver = try canonicalCode(handover.receiver, .handoverReceiver, field: "--receiver")
        let method = try canonicalCode(handover.consentMethod, .consentMethod, field: "--consent-method")
        // Counted in the period report: not in a frozen period, whose figures are settled.
        try checkEventDate(handover.handedOverOn, field: "--handed-over")
        if handover.consentOn > today {
            throw .invalidInput(field: "--consent-date", message: "datumet \(handover.consentOn) ligger efter dagens datum \(today)")
        }
        return try write {
            let personID = try personID(pnr)
            let history = try loadHistories(personID: personID).first
            let latest = history?.episodes.max { ($0.registeredOn, $0.id) < ($1.registeredOn, $1.id) }
            if let refusal = handoverRefusal(latest: latest, birthDate: pnr.birthDate) {
                throw RegisterError.invalidInput(field: "--handed-over", message: refusal)
            }
            guard let latest else { throw RegisterError.notFound("personen har ingen inskrivning") }
            guard handover.handedOverOn >= latest.registeredOn else {
                throw RegisterError.invalidInput(field: "--handed-over", message: "utslussningen kan inte ligga före inskrivningen \(latest.registeredOn)")
            }
            let before = try database.queryOne("SELECT receiver, handed_over_on, consent, consent_on, consent_method FROM handover WHERE episode_id = ?",
                                               [.integer(latest.id)])
            try database.execute("""
                INSERT INTO handover (episode_id, receiver, handed_over_on, consent, consent_on, consent_method, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (episode_id) DO UPDATE SET receiver = excluded.receiver, handed_over_on = excluded.handed_over_on,
                    consent = excluded.consent, consent_on = excluded.consent_on, consent_method = excluded.consent_method, recorded_at = excluded.recorded_at
                """, [.integer(latest.id), .text(receiver), SQLValue(handover.handedOverOn), .integer(handover.consent ? 1 : 0),
                      SQLValue(handover.consentOn), .text(method), .text(clock.now)])
            var changes = AuditChanges()
            changes.value("receiver", try before?.text(0), receiver)
            changes.date("handed_over_on", try before.flatMap { CalendarDate(iso: try $0.text(1)) }, handover.handedOverOn)
            changes.flag("consent", try before.map { try $0.int(2) == 1 }, handover.consent)
            changes.date("consent_on", try before.flatMap { CalendarDate(iso: try $0.text(3)) }, handover.consentOn)
            changes.value("consent_method", try before?.text(4), method)
            try audit(before == nil ? "handover.record" : "handover.correct", personID: personID, detail: "episode=\(latest.id) receiver=\(receiver)",
                      changes: changes)
            return latest.id
        }
    }

    /// The hand-overs recorded for the person, by episode id (for the Personkort, in its read).
    func handovers(personID: Int64) throws -> [Int64: Handover] {
        var result: [Int64: Handover] = [:]
        for row in try database.query("""
            SELECT h.episode_id, h.receiver, h.handed_over_on, h.consent, h.consent_on, h.consent_method
            FROM handover h JOIN episode e ON e.id = h.episode_id WHERE e.person_id = ?
            """, [.integer(personID)]) {
            guard let handedOver = CalendarDate(iso: try row.text(2)), let consentOn = CalendarDate(iso: try row.text(4)) else { continue }
            result[try row.int(0)] = Handover(receiver: try row.text(1), handedOverOn: handedOver, consent: try row.int(3) == 1,
                                              consentOn: consentOn, consentMethod: try row.text(5))
        }
        return result
    }

    /// The hand-overs dated within `period`: how many, with consent, by receiver.
    public func handoverCounts(in period: Period) throws(RegisterError) -> HandoverCounts {
        try read {
            var counts = HandoverCounts()
            var byReceiver: [String: Int] = [:]
            for row in try database.query("SELECT receiver, consent, count(*) FROM handover WHERE handed_over_on BETWEEN ? AND ? GROUP BY 1, 2",
                                           [SQLValue(period.firstDay), SQLValue(period.lastDay)]) {
                let n = Int(try row.int(2))
                counts.total += n
                if try row.int(1) == 1 { counts.withConsent += n }
                byReceiver[try row.text(0), default: 0] += n
            }
            counts.byReceiver = catalog.codes(in: .handoverReceiver).compactMap { code in byReceiver[code.code].map { (code.code, $0) } }
            return counts
        }
    }
}
