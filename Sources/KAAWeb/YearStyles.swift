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
        .setting{border:1px solid #c9d3dd;border-radius:4px;padding:.1rem 1rem .8rem;margin:.8rem 0;max-width:52rem}
        .setting h3{margin-top:.7rem}.setting>p.muted{margin:.2rem 0 .6rem}
        .setting dl.setting-facts{margin:.4rem 0}
        .setting form{display:flex;flex-wrap:wrap;align-items:flex-end;gap:0 1rem;margin:.3rem 0}
        .setting form .field{flex:1 1 14rem;margin:.5rem 0}
        .setting form .field:has(textarea){max-width:none;flex-basis:100%}
        .setting textarea{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9rem;min-height:14rem}
        .setting form button{margin:.5rem 0}
        """
    static var css: String {
        [monthRun, letters, reports, logReview, settings].map(\.description).joined(separator: "\n")
    }
}
