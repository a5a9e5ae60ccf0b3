import KAACore
import KAAHTML
import KAARegister

/// "Idag": the day's worklists for me (a handläggare's caseload, or everyone for a samordnare),
/// with counts, oldest first, each line a link to the person.
enum TodayPage {
    static let routes: [Route] = [
        Route("GET", "/", roles: Route.everyone) { context throws(WebError) in
            switch context.viewer.role {
            case .granskare: return .redirect("/logg")
            case .admin: return .redirect("/personal")
            case .handlaggare, .samordnare: return .page(try page(context))
            }
        },
    ]

    /// The list's anchor and heading.
    static func heading(_ list: TodaysWork.List) -> (anchor: String, title: String) {
        heading(list.list, days: list.days)
    }

    static func heading(_ list: Worklist, days: Int) -> (anchor: String, title: String) {
        switch list {
        case .notReached: ("ej-nadda", "Ej nådda")
        case .noContact: ("ingen-kontakt", "Ingen kontakt på \(days) dagar")
        case .followUpDue: ("uppfoljning", "Uppföljning förfallen eller inom \(days) dagar")
        case .plannedStartPassed: ("planerad-start", "Planerad start passerad")
        case .turning20: ("fyller-20", "Fyller 20 inom \(days) dagar")
        case .noMeasure: ("ingen-atgard", "Ingen åtgärd erbjuden")
        }
    }

    /// Lines shown per list; "Visa alla" shows one list whole (`?visa=ANCHOR`).
    static let linesPerList = 50

    /// The register's key of a section by its anchor.
    static func key(ofAnchor anchor: String) -> String? {
        if anchor == "att-granska" || anchor == "ej-tilldelade" { return anchor }
        return Worklist.allCases.first { heading($0, days: 0).anchor == anchor }?.rawValue
    }

    static func page(_ context: WebContext) throws(WebError) -> WebPage {
        var unlimited: String?
        if let anchor = context.query["visa"] {
            guard let key = key(ofAnchor: anchor) else { throw .badRequest("listan '\(anchor.prefix(40))' finns inte") }
            unlimited = key
        }
        let work = try context.run { () throws(RegisterError) in
            try context.register.todaysWork(followUpDays: context.settings.followUpDays, limit: linesPerList, unlimited: unlimited)
        }
        let today = context.register.today
        var summary: [Node] = []
        var sections: [Node] = []
        for list in work.lists {
            let (anchor, title) = heading(list)
            summary.append(count(anchor, title, list.total))
            sections.append(section(anchor, title, total: list.total, rows: list.entries.map { entry in
                (entry.entry.personID, entry.name, entry.isProtected, entry.entry.date, entry.entry.note)
            }, today: today, letters: "/brev?lista=\(anchor)&dagar=\(list.days)"))
        }
        summary.append(count("att-granska", "Att granska", work.reviewTotal))
        sections.append(section("att-granska", "Att granska", total: work.reviewTotal, rows: work.review.map { item in
            (item.personID, item.name, false, item.seenOn, item.message)
        }, today: today))
        if let unassigned = work.unassigned {
            summary.append(count("ej-tilldelade", "Ej tilldelade", work.unassignedTotal))
            sections.append(section("ej-tilldelade", "Ej tilldelade", total: work.unassignedTotal, rows: unassigned.map { entry in
                (entry.entry.personID, entry.name, entry.isProtected, entry.entry.date, entry.entry.note)
            }, today: today))
        }
        let whose = context.viewer.role == .samordnare ? "Alla i kommunen" : "Din ärendelista"
        return WebPage(title: "Idag", section: .today,
                       .p([.class("muted")], .text("\(whose) · \(SwedishFormat.longDate(today))")),
                       .element("ul", [.class("counts"), Attribute("aria-label", "Sammanfattning")], summary),
                       .fragment(sections))
    }

    /// `3 dagar sedan`, `idag`, `om 5 dagar`: whether a date is past or coming matters on a worklist.
    static func relative(_ date: CalendarDate, today: CalendarDate) -> String {
        let days = date.days(until: today)
        switch days {
        case 0: return "idag"
        case 1: return "igår"
        case -1: return "imorgon"
        case 2...: return "\(days) dagar sedan"
        default: return "om \(-days) dagar"
        }
    }

    static func count(_ anchor: String, _ title: String, _ n: Int) -> Node {
        .li([], .a([.href("#\(anchor)")], .span([.class("n")], .text(String(n))), .text(title)))
    }

    /// One list; `letters` is the Brev page's link for a worklist ("Skriv brev" to its people).
    static func section(_ anchor: String, _ title: String, total: Int, rows: [(Int64, String, Bool, CalendarDate, String)], today: CalendarDate,
                        letters: String? = nil) -> Node {
        let headingID = "h-\(anchor)"
        guard !rows.isEmpty else {
            return .section([.id(anchor), .ariaLabelledBy(headingID)], .h2([.id(headingID)], .text("\(title) (0)")), .p([.class("muted")], "Ingen just nu."))
        }
        let body = rows.map { id, name, isProtected, date, note in
            Node.tr([],
                    .td([Attribute("data-label", "Namn")], .a([.href("/personer/\(id)")], .text(name.isEmpty ? "(namn saknas)" : name)),
                        isProtected ? .fragment([" ", .strong([.class("tag")], "skyddad")]) : .empty),
                    .td([Attribute("data-label", "Datum")], .text(date.description)),
                    .td([Attribute("data-label", "När")], .text(relative(date, today: today))),
                    .td([Attribute("data-label", "Anteckning")], .text(note)))
        }
        return .section([.id(anchor), .ariaLabelledBy(headingID)],
                        .h2([.id(headingID)], .text("\(title) (\(total))")),
                        rows.count < total
                            ? .p([], .text("Visar de \(rows.count) äldsta av \(total). "), .a([.href("/?visa=\(anchor)#\(anchor)")], .text("Visa alla \(total)")))
                            : .empty,
                        letters.map { Node.p([], .a([.href($0)], .text(total == 1 ? "Skriv brev till den som står i ”\(title)”" : "Skriv brev till alla \(total) i ”\(title)”"))) } ?? .empty,
                        .div([.class("scroll")],
                             .table([.class("stack")],
                                    .thead([], .tr([], .th([.scope("col")], "Namn"), .th([.scope("col")], "Datum"), .th([.scope("col")], "När"),
                                                   .th([.scope("col")], "Anteckning"))),
                                    .element("tbody", [], body))))
    }
}
