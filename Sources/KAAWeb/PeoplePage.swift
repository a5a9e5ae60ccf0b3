import KAACore
import KAAHTML
import KAARegister

/// Ungdomar (`GET /personer`): the people the viewer reaches, filtered, sorted and paged in the
/// register; the search (`POST /sok`, so that a personnummer never enters a URL) and the CSV export
/// (`POST /personer/export`) of the same filters.
///
/// The list shows personnummer masked (`20080101-****`): a list puts many people on one screen,
/// the birth date and the name are enough to tell rows apart, and the whole number is one click
/// away on the Personkort (an audited read of that one person). Search results show it whole: the
/// coordinator typed it and must see that the hit is the right person. The export has it whole:
/// a file for work elsewhere needs the identifier.
enum PeoplePage {
    static let routes: [Route] = [
        Route("GET", "/personer", roles: Route.caseworkers) { context throws(WebError) in
            .page(try list(context))
        },
        Route("POST", "/sok", roles: Route.caseworkers) { context throws(WebError) in
            .page(try search(context))
        },
        Route("POST", "/personer/export", roles: Route.caseworkers) { context throws(WebError) in
            try export(context)
        },
    ]

    // MARK: - The list

    static func parse(_ form: FormData, _ context: WebContext) throws(WebError) -> (PeopleQuery, [CaseworkerOption]) {
        let caseworkers = try context.run { () throws(RegisterError) in try context.register.caseworkers() }
        let reasons = Set(context.register.catalog.codes(in: .registrationReason).map(\.code))
        return (try PeopleQuery.parse(form, reasons: reasons, logins: Set(caseworkers.map(\.login))), caseworkers)
    }

    static func list(_ context: WebContext) throws(WebError) -> WebPage {
        let (query, caseworkers) = try parse(context.query, context)
        let size = max(1, context.settings.pageSize)
        let register = context.register
        var result = try context.run { () throws(RegisterError) in
            try register.people(query.filter, offset: (query.page - 1) * size, limit: size)
        }
        var page = query.page
        // A page past the end (an old link after people left the list) shows the last one.
        if result.rows.isEmpty, result.total > 0 {
            page = (result.total + size - 1) / size
            result = try context.run { () throws(RegisterError) in try register.people(query.filter, offset: (page - 1) * size, limit: size) }
        }
        return WebPage(title: "Ungdomar", section: .people,
                       searchForm(context, value: nil, error: nil),
                       filterForm(query, caseworkers: caseworkers, context),
                       table(result, query: query, page: page, size: size, context),
                       exportForm(query, context))
    }

    static func searchForm(_ context: WebContext, value: String?, error: String?) -> Node {
        .section([.ariaLabelledBy("h-sok"), .class("search")],
                 .h2([.id("h-sok")], "Sök"),
                 UI.form("/sok", context,
                         UI.field("Namn eller personnummer", name: "q", value: value, type: "search", error: error,
                                  hint: "Minst \(Register.minimumSearchLength) tecken av namnet eller \(Register.minimumSearchDigits) siffror av personnumret.",
                                  required: true, extra: [Attribute("autocomplete", "off")]),
                         UI.submit("Sök")))
    }

    static func filterForm(_ query: PeopleQuery, caseworkers: [CaseworkerOption], _ context: WebContext) -> Node {
        let reasons = context.register.catalog.codes(in: .registrationReason).map { ($0.code, $0.label) }
        var fields: [Node] = [
            UI.select("Status", name: "status", options: [("oppen", "I KAA nu"), ("avslutad", "Avslutade"), ("alla", "Alla")],
                      selected: query.field("status") ?? "oppen"),
            UI.select("Registreringsorsak", name: "reason", options: [("", "Alla")] + reasons, selected: query.field("reason") ?? ""),
            UI.select("Ålder", name: "age", options: [("", "Alla")] + (16...19).map { (String($0), "\($0) år") }, selected: query.field("age") ?? ""),
        ]
        if context.viewer.role == .samordnare {
            let people = caseworkers.map { ($0.login, $0.isDisabled ? "\($0.name) (avaktiverad)" : $0.name) }
            fields.append(UI.select("Handläggare", name: "handlaggare", options: [("", "Alla"), ("ingen", "Ingen handläggare")] + people,
                                    selected: query.field("handlaggare") ?? ""))
        }
        fields += [
            UI.select("Senaste kontakt", name: "contact",
                      options: [("", "Alla"), ("aldrig", "Aldrig kontaktad")] + PeopleQuery.contactDays.map { (String($0), "Ingen kontakt på \($0) dagar") },
                      selected: query.field("contact") ?? ""),
            UI.select("Skyddad identitet", name: "protected", options: [("", "Alla"), ("ja", "Bara skyddade"), ("nej", "Inga skyddade")],
                      selected: query.field("protected") ?? ""),
        ]
        // The column headers sort too; this is the way on a narrow screen, where the table has none.
        fields.append(UI.select("Sortera", name: "sort", options: sortOptions, selected: query.field("sort") ?? "namn"))
        return .section([.ariaLabelledBy("h-filter")],
                        .h2([.id("h-filter")], "Filter"),
                        .form([Attribute("method", "get"), Attribute("action", "/personer"), .class("filters")],
                              .fragment(fields),
                              .div([.class("actions")], .button([.type("submit"), .class("primary")], "Visa"), .a([.href("/personer")], "Rensa filter"))))
    }

    static let sortOptions: [(String, String)] = [
        ("namn", "Namn A–Ö"), ("-namn", "Namn Ö–A"), ("alder", "Ålder, yngst först"), ("-alder", "Ålder, äldst först"),
        ("registrerad", "Registrerad, äldst först"), ("-registrerad", "Registrerad, senast först"),
        ("kontakt", "Senaste kontakt, äldst eller aldrig först"), ("-kontakt", "Senaste kontakt, senast först"),
        ("handlaggare", "Handläggare A–Ö"), ("-handlaggare", "Handläggare Ö–A"),
    ]

    /// A count as Swedish writes it: `50 000` (a no-break space between thousands).
    static func number(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append("\u{00A0}") }
            out.append(digit)
        }
        return out
    }

    /// The masked personnummer the list shows.
    static func masked(_ pnr: PersonalIdentityNumber) -> String {
        String(pnr.formatted.prefix(9)) + "****"
    }

    static func header(_ label: String, _ sort: PeopleFilter.Sort, _ query: PeopleQuery) -> Node {
        let name = PeopleQuery.sortName(sort)
        let current = query.filter.sort == sort
        let next = current && !query.filter.isDescending ? "-" + name : name
        var attributes: [Attribute] = [.scope("col")]
        if current { attributes.append(Attribute("aria-sort", query.filter.isDescending ? "descending" : "ascending")) }
        let arrow = current ? (query.filter.isDescending ? " ↓" : " ↑") : ""
        return .th(attributes, .a([.href(query.link(changing: [("sort", next == "namn" ? nil : next)]))], .text(label + arrow)))
    }

    static func table(_ result: PeopleListPage, query: PeopleQuery, page: Int, size: Int, _ context: WebContext) -> Node {
        let today = context.register.today
        let catalog = context.register.catalog
        guard !result.rows.isEmpty else {
            return .section([.ariaLabelledBy("h-lista")], .h2([.id("h-lista")], "Ungdomar (0)"), .p([.class("muted")], "Ingen matchar filtret."))
        }
        let rows = result.rows.map { row in listRow(row, today: today, catalog: catalog) }
        let first = result.offset + 1, last = result.offset + result.rows.count
        let pages = (result.total + size - 1) / size
        var pager: [Node] = []
        if page > 1 { pager.append(.a([.href(query.link(page: page - 1)), Attribute("rel", "prev")], "← Föregående")) }
        pager.append(.span([], .text("Sida \(number(page)) av \(number(pages))")))
        if page < pages { pager.append(.a([.href(query.link(page: page + 1)), Attribute("rel", "next")], "Nästa →")) }
        return .section([.ariaLabelledBy("h-lista")],
                        .h2([.id("h-lista")], .text("Ungdomar (\(number(result.total)))")),
                        .p([.class("count"), .role("status")], .text("Visar \(number(first))–\(number(last)) av \(number(result.total))")),
                        .div([.class("scroll")],
                             .table([.class("stack people")],
                                    .thead([], .tr([], header("Namn", .name, query), .th([.scope("col")], "Personnummer"), header("Ålder", .age, query),
                                                   header("Registrerad", .registered, query), .th([.scope("col")], "Orsak"),
                                                   header("Senaste kontakt", .contact, query), header("Handläggare", .caseworker, query))),
                                    .tbody([], .fragment(rows)))),
                        .nav([.class("pager"), Attribute("aria-label", "Sidor")], .fragment(pager)))
    }

    static func listRow(_ row: PersonListing, today: CalendarDate, catalog: CodeCatalog) -> Node {
        let name: Node = .a([.href("/personer/\(row.personID)")], .text(row.name.isEmpty ? "(namn saknas)" : row.name))
        let tag: Node = row.isProtected ? .fragment([" ", .strong([.class("tag")], "skyddad")]) : .empty
        let registered = row.registeredOn.description + (row.deregisteredOn.map { " (avslutad \($0.description))" } ?? "")
        let age = String(row.personnummer.birthDate.age(on: today))
        let cells: [Node] = [
            .td([Attribute("data-label", "Namn")], name, tag),
            .td([Attribute("data-label", "Personnummer")], .text(masked(row.personnummer))),
            .td([Attribute("data-label", "Ålder"), .class("num")], .text(age)),
            .td([Attribute("data-label", "Registrerad")], .text(registered)),
            .td([Attribute("data-label", "Orsak")], .text(catalog.label(row.registrationReason, in: .registrationReason))),
            .td([Attribute("data-label", "Senaste kontakt")], .text(row.lastContact?.description ?? "aldrig")),
            .td([Attribute("data-label", "Handläggare")], .text(row.caseworkerName ?? "ingen")),
        ]
        return .element("tr", [], cells)
    }

    static func exportForm(_ query: PeopleQuery, _ context: WebContext) -> Node {
        let hidden = query.fields.map { Node.input([.type("hidden"), .name($0.0), .value($0.1)]) }
        return .section([.ariaLabelledBy("h-export")],
                        .h2([.id("h-export")], "Export"),
                        .p([.class("hint")], "Exporten tar med alla som matchar filtret (inte bara den här sidan) och loggas. Spara filen bara där kommunen tillåter personuppgifter."),
                        UI.form("/personer/export", context, .fragment(hidden), .button([.type("submit")], "Exportera CSV")),
                        .p([], .a([.href("/brev?" + FormData([("kalla", "personer")] + query.fields).queryString)], "Skriv brev till alla som matchar filtret")))
    }

    // MARK: - Search

    /// The most search hits one page shows: four pages' worth (200 by default).
    static func maximumSearchRows(_ settings: WebSettings) -> Int { max(1, settings.pageSize) * 4 }

    static func search(_ context: WebContext) throws(WebError) -> WebPage {
        let text = context.form["q"] ?? ""
        let matches: [PersonMatch]
        do {
            matches = try context.register.find(text)
        } catch let error {
            guard case let .invalidInput(_, message) = error else { throw .register(error) }
            var page = WebPage(title: "Sök", section: .people, searchForm(context, value: text, error: WebApp.sentence(message)),
                               .p([], .a([.href("/personer")], "Till listan")))
            page.status = 400
            return page
        }
        let body: Node
        if matches.isEmpty {
            body = .p([.class("muted"), .role("status")], "Ingen träff.")
        } else {
            // A two-letter search can find thousands; the page shows the first ones and asks for more
            // letters (the audit row names every hit: it says more was read, never less).
            let cap = maximumSearchRows(context.settings)
            let rows = matches.prefix(cap).map { match in
                Node.tr([],
                        .td([Attribute("data-label", "Namn")], .a([.href("/personer/\(match.personID)")], .text(match.name.isEmpty ? "(namn saknas)" : match.name)),
                            match.isProtected ? .fragment([" ", .strong([.class("tag")], "skyddad")]) : .empty),
                        .td([Attribute("data-label", "Personnummer")], .text(match.personnummer.formatted)),
                        .td([Attribute("data-label", "Status")], .text(match.isOpen ? "I KAA nu" : "Avslutad")))
            }
            body = .fragment([
                .p([.class("count"), .role("status")],
                   .text(matches.count == 1 ? "1 träff" : matches.count > cap
                         ? "\(number(matches.count)) träffar; de \(cap) första visas. Skriv mer av namnet eller personnumret."
                         : "\(number(matches.count)) träffar")),
                .div([.class("scroll")],
                     .table([.class("stack people")],
                            .thead([], .tr([], .th([.scope("col")], "Namn"), .th([.scope("col")], "Personnummer"), .th([.scope("col")], "Status"))),
                            .tbody([], .fragment(rows)))),
            ])
        }
        return WebPage(title: "Sökresultat", section: .people, searchForm(context, value: text, error: nil), body,
                       .p([], .a([.href("/personer")], "Till listan")))
    }

    // MARK: - Export

    static func export(_ context: WebContext) throws(WebError) -> WebResponse {
        let (query, _) = try parse(context.form, context)
        let register = context.register
        let result = try context.run { () throws(RegisterError) in try register.people(query.filter, limit: nil, context: .export) }
        let today = register.today
        let header = ["personnummer", "namn", "alder", "status", "registrerad", "registreringsorsak", "avslutad", "senaste_kontakt", "handlaggare",
                      "skyddad_identitet"]
        let rows = result.rows.map { row in
            [row.personnummer.formatted, row.name, String(row.personnummer.birthDate.age(on: today)), row.isOpen ? "öppen" : "avslutad",
             row.registeredOn.description, register.catalog.label(row.registrationReason, in: .registrationReason),
             row.deregisteredOn?.description ?? "", row.lastContact?.description ?? "", row.caseworkerName ?? "", row.isProtected ? "ja" : "nej"]
        }
        return .download(name: "ungdomar-\(today.description).csv", contentType: "text/csv; charset=utf-8", body: CSVWriting.bytes([header] + rows))
    }
}
