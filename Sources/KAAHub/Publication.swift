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
    /// The län of the county level (a hub of several län), sorted; empty on a hub of one län.
    public var counties: [String] = []
    /// The county level's figures: each län's full grid, from its reporting kommuner's summed
    /// `n` and `ck` (so a län's figure equals the region figure of a hub of just its kommuner).
    public var countyFigures: [PublishedFigure] = []
    /// The shares per län, in the order of `counties`.
    public var countyShares: [PublishedShare] = []
    /// Whether the hub serves several län, so that the county level is published.
    public var hasCountyLevel = false

    /// How many kommuner have reported for the period.
    public var reporting: Int { reported.count }
    /// How many kommuner are enrolled.
    public var enrolled: Int { reported.count + notReported.count }

    /// The län of `kommun` (from the seed; a code the seed lacks: its first two digits).
    public static func county(of kommun: String) -> String {
        Kommuner.all[kommun]?.county ?? String(kommun.prefix(2))
    }

    /// The same period with only the region's figures (what a kommun gets back; no county level,
    /// so that no län's figure can be read as the region's).
    var regionOnly: Publication {
        Publication(period: period, isPreliminary: isPreliminary, reported: reported, notReported: notReported,
                    populationNotReported: populationNotReported, figures: figures.filter { $0.kommun == nil },
                    shares: shares.filter { $0.kommun == nil }, shareMinimumDenominator: shareMinimumDenominator, names: names)
    }

    /// The län `county` as if it were the region: its kommuner only, its county figures and share
    /// in the region's place (what a hub of just its kommuner publishes), no county level.
    func asRegion(of county: String) -> Publication {
        func inCounty(_ kommun: String) -> Bool { Self.county(of: kommun) == county }
        let figures = countyFigures.filter { $0.county == county }.map { PublishedFigure(kommun: nil, table: $0.table, dims: $0.dims, value: $0.value) }
            + self.figures.filter { $0.kommun.map(inCounty) ?? false }
        let shares = countyShares.filter { $0.county == county }.map { PublishedShare(kommun: nil, share: $0.share, reason: $0.reason) }
            + self.shares.filter { $0.kommun.map(inCounty) ?? false }
        return Publication(period: period, isPreliminary: isPreliminary, reported: reported.filter(inCounty), notReported: notReported.filter(inCounty),
                           populationNotReported: populationNotReported.filter(inCounty), figures: figures, shares: shares,
                           shareMinimumDenominator: shareMinimumDenominator, names: names.filter { inCounty($0.key) })
    }

    /// Whether the län `county` has figures for `table` in this period (some kommun of it has).
    public func hasReported(county: String, table: CellTable) -> Bool {
        reported.contains { Self.county(of: $0) == county && hasReported($0, table: table) }
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
            shareMinimumDenominator: shareMinimumDenominator,
            counties: hasCountyLevel ? counties.map { county in
                let enrolled = (reported + notReported).filter { Self.county(of: $0) == county }
                return PublicationResponse.County(lan: county, name: Kommuner.counties[county] ?? county,
                                                  kommuner: enrolled.filter(reported.contains).count, of: enrolled.count)
            } : nil,
            countyCells: hasCountyLevel ? countyFigures.map { PublicationResponse.CountyFigure(lan: $0.county ?? "", dims: $0.dims.dictionary, table: $0.table, value: $0.value) } : nil,
            countyShares: hasCountyLevel ? countyShares.map { PublicationResponse.CountyShare(lan: $0.county ?? "", share: $0.share, reason: $0.reason?.rawValue) } : nil)
    }

    /// The same as CSV for Excel: `;`, UTF-8 with BOM, CRLF, Swedish headers, decimal commas, one
    /// column per dimension with Swedish labels (`PublicationTable`, the Excel file's rows), `..`
    /// where a figure is not shown.
    public var csv: [UInt8] {
        let table = PublicationTable(self)
        let preliminary = isPreliminary ? "ja" : "nej"
        let blank = Array(repeating: "", count: table.dimensions.count)
        var lines = [(["Period"] + table.leadingHeaders + ["Tabellkod", "Tabell"] + table.dimensions.map(\.header) + ["Värde", "Preliminär"])]
        for row in table.rows {
            lines.append(["\(period)"] + row.leading + [row.table.rawValue, row.tableLabel] + row.labels
                + [row.value.map { "\($0)" } ?? PublicationTable.notShown, preliminary])
        }
        for share in table.shares {
            lines.append(["\(period)"] + share.leading + [PublicationTable.shareTableCode, PublicationTable.shareLabel] + blank
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
