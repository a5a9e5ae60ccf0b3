import KAACore
import KAASQLite

/// What the API's discovery endpoints and validators read (`/v1/periods`, `/v1/kommuner`,
/// `Last-Modified`): statuses, never figures.
extension Hub {
    /// One period that has figures: how many kommuner reported it and when it last changed.
    struct PeriodStatus: Sendable {
        let period: Period
        let reported: Int
        /// UTC ISO 8601.
        let changedAt: String
    }

    /// Every period with figures, newest first (months before the half-year of the same end),
    /// and how many kommuner are enrolled; in one read, so the counts agree.
    func periodStatuses() throws(HubError) -> (periods: [PeriodStatus], enrolled: Int) {
        try reading { database in
            let enrolled = Int(try database.queryOne("SELECT count(*) FROM site")?.int(0) ?? 0)
            let rows = try database.query("""
                SELECT c.period, count(DISTINCT c.kommun), coalesce(p.changed_at, '1970-01-01T00:00:00Z')
                FROM cell c LEFT JOIN period_change p ON p.period = c.period GROUP BY c.period
                """)
            let periods = try rows.compactMap { row -> PeriodStatus? in
                guard let period = Period(try row.text(0)) else { return nil }
                return PeriodStatus(period: period, reported: Int(try row.int(1)), changedAt: try row.text(2))
            }
            return (periods.sorted { ($0.period.lastDay, $0.period.firstDay) > ($1.period.lastDay, $1.period.firstDay) }, enrolled)
        }
    }

    /// The enrolled kommuner with the latest month each has figures for.
    func kommunStatuses() throws(HubError) -> [(site: SiteInfo, latestPeriod: Period?)] {
        try reading { database in
            let sites = try Self.sites(database)
            var latest: [String: Period] = [:]
            try database.query("SELECT kommun, period FROM cell WHERE period NOT LIKE '%H%' GROUP BY kommun, period").forEach { row in
                guard let period = Period(try row.text(1)) else { return }
                let kommun = try row.text(0)
                if latest[kommun].map({ $0.firstDay < period.firstDay }) ?? true { latest[kommun] = period }
            }
            return sites.map { ($0, latest[$0.kommun]) }
        }
    }

    /// The kommuner that have figures for `period`.
    func reportingKommuner(period: Period) throws(HubError) -> Set<String> {
        try reading { database in
            Set(try database.query("SELECT DISTINCT kommun FROM cell WHERE period = ?", [.text(period.description)]).map { try $0.text(0) })
        }
    }

    /// When the published figures of `period` last changed, in seconds since 1970: its last
    /// applied batch, or a change of the enrolled sites (which the figures name and count);
    /// nil when neither ever happened.
    func lastChanged(period: Period) throws(HubError) -> Int? {
        try reading { database in
            try database.queryOne("""
                SELECT max(t) FROM (
                    SELECT CAST(strftime('%s', changed_at) AS INTEGER) AS t FROM period_change WHERE period = ?
                    UNION ALL SELECT CAST(strftime('%s', max(created_at, coalesce(token_issued_at, ''), coalesce(revoked_at, ''))) AS INTEGER) FROM site)
                """, [.text(period.description)])?.optionalInt(0).map { Int($0) }
        }
    }

    /// When the enrolled sites last changed, in seconds since 1970 (nil: none enrolled).
    func sitesLastChanged() throws(HubError) -> Int? {
        try reading { database in
            try database.queryOne("""
                SELECT max(CAST(strftime('%s', max(created_at, coalesce(token_issued_at, ''), coalesce(revoked_at, ''), coalesce(last_batch_at, ''))) AS INTEGER)) FROM site
                """)?.optionalInt(0).map { Int($0) }
        }
    }
}
