import Foundation
import KAACore
import KAAProtocol
import KAASQLite

/// One protected figure: `n + noise(n, cell key)` for a kommun's cell, a table total (`dims` empty)
/// or the region's (`kommun` nil). Never an exact count.
public struct PublishedFigure: Sendable, Equatable {
    public let kommun: String?
    public let table: CellTable
    public let dims: Dims
    public let value: Int
}

/// The protected figures of one period (design §8).
public struct Publication: Sendable {
    public let period: Period
    /// An open period's figures may still change.
    public let isPreliminary: Bool
    /// Kommuner with figures for the period, and how many are enrolled.
    public let reporting: Int
    public let enrolled: Int
    public let figures: [PublishedFigure]
    /// Share of 16–19-year-olds in KAA, from published figures only: kommun (nil: region) → share.
    public let shares: [(kommun: String?, share: Double?)]
    /// Kommun names by code.
    public let names: [String: String]

    /// The same period with only the region's figures (what a kommun gets back).
    var regionOnly: Publication {
        Publication(period: period, isPreliminary: isPreliminary, reporting: reporting, enrolled: enrolled,
                    figures: figures.filter { $0.kommun == nil }, shares: shares.filter { $0.kommun == nil }, names: names)
    }

    /// The JSON of design §8, keys sorted.
    public var json: String {
        var out = "{\"cells\":["
        out += figures.map { figure in
            "{\"dims\":{" + figure.dims.pairs.map { "\(JSONText.string($0.key)):\(JSONText.string($0.value))" }.joined(separator: ",") + "},"
                + "\"kommun\":\(figure.kommun.map(JSONText.string) ?? "null"),\"table\":\(JSONText.string(figure.table.rawValue)),\"value\":\(figure.value)}"
        }.joined(separator: ",")
        out += "],\"period\":\(JSONText.string(period.description)),\"preliminary\":\(isPreliminary),"
        out += "\"reporting\":{\"kommuner\":\(reporting),\"of\":\(enrolled)},\"shares\":["
        out += shares.map { "{\"kommun\":\($0.kommun.map(JSONText.string) ?? "null"),\"share\":\($0.share.map { String(format: "%.4f", $0) } ?? "null")}" }
            .joined(separator: ",")
        return out + "]}"
    }

    /// The same as CSV for Excel: `;`, UTF-8 with BOM, CRLF, Swedish headers, decimal commas.
    public var csv: [UInt8] {
        var lines = ["Period;Kommunkod;Kommun;Tabell;Dimensioner;Värde;Preliminär"]
        let preliminary = isPreliminary ? "ja" : "nej"
        for figure in figures {
            let name = figure.kommun.map { names[$0] ?? $0 } ?? "Regionen"
            lines.append("\(period);\(figure.kommun ?? "");\(name);\(figure.table.rawValue);\(figure.dims.encoded);\(figure.value);\(preliminary)")
        }
        for share in shares {
            let name = share.kommun.map { names[$0] ?? $0 } ?? "Regionen"
            let value = share.share.map { String(format: "%.1f", $0 * 100).replacingOccurrences(of: ".", with: ",") } ?? ""
            lines.append("\(period);\(share.kommun ?? "");\(name);andel_16_19_i_kaa_procent;;\(value);\(preliminary)")
        }
        return [0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}

extension Hub {
    /// The protected figures of `period`: every kommun's cells and table totals and the region's,
    /// each perturbed from its own summed `n` and `ck`. `table` and `kommun` narrow the result.
    public func publication(period: Period, table: CellTable? = nil, kommun: String? = nil, today: CalendarDate) throws(HubError) -> Publication {
        let exact: [(kommun: String, cell: Cell)]
        let sites: [SiteInfo]
        let reporting: Int
        do {
            sites = try self.sites()
            // Counted before the table filter: a kommun that reported for the period has reported,
            // whatever table is asked for.
            reporting = try locked {
                Int(try database.queryOne("SELECT count(DISTINCT kommun) FROM cell WHERE period = ?", [.text(period.description)])?.int(0) ?? 0)
            }
            exact = try locked {
                var result: [(String, Cell)] = []
                let filter = table == nil ? "" : " AND table_name = ?"
                let arguments: [SQLValue] = [.text(period.description)] + (table.map { [.text($0.rawValue)] } ?? [])
                try database.cachedStatement("SELECT kommun, table_name, dims, n, ck FROM cell WHERE period = ?" + filter)
                    .forEach(arguments) { row in
                        guard let table = CellTable(rawValue: try row.text(1)), let dims = Dims(encoded: try row.text(2)) else { return }
                        result.append((try row.text(0), Cell(table: table, period: period, dims: dims, n: Int(try row.int(3)), ck: UInt32(truncatingIfNeeded: try row.int(4)))))
                    }
                return result
            }
        } catch {
            throw .wrap(error)
        }
        // Sum n and ck per (kommun or region, table, dims), adding table totals with empty dims.
        var sums: [String: (kommun: String?, table: CellTable, dims: Dims, n: Int, ck: UInt32)] = [:]
        func add(_ kommun: String?, _ table: CellTable, _ dims: Dims, _ n: Int, _ ck: UInt32) {
            let key = "\(kommun ?? "")|\(table.rawValue)|\(dims.encoded)"
            let current = sums[key] ?? (kommun, table, dims, 0, 0)
            sums[key] = (kommun, table, dims, current.n + n, current.ck &+ ck)
        }
        let empty = Dims([:])
        for (owner, cell) in exact {
            add(owner, cell.table, cell.dims, cell.n, cell.ck)
            add(nil, cell.table, cell.dims, cell.n, cell.ck)
            // in_measure counts a person once per type: it has no people total (design §6).
            if cell.table != .inMeasure {
                add(owner, cell.table, empty, cell.n, cell.ck)
                add(nil, cell.table, empty, cell.n, cell.ck)
            }
        }
        let figures = sums.values
            .filter { kommun == nil || $0.kommun == nil || $0.kommun == kommun }
            .map { PublishedFigure(kommun: $0.kommun, table: $0.table, dims: $0.dims, value: perturbation.publish(n: $0.n, ck: $0.ck)) }
            .sorted { ($0.kommun ?? "", $0.table.rawValue, $0.dims.encoded) < ($1.kommun ?? "", $1.table.rawValue, $1.dims.encoded) }
        var shares: [(String?, Double?)] = []
        let owners: [String?] = [nil] + Set(figures.compactMap(\.kommun)).sorted().map { Optional($0) }
        for owner in owners {
            let inKAA = figures.first { $0.kommun == owner && $0.table == .inKAA && $0.dims.pairs.isEmpty }?.value
            let population = figures.first { $0.kommun == owner && $0.table == .population && $0.dims.pairs.isEmpty }?.value
            if inKAA == nil && population == nil { continue }
            shares.append((owner, population.flatMap { $0 > 0 ? Double(inKAA ?? 0) / Double($0) : nil }))
        }
        return Publication(period: period, isPreliminary: !period.isFrozen(today: today), reporting: reporting,
                           enrolled: sites.count, figures: figures, shares: shares,
                           names: Dictionary(uniqueKeysWithValues: sites.map { ($0.kommun, $0.name) }))
    }

    /// Today's date in Sweden, for marking open periods preliminary.
    public static func swedishToday() -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CalendarDate(dayNumber: 0)
    }
}
