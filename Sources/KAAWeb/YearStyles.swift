/// Rules for the pages of a KAA year (issue 16: Månadskörning, Brev, Rapporter, SCB-rapport,
/// Loggkontroll, Inställningar), appended to `WebStyles.css` when served. Each page family has
/// its own block.
enum YearStyles {
    /// Månadskörning.
    static let monthRun: StaticString = """
        form.upload input[type=file]{width:100%;max-width:32rem;padding:.4rem 0}
        .progress{margin:1rem 0;max-width:40rem}.progress label{display:block;margin-bottom:.3rem}
        .progress progress{width:100%;height:1.4rem}
        ul.summary{padding-left:1.2rem}ul.summary li{margin:.15rem 0}
        fieldset.choice legend{font-weight:400;padding:0 .3rem}fieldset.choice .field.check{margin:.3rem 0}
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
        form.period{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}form.period .field{margin:0}
        .report-part{margin:1.5rem 0}.charts,.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem;align-items:start}
        svg.chart{width:100%;max-width:42rem;height:auto}svg.chart .bar{fill:#0b5f9e}svg.chart .bar.previous{fill:#6b7b8c}
        svg.chart .label,svg.chart .value{font-size:13px;fill:#1b1b1b}table.figures td{text-align:right;font-variant-numeric:tabular-nums}
        section.quality ul.people{columns:2 22rem;padding-left:1.2rem}section.quality ul.people li{break-inside:avoid}
        .check:not(.field){border-left:4px solid #b00020;padding:.2rem .8rem;margin:.8rem 0}table.diff tr.added td:first-child{color:#1d6b2f}
        table.diff tr.removed td:first-child{color:#b00020}table.diff td{font-variant-numeric:tabular-nums}
        td{overflow-wrap:anywhere}
        """
    /// Loggkontroll's risk views and sample.
    static let logReview: StaticString = """
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        ul.changes{margin:0;padding-left:1rem}ul.changes .field{font-weight:600}table.log .detail{display:block;font-size:.85rem;color:#3a4a5a}
        table.log tr:target{background:#fff4c2}
        .person-search{margin:1rem 0 1.5rem;padding:.2rem 1rem .8rem;border:1px solid #c9d3dd;border-radius:4px}
        .person-search h2{border-bottom:0;margin-top:.6rem}
        nav.risk-views ul{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:1rem 0}
        nav.risk-views a{display:inline-block;padding:.35rem .8rem;border:2px solid #0b3d62;border-radius:4px;text-decoration:none;font-weight:600}
        nav.risk-views a[aria-current=page]{background:#0b3d62;color:#fff}
        table.sample fieldset.verdict{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:0 1rem}
        table.sample fieldset.verdict legend{font-weight:600;padding:0}table.sample .field.check{margin:.3rem 0}
        table.sample td.judgement{min-width:18rem}table.sample .field textarea{min-height:3rem}
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
