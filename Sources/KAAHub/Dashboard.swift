import Foundation
import KAACore

/// The public dashboard (design §8): server-rendered HTML with inline CSS and SVG charts, no
/// JavaScript and no external assets. Every number on it is a published (protected) figure.
struct Dashboard {
    let hub: Hub
    let today: CalendarDate

    /// `/` (the region) or `/kommun/{code}` for one kommun.
    func page(period requested: String?, kommun: String?) throws -> (status: Int, html: String) {
        let period: Period
        if let requested {
            guard let parsed = Period(requested), (2000...2100).contains(parsed.firstDay.year) else {
                return (400, document(title: "Felaktig period", body: "<h1>Felaktig period</h1><p>Välj en månad (2026-11) eller ett halvår (2026-H2). <a href=\"/\">Till regionen</a></p>"))
            }
            period = parsed
        } else {
            period = Period.month(of: today)
        }
        let sites = try hub.sites()
        if let kommun, !sites.contains(where: { $0.kommun == kommun }) {
            return (404, document(title: "Okänd kommun", body: "<h1>Okänd kommun</h1><p><a href=\"/\">Till regionen</a></p>"))
        }
        let publication = try hub.publication(period: period, kommun: kommun, today: today)
        let names = Dictionary(uniqueKeysWithValues: sites.map { ($0.kommun, $0.name) })
        let title = kommun.map { "\(names[$0] ?? $0): aktivitetsansvaret \(period)" } ?? "Regionens aktivitetsansvar \(period)"
        var body = "<header><p class=\"crumb\"><a href=\"/?period=\(period)\">Regionen</a>\(kommun.map { " › " + escape(names[$0] ?? $0) } ?? "")</p>"
        body += "<h1>\(escape(title))</h1>" + periodForm(period, kommun: kommun) + "</header><main>"
        body += status(publication, sites: sites, names: names, kommun: kommun)
        if let kommun {
            body += kommunSection(publication, kommun: kommun)
            body += trend(kommun: kommun, ending: period, name: names[kommun] ?? kommun)
        } else {
            body += regionTable(publication, sites: sites)
            body += shareChart(publication, sites: sites)
            body += reasonTable(publication, sites: sites)
            body += trend(kommun: nil, ending: period, name: "Regionen")
        }
        let query = "period=\(period)" + (kommun.map { "&amp;kommun=\($0)" } ?? "")
        body += "<section aria-labelledby=\"dl\"><h2 id=\"dl\">Ladda ner</h2><ul><li><a href=\"/v1/published.csv?\(query)\">Siffrorna som CSV (Excel)</a></li>"
        body += "<li><a href=\"/v1/published?\(query)\">Siffrorna som JSON</a></li></ul></section>"
        body += protectionNote + "</main>"
        return (200, document(title: title, body: body))
    }

    // MARK: - Parts

    private func periodForm(_ current: Period, kommun: String?) -> String {
        var options: [Period] = []
        var month = Period.month(of: today)
        for _ in 0..<18 {
            options.append(month)
            month = Period.month(of: month.firstDay.adding(days: -1))
        }
        var half = Period.half(of: today)
        for _ in 0..<4 {
            options.append(half)
            half = half.previousHalf
        }
        if !options.contains(current) { options.insert(current, at: 0) }
        let action = kommun.map { "/kommun/\($0)" } ?? "/"
        var html = "<form method=\"get\" action=\"\(action)\"><label for=\"period\">Period</label> <select id=\"period\" name=\"period\">"
        for option in options {
            html += "<option value=\"\(option)\"\(option == current ? " selected" : "")>\(label(option))</option>"
        }
        return html + "</select> <button type=\"submit\">Visa</button></form>"
    }

    private func status(_ publication: Publication, sites: [SiteInfo], names: [String: String], kommun: String?) -> String {
        var html = "<p class=\"status\">"
        if publication.isPreliminary {
            html += "<strong class=\"prelim\">Preliminära siffror:</strong> perioden är öppen och siffrorna kan ändras. "
        } else {
            html += "Slutliga siffror för en låst period. "
        }
        html += "\(publication.reporting) av \(publication.enrolled) kommuner har rapporterat för perioden.</p>"
        // A kommun's page is filtered to that kommun: only the region page can tell who is missing.
        let reported = Set(publication.figures.compactMap(\.kommun))
        let missing = sites.filter { kommun == nil ? !reported.contains($0.kommun) : ($0.kommun == kommun && !reported.contains($0.kommun)) }
            .map { names[$0.kommun] ?? $0.kommun }
        if !missing.isEmpty {
            html += "<p class=\"missing\">Saknas: \(escape(missing.joined(separator: ", ")))</p>"
        }
        return html
    }

    private func value(_ publication: Publication, _ kommun: String?, _ table: CellTable, _ dims: [String: String] = [:]) -> Int? {
        let wanted = Dims(dims)
        return publication.figures.first { $0.kommun == kommun && $0.table == table && $0.dims == wanted }?.value
    }

    private func sum(_ publication: Publication, _ kommun: String?, _ table: CellTable) -> Int? {
        let values = publication.figures.filter { $0.kommun == kommun && $0.table == table && !$0.dims.pairs.isEmpty }.map(\.value)
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    private func share(_ publication: Publication, _ kommun: String?) -> Double? {
        publication.shares.first { $0.kommun == kommun }?.share ?? nil
    }

    /// Share of those registered in the period who were reached within 30 days.
    private func reachedWithin30(_ publication: Publication, _ kommun: String?) -> Double? {
        guard let total = value(publication, kommun, .firstContactDays), total > 0 else { return nil }
        let quick = (value(publication, kommun, .firstContactDays, ["band": "0-7"]) ?? 0) + (value(publication, kommun, .firstContactDays, ["band": "8-30"]) ?? 0)
        return min(1, Double(quick) / Double(total))
    }

    private func regionTable(_ publication: Publication, sites: [SiteInfo]) -> String {
        var html = "<section aria-labelledby=\"overview\"><h2 id=\"overview\">Kommunerna i regionen</h2><div class=\"scroll\"><table>"
        html += "<caption>Unga i det kommunala aktivitetsansvaret, \(label(publication.period)), skyddade antal</caption><thead><tr>"
        for header in ["Kommun", "I aktivitetsansvaret", "Andel av 16–19-åringar", "Nådda", "I åtgärd", "Avregistrerade", "Nådda inom 30 dagar"] {
            html += "<th scope=\"col\">\(header)</th>"
        }
        html += "</tr></thead><tbody>"
        for site in sites {
            html += "<tr><th scope=\"row\"><a href=\"/kommun/\(site.kommun)?period=\(publication.period)\">\(escape(site.name))</a></th>"
            html += row(publication, site.kommun) + "</tr>"
        }
        html += "</tbody><tfoot><tr><th scope=\"row\">Regionen</th>" + row(publication, nil) + "</tr></tfoot></table></div></section>"
        return html
    }

    private func row(_ publication: Publication, _ kommun: String?) -> String {
        let cells = [number(value(publication, kommun, .inKAA)), percent(share(publication, kommun)), number(value(publication, kommun, .contacted)),
                     number(sum(publication, kommun, .inMeasure)), number(value(publication, kommun, .deregistered)), percent(reachedWithin30(publication, kommun))]
        return cells.map { "<td>\($0)</td>" }.joined()
    }

    private func reasonTable(_ publication: Publication, sites: [SiteInfo]) -> String {
        let reasons = CodeCatalog.builtIn.codes(in: .deregistrationReason).filter { $0.code != KnownCode.felregistrerad }
        var html = "<section aria-labelledby=\"reasons\"><h2 id=\"reasons\">Avregistrerade efter orsak</h2><div class=\"scroll\"><table>"
        html += "<caption>Avregistrerade under \(label(publication.period)) efter orsak, skyddade antal</caption><thead><tr><th scope=\"col\">Kommun</th>"
        for reason in reasons { html += "<th scope=\"col\">\(escape(reason.label))</th>" }
        html += "</tr></thead><tbody>"
        for owner in sites.map({ Optional($0.kommun) }) + [nil] {
            let name = owner.flatMap { code in sites.first { $0.kommun == code }?.name } ?? "Regionen"
            html += "<tr><th scope=\"row\">\(escape(name))</th>"
            for reason in reasons { html += "<td>\(number(value(publication, owner, .deregistered, ["reason": reason.code])))</td>" }
            html += "</tr>"
        }
        return html + "</tbody></table></div></section>"
    }

    private func kommunSection(_ publication: Publication, kommun: String) -> String {
        var html = "<section aria-labelledby=\"key\"><h2 id=\"key\">Nyckeltal</h2><dl class=\"keys\">"
        let pairs: [(String, String)] = [
            ("I aktivitetsansvaret", number(value(publication, kommun, .inKAA))), ("Andel av 16–19-åringar", percent(share(publication, kommun))),
            ("Regionens andel", percent(share(publication, nil))), ("Nya", number(value(publication, kommun, .new))),
            ("Nådda", number(value(publication, kommun, .contacted))), ("Nådda inom 30 dagar", percent(reachedWithin30(publication, kommun))),
            ("I åtgärd", number(sum(publication, kommun, .inMeasure))), ("Tackade nej till åtgärd", number(value(publication, kommun, .declined))),
            ("Avregistrerade", number(value(publication, kommun, .deregistered))),
        ]
        for (term, definition) in pairs { html += "<div><dt>\(term)</dt><dd>\(definition)</dd></div>" }
        html += "</dl></section><section aria-labelledby=\"occ\"><h2 id=\"occ\">Sysselsättning vid periodens slut</h2><div class=\"scroll\"><table>"
        html += "<caption>Vad de som var i aktivitetsansvaret gjorde, skyddade antal</caption><thead><tr><th scope=\"col\">Sysselsättning</th><th scope=\"col\">Antal</th></tr></thead><tbody>"
        for code in CodeCatalog.builtIn.codes(in: .occupation) {
            if let count = value(publication, kommun, .occupationEnd, ["occupation": code.code]) {
                html += "<tr><th scope=\"row\">\(escape(code.label))</th><td>\(count)</td></tr>"
            }
        }
        return html + "</tbody></table></div></section>"
    }

    // MARK: - Charts (SVG with axes, labels and a text alternative)

    private func shareChart(_ publication: Publication, sites: [SiteInfo]) -> String {
        let bars: [(String, Double)] = sites.compactMap { site in share(publication, site.kommun).map { (site.name, $0) } }
            + (share(publication, nil).map { [("Regionen", $0)] } ?? [])
        guard !bars.isEmpty else { return "" }
        let step = Self.niceStep(max(0.01, bars.map(\.1).max() ?? 0), steps: 4)
        let maximum = step * 4
        let rowHeight = 26.0, left = 130.0, width = 640.0, top = 10.0
        let height = top + Double(bars.count) * rowHeight + 40
        let plot = width - left - 60
        var svg = "<svg role=\"img\" aria-labelledby=\"bar-title bar-desc\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"chart\">"
        svg += "<title id=\"bar-title\">Andel av 16–19-åringarna i aktivitetsansvaret per kommun, \(label(publication.period))</title>"
        svg += "<desc id=\"bar-desc\">" + escape(bars.map { "\($0.0) \(percent($0.1))" }.joined(separator: ", ")) + "</desc>"
        for tick in 0...4 {
            let fraction = maximum * Double(tick) / 4
            let x = left + plot * Double(tick) / 4
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(height - 30))\" class=\"grid\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(height - 12))\" text-anchor=\"middle\" class=\"axis\">\(percent(fraction))</text>"
        }
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            let w = plot * bar.1 / maximum
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 17))\" text-anchor=\"end\" class=\"label\">\(escape(bar.0))</text>"
            svg += "<rect x=\"\(f(left))\" y=\"\(f(y + 4))\" width=\"\(f(w))\" height=\"18\" class=\"\(bar.0 == "Regionen" ? "bar region" : "bar")\"/>"
            svg += "<text x=\"\(f(left + w + 6))\" y=\"\(f(y + 17))\" class=\"value\">\(percent(bar.1))</text>"
        }
        svg += "</svg>"
        return "<section aria-labelledby=\"bars\"><h2 id=\"bars\">Andel av 16–19-åringarna i aktivitetsansvaret</h2><figure>\(svg)"
            + "<figcaption>Andelen räknas ur publicerade (skyddade) antal. Den är en indikator: täljare och nämnare räknas på olika sätt.</figcaption></figure></section>"
    }

    private func trend(kommun: String?, ending: Period, name: String) -> String {
        var months: [Period] = []
        var month = Period.month(of: ending.lastDay)
        for _ in 0..<12 {
            if month.firstDay <= today { months.insert(month, at: 0) }
            month = Period.month(of: month.firstDay.adding(days: -1))
        }
        let points: [(Period, Int)] = months.compactMap { month in
            guard let publication = try? hub.publication(period: month, table: .inKAA, kommun: kommun, today: today),
                  let total = publication.figures.first(where: { $0.kommun == kommun && $0.dims.pairs.isEmpty })?.value else { return nil }
            return (month, total)
        }
        guard points.count >= 2 else { return "" }
        let width = 640.0, height = 240.0, left = 50.0, right = 20.0, top = 15.0, bottom = 40.0
        let maximum = max(4, Self.niceStep(Double(max(1, points.map(\.1).max() ?? 1)), steps: 4).rounded(.up) * 4)
        let step = (width - left - right) / Double(max(1, points.count - 1))
        func x(_ index: Int) -> Double { left + Double(index) * step }
        func y(_ value: Int) -> Double { height - bottom - (height - top - bottom) * Double(value) / maximum }
        var svg = "<svg role=\"img\" aria-labelledby=\"trend-title trend-desc\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" class=\"chart\">"
        svg += "<title id=\"trend-title\">\(escape(name)): unga i aktivitetsansvaret per månad</title>"
        svg += "<desc id=\"trend-desc\">" + escape(points.map { "\(label($0.0)): \($0.1)" }.joined(separator: ", ")) + "</desc>"
        for tick in 0...4 {
            let value = Int((maximum * Double(tick) / 4).rounded())
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(value)))\" class=\"grid\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\" class=\"axis\">\(value)</text>"
        }
        svg += "<polyline class=\"line\" points=\"" + points.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element.1)))" }.joined(separator: " ") + "\"/>"
        for (index, point) in points.enumerated() {
            svg += "<circle cx=\"\(f(x(index)))\" cy=\"\(f(y(point.1)))\" r=\"4\" class=\"dot\"/>"
            svg += "<text x=\"\(f(x(index)))\" y=\"\(f(height - 14))\" text-anchor=\"middle\" class=\"axis\">\(point.0.description.suffix(2))</text>"
        }
        svg += "</svg>"
        return "<section aria-labelledby=\"trend\"><h2 id=\"trend\">Utvecklingen månad för månad</h2><figure>\(svg)"
            + "<figcaption>Unga i aktivitetsansvaret någon gång under månaden (skyddade antal). Månadsnummer på den vågräta axeln.</figcaption></figure></section>"
    }

    // MARK: - Helpers

    /// A round step (1, 2, 2.5 or 5 times a power of ten) so that `steps` of them reach `maximum`.
    static func niceStep(_ maximum: Double, steps: Int) -> Double {
        let raw = maximum / Double(steps)
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= raw {
            return factor * magnitude
        }
        return 10 * magnitude
    }

    private var protectionNote: String {
        """
        <section aria-labelledby="about"><h2 id="about">Om siffrorna</h2><p>Kommunerna skickar bara antal, aldrig namn, personnummer,
        adresser eller födelsedatum. Alla antal här är skyddade med cell-nyckelmetoden, samma metod som SCB använder för
        befolkningsstatistik: varje antal har fått ett litet brus (högst ±\(hub.perturbation.maximumNoise), i genomsnitt noll) som bestäms av
        vilka personer som ingår. Samma grupp ger därför alltid samma tal, och summor och skillnader mellan tabeller avslöjar
        inte enskilda personer. Delsummor behöver inte gå jämnt upp med totalen.</p></section>
        """
    }

    private func label(_ period: Period) -> String {
        switch period {
        case let .month(year, month):
            let names = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"]
            return "\(names[month - 1]) \(year)"
        case let .half(year, half):
            return "\(half == 1 ? "första" : "andra") halvåret \(year)"
        }
    }

    private func number(_ value: Int?) -> String { value.map(String.init) ?? "–" }

    private func percent(_ value: Double?) -> String { SwedishFormat.percent(value) }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) – KAA</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.5}
        header{background:#0b3d62;color:#fff;padding:1rem 2rem}header a{color:#fff}h1{margin:.2rem 0 .6rem;font-size:1.7rem}
        main{padding:1rem 2rem;max-width:70rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #0b3d62}
        .crumb{margin:0;font-size:.95rem}form{margin:.3rem 0}select,button{font-size:1rem;padding:.25rem .5rem}
        button{background:#fff;color:#0b3d62;border:2px solid #fff;border-radius:4px;font-weight:600}
        a{color:#0b4f8a}a:focus,button:focus,select:focus{outline:3px solid #f2b705;outline-offset:2px}
        .status{background:#eef3f8;border-left:5px solid #0b3d62;padding:.6rem 1rem}.prelim{color:#8a3b00}
        .missing{color:#8a3b00}table{border-collapse:collapse;min-width:100%}caption{text-align:left;font-weight:600;padding:.4rem 0}
        th,td{border-bottom:1px solid #c9d3dd;padding:.35rem .6rem;text-align:right}th[scope=row],th[scope=col]:first-child{text-align:left}
        thead th{background:#0b3d62;color:#fff}tfoot th,tfoot td{font-weight:700;border-top:2px solid #0b3d62}
        .scroll{overflow-x:auto}.chart{max-width:100%;height:auto}.grid{stroke:#d5dde5;stroke-width:1}
        .axis,.label,.value{font-size:12px;fill:#1b1b1b}.bar{fill:#0b5f9e}.bar.region{fill:#8a3b00}
        .line{fill:none;stroke:#0b5f9e;stroke-width:3}.dot{fill:#0b5f9e}figcaption{font-size:.9rem;color:#3a3a3a}
        .keys{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.6rem}.keys div{border:1px solid #c9d3dd;padding:.5rem}
        dt{font-size:.9rem}dd{margin:0;font-size:1.5rem;font-weight:700}
        </style></head><body>\(body)</body></html>
        """
    }
}
