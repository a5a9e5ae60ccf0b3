import KAACore
import KAAHTML
import KAARegister

/// Logg (`/logg`, granskare only): the audit log, newest first, filtered and paged. People appear
/// by internal id only; a person's record is shown on an explicit request with a reason
/// (`POST /logg/personer/{id}`), which is itself logged. The log of one person is searched by
/// personnummer in a POST form (`POST /logg/person`), never in a URL; the lookup is logged.
enum LogPage {
    static let reviewer: Set<StaffRole> = [.granskare]

    static let routes: [Route] = [
        Route("GET", "/logg", roles: reviewer) { context throws(WebError) in
            .page(try list(context))
        },
        Route("POST", "/logg/personer/{id}", roles: reviewer) { context throws(WebError) in
            .page(try review(context))
        },
        Route("POST", "/logg/person", roles: reviewer) { context throws(WebError) in
            .page(try LogPersonSearch.result(context))
        },
    ]

    /// Query fields that would put a personnummer into a URL: refused, not ignored, so that a
    /// bookmark or a hand-typed address is corrected rather than kept.
    static let refusedQueryFields = ["personnummer", "pnr", "person"]

    /// Refuses a query string that names a person by personnummer (the message does not repeat it).
    static func refusePersonnummer(in query: FormData) throws(WebError) {
        for field in refusedQueryFields where query[field] != nil {
            throw .badRequest("ett personnummer får aldrig stå i adressen; sök på person i formuläret på sidan Logg (det skickas med POST)")
        }
    }

    // MARK: - The log

    struct Query {
        var filter = AuditFilter()
        var page = 1
        var fields: [(String, String)] = []

        func link(page: Int) -> String {
            let all = fields + (page > 1 ? [("page", String(page))] : [])
            return all.isEmpty ? "/logg" : "/logg?" + FormData(all).queryString
        }
    }

    static func parse(_ form: FormData, staffNames: Set<String>, actions: Set<String>) throws(WebError) -> Query {
        var query = Query()
        func refuse(_ field: String) -> WebError { .badRequest("filtret '\(field)' har ett värde som loggen inte känner till") }
        if let staff = form.trimmed("staff") {
            guard staffNames.contains(staff) else { throw refuse("staff") }
            query.filter.staff = staff
            query.fields.append(("staff", staff))
        }
        if let action = form.trimmed("action") {
            guard actions.contains(action) else { throw refuse("action") }
            query.filter.action = action
            query.fields.append(("action", action))
        }
        for name in ["from", "through"] {
            guard let text = form.trimmed(name) else { continue }
            guard text.utf8.count == 10, let date = CalendarDate(iso: text) else {
                throw .badRequest("datumet i '\(name == "from" ? "från" : "till")' ska skrivas ÅÅÅÅ-MM-DD")
            }
            if name == "from" { query.filter.from = date } else { query.filter.through = date }
            query.fields.append((name, date.description))
        }
        if let until = form.trimmed("until") {
            guard until.utf8.count <= 18, until.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int64(until), id >= 1 else { throw refuse("until") }
            query.filter.untilID = id
            query.fields.append(("until", until))
        }
        if let page = form.trimmed("page") {
            guard page.utf8.count <= 6, page.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(page), number >= 1 else { throw refuse("page") }
            query.page = number
        }
        return query
    }

    static func list(_ context: WebContext) throws(WebError) -> WebPage {
        try refusePersonnummer(in: context.query)
        let register = context.register
        let names = try context.run { () throws(RegisterError) in try register.auditStaffNames() }
        let actions = try context.run { () throws(RegisterError) in try register.auditActionNames() }
        let query = try parse(context.query, staffNames: Set(names), actions: Set(actions))
        let size = max(1, context.settings.pageSize)
        var page = query.page
        var result = try context.run { () throws(RegisterError) in try register.auditLogPage(query.filter, offset: (page - 1) * size, limit: size) }
        if result.rows.isEmpty, result.total > 0 {
            page = (result.total + size - 1) / size
            result = try context.run { () throws(RegisterError) in try register.auditLogPage(query.filter, offset: (page - 1) * size, limit: size) }
        }
        let value = { (name: String) in query.fields.first { $0.0 == name }?.1 }
        let filters = Node.form([Attribute("method", "get"), Attribute("action", "/logg"), .class("filters")],
                                UI.select("Vem", name: "staff", options: [("", "Alla")] + names.map { ($0, $0) }, selected: value("staff") ?? ""),
                                UI.select("Händelse", name: "action", options: [("", "Alla")] + actions.map { ($0, $0) }, selected: value("action") ?? "",
                                          hint: "Ett namn utan punkt (t.ex. contact) tar med alla dess händelser."),
                                UI.field("Från", name: "from", value: value("from"), type: "date"),
                                UI.field("Till och med", name: "through", value: value("through"), type: "date"),
                                .div([.class("actions")], .button([.type("submit"), .class("primary")], "Visa"), .a([.href("/logg")], "Rensa filter")))
        let rows = result.rows.map { row(context, $0) }
        let pages = max(1, (result.total + size - 1) / size)
        var pager: [Node] = []
        if page > 1 { pager.append(.a([.href(query.link(page: page - 1)), Attribute("rel", "prev")], "← Nyare")) }
        pager.append(.span([], .text("Sida \(page) av \(pages)")))
        if page < pages { pager.append(.a([.href(query.link(page: page + 1)), Attribute("rel", "next")], "Äldre →")) }
        let table: Node = rows.isEmpty ? .p([.class("muted")], "Inga händelser matchar filtret.") : .fragment([
            .p([.class("count"), .role("status")], .text("Visar \(result.offset + 1)–\(result.offset + rows.count) av \(result.total), nyast först")),
            logTable(rows),
            .nav([.class("pager"), Attribute("aria-label", "Sidor")], .fragment(pager)),
        ])
        return WebPage(title: "Logg", section: .log,
                       .p([.class("hint")], "Personer visas med registrets interna nummer. Personens uppgifter visas bara om du väljer ett skäl; skälet och visningen loggas."),
                       filters,
                       LogPersonSearch.form(context, filter: query.filter, staffNames: names, actions: actions, error: nil),
                       table)
    }

    /// The log's table of rows (the Logg page's and a person search's).
    static func logTable(_ rows: [Node]) -> Node {
        .div([.class("scroll")],
             .table([.class("stack log")],
                    .thead([], .tr([], .th([.scope("col")], "När"), .th([.scope("col")], "Vem"), .th([.scope("col")], "Via"), .th([.scope("col")], "Vad"),
                                   .th([.scope("col")], "Sammanhang"), .th([.scope("col")], "Person"), .th([.scope("col")], "Ändringar"))),
                    .tbody([], .fragment(rows))))
    }

    /// A link to the log from one event back, by that staff member, with the event at the top.
    static func link(toEvent id: Int64, staff: String) -> String {
        "/logg?" + FormData([("staff", staff), ("until", String(id))]).queryString + "#h\(id)"
    }

    static func row(_ context: WebContext, _ row: AuditLogRow) -> Node {
        let entry = row.entry
        let details: Node = entry.changes == nil && entry.detail == nil ? .text("–") : .fragment([
            entry.changes.map { LogChanges.render($0) } ?? .empty,
            entry.detail.map { Node.span([.class("detail")], .text($0)) } ?? .empty,
        ])
        let person: Node
        if let id = entry.personID {
            person = .fragment([.text("#\(id)"), reviewForm(context, personID: id, formID: "r\(entry.id)", error: nil)])
        } else if !entry.shownPersonIDs.isEmpty {
            let shown = entry.shownPersonIDs.prefix(20).map { "#\($0)" }.joined(separator: " ")
            person = .text("\(entry.shownPersonIDs.count) visade: \(shown)\(entry.shownPersonIDs.count > 20 ? " …" : "")")
        } else {
            person = .text("–")
        }
        return .tr([.id("h\(entry.id)")],
                   .td([Attribute("data-label", "När"), .class("when")], .text(context.register.localTime(entry.at))),
                   .td([Attribute("data-label", "Vem")], .text(entry.staff)),
                   .td([Attribute("data-label", "Via")], .text(row.via == "web" ? "webb" : "kommandorad")),
                   .td([Attribute("data-label", "Vad")], .element("code", [], [.text(entry.action)])),
                   .td([Attribute("data-label", "Sammanhang")], .text(entry.context?.label ?? "–")),
                   .td([Attribute("data-label", "Person")], person),
                   .td([Attribute("data-label", "Ändringar")], details))
    }

    /// The small form that asks to see one person, with the reason field (ids unique per row).
    static func reviewForm(_ context: WebContext, personID: Int64, formID: String, error: String?) -> Node {
        let field = "f-reason-\(formID)"
        var attributes: [Attribute] = [.name("reason"), .id(field), Attribute(boolean: "required")]
        if error != nil { attributes += [Attribute("aria-invalid", "true"), Attribute("aria-describedby", "e-\(formID)")] }
        let options = [Node.option([.value("")], "Välj skäl …")] + ReviewReason.allCases.map { Node.option([.value($0.rawValue)], .text($0.label)) }
        return UI.form("/logg/personer/\(personID)", context,
                       .div([.class(error == nil ? "field" : "field invalid")],
                            .label([.for(field)], "Skäl till granskningen"),
                            error.map { Node.p([.class("error"), .id("e-\(formID)")], .text($0)) } ?? .empty,
                            .element("select", attributes, options)),
                       .button([.type("submit")], "Visa personens uppgifter"))
    }

    // MARK: - A person's record on request

    static func review(_ context: WebContext) throws(WebError) -> WebPage {
        let record: PersonRecord
        do {
            record = try context.register.reviewPerson(context.id, reason: context.form["reason"] ?? "")
        } catch let error {
            guard case let .invalidInput("reason"?, message) = error else { throw .register(error) }
            var page = WebPage(title: "Skäl krävs", section: .log,
                               .p([], .text("Personens uppgifter visas bara med ett skäl ur listan; skälet och visningen loggas.")),
                               reviewForm(context, personID: context.id, formID: "granska", error: WebApp.sentence(message)),
                               .p([], .a([.href("/logg")], "Tillbaka till loggen")))
            page.status = 400
            return page
        }
        return WebPage(title: "Personens uppgifter (granskning)", section: .log,
                       UI.message("Visningen är loggad med ditt namn. Uppgifterna visas bara här, skrivskyddade.", kind: "info"),
                       record.isProtected ? UI.protectedBanner : .empty,
                       PersonRecordView.render(record, catalog: context.register.catalog, today: context.register.today),
                       .p([], .a([.href("/logg")], "Tillbaka till loggen")))
    }
}
