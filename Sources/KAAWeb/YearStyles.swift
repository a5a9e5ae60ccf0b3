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
        form.period{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}form.period .field{margin:0}
        .report-part{margin:1.5rem 0}.charts,.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem;align-items:start}
        svg.chart{width:100%;max-width:42rem;height:auto}svg.chart .bar{fill:#0b5f9e}svg.chart .bar.previous{fill:#6b7b8c}
        svg.chart .label,svg.chart .value{font-size:13px;fill:#1b1b1b}table.figures td{text-align:right;font-variant-numeric:tabular-nums}
        section.quality ul.people{columns:2 22rem;padding-left:1.2rem}section.quality ul.people li{break-inside:avoid}
        .check{border-left:4px solid #b00020;padding:.2rem .8rem;margin:.8rem 0}table.diff tr.added td:first-child{color:#1d6b2f}
        table.diff tr.removed td:first-child{color:#b00020}table.diff td{font-variant-numeric:tabular-nums}
        td{overflow-wrap:anywhere}
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
