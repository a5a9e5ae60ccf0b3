import Foundation
import KAACore
import KAAHTML

/// The page `kaa report period --html` writes: one self-contained file (the shared stylesheet
/// inline, SVG bars comparing the two periods, no scripts, no external assets).
enum PeriodReportPage {
    /// The report of `kommun` for `period` against `before`, from the figures the text report prints
    /// (`reasons`: each deregistration reason's label with its count in `period` and in `before`).
    static func document(kommun: String, period: Period, before: Period, state: String,
                         figures: [ReportPeriodCommand.Figure], reasons: [(String, Double, Double)],
                         handovers: [(String, Double, Double)] = []) -> Node {
        let show = ReportPeriodCommand.show
        let keyRows = figures.map { figure in
            Node.tr([], .th([.scope("row")], .text(figure.label)), .td([], .text(show(figure.current, figure.isShare))),
                    .td([], .text(show(figure.previous, figure.isShare))), .td([], .text(ReportPeriodCommand.change(figure))))
        }
        let reasonRows = reasons.map { reason in
            Node.tr([], .th([.scope("row")], .text(reason.0)), .td([], "\(Int(reason.1))"), .td([], "\(Int(reason.2))"))
        }
        return Layout.page(
            title: "Uppföljning \(period), kommun \(kommun)",
            .main([.class("report")],
                  .h1([], "Uppföljning av aktivitetsansvaret \(period)"),
                  .p([], """
                      Kommun \(kommun). Siffrorna är exakta antal ur kommunens register (\(state)), jämförda med \(before).
                      Rapporten innehåller inga personuppgifter.
                      """),
                  .h2([], "Nyckeltal"),
                  table(["Nyckeltal", "\(period)", "\(before)", "Förändring"], keyRows),
                  .h2([], "Jämförelse"),
                  .p([.class("key")], .span([.class("current")]), "\(period)", .span([.class("previous")]), "\(before)"),
                  chart(period: period, before: before, figures: figures.filter { !$0.isShare }),
                  .h2([], "Avregistrerade efter orsak"),
                  table(["Orsak", "\(period)", "\(before)"], reasonRows),
                  handovers.isEmpty ? .empty : .fragment([
                      .h2([], "Utslussning"),
                      table(["", "\(period)", "\(before)"], handovers.map { row in
                          Node.tr([], .th([.scope("row")], .text(row.0.trimmingCharacters(in: .whitespaces))), .td([], "\(Int(row.1))"), .td([], "\(Int(row.2))"))
                      }),
                  ])))
    }

    private static func table(_ columns: [String], _ rows: [Node]) -> Node {
        .table([], .thead([], .tr([], .fragment(columns.map { Node.th([.scope("col")], .text($0)) }))), .tbody([], .fragment(rows)))
    }

    /// Two bars per count, this period's above the previous one's, on one scale.
    private static func chart(period: Period, before: Period, figures counts: [ReportPeriodCommand.Figure]) -> Node {
        let show = { ReportPeriodCommand.show($0, false) }
        let maximum = max(1, counts.flatMap { [$0.current ?? 0, $0.previous ?? 0] }.max() ?? 1)
        let rowHeight = 44.0, left = 210.0, plot = 380.0
        let bars = counts.enumerated().map { index, figure -> Node in
            let y = Double(index) * rowHeight + 6
            let a = plot * (figure.current ?? 0) / maximum, b = plot * (figure.previous ?? 0) / maximum
            return .fragment([
                .svgText([Attribute("x", "\(Int(left - 8))"), Attribute("y", "\(Int(y + 20))"), Attribute("text-anchor", "end")], .text(figure.label)),
                .rect([Attribute("x", "\(Int(left))"), Attribute("y", "\(Int(y + 4))"), Attribute("width", f(a)), Attribute("height", "16"), .class("bar")]),
                .svgText([Attribute("x", f(left + a + 6)), Attribute("y", "\(Int(y + 17))")], .text(show(figure.current))),
                .rect([Attribute("x", "\(Int(left))"), Attribute("y", "\(Int(y + 22))"), Attribute("width", f(b)), Attribute("height", "12"), .class("bar previous")]),
                .svgText([Attribute("x", f(left + b + 6)), Attribute("y", "\(Int(y + 33))"), .class("small")], .text(show(figure.previous))),
            ])
        }
        return .svg([.role("img"), .ariaLabelledBy("t d"), Attribute("viewBox", "0 0 680 \(Int(Double(counts.count) * rowHeight + 30))"), .class("chart compare")],
                    .title([.id("t")], "\(period) jämfört med \(before)"),
                    .desc([.id("d")], .text(counts.map { "\($0.label): \(show($0.current)) mot \(show($0.previous))" }.joined(separator: "; "))),
                    .fragment(bars))
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
