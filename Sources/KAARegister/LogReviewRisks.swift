import Foundation
import KAACore
import KAASQLite

/// Loggkontroll's risk views (issue 16): patterns of reads a granskare looks at first.
///
/// A *person read* is an audit row with a person and a read context (`show` of a Personkort or an
/// action form, `review_access`, `audit.person`); listings (worklists, searches, letter lists) name
/// their people in a set and are left out: they show many people by design.
public enum LogRisk: String, Sendable, CaseIterable {
    /// A handläggare's person read of someone who was not in their caseload at the time: the
    /// person's latest `caseload_assign` / `caseload_unassign` row before the read did not assign
    /// them to the reader (the web refuses such reads; this finds what got past it, e.g. the CLI
    /// run under a handläggare's name, and reads after a caseload moved).
    case outsideCaseload = "caseload"
    /// A `show` with context person after which the same staff member wrote nothing about that
    /// person (an audit row without read context: a contact, a measure, a correction…) within
    /// `LogRisk.quietHours`; reads younger than that are not judged yet.
    case noFollowingAction = "no-action"
    /// Every person read of someone whose identity is protected (skyddad identitet) now.
    case protectedIdentity = "protected"
    /// Person reads outside office hours: before `officeOpens` or from `officeCloses` local time
    /// (the kommun's time zone), or on a Saturday or Sunday (helgdagar are not known here).
    case afterHours = "after-hours"
    /// More than `burstPeople` different people read by one staff member within `burstMinutes`;
    /// one finding per burst (overlapping windows are one burst).
    case burst = "burst"

    /// Hours after a read within which a write by the same staff member counts as its action.
    public static let quietHours = 24
    /// Office hours, local time: from `officeOpens`:00 until `officeCloses`:00, Monday to Friday.
    public static let officeOpens = 7
    public static let officeCloses = 19
    /// A burst: more than this many different people …
    public static let burstPeople = 20
    /// … within this many minutes.
    public static let burstMinutes = 10
    /// The longest period a risk view covers (days).
    public static let longestPeriod = 366

    /// The Swedish name of the view.
    public var label: String {
        switch self {
        case .outsideCaseload: "Utanför ärendelistan"
        case .noFollowingAction: "Läsning utan åtgärd"
        case .protectedIdentity: "Skyddad identitet"
        case .afterHours: "Utanför kontorstid"
        case .burst: "Många personer på kort tid"
        }
    }

    /// What the view finds, in Swedish.
    public var explanation: String {
        switch self {
        case .outsideCaseload:
            "En handläggare har läst uppgifter om en person som inte fanns i handläggarens ärendelista vid tillfället."
        case .noFollowingAction:
            "Någon har öppnat en persons personkort eller ett formulär utan att själv registrera något om personen inom \(Self.quietHours) timmar efteråt. Läsningar från det senaste dygnet bedöms inte än."
        case .protectedIdentity:
            "Varje läsning av uppgifter om en person som har skyddad identitet."
        case .afterHours:
            "Läsningar före kl. \(Self.officeOpens):00 eller från kl. \(Self.officeCloses):00, eller på lördagar och söndagar (helgdagar räknas inte)."
        case .burst:
            "Fler än \(Self.burstPeople) olika personer lästa av samma person inom \(Self.burstMinutes) minuter."
        }
    }
}

/// One event a risk view found.
public struct LogRiskFinding: Sendable {
    /// The audit row (for a burst: its first read).
    public let auditID: Int64
    /// When (UTC, as stored).
    public let at: String
    public let staff: String
    public let action: String
    /// Whom, by internal id; nil for a burst.
    public let personID: Int64?
    public let context: AuditContext?
    /// What makes it a finding, in Swedish (whose caseload it was, how many people in a burst).
    public let note: String?
}

/// What a risk view found in a period.
public struct LogRiskReport: Sendable {
    public let risk: LogRisk
    public let from: CalendarDate
    public let through: CalendarDate
    /// The findings, newest first, at most the limit asked for.
    public let findings: [LogRiskFinding]
    /// How many findings there are in all.
    public let total: Int
}

extension Register {
    /// The findings of one risk view in `from…through` (calendar dates in the kommun's time zone),
    /// newest first, at most `limit`. Granskare only (a command reaches it too).
    public func logRisks(_ risk: LogRisk, from: CalendarDate, through: CalendarDate, limit: Int = 500) throws(RegisterError) -> LogRiskReport {
        try checkRole([.granskare], for: "log_risk")
        guard from <= through else { throw .invalidInput(field: "from", message: "perioden börjar efter att den slutar") }
        guard from.days(until: through) < LogRisk.longestPeriod else {
            throw .invalidInput(field: "from", message: "en riskvy täcker högst \(LogRisk.longestPeriod) dagar")
        }
        guard limit > 0 else { throw .invalidInput(field: "limit", message: "gränsen måste vara minst 1") }
        let start = utcInstant(startOf: from), end = utcInstant(startOf: through.adding(days: 1))
        let findings: [LogRiskFinding] = try read {
            switch risk {
            case .outsideCaseload: return try outsideCaseload(start, end)
            case .noFollowingAction: return try noFollowingAction(start, end)
            case .protectedIdentity: return try personReads(start, end, join: "JOIN person p ON p.id = a.person_id AND p.is_protected = 1")
            case .afterHours: return try afterHours(from: from, through: through)
            case .burst: return try bursts(start, end)
            }
        }
        let sorted = findings.sorted { ($0.at, $0.auditID) > ($1.at, $1.auditID) }
        return LogRiskReport(risk: risk, from: from, through: through, findings: Array(sorted.prefix(limit)), total: sorted.count)
    }

    // MARK: - The views

    private static let personReadColumns = "a.id, a.at, a.staff, a.action, a.person_id, a.context"
    private static let personRead = "a.person_id IS NOT NULL AND a.context IS NOT NULL"

    private func finding(_ row: Row, note: String? = nil) throws -> LogRiskFinding {
        LogRiskFinding(auditID: try row.int(0), at: try row.text(1), staff: try row.text(2), action: try row.text(3),
                       personID: try row.optionalInt(4), context: try row.optionalText(5).flatMap(AuditContext.init(rawValue:)), note: note)
    }

    private func personReads(_ start: String, _ end: String, join: String) throws -> [LogRiskFinding] {
        try database.query("SELECT \(Self.personReadColumns) FROM audit_log a \(join) WHERE \(Self.personRead) AND a.at >= ?1 AND a.at < ?2",
                           [.text(start), .text(end)]).map { try finding($0) }
    }

    private func outsideCaseload(_ start: String, _ end: String) throws -> [LogRiskFinding] {
        // The latest caseload row of the person before the read, by the partial index of 0019.
        try database.query("""
            SELECT * FROM (
                SELECT \(Self.personReadColumns),
                       (SELECT c.action || ' ' || coalesce(c.detail, '') FROM audit_log c
                        WHERE c.person_id = a.person_id AND c.action IN ('caseload_assign', 'caseload_unassign') AND c.id < a.id
                        ORDER BY c.id DESC LIMIT 1) AS caseload
                FROM audit_log a JOIN staff s ON s.login = a.staff AND s.role = 'handlaggare'
                WHERE \(Self.personRead) AND a.at >= ?1 AND a.at < ?2)
            WHERE caseload IS NOT ('caseload_assign login=' || staff)
            """, [.text(start), .text(end)]).map { row in
            let caseload = try row.optionalText(6) ?? ""
            let holder = caseload.hasPrefix("caseload_assign login=") ? String(caseload.dropFirst("caseload_assign login=".count)) : nil
            return try finding(row, note: holder.map { "i ärendelistan hos \($0)" } ?? "ingen handläggare vid tillfället")
        }
    }

    private func noFollowingAction(_ start: String, _ end: String) throws -> [LogRiskFinding] {
        let judged = Self.utcDate(clock.now).map { SystemClock.utcTimestamp($0.addingTimeInterval(-Double(LogRisk.quietHours) * 3600)) } ?? clock.now
        return try database.query("""
            SELECT \(Self.personReadColumns) FROM audit_log a
            WHERE a.person_id IS NOT NULL AND a.context = 'person' AND a.action = 'show' AND a.at >= ?1 AND a.at < ?2 AND a.at <= ?3
              AND NOT EXISTS (
                SELECT 1 FROM audit_log w
                WHERE w.person_id = a.person_id AND w.context IS NULL AND w.id > a.id AND w.staff = a.staff
                  AND w.action NOT IN ('show', 'denied', 'find', 'search', 'subject_access')
                  AND w.at <= strftime('%Y-%m-%dT%H:%M:%SZ', a.at, '+\(LogRisk.quietHours) hours'))
            """, [.text(start), .text(end), .text(judged)]).map { try finding($0) }
    }

    private func afterHours(from: CalendarDate, through: CalendarDate) throws -> [LogRiskFinding] {
        let intervals = afterHoursIntervals(from: from, through: through)
        guard !intervals.isEmpty else { return [] }
        let values = intervals.indices.map { "(?\($0 * 2 + 1), ?\($0 * 2 + 2))" }.joined(separator: ", ")
        return try database.query("""
            WITH closed(opens, closes) AS (VALUES \(values))
            SELECT \(Self.personReadColumns) FROM closed JOIN audit_log a ON a.at >= closed.opens AND a.at < closed.closes
            WHERE \(Self.personRead)
            """, intervals.flatMap { [SQLValue.text($0.0), .text($0.1)] }).map { row in
            try finding(row, note: "kl. \(localTime(try row.text(1)).suffix(8).prefix(5))")
        }
    }

    /// The UTC intervals outside office hours of the days `from…through`, merged where they meet.
    func afterHoursIntervals(from: CalendarDate, through: CalendarDate) -> [(String, String)] {
        var intervals: [(String, String)] = []
        func add(_ start: String, _ end: String) {
            if let last = intervals.last, last.1 == start { intervals[intervals.count - 1].1 = end } else { intervals.append((start, end)) }
        }
        var day = from
        while day <= through {
            let next = day.adding(days: 1)
            let weekday = ((day.dayNumber % 7) + 7 + 3) % 7    // 1970-01-01 was a Thursday: 0 is Monday
            if weekday >= 5 {
                add(utcInstant(startOf: day), utcInstant(startOf: next))
            } else {
                add(utcInstant(startOf: day), utcInstant(of: day, hour: LogRisk.officeOpens))
                add(utcInstant(of: day, hour: LogRisk.officeCloses), utcInstant(startOf: next))
            }
            day = next
        }
        return intervals
    }

    /// The UTC instant of `hour`:00 on `date` in the kommun's time zone.
    func utcInstant(of date: CalendarDate, hour: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: configuration.timeZone) ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        guard let instant = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: hour)) else {
            return utcInstant(startOf: date)
        }
        return SystemClock.utcTimestamp(instant)
    }

    private func bursts(_ start: String, _ end: String) throws -> [LogRiskFinding] {
        struct Read { let id: Int64; let at: String; let seconds: Int; let person: Int64; let action: String; let context: String? }
        var byStaff: [String: [Read]] = [:]
        try database.query("""
            SELECT a.id, a.at, a.staff, a.person_id, a.action, a.context FROM audit_log a
            WHERE \(Self.personRead) AND a.at >= ?1 AND a.at < ?2 ORDER BY a.id
            """, [.text(start), .text(end)]).forEach { row in
            let at = try row.text(1)
            guard let instant = Self.utcDate(at) else { return }
            byStaff[try row.text(2), default: []].append(Read(id: try row.int(0), at: at, seconds: Int(instant.timeIntervalSince1970),
                                                             person: try row.int(3), action: try row.text(4), context: try row.optionalText(5)))
        }
        var findings: [LogRiskFinding] = []
        let window = LogRisk.burstMinutes * 60
        for (staff, reads) in byStaff {
            var counts: [Int64: Int] = [:]
            var low = 0
            var current: (first: Int, last: Int, people: Set<Int64>)?
            func close() {
                guard let burst = current else { return }
                let first = reads[burst.first], last = reads[burst.last]
                let minutes = max(1, (last.seconds - first.seconds + 59) / 60)
                findings.append(LogRiskFinding(auditID: first.id, at: first.at, staff: staff, action: first.action, personID: nil,
                                               context: first.context.flatMap(AuditContext.init(rawValue:)),
                                               note: "\(burst.people.count) olika personer på \(minutes) min, t.o.m. \(localTime(last.at))"))
                current = nil
            }
            for (high, read) in reads.enumerated() {
                counts[read.person, default: 0] += 1
                while read.seconds - reads[low].seconds > window {
                    let person = reads[low].person
                    counts[person] = (counts[person] ?? 1) - 1
                    if counts[person] == 0 { counts[person] = nil }
                    low += 1
                }
                guard counts.count > LogRisk.burstPeople else { continue }
                if var burst = current, low <= burst.last {
                    burst.last = high
                    burst.people.formUnion(reads[low...high].map(\.person))
                    current = burst
                } else {
                    close()
                    current = (low, high, Set(reads[low...high].map(\.person)))
                }
            }
            close()
        }
        return findings
    }
}
