import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa report period --period P [--html FILE]`: the kommun's own follow-up.
enum ReportPeriodCommand: KommunCommand {
    static let period = Arg.required("--period", .period, "Månad (2026-11) eller halvår (2026-H2).")
    static let html = Arg.option("--html", .path, "Skriv också en fristående HTML-fil med diagram.")
    static let spec = CommandSpec(
        "report period", "Kommunens egen uppföljning för en period, jämfört med perioden före.", arguments: [period, html],
        discussion: "Exakta antal ur registret; inga personuppgifter.")

    struct Figure {
        let label: String
        let current: Double?
        let previous: Double?
        let isShare: Bool
    }

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let period = arguments[period]
        let register = try context.openRegister()
        let current = try register.cells(for: period)
        let before: Period = period.isMonth ? Period.month(of: period.firstDay.adding(days: -1)) : period.previousHalf
        let previous = try register.cells(for: before)
        let figures = Self.figures(current, previous)
        let reasons = CodeCatalog.builtIn.codes(in: .deregistrationReason).filter { $0.code != KnownCode.felregistrerad }
        let byReason = reasons.map { reason in
            (reason.label, Self.count(current, .deregistered, reason.code), Self.count(previous, .deregistered, reason.code))
        }
        let state = period.isFrozen(today: register.today) ? "låst" : "preliminär"
        let out = context.output
        out.line("Uppföljning av aktivitetsansvaret, kommun \(register.kommun), \(period) (\(state)), jämfört med \(before):")
        out.write(Table.render(header: ["", String(describing: period), String(describing: before), "FÖRÄNDRING"],
                               rows: figures.map { [$0.label, show($0.current, $0.isShare), show($0.previous, $0.isShare), change($0)] }))
        out.line()
        out.line("Avregistrerade efter orsak:")
        out.write(Table.render(header: ["ORSAK", String(describing: period), String(describing: before)],
                               rows: byReason.map { [$0.0, String(Int($0.1)), String(Int($0.2))] }))
        if let path = arguments[html] {
            let page = Self.html(register: register, period: period, before: before, state: state, figures: figures, reasons: byReason)
            guard FileManager.default.createFile(atPath: path, contents: Data(page.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CommandLineError.badValue(argument: "--html", message: "kan inte skriva \(path)")
            }
            out.line()
            out.line("HTML-rapporten är skriven till \(path).")
        }
    }

    static func count(_ cells: [Cell], _ table: CellTable, _ code: String? = nil) -> Double {
        Double(cells.filter { $0.table == table && (code == nil || $0.dims.pairs.first?.value == code) }.reduce(0) { $0 + $1.n })
    }

    static func figures(_ current: [Cell], _ previous: [Cell]) -> [Figure] {
        func ratio(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b : nil }
        func within30(_ cells: [Cell]) -> Double? {
            ratio(count(cells, .firstContactDays, "0-7") + count(cells, .firstContactDays, "8-30"), count(cells, .firstContactDays))
        }
        return [
            Figure(label: "I aktivitetsansvaret", current: count(current, .inKAA), previous: count(previous, .inKAA), isShare: false),
            Figure(label: "Nya", current: count(current, .new), previous: count(previous, .new), isShare: false),
            Figure(label: "Nådda", current: count(current, .contacted), previous: count(previous, .contacted), isShare: false),
            Figure(label: "Andel nådda", current: ratio(count(current, .contacted), count(current, .inKAA)),
                   previous: ratio(count(previous, .contacted), count(previous, .inKAA)), isShare: true),
            Figure(label: "Andel nådda inom 30 dagar", current: within30(current), previous: within30(previous), isShare: true),
            Figure(label: "Pågående åtgärder (per typ)", current: count(current, .inMeasure), previous: count(previous, .inMeasure), isShare: false),
            Figure(label: "Tackade nej till åtgärd", current: count(current, .declined), previous: count(previous, .declined), isShare: false),
            Figure(label: "Avregistrerade", current: count(current, .deregistered), previous: count(previous, .deregistered), isShare: false),
        ]
    }

    static func show(_ value: Double?, _ isShare: Bool) -> String {
        SwedishFormat.figure(value, isShare: isShare)
    }

    static func change(_ figure: Figure) -> String {
        guard let current = figure.current, let previous = figure.previous else { return "–" }
        if figure.isShare {
            return String(format: "%+.1f procentenheter", (current - previous) * 100).replacingOccurrences(of: ".", with: ",")
        }
        return String(format: "%+d", Int(current - previous))
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A self-contained page: inline CSS, SVG bars comparing the two periods, no external assets.
    static func html(register: Register, period: Period, before: Period, state: String, figures: [Figure], reasons: [(String, Double, Double)]) -> String {
        let counts = figures.filter { !$0.isShare }
        let maximum = max(1, counts.flatMap { [$0.current ?? 0, $0.previous ?? 0] }.max() ?? 1)
        let rowHeight = 44.0, left = 210.0, plot = 380.0
        var svg = "<svg role=\"img\" aria-labelledby=\"t d\" viewBox=\"0 0 680 \(Int(Double(counts.count) * rowHeight + 30))\">"
        svg += "<title id=\"t\">\(period) jämfört med \(before)</title><desc id=\"d\">"
        svg += escape(counts.map { "\($0.label): \(show($0.current, false)) mot \(show($0.previous, false))" }.joined(separator: "; ")) + "</desc>"
        for (index, figure) in counts.enumerated() {
            let y = Double(index) * rowHeight + 6
            let a = plot * (figure.current ?? 0) / maximum, b = plot * (figure.previous ?? 0) / maximum
            svg += "<text x=\"\(Int(left - 8))\" y=\"\(Int(y + 20))\" text-anchor=\"end\">\(escape(figure.label))</text>"
            svg += "<rect x=\"\(Int(left))\" y=\"\(Int(y + 4))\" width=\"\(String(format: "%.1f", a))\" height=\"16\" fill=\"#0b5f9e\"/>"
            svg += "<text x=\"\(String(format: "%.1f", left + a + 6))\" y=\"\(Int(y + 17))\">\(show(figure.current, false))</text>"
            svg += "<rect x=\"\(Int(left))\" y=\"\(Int(y + 22))\" width=\"\(String(format: "%.1f", b))\" height=\"12\" fill=\"#9aa9b7\"/>"
            svg += "<text x=\"\(String(format: "%.1f", left + b + 6))\" y=\"\(Int(y + 33))\" class=\"small\">\(show(figure.previous, false))</text>"
        }
        svg += "</svg>"
        var rows = ""
        for figure in figures {
            rows += "<tr><th scope=\"row\">\(escape(figure.label))</th><td>\(show(figure.current, figure.isShare))</td><td>\(show(figure.previous, figure.isShare))</td><td>\(change(figure))</td></tr>"
        }
        var reasonRows = ""
        for reason in reasons { reasonRows += "<tr><th scope=\"row\">\(escape(reason.0))</th><td>\(Int(reason.1))</td><td>\(Int(reason.2))</td></tr>" }
        return """
            <!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Uppföljning \(period), kommun \(register.kommun)</title>
            <style>body{font-family:system-ui,sans-serif;color:#1b1b1b;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
            table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #c9d3dd;padding:.3rem .6rem;text-align:right}
            th[scope=row],thead th:first-child{text-align:left}thead th{background:#0b3d62;color:#fff}svg{max-width:100%;height:auto;font-size:13px}
            .small{font-size:11px}.key span{display:inline-block;width:1rem;height:.8rem;margin:0 .3rem 0 1rem}</style></head><body>
            <h1>Uppföljning av aktivitetsansvaret \(period)</h1>
            <p>Kommun \(register.kommun). Siffrorna är exakta antal ur kommunens register (\(state)), jämförda med \(before).
            Rapporten innehåller inga personuppgifter.</p>
            <h2>Nyckeltal</h2><table><thead><tr><th scope="col">Nyckeltal</th><th scope="col">\(period)</th><th scope="col">\(before)</th>
            <th scope="col">Förändring</th></tr></thead><tbody>\(rows)</tbody></table>
            <h2>Jämförelse</h2><p class="key"><span style="background:#0b5f9e"></span>\(period)<span style="background:#9aa9b7"></span>\(before)</p>\(svg)
            <h2>Avregistrerade efter orsak</h2><table><thead><tr><th scope="col">Orsak</th><th scope="col">\(period)</th><th scope="col">\(before)</th></tr></thead>
            <tbody>\(reasonRows)</tbody></table></body></html>
            """
    }
}
