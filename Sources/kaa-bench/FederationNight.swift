import Foundation
import KAACore
import KAAHTTP
import KAAHub
import KAAProtocol
import KAARegister
import Synchronization

/// Design §11's case 7, prepared: the national night's sealed batches (`NationalNight.prepare`)
/// applied to one regional hub per län, as if each kommun had synced to its own län's hub, so that
/// the 21 regional hubs can then forward one night to a national hub. Benchmark only.
enum FederationNight {
    /// Where `prepare` leaves things under its output directory.
    struct Layout {
        let directory: String
        /// One line per län: the county code, a space and its kommuner, comma-separated.
        var regions: String { directory + "/regions.txt" }
        func hub(_ county: String) -> String { directory + "/regions/\(county).sqlite" }
    }

    /// Reads the national night's manifest and batches from `national`, makes a hub database per län
    /// of the prepared kommuner under `directory`, enrols each kommun on its län's hub and applies its
    /// batch there through the hub's own API (in process, no socket), the län at once. Writes the
    /// regions file; returns the län and kommuner.
    static func prepare(national: String, directory: String, clock: any RegisterClock) throws -> [(county: String, kommuner: [String])] {
        let nationalLayout = NationalNight.Layout(directory: national)
        let entries = try NationalNight.readManifest(nationalLayout)
        var byCounty: [String: [NationalNight.Entry]] = [:]
        for entry in entries {
            guard let kommun = Kommuner.all[entry.kommun] else { throw BenchError.failed("\(nationalLayout.manifest): okänd kommun \(entry.kommun)") }
            byCounty[kommun.county, default: []].append(entry)
        }
        let layout = Layout(directory: directory)
        try FileManager.default.createDirectory(atPath: directory + "/regions", withIntermediateDirectories: true)
        let counties = byCounty.keys.sorted()
        let groups = counties.map { byCounty[$0] ?? [] }
        let today = clock.today
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: counties.count) { index in
            let county = counties[index]
            do {
                try applyRegion(groups[index], hubPath: layout.hub(county), batches: nationalLayout, today: today)
            } catch {
                failures.withLock { $0.append("län \(county): \(error)") }
            }
        }
        if let failure = failures.withLock({ $0.sorted().first }) { throw BenchError.failed(failure) }
        let regions = zip(counties, groups).map { (county: $0, kommuner: $1.map(\.kommun).sorted()) }
        let text = regions.map { "\($0.county) \($0.kommuner.joined(separator: ","))\n" }.joined()
        try text.write(toFile: layout.regions, atomically: true, encoding: .utf8)
        return regions
    }

    /// One län's hub: each kommun enrolled with a token of its own and its batch PUT with it.
    private static func applyRegion(_ entries: [NationalNight.Entry], hubPath: String, batches: NationalNight.Layout, today: CalendarDate) throws {
        let hub = try Hub(path: hubPath)
        let responder = HubResponder(hub: hub, today: { today })
        for entry in entries {
            guard let body = FileManager.default.contents(atPath: batches.batch(entry.kommun)) else {
                throw BenchError.failed("\(batches.batch(entry.kommun)) saknas")
            }
            let token = try hub.addSite(kommun: entry.kommun, name: nil, actor: "benchmark")
            let bytes = Array(body)
            let answer = responder.respond(to: HTTPRequest(
                method: "PUT", path: "/v1/sites/\(entry.kommun)/batches/\(entry.generation)/\(entry.seq)",
                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json", "Content-Digest": ContentDigest.header(for: bytes)],
                body: bytes))
            guard answer.status == 201 else {
                throw BenchError.failed("\(entry.kommun): hubben svarade \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
            }
        }
    }
}
