import Foundation
import KAASQLite

extension Hub {
    /// The Prometheus text of `/metrics`: batches by outcome, apply latency, per kommun the age of
    /// the last contact, the last seq and the refusals.
    public func metricsText(now: Date = Date()) throws(HubError) -> String {
        let formatter = ISO8601DateFormatter()
        let (applied, rejects, sites) = try reading { database in
            let applied = try database.queryOne("SELECT count(*) FROM ledger")?.int(0) ?? 0
            let rejects = try database.query("SELECT status, count FROM reject_count ORDER BY status").map { (try $0.int(0), try $0.int(1)) }
            let sites = try database.query("SELECT kommun, last_seq, last_contact_at, rejects FROM site ORDER BY kommun").map {
                (try $0.text(0), try $0.int(1), try $0.optionalText(2), try $0.int(3))
            }
            return (applied, rejects, sites)
        }
        var out = "# HELP kaa_hub_batches_total Batches by outcome (applied, or refused with an HTTP status).\n# TYPE kaa_hub_batches_total counter\n"
        out += "kaa_hub_batches_total{outcome=\"applied\"} \(applied)\n"
        for (status, count) in rejects { out += "kaa_hub_batches_total{outcome=\"refused\",status=\"\(status)\"} \(count)\n" }
        out += applyLatency.text(name: "kaa_hub_apply_seconds")
        out += "# HELP kaa_hub_last_contact_age_seconds Seconds since the kommun's last authenticated request (-1: never).\n"
        out += "# TYPE kaa_hub_last_contact_age_seconds gauge\n"
        for site in sites {
            let age = site.2.flatMap { formatter.date(from: $0) }.map { max(0, now.timeIntervalSince($0)) } ?? -1
            out += "kaa_hub_last_contact_age_seconds{kommun=\"\(site.0)\"} \(Int(age))\n"
        }
        out += "# HELP kaa_hub_last_seq The kommun's last applied seq.\n# TYPE kaa_hub_last_seq gauge\n"
        for site in sites { out += "kaa_hub_last_seq{kommun=\"\(site.0)\"} \(site.1)\n" }
        out += "# HELP kaa_hub_unauthenticated_total Requests refused for want of a valid token (logged at most once a minute).\n"
        out += "# TYPE kaa_hub_unauthenticated_total counter\nkaa_hub_unauthenticated_total \(unauthenticatedRequests.load(ordering: .relaxed))\n"
        out += "# HELP kaa_hub_rejects_total Requests refused after authentication, per kommun.\n# TYPE kaa_hub_rejects_total counter\n"
        for site in sites { out += "kaa_hub_rejects_total{kommun=\"\(site.0)\"} \(site.3)\n" }
        return out
    }
}
