import Foundation
import KAACore
import KAAProtocol

/// The protected figures of one period (design §8).
public struct Publication: Sendable {
    public let period: Period
    /// An open period's figures may still change.
    public let isPreliminary: Bool
    /// The enrolled kommuner with figures for the period (any cell of any table), sorted: each has
    /// its full grid published, zeros included.
    public let reported: [String]
    /// The enrolled kommuner without figures for the period, sorted: "not reported" (`..`), never zero.
    public let notReported: [String]
    /// Reporting kommuner that sent no `population` for the period: their population (and share)
    /// is not reported, while their other tables are full grids.
    public let populationNotReported: [String]
    /// The full grid (design §8): every cell of every table for each reporting kommun and the
    /// region, with table totals (`dims` empty) where the table has a people total.
    public let figures: [PublishedFigure]
    /// Share of 16–19-year-olds in KAA, from published figures only, region first.
    public let shares: [PublishedShare]
    /// The smallest published population a share is computed from.
    public let shareMinimumDenominator: Int
    /// Kommun names by code.
    public let names: [String: String]

    /// How many kommuner have reported for the period.
    public var reporting: Int { reported.count }
    /// How many kommuner are enrolled.
    public var enrolled: Int { reported.count + notReported.count }

    /// The same period with only the region's figures (what a kommun gets back).
    var regionOnly: Publication {
        Publication(period: period, isPreliminary: isPreliminary, reported: reported, notReported: notReported,
                    populationNotReported: populationNotReported, figures: figures.filter { $0.kommun == nil },
                    shares: shares.filter { $0.kommun == nil }, shareMinimumDenominator: shareMinimumDenominator, names: names)
    }

    /// Whether `kommun` (nil: the region) has figures for `table` in this period.
    public func hasReported(_ kommun: String?, table: CellTable) -> Bool {
        guard let kommun else { return !reported.isEmpty && !(table.definition.mayBeUnreported && populationNotReported.count == reported.count) }
        return reported.contains(kommun) && !(table.definition.mayBeUnreported && populationNotReported.contains(kommun))
    }

    /// The body of design §8 that `/v1/published` and the region endpoint serve.
    public var response: PublicationResponse {
        PublicationResponse(
            cells: figures.map { PublicationResponse.Figure(dims: $0.dims.dictionary, kommun: $0.kommun, table: $0.table, value: $0.value) },
            period: period.description, preliminary: isPreliminary,
            reporting: PublicationResponse.Reporting(kommuner: reporting, of: enrolled, notReported: notReported, populationNotReported: populationNotReported),
            shares: shares.map { PublicationResponse.Share(kommun: $0.kommun, share: $0.share, reason: $0.reason?.rawValue) },
            shareMinimumDenominator: shareMinimumDenominator)
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
