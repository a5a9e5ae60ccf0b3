import Foundation
import KAACore
import KAASQLite

/// A stored review as the list of reviews shows it.
public struct LogReviewSummary: Sendable {
    public let id: Int64
    public let month: String
    public let drawnAt: String
    public let drawnBy: String
    public let population: Int
    public let items: Int
    public let judged: Int
    public let unjustified: Int
    public let signedAt: String?
    public let signedBy: String?
}

/// Loggkontroll's monthly sample-and-sign-off (issue 16, migration 0019).
///
/// The population of a month is its person reads: audit rows with a person and a read context
/// (`show`, `review_access`, `audit.person`…) whose time lies in the month in the kommun's time
/// zone, except the drawing granskare's own (no one reviews themselves). Only an ended month can be
/// drawn (a running month's population still grows) and each month once, so a sample cannot be
/// redrawn until it suits; the choice comes from the system's CSPRNG. Each item copies what it needs
/// from its audit row, so a review outlives the audit retention. Drawing, judging, signing off and
/// exporting are audited (`log_review.*`); a signed-off review no longer changes (its triggers).
extension Register {
    /// Every review, newest month first.
    public func logReviews() throws(RegisterError) -> [LogReviewSummary] {
        try checkRole([.granskare], for: "log_review.list")
        return try read {
            try database.query("""
                SELECT r.id, r.month, r.drawn_at, r.drawn_by, r.population, r.signed_at, r.signed_by,
                       count(i.position), count(i.verdict), coalesce(sum(i.verdict = 'unjustified'), 0)
                FROM log_review r LEFT JOIN log_review_item i ON i.review_id = r.id
                GROUP BY r.id ORDER BY r.month DESC
                """).map { row in
                LogReviewSummary(id: try row.int(0), month: try row.text(1), drawnAt: try row.text(2), drawnBy: try row.text(3),
                                 population: Int(try row.int(4)), items: Int(try row.int(7)), judged: Int(try row.int(8)),
                                 unjustified: Int(try row.int(9)), signedAt: try row.optionalText(5), signedBy: try row.optionalText(6))
            }
        }
    }

    /// One review with its items; `notFound` for an unknown id.
    public func logReview(id: Int64) throws(RegisterError) -> LogReview {
        try checkRole([.granskare], for: "log_review.show")
        return try read { try loadLogReview(id: id) }
    }

    /// The months a sample may be drawn for now: the `count` ended months before today's, newest
    /// first (`YYYY-MM`), whether or not one is drawn.
    public func logReviewMonths(count: Int = 12) -> [String] {
        var month = today.adding(days: 1 - today.day)
        var months: [String] = []
        for _ in 0..<max(0, count) {
            month = month.adding(days: -1)
            month = month.adding(days: 1 - month.day)
            months.append(String(month.description.prefix(7)))
        }
        return months
    }

    /// Draws the sample of `month` (`YYYY-MM`): `size` reads chosen uniformly among the month's person
    /// reads with the system's CSPRNG, stored with the review in one transaction with its audit row.
    public func drawLogReview(month: String, size: Int = LogReviewSampling.size) throws(RegisterError) -> LogReview {
        var generator = SystemRandomNumberGenerator()
        return try drawLogReview(month: month, size: size, using: &generator)
    }

    /// `drawLogReview(month:size:)` with a given generator (tests).
    public func drawLogReview(month: String, size: Int, using generator: inout some RandomNumberGenerator) throws(RegisterError) -> LogReview {
        try checkRole([.granskare], for: "log_review.draw")
        guard (1...200).contains(size) else { throw .invalidInput(field: "size", message: "ett stickprov har 1–200 läsningar") }
        let first = try reviewMonth(month)
        let reviewer = staff
        return try write {
            if try database.queryOne("SELECT 1 FROM log_review WHERE month = ?", [.text(month)]) != nil {
                throw RegisterError.staleView("det finns redan ett stickprov för \(month); ett stickprov dras bara en gång per månad")
            }
            // In the log's time order (then id), so the items read as the month went.
            let ids = try database.query("""
                SELECT id FROM audit_log INDEXED BY audit_log_person_reads_by_time
                WHERE person_id IS NOT NULL AND context IS NOT NULL AND at >= ? AND at < ? AND staff <> ? ORDER BY at, id
                """, [.text(utcInstant(startOf: first)), .text(utcInstant(startOf: Self.firstOfNextMonth(first))), .text(reviewer)])
                .map { try $0.int(0) }
            guard !ids.isEmpty else {
                throw RegisterError.invalidInput(field: "month", message: "\(month) har inga läsningar av personer att granska")
            }
            let chosen = LogReviewSampling.positions(count: size, of: ids.count, using: &generator).map { ids[$0] }
            try database.execute("INSERT INTO log_review (month, drawn_at, drawn_by, population) VALUES (?, ?, ?, ?)",
                                 [.text(month), .text(clock.now), .text(reviewer), .integer(Int64(ids.count))])
            let review = database.lastInsertRowID
            let insert = try database.cachedStatement("""
                INSERT INTO log_review_item (review_id, position, audit_id, at, staff, action, context, person_id)
                SELECT ?, ?, id, at, staff, action, context, person_id FROM audit_log WHERE id = ?
                """)
            for (index, id) in chosen.enumerated() {
                try insert.run([.integer(review), .integer(Int64(index + 1)), .integer(id)])
            }
            try audit("log_review.draw", detail: "review=\(review) month=\(month) sample=\(chosen.count) population=\(ids.count)")
            return try loadLogReview(id: review)
        }
    }

    /// Records judgements of an open review's items (each: a verdict, and a comment, required when
    /// the read was not justified). Refused whole when one is bad; `staleView` once signed off.
    public func judgeLogReview(id: Int64, _ judgements: [LogReviewJudgement]) throws(RegisterError) {
        try checkRole([.granskare], for: "log_review.judge")
        guard !judgements.isEmpty else { throw .invalidInput(field: "verdict", message: "ingen bedömning att spara") }
        try write {
            let review = try loadLogReview(id: id)
            guard !review.isSignedOff else {
                throw RegisterError.staleView("granskningen av \(review.month) är redan signerad och kan inte ändras")
            }
            var changes = AuditChanges()
            let update = try database.cachedStatement("""
                UPDATE log_review_item SET verdict = ?, comment = ?, judged_at = ?, judged_by = ? WHERE review_id = ? AND position = ?
                """)
            for judgement in judgements {
                guard let item = review.items.first(where: { $0.position == judgement.position }) else {
                    throw RegisterError.invalidInput(field: "position", message: "stickprovet har ingen läsning nummer \(judgement.position)")
                }
                let comment = judgement.comment?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
                if let comment, comment.count > 2000 {
                    throw RegisterError.invalidInput(field: "comment-\(item.position)", message: "kommentaren till nummer \(item.position) är längre än 2000 tecken")
                }
                if judgement.verdict == .unjustified, comment == nil {
                    throw RegisterError.invalidInput(field: "comment-\(item.position)",
                                                     message: "skriv en kommentar till nummer \(item.position): varför läsningen inte var befogad")
                }
                guard item.verdict != judgement.verdict || item.comment != comment else { continue }
                changes.value("bedömning \(item.position)", item.verdict?.rawValue, judgement.verdict.rawValue)
                changes.personal("kommentar \(item.position)", item.comment, comment)
                try update.run([.text(judgement.verdict.rawValue), SQLValue(comment), .text(clock.now), .text(staff), .integer(id), .integer(Int64(item.position))])
            }
            guard changes.text != nil else { return }
            try audit("log_review.judge", detail: "review=\(id) month=\(review.month)", changes: changes)
        }
    }

    /// Signs off an open review whose items are all judged; `staleView` if already signed off, or if
    /// the judgements are no longer those the signer was shown (`expecting`, `LogReview.judgementsDigest`).
    public func signOffLogReview(id: Int64, expecting: String? = nil) throws(RegisterError) -> LogReview {
        try checkRole([.granskare], for: "log_review.sign")
        return try write {
            let review = try loadLogReview(id: id)
            guard !review.isSignedOff else {
                throw RegisterError.staleView("granskningen av \(review.month) är redan signerad (\(localTime(review.signedAt ?? "")) av \(review.signedBy ?? "–"))")
            }
            if let expecting, expecting != review.judgementsDigest {
                throw RegisterError.staleView("bedömningarna har ändrats sedan sidan lästes in; läs igenom dem igen innan du signerar")
            }
            let open = review.items.count - review.judged
            guard open == 0 else {
                throw RegisterError.invalidInput(field: "sign", message: "\(open) av \(review.items.count) läsningar är inte bedömda än; bedöm alla innan du signerar")
            }
            try database.execute("UPDATE log_review SET signed_at = ?, signed_by = ? WHERE id = ?", [.text(clock.now), .text(staff), .integer(id)])
            let unjustified = review.items.filter { $0.verdict == .unjustified }.count
            try audit("log_review.sign", detail: "review=\(id) month=\(review.month) items=\(review.items.count) unjustified=\(unjustified)")
            return try loadLogReview(id: id)
        }
    }

    /// The review as CSV rows (a header, then one row per item); the export is audited.
    public func exportLogReview(id: Int64) throws(RegisterError) -> [[String]] {
        try checkRole([.granskare], for: "log_review.export")
        return try write {
            let review = try loadLogReview(id: id)
            try audit("log_review.export", detail: "review=\(id) month=\(review.month) rows=\(review.items.count)")
            let header = ["granskning", "manad", "dragen", "dragen_av", "lasningar_i_manaden", "signerad", "signerad_av",
                          "nummer", "logg_id", "tid_utc", "tid_lokal", "handlaggare", "handelse", "sammanhang", "person_id",
                          "bedomning", "kommentar", "bedomd", "bedomd_av"]
            return [header] + review.items.map { item in
                [String(review.id), review.month, localTime(review.drawnAt), review.drawnBy, String(review.population),
                 review.signedAt.map(localTime) ?? "", review.signedBy ?? "",
                 String(item.position), String(item.auditID), item.at, localTime(item.at), item.staff, item.action,
                 item.context?.label ?? "", String(item.personID), item.verdict?.label ?? "", item.comment ?? "",
                 item.judgedAt.map(localTime) ?? "", item.judgedBy ?? ""]
            }
        }
    }

    // MARK: - Parts

    /// The first day of `month` (`YYYY-MM`), which must have ended before today's month began.
    func reviewMonth(_ month: String) throws(RegisterError) -> CalendarDate {
        let bytes = Array(month.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let first = CalendarDate(iso: month + "-01"), first.year >= 2000 else {
            throw .invalidInput(field: "month", message: "månaden ska skrivas ÅÅÅÅ-MM")
        }
        guard first < today.adding(days: 1 - today.day) else {
            throw .invalidInput(field: "month", message: "\(month) är inte slut än; ett stickprov dras för en avslutad månad")
        }
        return first
    }

    static func firstOfNextMonth(_ first: CalendarDate) -> CalendarDate {
        first.adding(days: CalendarDate.daysIn(month: first.month, year: first.year))
    }

    func loadLogReview(id: Int64) throws -> LogReview {
        guard let row = try database.queryOne("SELECT id, month, drawn_at, drawn_by, population, signed_at, signed_by FROM log_review WHERE id = ?",
                                              [.integer(id)]) else {
            throw RegisterError.notFound("det finns inget stickprov med nummer \(id)")
        }
        let items = try database.query("""
            SELECT position, audit_id, at, staff, action, context, person_id, verdict, comment, judged_by, judged_at
            FROM log_review_item WHERE review_id = ? ORDER BY position
            """, [.integer(id)]).map { item in
            LogReview.Item(position: Int(try item.int(0)), auditID: try item.int(1), at: try item.text(2), staff: try item.text(3),
                           action: try item.text(4), context: try item.optionalText(5).flatMap(AuditContext.init(rawValue:)),
                           personID: try item.int(6), verdict: try item.optionalText(7).flatMap(LogReview.Verdict.init(rawValue:)),
                           comment: try item.optionalText(8), judgedBy: try item.optionalText(9), judgedAt: try item.optionalText(10))
        }
        return LogReview(id: try row.int(0), month: try row.text(1), drawnAt: try row.text(2), drawnBy: try row.text(3),
                         population: Int(try row.int(4)), signedAt: try row.optionalText(5), signedBy: try row.optionalText(6), items: items)
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
