import KAAResources

/// The 290 kommuner and 21 län, from `seeds/kommuner.csv` and `seeds/lan.csv`.
public enum Kommuner {
    /// A kommun: code, short name, county code.
    public struct Kommun: Sendable, Equatable {
        public let code: String
        public let name: String
        public let county: String
    }

    /// Every kommun by code.
    public static let all: [String: Kommun] = {
        var result: [String: Kommun] = [:]
        for line in lines("seeds/kommuner.csv") where line.count >= 4 {
            result[line[0]] = Kommun(code: line[0], name: line[2], county: line[3])
        }
        return result
    }()

    /// County names by code.
    public static let counties: [String: String] = {
        var result: [String: String] = [:]
        for line in lines("seeds/lan.csv") where line.count >= 2 { result[line[0]] = line[1] }
        return result
    }()

    /// The kommuner of a county, by code.
    public static func inCounty(_ county: String) -> [Kommun] {
        all.values.filter { $0.county == county }.sorted { $0.code < $1.code }
    }

    private static func lines(_ path: String) -> [[String]] {
        (EmbeddedFiles.text(path) ?? "").split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
