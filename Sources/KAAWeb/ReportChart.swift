import Foundation
import KAAHTML

/// Horizontal bar charts as inline SVG (no script): two bars per row, this period's above the
/// previous one's, on one scale. Accessible: `role="img"` named by its `<title>` and `<desc>`
/// (which says every figure), and the page puts the same figures in a table beside it.
enum ReportChart {
    /// One row: a label and two values (nil: no figure).
    struct Row {
        let label: String
        let current: Double?
        let previous: Double?
    }

    /// The chart `id` (unique on the page) titled `title`; `show` writes a value as text.
    static func bars(id: String, title: String, currentLabel: String, previousLabel: String, rows: [Row],
                     show: (Double?) -> String) -> Node {
        let maximum = max(1, rows.flatMap { [$0.current ?? 0, $0.previous ?? 0] }.max() ?? 1)
        let rowHeight = 44.0, left = 300.0, plot = 340.0
        let bars = rows.enumerated().map { index, row -> Node in
            let y = Double(index) * rowHeight + 26
            let a = plot * max(0, row.current ?? 0) / maximum, b = plot * max(0, row.previous ?? 0) / maximum
            return .fragment([
                .svgText([Attribute("x", f(left - 8)), Attribute("y", f(y + 20)), Attribute("text-anchor", "end"), .class("label")], .text(row.label)),
                .rect([Attribute("x", f(left)), Attribute("y", f(y + 4)), Attribute("width", f(a)), Attribute("height", "16"), .class("bar")]),
                .svgText([Attribute("x", f(left + a + 6)), Attribute("y", f(y + 17)), .class("value")], .text(show(row.current))),
                .rect([Attribute("x", f(left)), Attribute("y", f(y + 22)), Attribute("width", f(b)), Attribute("height", "12"), .class("bar previous")]),
                .svgText([Attribute("x", f(left + b + 6)), Attribute("y", f(y + 33)), .class("value")], .text(show(row.previous))),
            ])
        }
        let legend = Node.fragment([
            .rect([Attribute("x", f(left)), Attribute("y", "4"), Attribute("width", "14"), Attribute("height", "12"), .class("bar")]),
            .svgText([Attribute("x", f(left + 20)), Attribute("y", "15"), .class("label")], .text(currentLabel)),
            .rect([Attribute("x", f(left + 130)), Attribute("y", "4"), Attribute("width", "14"), Attribute("height", "12"), .class("bar previous")]),
            .svgText([Attribute("x", f(left + 150)), Attribute("y", "15"), .class("label")], .text(previousLabel)),
        ])
        let description = rows.map { "\($0.label): \(show($0.current)) (\(currentLabel)) mot \(show($0.previous)) (\(previousLabel))" }
            .joined(separator: "; ")
        return .svg([.role("img"), .ariaLabelledBy("\(id)-t \(id)-d"), Attribute("viewBox", "0 0 720 \(Int(Double(rows.count) * rowHeight + 40))"),
                     .class("chart compare")],
                    .title([.id("\(id)-t")], .text(title)),
                    .desc([.id("\(id)-d")], .text(description)),
                    legend,
                    .fragment(bars))
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
