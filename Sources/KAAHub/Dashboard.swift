import Foundation
import KAACore
import KAAHTML

/// The public dashboard (design §8): server-rendered HTML with inline CSS and SVG charts, no
/// JavaScript and no external assets. Every number on it is a published (protected) figure.
///
/// Signs (the legend under every table says them): `..` the kommun has not reported for the
/// period, `×` a share not shown because its denominator is small, `0` a published zero (which
/// may stand for up to D people, like every published figure).
struct Dashboard {
    let hub: Hub
    let today: CalendarDate

    /// The sign for "not reported" (as SCB writes it).
    static let notReported = ".."
    /// The sign for a share not shown because its published denominator is small.
    static let smallDenominator = "×"

    /// Every chart's `viewBox` width and its text's size in user units (`.dchart text` in the
    /// stylesheet at narrow widths): at 375 CSS px the page's content is 343 px wide, so the text
    /// renders at 16 × 343 / 480 ≈ 11.4 px, never below 11.
    static let chartWidth = 480.0
    static let narrowChartFontSize = 16.0
    /// The content width at a 375 px viewport (`main.dash` has 1 rem padding there).
    static let narrowContentWidth = 375.0 - 32

    /// `/` (the region), `/kommun/{code}` for one kommun or, on a hub of several län, `/lan/{code}`
    /// for one län, rendered.
    func page(period requested: String?, kommun: String?, county: String? = nil) throws -> (status: Int, html: String) {
        let page = try document(period: requested, kommun: kommun, county: county)
        return (page.status, page.document.renderDocument())
    }

    /// The page as nodes, so tests can read its structure. A län's page is the region page of its
    /// kommuner, with the län's figures in the region's place (what a hub of just those kommuner shows).
    func document(period requested: String?, kommun: String?, county: String? = nil) throws -> (status: Int, document: Node) {
        let allSites = try hub.sites()
        let sites = county.map { code in allSites.filter { Publication.county(of: $0.kommun) == code } } ?? allSites
        if county != nil, sites.isEmpty || !hub.servesSeveralCounties(sites: allSites) {
            return (404, layout(title: "Okänt län", .h1([], "Okänt län"), .p([], .a([.href("/")], "Till regionen"))))
        }
        let reportedPeriods = try hub.reportedPeriods()
        let period: Period
        if let requested {
            guard let parsed = Period(requested), (2000...2100).contains(parsed.firstDay.year) else {
                return (400, layout(title: "Felaktig period",
                                    .h1([], "Felaktig period"),
                                    .p([], "Välj en månad (2026-11) eller ett halvår (2026-H2). ", .a([.href("/")], "Till regionen"))))
            }
            period = parsed
        } else {
            period = Self.defaultPeriod(reportedPeriods, enrolled: allSites.count, today: today)
        }
        if let kommun, !sites.contains(where: { $0.kommun == kommun }) {
            return (404, layout(title: "Okänd kommun", .h1([], "Okänd kommun"), .p([], .a([.href("/")], "Till regionen"))))
        }
        let whole = try hub.publication(period: period, kommun: kommun, county: county, today: today)
        let publication = county.map { whole.asRegion(of: $0) } ?? whole
        let names = Dictionary(uniqueKeysWithValues: sites.map { ($0.kommun, $0.name) })
        let hubRegion = Self.regionName(configured: hub.regionName, sites: allSites)
        let region = county.map { Kommuner.counties[$0] ?? "Län \($0)" } ?? hubRegion
        let view = View(publication: publication, region: region, minimum: hub.shareMinimumDenominator, noise: hub.perturbation.maximumNoise)
        let title = kommun.map { "\(names[$0] ?? $0): aktivitetsansvaret \(label(period))" } ?? "Aktivitetsansvaret i \(region), \(label(period))"
        let sections: [Node]
        let months = reportedPeriods.map(\.period).filter(\.isMonth)
        if let kommun {
            sections = [kommunSection(view, kommun: kommun), trend(kommun: kommun, ending: period, months: months, name: names[kommun] ?? kommun, region: region),
                        measureTable(view, owners: [kommun, nil], names: names, id: "measures")]
        } else {
            // The two charts side by side on a wide screen, the wide tables below them. A hub of
            // several län groups its kommuner by län and compares the län first.
            let severalCounties = county == nil && hub.servesSeveralCounties(sites: sites)
            let overview = severalCounties ? countyGroupedTable(view, sites: sites) : regionTable(view, sites: sites)
            let comparison: [Node] = severalCounties ? [countyTable(view, sites: sites), countyChart(view)] : []
            sections = [overview] + comparison + [shareChart(view, sites: sites),
                        trend(kommun: nil, county: county, ending: period, months: months, name: region, region: region),
                        reasonTable(view, sites: sites), measureTable(view, owners: sites.map(\.kommun) + [nil], names: names, id: "measures")]
        }
        let query = "period=\(period)" + (kommun.map { "&kommun=\($0)" } ?? "") + (county.map { "&lan=\($0)" } ?? "")
        let crumb = Node.p([.class("crumb")], .a([.href("/?period=\(period)")], .text(hubRegion)),
                           county.map { _ in Node.text(" › " + region) } ?? .empty, kommun.map { Node.text(" › " + (names[$0] ?? $0)) } ?? .empty)
        return (200, layout(title: title,
                            .header([.class("dash")], crumb, .h1([], .text(title)), periodForm(period, options: reportedPeriods.map(\.period),
                                                                                               action: kommun.map { "/kommun/\($0)" } ?? county.map { "/lan/\($0)" } ?? "/")),
                            .main([.class("dash")],
                                  status(publication, names: names, kommun: kommun),
                                  .div([.class("cols")], .fragment(sections),
                                       .section([.ariaLabelledBy("dl")], .h2([.id("dl")], "Ladda ner"),
                                                .ul([],
                                                    .li([], .a([.href("/v1/published.xlsx?\(query)")], "Siffrorna som Excel-fil (med förklaring av skyddet)")),
                                                    .li([], .a([.href("/v1/published.csv?\(query)")], "Siffrorna som CSV (semikolon, decimalkomma)")),
                                                    .li([], .a([.href("/v1/published?\(query)")], "Siffrorna som JSON")))),
                                       protectionNote(view)))))
    }

    /// The dashboard's frame: the shared layout, its title marked as KAA's in the browser's tab.
    private func layout(title: String, _ content: Node...) -> Node {
        Layout.page(title: "\(title) – KAA", .fragment(content))
    }

    // MARK: - Choosing what to show

    /// The period the dashboard opens on: the latest month that has ended and that most enrolled
    /// kommuner have reported for (a month one day old has hardly any figures yet); failing that,
    /// the ended month most kommuner reported for, then the latest month with figures, then today's.
    static func defaultPeriod(_ reported: [(period: Period, kommuner: Int)], enrolled: Int, today: CalendarDate) -> Period {
        let months = reported.filter { $0.period.isMonth }.sorted { $0.period > $1.period }
        let ended = months.filter { $0.period.lastDay < today }
        if let majority = ended.first(where: { $0.kommuner * 2 > enrolled }) { return majority.period }
        if let most = ended.max(by: { ($0.kommuner, $0.period) < ($1.kommuner, $1.period) }) { return most.period }
        return months.first?.period ?? Period.month(of: today)
    }

    /// The region's name: the hub's configured one, else the one län all its kommuner lie in.
    static func regionName(configured: String?, sites: [SiteInfo]) -> String {
        if let configured { return configured }
        let counties = Set(sites.compactMap { Kommuner.all[$0.kommun]?.county })
        if counties.count == 1, let county = counties.first, let name = Kommuner.counties[county] { return name }
        return "regionen"
    }

    // MARK: - Reading figures

    /// The publication with the lookups the page needs, and the signs for what is not shown.
    struct View {
        let publication: Publication
        let region: String
        let minimum: Int
        let noise: Int
        private let values: [String: Int]

        init(publication: Publication, region: String, minimum: Int, noise: Int) {
            self.publication = publication
            self.region = region
            self.minimum = minimum
            self.noise = noise
            var values: [String: Int] = [:]
            for figure in publication.figures {
                values[Self.key(figure.kommun, figure.table, figure.dims)] = figure.value
            }
            for figure in publication.countyFigures {
                values[Self.key(figure.county.map(Self.county), figure.table, figure.dims)] = figure.value
            }
            self.values = values
        }

        /// The owner a län's figures are read under (`län03`: never a kommun's four digits), in
        /// place of a kommun's code in every lookup below.
        static func county(_ code: String) -> String {
            "län" + code
        }

        /// The län code of an owner made by `county`, nil for a kommun or the region.
        private static func countyCode(_ owner: String?) -> String? {
            guard let owner, owner.hasPrefix("län") else { return nil }
            return String(owner.dropFirst(3))
        }

        /// Whether the owner (a kommun, a län from `county`, nil: the region) has figures for `table`.
        func hasReported(_ owner: String?, table: CellTable) -> Bool {
            if let code = Self.countyCode(owner) { return publication.hasReported(county: code, table: table) }
            return publication.hasReported(owner, table: table)
        }

        private static func key(_ kommun: String?, _ table: CellTable, _ dims: Dims) -> String {
            "\(kommun ?? "")|\(table.rawValue)|\(dims.encoded)"
        }

        /// A published figure; nil where the kommun (or, for the region, every kommun) has not reported it.
        func value(_ kommun: String?, _ table: CellTable, _ dims: [String: String] = [:]) -> Int? {
            values[Self.key(kommun, table, Dims(dims))]
        }

        /// A figure as text: the number, or `..` when not reported.
        func number(_ kommun: String?, _ table: CellTable, _ dims: [String: String] = [:]) -> String {
            value(kommun, table, dims).map(String.init) ?? Dashboard.notReported
        }

        /// The sum of a table's published cells (for `in_measure`, which has no people total).
        func sum(_ kommun: String?, _ table: CellTable) -> Int? {
            guard hasReported(kommun, table: table) else { return nil }
            return SaturatingSum.total(table.grid.compactMap { value(kommun, table, $0.dictionary) })
        }

        /// The share of 16–19-year-olds in KAA, or the sign for why there is none.
        func share(_ kommun: String?) -> (share: Double?, text: String) {
            let found = Self.countyCode(kommun).map { code in publication.countyShares.first { $0.county == code } }
                ?? publication.shares.first { $0.kommun == kommun }
            guard let share = found else { return (nil, Dashboard.notReported) }
            if let value = share.share { return (value, SwedishFormat.percent(value)) }
            return (nil, share.reason == .smallDenominator ? Dashboard.smallDenominator : Dashboard.notReported)
        }

        /// Of those registered in the period, the share reached within 30 days (or its sign).
        func reachedWithin30(_ kommun: String?) -> String {
            guard let total = value(kommun, .firstContactDays) else { return Dashboard.notReported }
            guard total >= max(1, minimum) else { return Dashboard.smallDenominator }
            let quick = SaturatingSum.add(value(kommun, .firstContactDays, ["band": "0-7"]) ?? 0, value(kommun, .firstContactDays, ["band": "8-30"]) ?? 0)
            return SwedishFormat.percent(min(1, Double(quick) / Double(total)))
        }

        /// Of those registered in the period, the share reached within 30 days, nil where none is shown.
        func reachedWithin30Share(_ owner: String?) -> Double? {
            guard let total = value(owner, .firstContactDays), total >= max(1, minimum) else { return nil }
            let quick = SaturatingSum.add(value(owner, .firstContactDays, ["band": "0-7"]) ?? 0, value(owner, .firstContactDays, ["band": "8-30"]) ?? 0)
            return min(1, Double(quick) / Double(total))
        }

        /// Measures (people × types) per person in KAA, nil where the figures are missing or the
        /// published number in KAA is below the minimum; with the sign to show instead.
        func measuresPerPerson(_ owner: String?) -> (value: Double?, text: String) {
            guard let measures = sum(owner, .inMeasure), let people = value(owner, .inKAA) else { return (nil, Dashboard.notReported) }
            guard people >= max(1, minimum) else { return (nil, Dashboard.smallDenominator) }
            let perHundred = Double(measures) * 100 / Double(people)
            return (perHundred, String(format: "%.0f", perHundred))
        }
    }

    // MARK: - Parts

    private func periodForm(_ current: Period, options withData: [Period], action: String) -> Node {
        // Only periods with figures; one asked for without any is shown as such.
        var choices = withData.map { option in
            Node.option([.value("\(option)")] + (option == current ? [.selected] : []), .text(label(option)))
        }
        if !withData.contains(current) {
            choices.insert(.option([.value("\(current)"), .selected], .text(label(current) + " (inga uppgifter)")), at: 0)
        }
        return .form([Attribute("method", "get"), Attribute("action", action)],
                     .label([.for("period")], "Period"), " ",
                     .select([.id("period"), .name("period")], .fragment(choices)), " ",
                     .button([.type("submit")], "Visa"))
    }

    private func status(_ publication: Publication, names: [String: String], kommun: String?) -> Node {
        let state: Node = publication.isPreliminary
            ? .fragment([.strong([.class("prelim")], "Preliminära siffror:"), " perioden är öppen och siffrorna kan ändras. "])
            : "Slutliga siffror för en låst period. "
        let line = Node.p([.class("status")], state, "\(publication.reporting) av \(publication.enrolled) kommuner har rapporterat för perioden.")
        let missing = publication.notReported.filter { kommun == nil || $0 == kommun }.map { names[$0] ?? $0 }
        guard !missing.isEmpty else { return line }
        return .fragment([line, .p([.class("missing")], "Har inte rapporterat (\(Self.notReported)): \(missing.joined(separator: ", "))")])
    }

    /// A section with a heading (its `id` names the section for screen readers) and its content.
    private func section(_ id: String, _ heading: String, wide: Bool = false, _ content: Node...) -> Node {
        .section([.ariaLabelledBy(id)] + (wide ? [.class("wide")] : []), .h2([.id(id)], .text(heading)), .fragment(content))
    }

    /// A scrollable table (so a wide one does not widen a phone's page; its first column stays in
    /// view) with the legend of its signs below it.
    private func table(_ view: View, caption: String, columns: [String], body: [Node], foot: Node? = nil, note: String? = nil) -> Node {
        .fragment([
            .div([.class("scroll")],
                 .table([],
                        .caption([], .text(caption)),
                        .thead([], .tr([], .fragment(columns.map { Node.th([.scope("col")], .text($0)) }))),
                        .tbody([], .fragment(body)),
                        foot.map { Node.tfoot([], $0) } ?? .empty)),
            legend(view, note: note),
        ])
    }

    /// What the signs mean, under every table and chart (the whole story is in "Om siffrorna").
    private func legend(_ view: View, note: String? = nil) -> Node {
        .p([.class("legend")], .strong([], "Teckenförklaring: "),
           .text("\(Self.notReported) har inte rapporterat · \(Self.smallDenominator) ingen andel: färre än \(view.minimum) i nämnaren · "
               + "alla antal skyddade (±\(view.noise)), 0 kan vara några få." + (note.map { " " + $0 } ?? "")))
    }

    private static let measureNote = "Åtgärder räknar en person en gång per åtgärdstyp: den som har två typer samtidigt räknas två gånger."

    private func regionTable(_ view: View, sites: [SiteInfo]) -> Node {
        let rows = sites.map { site in
            Node.tr([], .th([.scope("row")], .a([.href("/kommun/\(site.kommun)?period=\(view.publication.period)")], .text(site.name))),
                    row(view, site.kommun))
        }
        return section("overview", "Kommunerna i \(view.region)", wide: true,
                       table(view, caption: "Unga i det kommunala aktivitetsansvaret, \(label(view.publication.period)), skyddade antal",
                             columns: ["Kommun", "I aktivitets\u{AD}ansvaret", "Andel av 16–19-åringar", "Nådda", "Nådda inom 30 dagar", "Avregistrerade",
                                       "Åtgärder (personer × typer)"],
                             body: rows, foot: .tr([], .th([.scope("row")], .text(view.region)), row(view, nil)), note: Self.measureNote))
    }

    /// The län of the enrolled kommuner, by code, each with its kommuner.
    private static func counties(_ sites: [SiteInfo]) -> [(code: String, name: String, sites: [SiteInfo])] {
        Dictionary(grouping: sites) { Publication.county(of: $0.kommun) }.sorted { $0.key < $1.key }
            .map { (code: $0.key, name: Kommuner.counties[$0.key] ?? "Län \($0.key)", sites: $0.value) }
    }

    /// The overview of a hub of several län: the kommuner grouped by län, each group headed by the
    /// län's name and closed by its total (the county level's figures), the region's total below.
    private func countyGroupedTable(_ view: View, sites: [SiteInfo]) -> Node {
        let columns = ["Kommun", "I aktivitets\u{AD}ansvaret", "Andel av 16–19-åringar", "Nådda", "Nådda inom 30 dagar", "Avregistrerade",
                       "Åtgärder (personer × typer)"]
        let groups = Self.counties(sites).map { county in
            Node.tbody([],
                       .tr([.class("group")], .th([.scope("rowgroup"), Attribute("colspan", "\(columns.count)")],
                                                     .a([.href("/lan/\(county.code)?period=\(view.publication.period)")], .text(county.name)))),
                       .fragment(county.sites.map { site in
                           Node.tr([], .th([.scope("row")], .a([.href("/kommun/\(site.kommun)?period=\(view.publication.period)")], .text(site.name))),
                                   row(view, site.kommun))
                       }),
                       .tr([.class("total")], .th([.scope("row")], .text("Totalt \(county.name)")), row(view, View.county(county.code))))
        }
        let caption = "Unga i det kommunala aktivitetsansvaret per län och kommun, \(label(view.publication.period)), skyddade antal"
        return section("overview", "Kommunerna i \(view.region) efter län", wide: true,
                       .fragment([
                           .div([.class("scroll")],
                                .table([],
                                       .caption([], .text(caption)),
                                       .thead([], .tr([], .fragment(columns.map { Node.th([.scope("col")], .text($0)) }))),
                                       .fragment(groups),
                                       .tfoot([], .tr([], .th([.scope("row")], .text(view.region)), row(view, nil))))),
                           legend(view, note: "Ett läns total räknas ur länets kommuners antal och skyddas på samma sätt. " + Self.measureNote),
                       ]))
    }

    /// The län side by side: how many kommuner reported, how many are in KAA and the three shares.
    private func countyTable(_ view: View, sites: [SiteInfo]) -> Node {
        let rows = Self.counties(sites).map { county in
            let owner = View.county(county.code)
            let reported = county.sites.filter { view.publication.reported.contains($0.kommun) }.count
            return Node.tr([], .th([.scope("row")], .a([.href("/lan/\(county.code)?period=\(view.publication.period)")], .text(county.name))),
                           .fragment(["\(reported) av \(county.sites.count)", view.number(owner, .inKAA), view.share(owner).text,
                                      view.reachedWithin30(owner), view.measuresPerPerson(owner).text].map { Node.td([], .text($0)) }))
        }
        return section("counties", "Länen jämförda", wide: true,
                       table(view, caption: "Länen sida vid sida, \(label(view.publication.period)), ur skyddade antal",
                             columns: ["Län", "Kommuner som rapporterat", "I aktivitets\u{AD}ansvaret", "Andel av 16–19-åringar", "Nådda inom 30 dagar",
                                       "Åtgärder per 100 i aktivitets\u{AD}ansvaret"],
                             body: rows, foot: .tr([], .th([.scope("row")], .text(view.region)),
                                                   .fragment(["\(view.publication.reporting) av \(view.publication.enrolled)", view.number(nil, .inKAA),
                                                              view.share(nil).text, view.reachedWithin30(nil), view.measuresPerPerson(nil).text]
                                                       .map { Node.td([], .text($0)) })),
                             note: Self.measureNote))
    }

    /// The län compared in three panels of horizontal bars, each measure on its own axis: the
    /// share of 16–19-year-olds in KAA, the share reached within 30 days and measures per 100 in KAA.
    private func countyChart(_ view: View) -> Node {
        let counties = view.publication.counties
        guard !counties.isEmpty else { return .empty }
        let names = counties.map { Kommuner.counties[$0] ?? "Län \($0)" }
        let panels: [(title: String, values: [Double?], texts: [String], isPercent: Bool)] = [
            ("Andel av 16–19-åringarna i aktivitetsansvaret", counties.map { view.share(View.county($0)).share },
             counties.map { view.share(View.county($0)).text }, true),
            ("Andel nådda inom 30 dagar", counties.map { view.reachedWithin30Share(View.county($0)) },
             counties.map { view.reachedWithin30(View.county($0)) }, true),
            ("Åtgärder per 100 i aktivitetsansvaret", counties.map { view.measuresPerPerson(View.county($0)).value },
             counties.map { view.measuresPerPerson(View.county($0)).text }, false),
        ]
        let width = Self.chartWidth, left = 170.0, right = 70.0, rowHeight = 28.0, titleHeight = 30.0, gap = 14.0
        let plot = width - left - right
        var y = 4.0
        var nodes: [Node] = []
        for panel in panels {
            nodes.append(.svgText([a("x", 4), a("y", y + 20), .class("label")], .text(panel.title)))
            y += titleHeight
            let maximum = max(panel.values.compactMap { $0 }.max() ?? 0, panel.isPercent ? 0.001 : 1)
            nodes.append(.line([a("x1", left), a("y1", y), a("x2", left), a("y2", y + Double(counties.count) * rowHeight), .class("grid")]))
            for (index, name) in names.enumerated() {
                let top = y + Double(index) * rowHeight
                let w = plot * (panel.values[index] ?? 0) / maximum
                nodes.append(.fragment([
                    .svgText([a("x", left - 8), a("y", top + 20), Attribute("text-anchor", "end"), .class("label")], .text(Self.short(name, 18))),
                    panel.values[index] == nil ? .empty : .rect([a("x", left), a("y", top + 5), a("width", w), Attribute("height", "20"), .class("bar")]),
                    .svgText([a("x", left + w + 6), a("y", top + 20), .class("value")], .text(panel.texts[index])),
                ]))
            }
            y += Double(counties.count) * rowHeight + gap
        }
        let descriptions = panels.map { panel in
            panel.title + ": " + zip(names, panel.texts).map { "\($0) \($1)" }.joined(separator: ", ")
        }
        let svg = Node.svg([.role("img"), .ariaLabelledBy("county-title county-desc"), Attribute("viewBox", "0 0 \(Int(width)) \(Int(y))"), .class("chart dchart")],
                           .title([.id("county-title")], .text("Länen jämförda, \(label(view.publication.period))")),
                           .desc([.id("county-desc")], .text(descriptions.joined(separator: "; "))),
                           .fragment(nodes))
        return section("county-bars", "Länen i diagram",
                       .figure([], svg, .figcaption([], .text("Varje mått har sin egen skala. Andelarna räknas ur publicerade (skyddade) antal; "
                                                              + "åtgärder räknas en gång per åtgärdstyp och person."))),
                       legend(view))
    }

    private func row(_ view: View, _ kommun: String?) -> Node {
        let cells = [view.number(kommun, .inKAA), view.share(kommun).text, view.number(kommun, .contacted), view.reachedWithin30(kommun),
                     view.number(kommun, .deregistered), view.sum(kommun, .inMeasure).map(String.init) ?? Self.notReported]
        return .fragment(cells.map { Node.td([], .text($0)) })
    }

    private func reasonTable(_ view: View, sites: [SiteInfo]) -> Node {
        let reasons = CodeCatalog.builtIn.codes(in: .deregistrationReason).filter { $0.code != KnownCode.felregistrerad }
        let rows = (sites.map { Optional($0.kommun) } + [nil]).map { owner in
            let name = owner.flatMap { code in sites.first { $0.kommun == code }?.name } ?? view.region
            return Node.tr([], .th([.scope("row")], .text(name)),
                           .fragment(reasons.map { Node.td([], .text(view.number(owner, .deregistered, ["reason": $0.code]))) }))
        }
        return section("reasons", "Avregistrerade efter orsak", wide: true,
                       table(view, caption: "Avregistrerade under \(label(view.publication.period)) efter orsak, skyddade antal",
                             columns: ["Kommun"] + reasons.map(\.label), body: rows))
    }

    /// People per measure type (a person with two types counts in both).
    private func measureTable(_ view: View, owners: [String?], names: [String: String], id: String) -> Node {
        let types = CodeCatalog.builtIn.codes(in: .measureType)
        let rows = owners.map { owner in
            Node.tr([], .th([.scope("row")], .text(owner.map { names[$0] ?? $0 } ?? view.region)),
                    .fragment(types.map { Node.td([], .text(view.number(owner, .inMeasure, ["measure": $0.code]))) }))
        }
        return section(id, "I åtgärd efter åtgärdstyp", wide: true,
                       table(view, caption: "Personer med en pågående åtgärd av varje typ, \(label(view.publication.period)), skyddade antal",
                             columns: ["Kommun"] + types.map(\.label), body: rows, note: Self.measureNote))
    }

    private func kommunSection(_ view: View, kommun: String) -> Node {
        let pairs: [(String, String)] = [
            ("I aktivitetsansvaret", view.number(kommun, .inKAA)), ("Andel av 16–19-åringar", view.share(kommun).text),
            ("Andel i \(view.region)", view.share(nil).text), ("Nya", view.number(kommun, .new)),
            ("Nådda", view.number(kommun, .contacted)), ("Nådda inom 30 dagar", view.reachedWithin30(kommun)),
            ("Tackade nej till åtgärd", view.number(kommun, .declined)), ("Avregistrerade", view.number(kommun, .deregistered)),
        ]
        let occupations = CodeCatalog.builtIn.codes(in: .occupation).map { code in
            Node.tr([], .th([.scope("row")], .text(code.label)), .td([], .text(view.number(kommun, .occupationEnd, ["occupation": code.code]))),
                    .td([], .text(view.number(nil, .occupationEnd, ["occupation": code.code]))))
        }
        return .fragment([
            section("key", "Nyckeltal", wide: true, .dl([.class("keys")], .fragment(pairs.map { Node.div([], .dt([], .text($0.0)), .dd([], .text($0.1))) })),
                    legend(view)),
            section("occ", "Sysselsättning vid periodens slut",
                    table(view, caption: "Vad de som var i aktivitetsansvaret gjorde, skyddade antal", columns: ["Sysselsättning", "Kommunen", view.region],
                          body: occupations)),
        ])
    }

    // MARK: - Charts (SVG with axes, labels and a text alternative)

    private func shareChart(_ view: View, sites: [SiteInfo]) -> Node {
        let bars: [(name: String, share: Double?, text: String)] = sites.map { site in
            let share = view.share(site.kommun)
            return (site.name, share.share, share.text)
        } + [(view.region, view.share(nil).share, view.share(nil).text)]
        let shown = bars.compactMap(\.share)
        guard !shown.isEmpty else { return .empty }
        // Round steps to just past the largest share: the bars fill the axis.
        let step = Self.niceStep(max(0.001, shown.max() ?? 0), steps: 5)
        let tickCount = max(1, Int(((shown.max() ?? 0) / step).rounded(.up)))
        let maximum = step * Double(tickCount)
        let rowHeight = 30.0, left = 150.0, width = Self.chartWidth, top = 8.0, right = 70.0
        let height = top + Double(bars.count) * rowHeight + 34
        let plot = width - left - right
        let ticks = (0...tickCount).map { tick -> Node in
            let x = left + plot * Double(tick) / Double(tickCount)
            return .fragment([
                .line([a("x1", x), a("y1", top), a("x2", x), a("y2", height - 30), .class("grid")]),
                .svgText([a("x", x), a("y", height - 10), Attribute("text-anchor", "middle"), .class("axis")], .text(Self.axisPercent(step * Double(tick)))),
            ])
        }
        let rows = bars.enumerated().map { index, bar -> Node in
            let y = top + Double(index) * rowHeight
            let w = plot * (bar.share ?? 0) / maximum
            return .fragment([
                .svgText([a("x", left - 8), a("y", y + 21), Attribute("text-anchor", "end"), .class("label")], .text(Self.short(bar.name, 16))),
                bar.share == nil ? .empty : .rect([a("x", left), a("y", y + 5), a("width", w), Attribute("height", "22"), .class(index == bars.count - 1 ? "bar region" : "bar")]),
                .svgText([a("x", left + w + 6), a("y", y + 21), .class("value")], .text(bar.text)),
            ])
        }
        let svg = Node.svg([.role("img"), .ariaLabelledBy("bar-title bar-desc"), Attribute("viewBox", "0 0 \(Int(width)) \(Int(height))"), .class("chart dchart")],
                           .title([.id("bar-title")], .text("Andel av 16–19-åringarna i aktivitetsansvaret per kommun, \(label(view.publication.period))")),
                           .desc([.id("bar-desc")], .text(bars.map { "\($0.name) \($0.text)" }.joined(separator: ", "))),
                           .fragment(ticks), .fragment(rows))
        return section("bars", "Andel av 16–19-åringarna i aktivitetsansvaret",
                       .figure([], svg, .figcaption([], "Andelen räknas ur publicerade (skyddade) antal. Den är en indikator: täljare och nämnare räknas på olika sätt.")),
                       legend(view))
    }

    /// One line of a trend chart.
    private struct Series {
        let name: String
        let style: String
        let values: [Double?]
    }

    /// The last twelve months with figures up to `ending`: the kommun's share of 16–19-year-olds
    /// in KAA with the region's beside it, or (for the region, or where no share can be shown)
    /// the number in KAA.
    private func trend(kommun: String?, county: String? = nil, ending: Period, months withData: [Period], name: String, region: String) -> Node {
        let end = Period.month(of: ending.lastDay)
        let months = Array(withData.filter { $0 <= end }.sorted().suffix(12))
        let views: [View] = months.compactMap { month in
            // The region's trend needs only in_kaa (every kommun's grid of the rest would be
            // made for nothing); a kommun's needs its own and the region's shares.
            guard let whole = try? hub.publication(period: month, table: kommun == nil ? .inKAA : nil, kommun: kommun, county: county, today: today) else { return nil }
            let publication = county.map { whole.asRegion(of: $0) } ?? whole
            return View(publication: publication, region: region, minimum: hub.shareMinimumDenominator, noise: hub.perturbation.maximumNoise)
        }
        guard views.count >= 2 else { return .empty }
        let periods = views.map(\.publication.period)
        let candidates: [Series]
        let yLabel: String
        let isShare: Bool
        let caption: String
        if let kommun, views.contains(where: { $0.share(kommun).share != nil }) {
            candidates = [Series(name: name, style: "line", values: views.map { $0.share(kommun).share.map { $0 * 100 } }),
                      Series(name: region, style: "line region", values: views.map { $0.share(nil).share.map { $0 * 100 } })]
            yLabel = "Andel av 16–19-åringar, %"
            isShare = true
            caption = "Andelen av kommunens 16–19-åringar som var i aktivitetsansvaret någon gång under månaden, med \(region) som jämförelse (ur skyddade antal)."
        } else {
            candidates = [Series(name: name, style: "line", values: views.map { $0.value(kommun, .inKAA).map(Double.init) })]
            yLabel = "Antal unga"
            isShare = false
            caption = "Unga i aktivitetsansvaret någon gång under månaden (skyddade antal)."
        }
        // A line with no value at all (the region without every kommun's population) is left out.
        let series = candidates.filter { $0.values.contains { $0 != nil } }
        let all = series.flatMap(\.values).compactMap { $0 }
        guard !all.isEmpty else { return .empty }
        let (low, high, step) = Self.axisRange(minimum: all.min() ?? 0, maximum: all.max() ?? 1)
        // Two lines need their key above the axis's label.
        let top: Double = series.count < 2 ? 34 : 58
        let width = Self.chartWidth, left = 62.0, right = 16.0, bottom = 52.0
        let height = 266 + top
        let spacing = (width - left - right) / Double(max(1, periods.count - 1))
        func x(_ index: Int) -> Double { left + Double(index) * spacing }
        func y(_ value: Double) -> Double {
            let plot = height - top - bottom
            return height - bottom - plot * (value - low) / (high - low)
        }
        func format(_ value: Double) -> String {
            isShare ? String(format: step < 1 ? "%.1f" : "%.0f", value).replacingOccurrences(of: ".", with: ",") : String(Int(value.rounded()))
        }
        let tickCount = Int(((high - low) / step).rounded())
        let ticks = (0...max(1, tickCount)).map { tick -> Node in
            let value = low + Double(tick) * step
            return .fragment([
                .line([a("x1", left), a("y1", y(value)), a("x2", width - right), a("y2", y(value)), .class("grid")]),
                .svgText([a("x", left - 6), a("y", y(value) + 5), Attribute("text-anchor", "end"), .class("axis")], .text(format(value))),
            ])
        }
        // Every month's initial, and under it the year where a year begins (and at the start).
        let monthLabels = periods.enumerated().map { index, period -> Node in
            let (year, month) = (period.firstDay.year, period.firstDay.components.month)
            let every = periods.count > 8 ? 2 : 1
            let showMonth = index % every == 0 || index == periods.count - 1
            return .fragment([
                showMonth ? .svgText([a("x", x(index)), a("y", height - bottom + 20), Attribute("text-anchor", "middle"), .class("axis")], .text(Self.monthAbbreviation(month))) : .empty,
                index == 0 || month == 1
                    ? .svgText([a("x", x(index)), a("y", height - bottom + 42), Attribute("text-anchor", "middle"), .class("axis year")], .text("\(year)")) : .empty,
            ])
        }
        let lines = series.map { line -> Node in
            // A month without a value breaks the line rather than joining across it.
            var runs: [[(Int, Double)]] = [[]]
            for (index, value) in line.values.enumerated() {
                if let value { runs[runs.count - 1].append((index, value)) } else if !(runs.last?.isEmpty ?? true) { runs.append([]) }
            }
            return .fragment(runs.filter { !$0.isEmpty }.map { run in
                .fragment([
                    .polyline([.class(line.style), Attribute("points", run.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " "))]),
                    .fragment(run.map { Node.circle([a("cx", x($0.0)), a("cy", y($0.1)), Attribute("r", "4"), .class(line.style.replacingOccurrences(of: "line", with: "dot"))]) }),
                ])
            })
        }
        // The key for two lines, on top; the y axis's label above its numbers.
        let key: Node = series.count < 2 ? .empty : .fragment(series.enumerated().map { index, line in
            let kx = left + Double(index) * 200
            return Node.fragment([
                .line([a("x1", kx), a("y1", 13), a("x2", kx + 24), a("y2", 13), .class(line.style)]),
                .svgText([a("x", kx + 30), a("y", 18), .class("label")], .text(Self.short(line.name, 14))),
            ])
        })
        let axisLabel = Node.svgText([a("x", 4), a("y", top - 16), .class("axis")], .text(yLabel))
        let descriptions = periods.enumerated().map { index, period in
            "\(label(period)): " + series.map { "\($0.name) \($0.values[index].map { isShare ? format($0) + " %" : format($0) } ?? Self.notReported)" }.joined(separator: ", ")
        }
        let svg = Node.svg([.role("img"), .ariaLabelledBy("trend-title trend-desc"), Attribute("viewBox", "0 0 \(Int(width)) \(Int(height))"), .class("chart dchart")],
                           .title([.id("trend-title")], .text("\(name): \(isShare ? "andel av 16–19-åringarna" : "unga") i aktivitetsansvaret per månad")),
                           .desc([.id("trend-desc")], .text(descriptions.joined(separator: "; "))),
                           .fragment(ticks), axisLabel, key, .fragment(monthLabels), .fragment(lines))
        return section("trend", "Utvecklingen månad för månad", .figure([], svg, .figcaption([], .text(caption))))
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

    /// A value axis around the data: round steps from just below the smallest value to just
    /// above the largest (from 0 when the data come near it), about four of them.
    static func axisRange(minimum: Double, maximum: Double) -> (low: Double, high: Double, step: Double) {
        let from = minimum < maximum * 0.4 ? 0 : minimum
        let step = niceStep(max(maximum - from, max(abs(maximum) * 0.02, 0.4)), steps: 4)
        let low = max(0, (from / step).rounded(.down) * step)
        var high = (maximum / step).rounded(.up) * step
        if high <= low { high = low + step }
        if maximum >= high { high += step }
        return (low, high, step)
    }

    private static func axisPercent(_ share: Double) -> String {
        let percent = share * 100
        return String(format: abs(percent - percent.rounded()) < 1e-9 ? "%.0f %%" : "%.1f %%", percent).replacingOccurrences(of: ".", with: ",")
    }

    private static func monthAbbreviation(_ month: Int) -> String {
        ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"][max(0, min(11, month - 1))]
    }

    /// A label cut to `length` characters with an ellipsis (the full name is in the text alternative).
    private static func short(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    private func protectionNote(_ view: View) -> Node {
        section("about", "Om siffrorna",
                .p([], .text("""
                    Kommunerna skickar bara antal, aldrig namn, personnummer, adresser eller födelsedatum. Alla antal här är skyddade \
                    med cell-nyckelmetoden, samma metod som SCB använder för befolkningsstatistik: varje antal har fått ett litet brus \
                    (högst ±\(hub.perturbation.maximumNoise), i genomsnitt noll) som bestäms av vilka personer som ingår. Samma grupp ger \
                    därför alltid samma tal, och summor och skillnader mellan tabeller avslöjar inte enskilda personer. Delsummor behöver \
                    inte gå jämnt upp med totalen. Varje tabell visas hel för varje kommun som har rapporterat, också där ingen finns: \
                    en publicerad 0 kan därför stå för ingen eller för några få personer.
                    """)),
                legend(view))
    }

    /// A period as the downloads name it (`november 2026`, `andra halvåret 2026`).
    private func label(_ period: Period) -> String {
        PublicationTable.label(period)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// An SVG coordinate attribute, to one decimal as before.
    private func a(_ name: String, _ value: Double) -> Attribute { Attribute(name, f(value)) }
}
