/// Rules for the pages of a KAA year (issue 16: Månadskörning, Brev, Rapporter, SCB-rapport,
/// Loggkontroll, Inställningar), appended to `WebStyles.css` when served. Each page family has
/// its own block.
enum YearStyles {
    /// Månadskörning.
    static let monthRun: StaticString = """
        """
    /// Brev (and the letters' print stylesheet).
    static let letters: StaticString = """
        """
    /// Rapporter and SCB-rapport.
    static let reports: StaticString = """
        """
    /// Loggkontroll's risk views and sample.
    static let logReview: StaticString = """
        """
    /// Inställningar.
    static let settings: StaticString = """
        """
    static var css: String {
        [monthRun, letters, reports, logReview, settings].map(\.description).joined(separator: "\n")
    }
}
