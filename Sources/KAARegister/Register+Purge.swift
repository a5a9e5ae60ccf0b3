import KAACore
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
}

extension Register {
    /// Gallring: deletes the personal data of everyone whose last episode ended more than the
    /// retention ago and lies wholly in frozen periods (so no figure can change), and audit rows past
    /// the audit retention, in one transaction with `secure_delete` on; then writes the WAL back and
    /// truncates it, so nothing deleted stays on disk. The purge is logged with counts, not names.
    public func purge(dryRun: Bool) throws(RegisterError) -> PurgeReport {
        let retentionCutoff = today.adding(months: -configuration.retentionMonths)
        let cutoff = min(retentionCutoff, Period.firstOpenDay(today: today))
        let months = configuration.auditRetentionMonths
        let work: () throws -> PurgeReport = { [self] in
            // The figures of every frozen period are stored before anyone behind them goes, in the
            // same transaction, so a failed purge leaves not even that behind.
            if !dryRun { try freezeDuePeriods() }
            let candidates = try database.query("""
                SELECT p.id, p.personnummer, trim(coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')), max(e.deregistered_on), count(e.id)
                FROM person p JOIN episode e ON e.person_id = p.id
                GROUP BY p.id
                HAVING count(e.deregistered_on) = count(e.id) AND max(e.deregistered_on) < ?
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
            let report = PurgeReport(isDryRun: dryRun, cutoff: cutoff, people: people, episodes: episodes, auditRows: auditRows)
            if dryRun {
                try audit("purge.dry_run", detail: "people=\(people.count) episodes=\(episodes) audit_rows=\(auditRows)")
                return report
            }
            let delete = try database.cachedStatement("DELETE FROM person WHERE id = ?")
            for person in people { try delete.run([.integer(person.personID)]) }
            try database.execute("DELETE FROM audit_log WHERE at < \(auditCutoff)")
            // The sets of people shown that no row names any more go with them (their people cascade).
            try database.execute("DELETE FROM audit_shown_set WHERE id NOT IN (SELECT shown_set FROM audit_log WHERE shown_set IS NOT NULL)")
            try audit("purge", detail: "people=\(people.count) episodes=\(episodes) audit_rows=\(auditRows) cutoff=\(cutoff)")
            return report
        }
        let report = try write(work)
        if !dryRun {
            do {
                try database.checkpointTruncate()
            } catch {
                throw .wrap(error)
            }
        }
        return report
    }
}
