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

    /// The same as CSV for Excel: `;`, UTF-8 with BOM, CRLF, Swedish headers, decimal commas, one
    /// column per dimension with Swedish labels (`PublicationTable`, the Excel file's rows), `..`
    /// where a figure is not shown.
    public var csv: [UInt8] {
        let table = PublicationTable(self)
        let preliminary = isPreliminary ? "ja" : "nej"
        let blank = Array(repeating: "", count: table.dimensions.count)
        var lines = [(["Period", "Kommunkod", "Kommun", "Tabellkod", "Tabell"] + table.dimensions.map(\.header) + ["Värde", "Preliminär"])]
        for row in table.rows {
            lines.append(["\(period)", row.kommun ?? "", row.kommunName, row.table.rawValue, row.tableLabel] + row.labels
                + [row.value.map { "\($0)" } ?? PublicationTable.notShown, preliminary])
        }
        for share in table.shares {
            lines.append(["\(period)", share.kommun ?? "", share.kommunName, PublicationTable.shareTableCode, PublicationTable.shareLabel] + blank
                + [share.tenthsOfPercent.map(PublicationTable.percentText) ?? share.sign, preliminary])
        }
        let text = lines.map { $0.map(Self.csvField).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// A field neutralised against formulas (OWASP: a spreadsheet runs `=…`) and quoted when it
    /// holds the separator, a quote or a line break: a kommun's name is the operator's text.
    static func csvField(_ raw: String) -> String {
        let text = CSVCell.neutralised(raw)
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
