import KAACore

/// The forms the protected figures are served in: `/v1/published` (JSON), `/v1/published.csv`
/// and `/v1/published.xlsx`.
enum PublicationFormat: String, Hashable, Sendable, CaseIterable {
    case json, csv, xlsx

    /// The format a `/v1/…` path's last part names (`published.xlsx`), nil for any other.
    init?(resource: String) {
        switch resource {
        case "published": self = .json
        case "published.csv": self = .csv
        case "published.xlsx": self = .xlsx
        default: return nil
        }
    }

    var contentType: String {
        switch self {
        case .json: return "application/json"
        case .csv: return "text/csv; charset=utf-8"
        case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// A download's file name, naming what it holds: `kaa-2026-11.csv`, `kaa-2026-11-0305.xlsx`,
    /// `kaa-2026-11-0305-in_kaa.csv`, `kaa-2026-11-lan03.csv` (only well-formed codes and known tables reach here).
    func fileName(period: Period, kommun: String?, table: CellTable?, county: String? = nil) -> String {
        (["kaa", "\(period)"] + [county.map { "lan" + $0 }, kommun, table?.rawValue].compactMap { $0 }).joined(separator: "-") + ".\(rawValue)"
    }

    /// The response headers of a body in this format; the downloads are attachments with their file name.
    func headers(period: Period, kommun: String?, table: CellTable?, county: String? = nil) -> [String: String] {
        guard self != .json else { return ["Content-Type": contentType] }
        return ["Content-Type": contentType,
                "Content-Disposition": "attachment; filename=\"\(fileName(period: period, kommun: kommun, table: table, county: county))\""]
    }

    /// The body of `publication` in this format.
    func render(_ publication: Publication, perturbation: PerturbationTable, kommun: String?, table: CellTable?, county: String? = nil,
                day: CalendarDate) throws(HubError) -> [UInt8] {
        switch self {
        case .json: return publication.response.json
        case .csv: return publication.csv
        case .xlsx:
            return try PublicationWorkbook(table: PublicationTable(publication), maximumNoise: perturbation.maximumNoise, variance: perturbation.variance,
                                           kommun: kommun, tableFilter: table, county: county, day: day).bytes()
        }
    }
}
