import Foundation
import KAACore
import KAAProtocol

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

    /// The body of design §8 that `/v1/published` and the region endpoint serve.
    public var response: PublicationResponse {
        PublicationResponse(
            cells: figures.map { PublicationResponse.Figure(dims: $0.dims.dictionary, kommun: $0.kommun, table: $0.table, value: $0.value) },
            period: period.description, preliminary: isPreliminary,
            reporting: PublicationResponse.Reporting(kommuner: reporting, of: enrolled),
            shares: shares.map { PublicationResponse.Share(kommun: $0.kommun, share: $0.share) })
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
