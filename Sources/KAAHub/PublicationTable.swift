import Foundation
import KAACore

/// A publication as analysts read it (design §8): one row per figure with one column per
/// dimension, every code in its Swedish label, the share of 16–19-year-olds in per cent with one
/// decimal rounded half up. The CSV and the Excel download are both written from this, so they
/// have the same columns, labels and numbers.
struct PublicationTable {
    /// A dimension column: the cells' dimension key and its Swedish header.
    struct Dimension: Equatable {
        let key: String
        let header: String
    }

    /// One published count.
    struct Row {
        /// The kommun's code; nil for the region or a län.
        let kommun: String?
        /// The columns between Period and Tabellkod (`leadingHeaders`): the kommun's code and name,
        /// and on a hub of several län first the level and the län.
        let leading: [String]
        let kommunName: String
        let table: CellTable
        /// The table's Swedish name.
        let tableLabel: String
        /// One label per `dimensions` column: the value's Swedish label, `Totalt` for the table's
        /// total over that dimension, empty where the table has no such dimension.
        let labels: [String]
        /// The protected count; nil where it is not shown (`..`).
        let value: Int?
    }

    /// The share of 16–19-year-olds in KAA of one kommun or the region.
    struct ShareRow {
        let kommun: String?
        /// As `Row.leading`.
        let leading: [String]
        let kommunName: String
        /// Tenths of a per cent (123 = 12,3 %); nil where no share is shown (`sign` says why).
        let tenthsOfPercent: Int?
        /// The sign of a share not shown: `..` not reported, `×` too small a denominator (as on the dashboard).
        let sign: String
    }

    let period: Period
    let isPreliminary: Bool
    let reporting: Int
    let enrolled: Int
    /// Every dimension of the catalogue, in a fixed order: the same columns whatever was asked for.
    let dimensions: [Dimension]
    let rows: [Row]
    let shares: [ShareRow]
    /// Published people a share's denominator needs before it is shown.
    let shareMinimumDenominator: Int
    /// Whether the publication has a county level (a hub of several län): then the rows say their
    /// level and län in columns of their own.
    let hasCountyLevel: Bool
    /// The headers of `Row.leading`.
    let leadingHeaders: [String]

    /// The sign for a figure that is not shown (SCB's `..`).
    static let notShown = ".."
    /// The sign for a share not shown because its published denominator is too small.
    static let smallDenominator = "×"
    /// The label of a table's total in its dimension columns.
    static let total = "Totalt"
    /// The name of the region's rows.
    static let regionName = "Regionen"
    /// The levels' names in the Nivå column (a hub of several län).
    static let levelRegion = "Region", levelCounty = "Län", levelKommun = "Kommun"
    /// The CSV's table code for the share rows (as before, so scripts that read it keep working).
    static let shareTableCode = "andel_16_19_i_kaa_procent"
    static let shareLabel = "Andel av 16–19-åringarna i aktivitetsansvaret (%)"

    init(_ publication: Publication, catalog: CodeCatalog = .builtIn) {
        period = publication.period
        isPreliminary = publication.isPreliminary
        reporting = publication.reporting
        enrolled = publication.enrolled
        let dimensions = Self.dimensions
        self.dimensions = dimensions
        func name(_ kommun: String?) -> String { kommun.map { publication.names[$0] ?? $0 } ?? Self.regionName }
        let hasCountyLevel = publication.hasCountyLevel
        self.hasCountyLevel = hasCountyLevel
        leadingHeaders = hasCountyLevel ? ["Nivå", "Länskod", "Län", "Kommunkod", "Kommun"] : ["Kommunkod", "Kommun"]
        // A figure's or share's columns before its table: its kommun, and with a county level its level and län.
        func leading(kommun: String?, county: String?) -> [String] {
            guard hasCountyLevel else { return [kommun ?? "", name(kommun)] }
            let lan = county ?? kommun.map(Publication.county(of:))
            let level = county != nil ? Self.levelCounty : kommun == nil ? Self.levelRegion : Self.levelKommun
            return [level, lan ?? "", lan.map { Kommuner.counties[$0] ?? $0 } ?? "", kommun ?? "", county == nil ? name(kommun) : ""]
        }
        // Reading order: the region, then the kommuner by code; the tables in catalogue order; a
        // table's total first, then its values in their code list's order (not the codes' spelling).
        let tableRank = Dictionary(uniqueKeysWithValues: CellTable.allCases.enumerated().map { ($1, $0) })
        func valueRank(_ figure: PublishedFigure) -> [Int] {
            let values = figure.dims.dictionary
            return dimensions.map { dimension in
                guard let value = values[dimension.key] else { return -1 }
                return Self.order(of: value, key: dimension.key, source: figure.table.definition.dimensions[dimension.key], catalog: catalog)
            }
        }
        // With a county level: the region, then each län followed by its kommuner.
        func place(_ figure: PublishedFigure) -> (String, String) {
            hasCountyLevel ? (figure.county ?? figure.kommun.map(Publication.county(of:)) ?? "", figure.kommun ?? "") : (figure.kommun ?? "", "")
        }
        let figures = (publication.figures + publication.countyFigures).map { (figure: $0, rank: valueRank($0)) }.sorted { lhs, rhs in
            let left = (place(lhs.figure), tableRank[lhs.figure.table] ?? 0), right = (place(rhs.figure), tableRank[rhs.figure.table] ?? 0)
            if left.0 != right.0 { return left.0 < right.0 }
            if left.1 != right.1 { return left.1 < right.1 }
            return lhs.rank.lexicographicallyPrecedes(rhs.rank)
        }.map(\.figure)
        rows = figures.map { figure in
            let definition = figure.table.definition
            let values = figure.dims.dictionary
            let labels = dimensions.map { dimension -> String in
                guard let source = definition.dimensions[dimension.key] else { return "" }
                guard let value = values[dimension.key] else { return Self.total }
                return Self.label(value, key: dimension.key, source: source, catalog: catalog)
            }
            return Row(kommun: figure.kommun, leading: leading(kommun: figure.kommun, county: figure.county),
                       kommunName: figure.county.map { Kommuner.counties[$0] ?? $0 } ?? name(figure.kommun), table: figure.table, tableLabel: Self.label(figure.table),
                       labels: labels, value: figure.value)
        }
        shareMinimumDenominator = publication.shareMinimumDenominator
        // The region's share first, then each län's before its kommuner's.
        shares = (hasCountyLevel ? (publication.shares + publication.countyShares).sorted { lhs, rhs in
            let left = (lhs.county ?? lhs.kommun.map(Publication.county(of:)) ?? "", lhs.kommun ?? "")
            let right = (rhs.county ?? rhs.kommun.map(Publication.county(of:)) ?? "", rhs.kommun ?? "")
            return left < right
        } : publication.shares).map { share in
            ShareRow(kommun: share.kommun, leading: leading(kommun: share.kommun, county: share.county),
                     kommunName: share.county.map { Kommuner.counties[$0] ?? $0 } ?? name(share.kommun), tenthsOfPercent: share.share.flatMap(Self.tenthsOfPercent),
                     sign: share.reason == .smallDenominator ? Self.smallDenominator : Self.notShown)
        }
    }

    // MARK: - Labels

    /// The catalogue's dimensions in reading order; one the list does not know comes last, by key.
    static let dimensions: [Dimension] = {
        let known: [(String, String)] = [("sex", "Kön"), ("age", "Ålder"), ("reason", "Orsak"), ("measure", "Åtgärd"),
                                         ("occupation", "Sysselsättning"), ("band", "Tid till första kontakt")]
        let all = Set(CellTable.allCases.flatMap(\.definition.dimensionNames))
        let ordered = known.filter { all.contains($0.0) }.map { Dimension(key: $0.0, header: $0.1) }
        return ordered + all.subtracting(known.map(\.0)).sorted().map { Dimension(key: $0, header: $0) }
    }()

    /// A table's Swedish name.
    static func label(_ table: CellTable) -> String {
        switch table {
        case .inKAA: return "I aktivitetsansvaret"
        case .inKAAReason: return "I aktivitetsansvaret efter registreringsorsak"
        case .new: return "Nya i aktivitetsansvaret"
        case .contacted: return "Nådda"
        case .firstContactDays: return "Nyregistrerade efter tid till första kontakt"
        case .inMeasure: return "I åtgärd, per åtgärdstyp (en person kan räknas i flera)"
        case .declined: return "Tackade nej till åtgärd"
        case .deregistered: return "Avregistrerade efter orsak"
        case .occupationEnd: return "Sysselsättning vid periodens slut"
        case .population: return "Folkbokförda 16–19 år"
        }
    }

    /// A dimension value's Swedish label: a code's from its code list (`reason` is a registration
    /// reason in one table and a de-registration reason in another), sex and the contact bands in
    /// words, an age as it is.
    static func label(_ value: String, key: String, source: CellDimensionValues, catalog: CodeCatalog) -> String {
        if case let .codes(list, _) = source { return catalog.label(value, in: list) }
        switch (key, value) {
        case ("sex", "K"): return "Kvinna"
        case ("sex", "M"): return "Man"
        case ("band", FirstContactBand.days0to7.rawValue): return "0–7 dagar"
        case ("band", FirstContactBand.days8to30.rawValue): return "8–30 dagar"
        case ("band", FirstContactBand.days31to90.rawValue): return "31–90 dagar"
        case ("band", FirstContactBand.days91plus.rawValue): return "91 dagar eller mer"
        case ("band", FirstContactBand.none.rawValue): return "Ingen nådd kontakt"
        default: return value
        }
    }

    /// Where a dimension value comes in reading order: its code list's order, sex K before M, ages
    /// and the contact bands from the lowest; an unknown value last.
    static func order(of value: String, key: String, source: CellDimensionValues?, catalog: CodeCatalog) -> Int {
        let unknown = Int.max / 2
        switch source {
        case let .codes(list, _)?: return catalog.codes(in: list).firstIndex { $0.code == value } ?? unknown
        default:
            if key == "band" { return FirstContactBand.allCases.firstIndex { $0.rawValue == value } ?? unknown }
            if key == "sex" { return ["K", "M"].firstIndex(of: value) ?? unknown }
            return Int(value) ?? unknown
        }
    }

    /// A period as a Swedish reader says it: `november 2026`, `andra halvåret 2026`.
    static func label(_ period: Period) -> String {
        switch period {
        case let .month(year, month):
            let names = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"]
            return "\(names[max(0, min(11, month - 1))]) \(year)"
        case let .half(year, half):
            return "\(half == 1 ? "första" : "andra") halvåret \(year)"
        }
    }

    // MARK: - Shares

    /// A share (0.1225) in tenths of a per cent, rounded half up (123). The share is a quotient of
    /// two counts held as a `Double`; its shortest decimal form (`0.1225`) is the quotient's exact
    /// decimal whenever that is short, so rounding that decimal rounds the true quotient. Rounding
    /// the binary value instead (`%.1f`) turns 12.25 into 12.2 and 1.05 (binary 1.04999…) into 1.0.
    static func tenthsOfPercent(_ share: Double) -> Int? {
        guard share.isFinite, share >= 0, var scaled = Decimal(string: "\(share)", locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        scaled *= 1000
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return NSDecimalNumber(decimal: rounded).intValue
    }

    /// Tenths of a per cent with a decimal comma: `12,3`.
    static func percentText(_ tenths: Int) -> String {
        "\(tenths / 10),\(tenths % 10)"
    }
}
