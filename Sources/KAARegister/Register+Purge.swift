import KAACore
import KAACrypto
import KAASQLite

/// What gallring removed (or, in a dry run, would remove).
public struct PurgeReport: Sendable {
    public struct Person: Sendable {
        public let personID: Int64
        public let personnummer: PersonalIdentityNumber
        public let name: String
        public let lastEpisodeEnded: CalendarDate
    }

    public let isDryRun: Bool
    /// The last day an episode may have ended for its person to be purged (exclusive).
    public let cutoff: CalendarDate
    public let people: [Person]
    public let episodes: Int
    public let auditRows: Int
    /// The audit row of the purge (its receipt), nil for a dry run.
    public internal(set) var auditID: Int64?
    /// Whether the write-ahead log was written back and emptied after the purge. False when another
    /// connection (the web server's readers) kept it busy: the purge is done and committed, and the
    /// deleted pages leave the log at its next checkpoint.
    public internal(set) var isLogEmptied = true

    /// What a preview's confirmation names: SHA-256 (hex) of the people's ids, ascending, joined by ",".
    public var digest: String {
        Crypto.sha256Hex(Array(people.map(\.personID).sorted().map(String.init).joined(separator: ",").utf8))
    }
}

/// The receipt of one gallring, from its audit row: what went, when and by whom; no personal data.
public struct PurgeReceipt: Sendable {
    public let auditID: Int64
    /// When, in the kommun's time zone (`2026-11-23 20:44:00`).
    public let at: String
    public let staff: String
    public let people: Int
    public let episodes: Int
    public let auditRows: Int
    /// Episodes that ended before this day were purged.
    public let cutoff: String
}

extension Register {
    /// Gallring: deletes the personal data of everyone whose last episode ended more than the
    /// retention ago and lies wholly in frozen periods (so no figure can change), and audit rows past
    /// the audit retention, in one transaction with `secure_delete` on; then writes the WAL back and
    /// truncates it, so nothing deleted stays on disk. The purge is logged with counts, not names; a
    /// dry run is a read of the people it lists (audited with them).
    ///
    /// `expecting`: the people of the preview the purge was confirmed from; when the register's
    /// candidates differ now (someone was registered again, a period froze), nothing is deleted and
    /// `staleView` is thrown, so what goes is exactly what was shown.
    public func purge(dryRun: Bool, expecting: String? = nil) throws(RegisterError) -> PurgeReport {
        // The retention in force (Inställningar, else the config file), read at each run.
        let settings = try effectiveSettings()
        let cutoff = purgeCutoff(retentionMonths: settings.retentionMonths)
        let months = settings.auditRetentionMonths
        let work: () throws -> PurgeReport = { [self] in
            // The figures of every frozen period are stored before anyone behind them goes, in the
            // same transaction, so a failed purge leaves not even that behind.
            if !dryRun { try freezeDuePeriods() }
            let candidates = try database.query("""
                SELECT p.id, p.personnummer, trim(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')), max(e.deregistered_on), count(e.id)
                FROM person p JOIN episode e ON e.person_id = p.id
                GROUP BY p.id
                \(Self.purgeCandidateCondition)
                ORDER BY p.personnummer
                """, [SQLValue(cutoff)])
            var people: [PurgeReport.Person] = []
            var episodes = 0
            for row in candidates {
                people.append(PurgeReport.Person(personID: try row.int(0), personnummer: try PersonalIdentityNumber(try row.text(1), today: today),
                                                 name: try row.text(2), lastEpisodeEnded: try date(row, 3)))
                episodes += Int(try row.int(4))
            }
            let auditCutoff = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-\(months) months')"
            let auditRows = Int(try database.queryOne("SELECT count(*) FROM audit_log WHERE at < \(auditCutoff)")?.int(0) ?? 0)
            var report = PurgeReport(isDryRun: dryRun, cutoff: cutoff, people: people, episodes: episodes, auditRows: auditRows)
            if dryRun {
                try auditReads("purge.dry_run", personIDs: people.map(\.personID), context: .list,
                               detail: "people=\(people.count) episodes=\(episodes) audit_rows=\(auditRows)")
                return report
            }
            if let expecting, expecting != report.digest {
                throw RegisterError.staleView("listan över dem som ska gallras har ändrats sedan förhandsvisningen; ingenting raderades. Granska den nya listan.")
            }
            let delete = try database.cachedStatement("DELETE FROM person WHERE id = ?")
            for person in people { try delete.run([.integer(person.personID)]) }
            try database.execute("DELETE FROM audit_log WHERE at < \(auditCutoff)")
            // The sets of people shown that no row names any more go with them (their people cascade).
            try database.execute("DELETE FROM audit_shown_set WHERE id NOT IN (SELECT shown_set FROM audit_log WHERE shown_set IS NOT NULL)")
            try audit("purge", detail: "people=\(people.count) episodes=\(episodes) audit_rows=\(auditRows) cutoff=\(cutoff)")
            report.auditID = database.lastInsertRowID
            return report
        }
        var report = try write(work)
        if !dryRun {
            do {
                try database.checkpointTruncate()
            } catch where error.isBusy {
                report.isLogEmptied = false
            } catch {
                throw .wrap(error)
            }
        }
        return report
    }

    /// The last day (exclusive) an episode may have ended for its person to be purged with a
    /// retention of `retentionMonths`: never inside an open period, so no figure can change.
    func purgeCutoff(retentionMonths: Int) -> CalendarDate {
        min(today.adding(months: -retentionMonths), Period.firstOpenDay(today: today))
    }

    /// The HAVING clause of the people a purge takes (every episode ended, the last before `?`).
    static let purgeCandidateCondition = "HAVING count(e.deregistered_on) = count(e.id) AND max(e.deregistered_on) < ?"

    /// How many people a purge with `retentionMonths` would delete now (a count: nobody is shown).
    func purgeCandidateCount(retentionMonths: Int) throws -> Int {
        Int(try database.queryOne("""
            SELECT count(*) FROM (SELECT p.id FROM person p JOIN episode e ON e.person_id = p.id GROUP BY p.id \(Self.purgeCandidateCondition))
            """, [SQLValue(purgeCutoff(retentionMonths: retentionMonths))])?.int(0) ?? 0)
    }

    /// How many audit rows a purge with an audit retention of `months` would delete now.
    func purgeAuditRowCount(months: Int) throws -> Int {
        Int(try database.queryOne("SELECT count(*) FROM audit_log WHERE at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?)",
                                  [.text("-\(months) months")])?.int(0) ?? 0)
    }

    /// The receipts of every gallring still in the audit log, newest first (`id`: only that one).
    public func purgeReceipts(id: Int64? = nil) throws(RegisterError) -> [PurgeReceipt] {
        try read {
            try database.query("SELECT id, at, staff, coalesce(detail, '') FROM audit_log WHERE action = 'purge'"
                               + (id == nil ? "" : " AND id = ?") + " ORDER BY id DESC", id.map { [.integer($0)] } ?? []).map { row in
                var fields: [String: String] = [:]
                for pair in try row.text(3).split(separator: " ") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
                }
                return PurgeReceipt(auditID: try row.int(0), at: localTime(try row.text(1)), staff: try row.text(2),
                                    people: Int(fields["people"] ?? "") ?? 0, episodes: Int(fields["episodes"] ?? "") ?? 0,
                                    auditRows: Int(fields["audit_rows"] ?? "") ?? 0, cutoff: fields["cutoff"] ?? "")
            }
        }
    }
}
