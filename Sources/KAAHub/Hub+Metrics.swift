import Foundation
import KAACore
import KAASQLite

extension Hub {
    /// The program's version, shown as `kaa_hub_build_info{version}` (the minor number is the
    /// last issue built into it).
    public static let version = "0.20.0"

    /// The hub's own metrics in Prometheus text (design §8, §10): what it is, batches applied and
    /// refused, how long applying takes, and per kommun when it was last heard from, its last
    /// applied batch and seq, and its refusals. Names follow Prometheus' conventions: a unit
    /// suffix, `_total` on counters, times as `_timestamp_seconds` since 1970, and one label set
    /// per metric. A kommun never heard from has no timestamp sample (never a made-up −1).
    public func metricsText() throws(HubError) -> String {
        let formatter = ISO8601DateFormatter()
        let (applied, refusals, sites) = try reading { database in
            let applied = try database.queryOne("SELECT count(*) FROM ledger")?.int(0) ?? 0
            let refusals = try database.query("SELECT status, count FROM reject_count ORDER BY status").map { (try $0.int(0), try $0.int(1)) }
            let sites = try database.query("SELECT kommun, last_seq, last_batch_at, last_contact_at, rejects FROM site ORDER BY kommun").map {
                (kommun: try $0.text(0), seq: try $0.int(1), batch: try $0.optionalText(2), contact: try $0.optionalText(3), rejects: try $0.int(4))
            }
            return (applied, refusals, sites)
        }
        let relays = try self.relays()
        func seconds(_ timestamp: String?) -> String? {
            timestamp.flatMap { formatter.date(from: $0) }.map { "\(Int64($0.timeIntervalSince1970))" }
        }
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += sample.labels.isEmpty ? "\(name) \(sample.value)\n" : "\(name){\(sample.labels)} \(sample.value)\n" }
        }
        metric("kaa_hub_build_info", "gauge", "The hub's version, cell catalogue version and database schema version (always 1).",
               [("version=\"\(Self.version)\",catalogue_version=\"\(CellTable.catalogueVersion)\",schema_version=\"\(Self.migrator.latestVersion)\"", "1")])
        metric("kaa_hub_batches_applied_total", "counter", "Batches applied and stored in the ledger.", [("", "\(applied)")])
        metric("kaa_hub_refusals_total", "counter", "Authenticated requests refused (batches among them), by HTTP status.",
               refusals.map { ("status=\"\($0.0)\"", "\($0.1)") })
        out += applyLatency.text(name: "kaa_hub_batch_apply_duration_seconds", help: "Seconds from a valid batch to its durable commit.")
        metric("kaa_hub_unauthenticated_requests_total", "counter", "Requests refused for want of a valid token (logged at most once a minute).",
               [("", "\(unauthenticatedRequests.load(ordering: .relaxed))")])
        metric("kaa_hub_last_contact_timestamp_seconds", "gauge", "When the kommun last made an authenticated request, in seconds since 1970.",
               sites.compactMap { site in seconds(site.contact).map { ("kommun=\"\(site.kommun)\"", $0) } })
        metric("kaa_hub_last_batch_timestamp_seconds", "gauge", "When the kommun's last batch was applied, in seconds since 1970.",
               sites.compactMap { site in seconds(site.batch).map { ("kommun=\"\(site.kommun)\"", $0) } })
        metric("kaa_hub_last_applied_seq", "gauge", "The seq of the kommun's last applied batch in its generation (0: none yet).",
               sites.map { ("kommun=\"\($0.kommun)\"", "\($0.seq)") })
        metric("kaa_hub_site_refusals_total", "counter", "Requests refused after authentication, per kommun.",
               sites.map { ("kommun=\"\($0.kommun)\"", "\($0.rejects)") })
        // A hub of hubs (issue 20): per relay, when it was last heard from and its refusals.
        if !relays.isEmpty {
            metric("kaa_hub_relay_last_contact_timestamp_seconds", "gauge", "When the relay (a regional hub forwarding here) last made an authenticated request, in seconds since 1970.",
                   relays.compactMap { relay in seconds(relay.lastContactAt).map { ("relay=\"\(relay.name)\"", $0) } })
            metric("kaa_hub_relay_refusals_total", "counter", "Requests refused after authentication, per relay (a kommun outside its list, other protection, any refused batch).",
                   relays.map { ("relay=\"\($0.name)\"", "\($0.rejects)") })
        }
        return out
    }
}
