import KAACore
import KAAHTML
import KAARegister

/// Rapporter (`/rapporter`, samordnare; issue 16): the period report of `kaa report period` (one
/// implementation, `Register.periodReport`), a month or a half-year against the one before, with
/// the region's protected figures beside the kommun's exact ones (`kaa compare`) and the
/// data-quality lines naming the people to fix. Reading it is audited (the named people).
enum ReportsPage {
    static let samordnare: Set<StaffRole> = [.samordnare]

    static let routes: [Route] = [
        Route("GET", "/rapporter", roles: samordnare) { context throws(WebError) in
            .page(try page(context))
        },
    ]

    /// How many people a data-quality line names on the page (the count says how many there are).
    static let namedPerLine = 50

    /// The period the query asks for (`period`), or the default: nil and a Swedish message if the
    /// value is malformed, repeated, not started yet, or (with `halfYearOnly`) a month.
    static func chosenPeriod(_ context: WebContext, default fallback: Period, halfYearOnly: Bool = false) -> (Period?, String?) {
        // The request's own pairs: the parsed query keeps only the last of a repeated name.
        let values = context.request.queryItems.filter { $0.name == "period" }.map(\.value)
        guard values.count <= 1 else { return (nil, "Ange en enda period.") }
        guard let text = values.first, !text.isEmpty else { return (fallback, nil) }
        guard let period = Period(text) else {
            return (nil, halfYearOnly ? "Perioden ska vara ett halvår, t.ex. 2026-H2." : "Perioden ska vara en månad (2026-11) eller ett halvår (2026-H2).")
        }
        if halfYearOnly, period.isMonth { return (nil, "SCB:s rapport gäller ett halvår, t.ex. 2026-H2.") }
        guard period.hasStarted(today: context.register.today) else { return (nil, "Perioden \(period) har inte börjat än.") }
        return (period, nil)
    }

    /// The periods offered in the drop-down: the last twelve months and four half-years, newest first.
    static func periodOptions(today: CalendarDate, halfYearOnly: Bool = false) -> [(String, String)] {
        var halves: [Period] = [Period.half(of: today)]
        for _ in 0..<3 { if let last = halves.last { halves.append(last.previousHalf) } }
        let halfOptions = halves.map { ($0.description, "\($0) (halvår)") }
        if halfYearOnly { return halfOptions }
        var months: [Period] = [Period.month(of: today)]
        for _ in 0..<11 { if let last = months.last { months.append(PeriodReport.previous(of: last)) } }
        return months.map { ($0.description, "\($0)") } + halfOptions
    }

    /// The GET form that chooses the period.
    static func periodForm(_ action: String, selected: String?, options: [(String, String)], error: String?, hint: String) -> Node {
        let values = options.map(\.0)
        let shown = selected.map { values.contains($0) ? options : [($0, $0)] + options } ?? options
        return .form([Attribute("method", "get"), Attribute("action", action), .class("period")],
                     UI.select("Period", name: "period", options: shown, selected: selected, error: error, hint: hint),
                     UI.submit("Visa"))
    }

    // MARK: - The page

    static func page(_ context: WebContext) throws(WebError) -> WebPage {
        let today = context.register.today
        let (chosen, problem) = chosenPeriod(context, default: Period.month(of: today))
        let hint = "En månad jämförs med månaden före, ett halvår med halvåret före."
        guard let period = chosen else {
            var page = WebPage(title: "Rapporter", section: .reports,
                               periodForm("/rapporter", selected: nil, options: periodOptions(today: today), error: problem, hint: hint))
            page.status = 400
            return page
        }
        let report = try context.run { () throws(RegisterError) in try context.register.periodReport(for: period) }
        let region = try context.run { () throws(RegisterError) in try context.register.regionComparison(for: period) }
        let quality = try context.run { () throws(RegisterError) in try context.register.periodDataQuality(for: period) }
        let now = "\(period)", then = "\(report.before)"
        return WebPage(title: "Rapporter", section: .reports,
                       periodForm("/rapporter", selected: period.description, options: periodOptions(today: today), error: nil, hint: hint),
                       .p([], .text("Kommun \(report.kommun), \(period) (\(report.state)), jämfört med \(report.before). "
                            + "Kommunens siffror är exakta antal ur registret."),
                          report.isFrozen ? .empty : .text(" Perioden pågår eller är inte låst än: siffrorna kan ändras.")),
                       keyFigures(report, now: now, then: then),
                       firstContact(report, now: now, then: then),
                       deregistered(report, now: now, then: then),
                       handovers(report, now: now, then: then),
                       regionSection(period, region),
                       dataQuality(quality))
    }

    static func countTable(caption: String, first: String, now: String, then: String, rows: [PeriodReport.Count]) -> Node {
        table(caption: caption, columns: [first, now, then],
              rows: rows.map { [$0.label.trimmingCharacters(in: .whitespaces), "\($0.current)", "\($0.previous)"] })
    }

    /// A table with a caption, column headers and row headers (the first cell of each row).
    static func table(caption: String, columns: [String], rows: [[String]]) -> Node {
        .div([.class("scroll")],
             .table([.class("figures")],
                    .caption([], .text(caption)),
                    .thead([], .tr([], .fragment(columns.map { Node.th([.scope("col")], .text($0)) }))),
                    .tbody([], .fragment(rows.map { row in
                        Node.tr([], .fragment(row.enumerated().map { index, cell in
                            index == 0 ? Node.th([.scope("row")], .text(cell)) : Node.td([], .text(cell))
                        }))
                    }))))
    }

    static func section(_ id: String, _ heading: String, _ children: Node...) -> Node {
        .section([.ariaLabelledBy("h-\(id)"), .class("report-part")], .h2([.id("h-\(id)")], .text(heading)), .fragment(children))
    }

    static func keyFigures(_ report: PeriodReport, now: String, then: String) -> Node {
        let rows = report.figures.map { [$0.label, PeriodReport.Figure.show($0.current, $0.isShare), PeriodReport.Figure.show($0.previous, $0.isShare), $0.change] }
        let shares = report.figures.filter(\.isShare).map { ReportChart.Row(label: $0.label, current: $0.current.map { $0 * 100 }, previous: $0.previous.map { $0 * 100 }) }
        let counts = report.figures.filter { !$0.isShare }.map { ReportChart.Row(label: $0.label, current: $0.current, previous: $0.previous) }
        return section("nyckeltal", "Nyckeltal",
                       table(caption: "Nyckeltal \(now) jämfört med \(then)", columns: ["Nyckeltal", now, then, "Förändring"], rows: rows),
                       .div([.class("charts")],
                            ReportChart.bars(id: "c-andelar", title: "Andelar \(now) jämfört med \(then)", currentLabel: now, previousLabel: then, rows: shares,
                                             show: { SwedishFormat.figure($0.map { $0 / 100 }, isShare: true) }),
                            ReportChart.bars(id: "c-antal", title: "Antal \(now) jämfört med \(then)", currentLabel: now, previousLabel: then, rows: counts,
                                             show: { SwedishFormat.figure($0, isShare: false) })))
    }

    static func firstContact(_ report: PeriodReport, now: String, then: String) -> Node {
        func days(_ value: Double?) -> String {
            guard let value else { return "–" }
            return (value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",")) + " dagar"
        }
        return section("forsta-kontakt", "Dagar till första kontakt",
                       .p([], .text("Medianen för dem som registrerades under perioden och nåddes: \(days(report.medianFirstContactDays.current)) "
                            + "(\(then): \(days(report.medianFirstContactDays.previous))).")),
                       .div([.class("pair")],
                            countTable(caption: "Registrerade under perioden, efter dagar till första kontakt (first_contact_days)", first: "Dagar",
                                       now: now, then: then, rows: report.firstContactBands),
                            ReportChart.bars(id: "c-kontakt", title: "Dagar till första kontakt, \(now) jämfört med \(then)", currentLabel: now,
                                             previousLabel: then,
                                             rows: report.firstContactBands.map { .init(label: $0.label, current: Double($0.current), previous: Double($0.previous)) },
                                             show: { SwedishFormat.figure($0, isShare: false) })))
    }

    static func deregistered(_ report: PeriodReport, now: String, then: String) -> Node {
        section("avregistrerade", "Avregistrerade efter orsak",
                .div([.class("pair")],
                     countTable(caption: "Avregistrerade efter orsak", first: "Orsak", now: now, then: then, rows: report.deregisteredByReason),
                     ReportChart.bars(id: "c-orsak", title: "Avregistrerade efter orsak, \(now) jämfört med \(then)", currentLabel: now, previousLabel: then,
                                      rows: report.deregisteredByReason.map { .init(label: $0.label, current: Double($0.current), previous: Double($0.previous)) },
                                      show: { SwedishFormat.figure($0, isShare: false) })))
    }

    static func handovers(_ report: PeriodReport, now: String, then: String) -> Node {
        section("utslussning", "Utslussning vid 20 år eller avregistrering",
                countTable(caption: "Utslussade, med samtycke och efter mottagare", first: "Utslussning", now: now, then: then, rows: report.handovers))
    }

    static func regionSection(_ period: Period, _ comparison: (region: RegionFigures, lines: [PeriodReport.RegionLine])?) -> Node {
        guard let comparison else {
            return section("regionen", "Jämförelse med regionen",
                           UI.message("Inga regionala siffror för \(period) är hämtade än. De hämtas vid varje synkronisering med hubben (kaa sync)."))
        }
        let region = comparison.region
        return section("regionen", "Jämförelse med regionen",
                       .p([], .text("Regionens siffror\(region.isPreliminary ? " (preliminära)" : ""): \(region.reporting) av \(region.enrolled) kommuner "
                            + "har rapporterat; hämtade \(region.fetchedAt). Regionens siffror är skyddade med cell-nyckelmetoden och kan avvika "
                            + "med några enheter, så jämför helst andelar.")),
                       table(caption: "Kommunen och regionen \(period)", columns: ["Nyckeltal", "Kommunen (exakt)", "Regionen (skyddat)"],
                             rows: comparison.lines.map { [$0.label, SwedishFormat.figure($0.own, isShare: $0.isShare), SwedishFormat.figure($0.region, isShare: $0.isShare)] }))
    }

    static func dataQuality(_ quality: PeriodDataQuality) -> Node {
        let parts = quality.lines.map { line -> Node in
            let shown = line.people.prefix(namedPerLine)
            return .section([.ariaLabelledBy("h-\(line.key)"), .id(line.key), .class("quality")],
                            .element("h3", [.id("h-\(line.key)")], [.text("\(line.label): \(line.people.count)")]),
                            line.people.isEmpty ? .p([.class("muted")], "Ingen.") : .element("ul", [.class("people")], shown.map { person in
                                Node.li([], .a([.href("/personer/\(person.personID)")], .text(person.name.isEmpty ? "(namn saknas)" : person.name)),
                                        .text(" \(person.personnummer.formatted), \(person.detail)"),
                                        person.isProtected ? .fragment([" ", .strong([.class("tag")], "skyddad")]) : .empty)
                            }),
                            line.people.count > shown.count
                                ? .p([.class("muted")], .text("… och \(line.people.count - shown.count) till. Rätta de första och ladda om sidan."))
                                : .empty)
        }
        return section("datakvalitet", "Datakvalitet",
                       .p([], .text("Bedömt \(quality.judgementDay). Varje namn leder till personkortet där uppgiften rättas.")),
                       .fragment(parts))
    }
}
