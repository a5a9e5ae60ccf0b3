import Foundation
import KAACore
import KAAHTML

/// The public dashboard (design §8): server-rendered HTML with inline CSS and SVG charts, no
/// JavaScript and no external assets. Every number on it is a published (protected) figure.
struct Dashboard {
    let hub: Hub
    let today: CalendarDate

    /// `/` (the region) or `/kommun/{code}` for one kommun, rendered.
    func page(period requested: String?, kommun: String?) throws -> (status: Int, html: String) {
        let page = try document(period: requested, kommun: kommun)
        return (page.status, page.document.renderDocument())
    }

    /// The page as nodes, so tests can read its structure.
    func document(period requested: String?, kommun: String?) throws -> (status: Int, document: Node) {
        let period: Period
        if let requested {
            guard let parsed = Period(requested), (2000...2100).contains(parsed.firstDay.year) else {
                return (400, layout(title: "Felaktig period",
                                    .h1([], "Felaktig period"),
                                    .p([], "Välj en månad (2026-11) eller ett halvår (2026-H2). ", .a([.href("/")], "Till regionen"))))
            }
            period = parsed
        } else {
            period = Period.month(of: today)
        }
        let sites = try hub.sites()
        if let kommun, !sites.contains(where: { $0.kommun == kommun }) {
            return (404, layout(title: "Okänd kommun", .h1([], "Okänd kommun"), .p([], .a([.href("/")], "Till regionen"))))
        }
        let publication = try hub.publication(period: period, kommun: kommun, today: today)
        let names = Dictionary(uniqueKeysWithValues: sites.map { ($0.kommun, $0.name) })
        let title = kommun.map { "\(names[$0] ?? $0): aktivitetsansvaret \(period)" } ?? "Regionens aktivitetsansvar \(period)"
        let sections: [Node]
        if let kommun {
            sections = [kommunSection(publication, kommun: kommun), trend(kommun: kommun, ending: period, name: names[kommun] ?? kommun)]
        } else {
            sections = [regionTable(publication, sites: sites), shareChart(publication, sites: sites),
                        reasonTable(publication, sites: sites), trend(kommun: nil, ending: period, name: "Regionen")]
        }
        let query = "period=\(period)" + (kommun.map { "&kommun=\($0)" } ?? "")
        let crumb = Node.p([.class("crumb")], .a([.href("/?period=\(period)")], "Regionen"), kommun.map { Node.text(" › " + (names[$0] ?? $0)) } ?? .empty)
        return (200, layout(title: title,
                            .header([], crumb, .h1([], .text(title)), periodForm(period, kommun: kommun)),
                            .main([],
                                  status(publication, sites: sites, names: names, kommun: kommun),
                                  .fragment(sections),
                                  .section([.ariaLabelledBy("dl")], .h2([.id("dl")], "Ladda ner"),
                                           .ul([],
                                               .li([], .a([.href("/v1/published.csv?\(query)")], "Siffrorna som CSV (Excel)")),
                                               .li([], .a([.href("/v1/published?\(query)")], "Siffrorna som JSON")))),
                                  protectionNote)))
    }

    /// The dashboard's frame: the shared layout, its title marked as KAA's in the browser's tab.
    private func layout(title: String, _ content: Node...) -> Node {
        Layout.page(title: "\(title) – KAA", .fragment(content))
    }

    // MARK: - Parts

    private func periodForm(_ current: Period, kommun: String?) -> Node {
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
        let choices = options.map { option in
            Node.option([.value("\(option)")] + (option == current ? [.selected] : []), .text(label(option)))
        }
        return .form([Attribute("method", "get"), Attribute("action", kommun.map { "/kommun/\($0)" } ?? "/")],
                     .label([.for("period")], "Period"), " ",
                     .select([.id("period"), .name("period")], .fragment(choices)), " ",
                     .button([.type("submit")], "Visa"))
    }

    private func status(_ publication: Publication, sites: [SiteInfo], names: [String: String], kommun: String?) -> Node {
        let state: Node = publication.isPreliminary
            ? .fragment([.strong([.class("prelim")], "Preliminära siffror:"), " perioden är öppen och siffrorna kan ändras. "])
            : "Slutliga siffror för en låst period. "
        let line = Node.p([.class("status")], state, "\(publication.reporting) av \(publication.enrolled) kommuner har rapporterat för perioden.")
        // A kommun's page is filtered to that kommun: only the region page can tell who is missing.
        let reported = Set(publication.figures.compactMap(\.kommun))
        let missing = sites.filter { kommun == nil ? !reported.contains($0.kommun) : ($0.kommun == kommun && !reported.contains($0.kommun)) }
            .map { names[$0.kommun] ?? $0.kommun }
        guard !missing.isEmpty else { return line }
        return .fragment([line, .p([.class("missing")], "Saknas: \(missing.joined(separator: ", "))")])
    }

    private func value(_ publication: Publication, _ kommun: String?, _ table: CellTable, _ dims: [String: String] = [:]) -> Int? {
        let wanted = Dims(dims)
        return publication.figures.first { $0.kommun == kommun && $0.table == table && $0.dims == wanted }?.value
    }

    private func sum(_ publication: Publication, _ kommun: String?, _ table: CellTable) -> Int? {
        let values = publication.figures.filter { $0.kommun == kommun && $0.table == table && !$0.dims.pairs.isEmpty }.map(\.value)
        return values.isEmpty ? nil : SaturatingSum.total(values)
    }

    private func share(_ publication: Publication, _ kommun: String?) -> Double? {
        publication.shares.first { $0.kommun == kommun }?.share ?? nil
    }

    /// Share of those registered in the period who were reached within 30 days.
    private func reachedWithin30(_ publication: Publication, _ kommun: String?) -> Double? {
        guard let total = value(publication, kommun, .firstContactDays), total > 0 else { return nil }
        let quick = SaturatingSum.add(value(publication, kommun, .firstContactDays, ["band": "0-7"]) ?? 0, value(publication, kommun, .firstContactDays, ["band": "8-30"]) ?? 0)
        return min(1, Double(quick) / Double(total))
    }

    /// A section with a heading (its `id` names the section for screen readers) and its content.
    private func section(_ id: String, _ heading: String, _ content: Node...) -> Node {
        .section([.ariaLabelledBy(id)], .h2([.id(id)], .text(heading)), .fragment(content))
    }

    /// A scrollable table, so a wide one does not widen a phone's page.
    private func table(caption: String, columns: [String], body: [Node], foot: Node? = nil) -> Node {
        .div([.class("scroll")],
             .table([],
                    .caption([], .text(caption)),
                    .thead([], .tr([], .fragment(columns.map { Node.th([.scope("col")], .text($0)) }))),
                    .tbody([], .fragment(body)),
                    foot.map { Node.tfoot([], $0) } ?? .empty))
    }

    private func regionTable(_ publication: Publication, sites: [SiteInfo]) -> Node {
        let rows = sites.map { site in
            Node.tr([], .th([.scope("row")], .a([.href("/kommun/\(site.kommun)?period=\(publication.period)")], .text(site.name))),
                    row(publication, site.kommun))
        }
        return section("overview", "Kommunerna i regionen",
                       table(caption: "Unga i det kommunala aktivitetsansvaret, \(label(publication.period)), skyddade antal",
                             columns: ["Kommun", "I aktivitetsansvaret", "Andel av 16–19-åringar", "Nådda", "I åtgärd", "Avregistrerade", "Nådda inom 30 dagar"],
                             body: rows, foot: .tr([], .th([.scope("row")], "Regionen"), row(publication, nil))))
    }

    private func row(_ publication: Publication, _ kommun: String?) -> Node {
        let cells = [number(value(publication, kommun, .inKAA)), percent(share(publication, kommun)), number(value(publication, kommun, .contacted)),
                     number(sum(publication, kommun, .inMeasure)), number(value(publication, kommun, .deregistered)), percent(reachedWithin30(publication, kommun))]
        return .fragment(cells.map { Node.td([], .text($0)) })
    }

    private func reasonTable(_ publication: Publication, sites: [SiteInfo]) -> Node {
        let reasons = CodeCatalog.builtIn.codes(in: .deregistrationReason).filter { $0.code != KnownCode.felregistrerad }
        let rows = (sites.map { Optional($0.kommun) } + [nil]).map { owner in
            let name = owner.flatMap { code in sites.first { $0.kommun == code }?.name } ?? "Regionen"
            return Node.tr([], .th([.scope("row")], .text(name)),
                           .fragment(reasons.map { Node.td([], .text(number(value(publication, owner, .deregistered, ["reason": $0.code])))) }))
        }
        return section("reasons", "Avregistrerade efter orsak",
                       table(caption: "Avregistrerade under \(label(publication.period)) efter orsak, skyddade antal",
                             columns: ["Kommun"] + reasons.map(\.label), body: rows))
    }

    private func kommunSection(_ publication: Publication, kommun: String) -> Node {
        let pairs: [(String, String)] = [
            ("I aktivitetsansvaret", number(value(publication, kommun, .inKAA))), ("Andel av 16–19-åringar", percent(share(publication, kommun))),
            ("Regionens andel", percent(share(publication, nil))), ("Nya", number(value(publication, kommun, .new))),
            ("Nådda", number(value(publication, kommun, .contacted))), ("Nådda inom 30 dagar", percent(reachedWithin30(publication, kommun))),
            ("I åtgärd", number(sum(publication, kommun, .inMeasure))), ("Tackade nej till åtgärd", number(value(publication, kommun, .declined))),
            ("Avregistrerade", number(value(publication, kommun, .deregistered))),
        ]
        let occupations = CodeCatalog.builtIn.codes(in: .occupation).compactMap { code in
            value(publication, kommun, .occupationEnd, ["occupation": code.code]).map { count in
                Node.tr([], .th([.scope("row")], .text(code.label)), .td([], "\(count)"))
            }
        }
        return .fragment([
            section("key", "Nyckeltal", .dl([.class("keys")], .fragment(pairs.map { Node.div([], .dt([], .text($0.0)), .dd([], .text($0.1))) }))),
            section("occ", "Sysselsättning vid periodens slut",
                    table(caption: "Vad de som var i aktivitetsansvaret gjorde, skyddade antal", columns: ["Sysselsättning", "Antal"], body: occupations)),
        ])
    }

    // MARK: - Charts (SVG with axes, labels and a text alternative)

    private func shareChart(_ publication: Publication, sites: [SiteInfo]) -> Node {
        let bars: [(String, Double)] = sites.compactMap { site in share(publication, site.kommun).map { (site.name, $0) } }
            + (share(publication, nil).map { [("Regionen", $0)] } ?? [])
        guard !bars.isEmpty else { return .empty }
        let step = Self.niceStep(max(0.01, bars.map(\.1).max() ?? 0), steps: 4)
        let maximum = step * 4
        let rowHeight = 26.0, left = 130.0, width = 640.0, top = 10.0
        let height = top + Double(bars.count) * rowHeight + 40
        let plot = width - left - 60
        let ticks = (0...4).map { tick -> Node in
            let x = left + plot * Double(tick) / 4
            return .fragment([
                .line([a("x1", x), a("y1", top), a("x2", x), a("y2", height - 30), .class("grid")]),
                .svgText([a("x", x), a("y", height - 12), Attribute("text-anchor", "middle"), .class("axis")], .text(percent(maximum * Double(tick) / 4))),
            ])
        }
        let rows = bars.enumerated().map { index, bar -> Node in
            let y = top + Double(index) * rowHeight
            let w = plot * bar.1 / maximum
            return .fragment([
                .svgText([a("x", left - 8), a("y", y + 17), Attribute("text-anchor", "end"), .class("label")], .text(bar.0)),
                .rect([a("x", left), a("y", y + 4), a("width", w), Attribute("height", "18"), .class(bar.0 == "Regionen" ? "bar region" : "bar")]),
                .svgText([a("x", left + w + 6), a("y", y + 17), .class("value")], .text(percent(bar.1))),
            ])
        }
        let svg = Node.svg([.role("img"), .ariaLabelledBy("bar-title bar-desc"), Attribute("viewBox", "0 0 \(Int(width)) \(Int(height))"), .class("chart")],
                           .title([.id("bar-title")], "Andel av 16–19-åringarna i aktivitetsansvaret per kommun, \(label(publication.period))"),
                           .desc([.id("bar-desc")], .text(bars.map { "\($0.0) \(percent($0.1))" }.joined(separator: ", "))),
                           .fragment(ticks), .fragment(rows))
        return section("bars", "Andel av 16–19-åringarna i aktivitetsansvaret",
                       .figure([], svg, .figcaption([], "Andelen räknas ur publicerade (skyddade) antal. Den är en indikator: täljare och nämnare räknas på olika sätt.")))
    }

    private func trend(kommun: String?, ending: Period, name: String) -> Node {
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
        guard points.count >= 2 else { return .empty }
        let width = 640.0, height = 240.0, left = 50.0, right = 20.0, top = 15.0, bottom = 40.0
        let maximum = max(4, Self.niceStep(Double(max(1, points.map(\.1).max() ?? 1)), steps: 4).rounded(.up) * 4)
        let step = (width - left - right) / Double(max(1, points.count - 1))
        func x(_ index: Int) -> Double { left + Double(index) * step }
        func y(_ value: Int) -> Double { height - bottom - (height - top - bottom) * Double(value) / maximum }
        let ticks = (0...4).map { tick -> Node in
            let value = Int((maximum * Double(tick) / 4).rounded())
            return .fragment([
                .line([a("x1", left), a("y1", y(value)), a("x2", width - right), a("y2", y(value)), .class("grid")]),
                .svgText([a("x", left - 6), a("y", y(value) + 4), Attribute("text-anchor", "end"), .class("axis")], "\(value)"),
            ])
        }
        let line = Node.polyline([.class("line"), Attribute("points", points.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element.1)))" }.joined(separator: " "))])
        let dots = points.enumerated().map { index, point -> Node in
            .fragment([
                .circle([a("cx", x(index)), a("cy", y(point.1)), Attribute("r", "4"), .class("dot")]),
                .svgText([a("x", x(index)), a("y", height - 14), Attribute("text-anchor", "middle"), .class("axis")], .text(String(point.0.description.suffix(2)))),
            ])
        }
        let svg = Node.svg([.role("img"), .ariaLabelledBy("trend-title trend-desc"), Attribute("viewBox", "0 0 \(Int(width)) \(Int(height))"), .class("chart")],
                           .title([.id("trend-title")], "\(name): unga i aktivitetsansvaret per månad"),
                           .desc([.id("trend-desc")], .text(points.map { "\(label($0.0)): \($0.1)" }.joined(separator: ", "))),
                           .fragment(ticks), line, .fragment(dots))
        return section("trend", "Utvecklingen månad för månad",
                       .figure([], svg, .figcaption([], "Unga i aktivitetsansvaret någon gång under månaden (skyddade antal). Månadsnummer på den vågräta axeln.")))
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

    private var protectionNote: Node {
        section("about", "Om siffrorna", .p([], """
            Kommunerna skickar bara antal, aldrig namn, personnummer,
            adresser eller födelsedatum. Alla antal här är skyddade med cell-nyckelmetoden, samma metod som SCB använder för
            befolkningsstatistik: varje antal har fått ett litet brus (högst ±\(hub.perturbation.maximumNoise), i genomsnitt noll) som bestäms av
            vilka personer som ingår. Samma grupp ger därför alltid samma tal, och summor och skillnader mellan tabeller avslöjar
            inte enskilda personer. Delsummor behöver inte gå jämnt upp med totalen.
            """))
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

    /// An SVG coordinate attribute, to one decimal as before.
    private func a(_ name: String, _ value: Double) -> Attribute { Attribute(name, f(value)) }
}
