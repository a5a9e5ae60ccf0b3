import KAACore
import KAAHTML
import KAARegister

/// Loggkontroll's search by person (`POST /logg/person`, granskare; issue 16): the personnummer is
/// typed in a POST form, never put in a URL; the staff member, action and date filters of the log
/// narrow it further. The register logs the lookup (`audit.person`) before it answers.
enum LogPersonSearch {
    /// The most rows a person search shows (newest first).
    static let limit = 500

    /// The search form, with the log's filters (`filter`'s values kept) and an error on the
    /// personnummer field.
    static func form(_ context: WebContext, filter: AuditFilter, personnummer: String? = nil, staffNames: [String], actions: [String],
                     error: String?) -> Node {
        .section([.ariaLabelledBy("h-personsok"), .class("person-search")],
                 .h2([.id("h-personsok")], "Sök i loggen på person"),
                 UI.form("/logg/person", context,
                         UI.field("Personnummer", name: "personnummer", value: personnummer, error: error,
                                  hint: "ÅÅÅÅMMDD-NNNN. Sökningen loggas med ditt namn och personens interna nummer.", required: true,
                                  extra: [Attribute("autocomplete", "off"), Attribute("inputmode", "numeric"), Attribute("maxlength", "20")]),
                         .div([.class("filters")],
                              select("Vem", name: "staff", options: [("", "Alla")] + staffNames.map { ($0, $0) }, selected: filter.staff ?? ""),
                              select("Händelse", name: "action", options: [("", "Alla")] + actions.map { ($0, $0) }, selected: filter.action ?? ""),
                              date("Från", name: "from", value: filter.from),
                              date("Till och med", name: "through", value: filter.through)),
                         UI.submit("Sök på person")))
    }

    // The filters share their names with the log's own filter form on the same page, so their ids
    // are their own (`fp-…`): each label names its field.
    private static func select(_ label: String, name: String, options: [(String, String)], selected: String) -> Node {
        .div([.class("field")],
             .label([.for("fp-\(name)")], .text(label)),
             .element("select", [.name(name), .id("fp-\(name)")], options.map { value, text in
                 Node.option(value == selected ? [.value(value), .selected] : [.value(value)], .text(text))
             }))
    }

    private static func date(_ label: String, name: String, value: CalendarDate?) -> Node {
        .div([.class("field")],
             .label([.for("fp-\(name)")], .text(label)),
             .input([.type("date"), .name(name), .id("fp-\(name)")] + (value.map { [Attribute.value($0.description)] } ?? [])))
    }

    static func result(_ context: WebContext) throws(WebError) -> WebPage {
        try LogPage.refusePersonnummer(in: context.query)
        let register = context.register
        let names = try context.run { () throws(RegisterError) in try register.auditStaffNames() }
        let actions = try context.run { () throws(RegisterError) in try register.auditActionNames() }
        let fields = FormData(context.form.fields.filter { $0.name != "page" && $0.name != "until" }.map { ($0.name, $0.value) })
        let filter = try LogPage.parse(fields, staffNames: Set(names), actions: Set(actions)).filter
        let typed = context.form.trimmed("personnummer") ?? ""
        func again(_ message: String, status: Int) -> WebPage {
            var page = WebPage(title: "Sök i loggen på person", section: .log,
                               form(context, filter: filter, personnummer: typed.utf8.count <= 20 ? typed : nil, staffNames: names, actions: actions,
                                    error: message),
                               .p([], .a([.href("/logg")], "Tillbaka till loggen")))
            page.status = status
            return page
        }
        guard !typed.isEmpty else { return again("Skriv personnumret du vill söka på.", status: 400) }
        guard typed.utf8.count <= 20, let pnr = try? register.personnummer(typed) else {
            return again("Det är inte ett giltigt personnummer (ÅÅÅÅMMDD-NNNN, med rätt kontrollsiffra).", status: 400)
        }
        let log: PersonAuditLog
        do {
            log = try register.auditLog(ofPerson: pnr, filter: filter, limit: limit)
        } catch let error {
            guard case let .notFound(message) = error else { throw .register(error) }
            return again(WebApp.sentence(message) + " Sökningen är loggad.", status: 404)
        }
        let rows = log.rows.map { LogPage.row(context, $0) }
        return WebPage(title: "Loggen för person #\(log.personID)", section: .log,
                       UI.message("Sökningen är loggad med ditt namn. Personen har registrets interna nummer #\(log.personID).", kind: "info"),
                       form(context, filter: filter, personnummer: pnr.formatted, staffNames: names, actions: actions, error: nil),
                       rows.isEmpty ? .p([.class("muted")], "Inga händelser om personen matchar filtret.") : .fragment([
                           .p([.class("count"), .role("status")],
                              .text("\(log.total) \(log.total == 1 ? "händelse" : "händelser"), nyast först"
                                    + (log.total > rows.count ? "; de \(rows.count) senaste visas, smalna av med filtren" : ""))),
                           LogPage.logTable(rows),
                       ]),
                       .p([], .a([.href("/logg")], "Tillbaka till loggen")))
    }
}
