/// Rules for the pages of a KAA year (issue 16: Månadskörning, Brev, Rapporter, SCB-rapport,
/// Loggkontroll, Inställningar), appended to `WebStyles.css` when served. Each page family has
/// its own block.
enum YearStyles {
    /// Månadskörning.
    static let monthRun: StaticString = """
        """
    /// Brev (and the letters' print stylesheet: only the letters print, one per page).
    static let letters: StaticString = """
        fieldset.recipients{border:1px solid #c9d3dd;border-radius:4px;padding:.3rem 1rem .6rem;margin:1rem 0}
        fieldset.recipients legend{font-weight:600;padding:0 .3rem}fieldset.recipients .field{max-width:none;margin:.3rem 0}
        .excluded ul{columns:2 16rem}
        .letter{border:1px solid #c9d3dd;border-radius:4px;padding:2rem 2.5rem;margin:0 0 1.5rem;max-width:46rem;background:#fff}
        .letter-address{white-space:pre-line;margin:0 0 2.5rem}
        .letter-title{border:0;margin:0 0 1rem;font-size:1.2rem}
        .letter-text{white-space:pre-line}
        .template textarea{font-family:inherit;min-height:18rem}.template .field{max-width:46rem}
        .placeholders{display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;list-style:none}
        @media print{
          header.app,.skip,.no-print,main:has(.letters-print)>h1{display:none}
          main{padding:0;max-width:none}
          .letter{border:0;border-radius:0;padding:0;margin:0;max-width:none;page-break-after:always;break-after:page}
          .letter:last-child{page-break-after:auto;break-after:auto}
          .letter-address{margin-top:3cm}}
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
