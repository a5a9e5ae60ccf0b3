import Foundation
import KAACore
@testable import KAAKommunCLI
import Testing

@Suite struct PeriodReportPageTests {
    /// Labels and the kommun are ours today, but every text position of the page must escape anyway.
    @Test func everyTextOfTheReportIsEscaped() throws {
        let hostile = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> & '</style></title>"
        let period = try #require(Period("2026-11")), before = try #require(Period("2026-10"))
        let figures = [ReportPeriodCommand.Figure(label: hostile, current: 3, previous: 1, isShare: false),
                       ReportPeriodCommand.Figure(label: hostile, current: 0.5, previous: nil, isShare: true)]
        let html = PeriodReportPage.document(kommun: hostile, period: period, before: before, state: hostile,
                                             figures: figures, reasons: [(hostile, 1, 0)]).renderDocument()
        #expect(!html.contains("<script") && !html.contains("<img"), "\(html)")
        // The head's <title> and the chart's: no text closed either early, nor the stylesheet.
        #expect(html.components(separatedBy: "</title>").count == 3 && html.components(separatedBy: "</style>").count == 2)
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; \"&gt;&lt;img src=x onerror=alert(1)&gt; &amp; '&lt;/style&gt;&lt;/title&gt;"
        // In the head's title, the paragraph (kommun, state), both tables, the chart's label and its description.
        #expect(html.components(separatedBy: escaped).count - 1 >= 8, "\(html)")
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg role=\"img\"") && !html.contains("http"))
    }
}
