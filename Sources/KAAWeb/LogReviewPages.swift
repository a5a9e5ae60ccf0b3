import Foundation
import KAACore
import KAAHTML
import KAARegister

/// Loggkontroll's risk views and monthly sample (/logg/risker, /logg/stickprov, granskare; issue 16).
///
/// The risk views' links and filters carry dates and view names only; people appear by internal id,
/// with the log's reason form to see one. A sample is drawn for an ended month (once), judged item
/// by item, signed off (after which it is read-only) and downloaded as CSV.
enum LogReviewPages {
    static let reviewer: Set<StaffRole> = [.granskare]

    static let routes: [Route] = [
        Route("GET", "/logg/risker", roles: reviewer) { context throws(WebError) in
            .page(try risks(context))
        },
        Route("GET", "/logg/stickprov", roles: reviewer) { context throws(WebError) in
            .page(try samples(context, error: nil))
        },
        Route("POST", "/logg/stickprov", roles: reviewer) { context throws(WebError) in
            let month = context.form.trimmed("month") ?? ""
            do throws(RegisterError) {
                let review = try context.register.drawLogReview(month: month)
                return .redirect("/logg/stickprov/\(review.id)")
            } catch let error {
                guard case let .invalidInput("month"?, message) = error else { throw .register(error) }
                var page = try samples(context, error: WebApp.sentence(message))
                page.status = 400
                return .page(page)
            }
        },
        Route("GET", "/logg/stickprov/{id}", roles: reviewer) { context throws(WebError) in
            .page(try sample(context, errors: [:], notice: context.query["sparat"] == "1" ? "Bedömningarna är sparade." : nil))
        },
        Route("POST", "/logg/stickprov/{id}/bedom", roles: reviewer) { context throws(WebError) in
            try judge(context)
        },
        Route("POST", "/logg/stickprov/{id}/signera", roles: reviewer) { context throws(WebError) in
            do throws(RegisterError) {
                guard let shown = context.form["bedomningar"], shown.utf8.count == 64 else {
                    throw RegisterError.invalidInput(field: "sign", message: "formuläret saknar bedömningarnas kontrollsumma; läs in sidan igen")
                }
                _ = try context.register.signOffLogReview(id: context.id, expecting: shown)
                return .redirect("/logg/stickprov/\(context.id)")
            } catch let error {
                guard case let .invalidInput("sign"?, message) = error else { throw .register(error) }
                var page = try sample(context, errors: [:], notice: nil, signError: WebApp.sentence(message))
                page.status = 400
                return .page(page)
            }
        },
        Route("GET", "/logg/stickprov/{id}/export", roles: reviewer) { context throws(WebError) in
            let rows = try context.run { () throws(RegisterError) in try context.register.exportLogReview(id: context.id) }
            let month = rows.dropFirst().first?[1] ?? String(context.id)
            return .download(name: "stickprov-logg-\(month).csv", contentType: "text/csv; charset=utf-8", body: CSVWriting.bytes(rows))
        },
    ]

    // MARK: - Risk views

    static func risks(_ context: WebContext) throws(WebError) -> WebPage {
        try LogPage.refusePersonnummer(in: context.query)
        let query = context.query
        let risk: LogRisk
        if let name = query.trimmed("view") {
            guard let known = LogRisk(rawValue: name) else { throw .badRequest("riskvyn '\(name.prefix(40))' finns inte") }
            risk = known
        } else {
            risk = .outsideCaseload
        }
        let today = context.register.today
        func date(_ name: String, default value: CalendarDate) throws(WebError) -> CalendarDate {
            guard let text = query.trimmed(name) else { return value }
            guard text.utf8.count == 10, let date = CalendarDate(iso: text) else {
                throw .badRequest("datumet i '\(name == "from" ? "från" : "till")' ska skrivas ÅÅÅÅ-MM-DD")
            }
            return date
        }
        let from = try date("from", default: today.adding(days: -29)), through = try date("through", default: today)
        let report = try context.run { () throws(RegisterError) in try context.register.logRisks(risk, from: from, through: through) }
        func link(_ view: LogRisk) -> String {
            "/logg/risker?" + FormData([("view", view.rawValue), ("from", from.description), ("through", through.description)]).queryString
        }
        let tabs = Node.nav([.class("risk-views"), Attribute("aria-label", "Riskvyer")],
                            .ul([], .fragment(LogRisk.allCases.map { view in
                                .li([], view == risk
                                        ? .a([.href(link(view)), Attribute("aria-current", "page")], .text(view.label))
                                        : .a([.href(link(view))], .text(view.label)))
                            })))
        let period = Node.form([Attribute("method", "get"), Attribute("action", "/logg/risker"), .class("filters")],
                               .input([.type("hidden"), .name("view"), .value(risk.rawValue)]),
                               UI.field("Från", name: "from", value: from.description, type: "date"),
                               UI.field("Till och med", name: "through", value: through.description, type: "date"),
                               .div([.class("actions")], .button([.type("submit"), .class("primary")], "Visa")))
        let rows = report.findings.map { finding in
            Node.tr([],
                    .td([Attribute("data-label", "När"), .class("when")], .text(context.register.localTime(finding.at))),
                    .td([Attribute("data-label", "Vem")], .text(finding.staff)),
                    .td([Attribute("data-label", "Vad")], .element("code", [], [.text(finding.action)])),
                    .td([Attribute("data-label", "Sammanhang")], .text(finding.context?.label ?? "–")),
                    .td([Attribute("data-label", "Person")], finding.personID.map { Node.text("#\($0)") } ?? .text("–")),
                    .td([Attribute("data-label", "Anmärkning")], .text(finding.note ?? "–")),
                    .td([Attribute("data-label", "Loggen")], .a([.href(LogPage.link(toEvent: finding.auditID, staff: finding.staff))],
                                                               .text("Visa i loggen"), .span([.class("visually-hidden")], .text(" (händelse \(finding.auditID))")))))
        }
        let table: Node = rows.isEmpty ? .p([.class("muted"), .role("status")], "Inga händelser i perioden.") : .fragment([
            .p([.class("count"), .role("status")],
               .text("\(report.total) \(report.total == 1 ? "händelse" : "händelser"), nyast först"
                     + (report.total > rows.count ? "; de \(rows.count) senaste visas, korta perioden för att se resten" : ""))),
            .div([.class("scroll")],
                 .table([.class("stack log")],
                        .caption([], .text("\(risk.label), \(from) – \(through)")),
                        .thead([], .tr([], .th([.scope("col")], "När"), .th([.scope("col")], "Vem"), .th([.scope("col")], "Vad"),
                                       .th([.scope("col")], "Sammanhang"), .th([.scope("col")], "Person"), .th([.scope("col")], "Anmärkning"),
                                       .th([.scope("col")], "Loggen"))),
                        .tbody([], .fragment(rows)))),
        ])
        return WebPage(title: "Riskvyer", section: .logRisks,
                       .p([.class("hint")], "Händelser i loggen som är värda en närmare titt. Personer visas med registrets interna nummer; länken visar händelsen i loggen med det som samma medarbetare gjorde före den."),
                       tabs,
                       .section([.ariaLabelledBy("h-risk")],
                                .h2([.id("h-risk")], .text(risk.label)),
                                .p([], .text(risk.explanation)),
                                period, table))
    }

    // MARK: - Samples

    static func when(_ context: WebContext, _ utc: String?) -> String {
        utc.map { context.register.localTime($0) } ?? "–"
    }

    static func samples(_ context: WebContext, error: String?) throws(WebError) -> WebPage {
        let reviews = try context.run { () throws(RegisterError) in try context.register.logReviews() }
        let drawn = Set(reviews.map(\.month))
        let months = context.register.logReviewMonths().filter { !drawn.contains($0) }
        let rows = reviews.map { review in
            Node.tr([],
                    .th([.scope("row"), Attribute("data-label", "Månad")], .a([.href("/logg/stickprov/\(review.id)")], .text(review.month))),
                    .td([Attribute("data-label", "Dragen")], .text("\(when(context, review.drawnAt)) av \(review.drawnBy)")),
                    .td([Attribute("data-label", "Läsningar")], .text("\(review.items) av \(review.population)")),
                    .td([Attribute("data-label", "Bedömda")], .text("\(review.judged) av \(review.items)")),
                    .td([Attribute("data-label", "Inte befogade")], .text(String(review.unjustified))),
                    .td([Attribute("data-label", "Signerad")], .text(review.signedAt == nil ? "nej" : "\(when(context, review.signedAt)) av \(review.signedBy ?? "–")")))
        }
        return WebPage(title: "Stickprov", section: .logSample,
                       .p([], .text("Varje månad granskas ett slumpmässigt urval av läsningarna av personers uppgifter: \(LogReviewSampling.size) läsningar "
                            + "dras lika sannolikt bland alla månadens läsningar (utom dina egna). Urvalet dras en gång per avslutad månad och kan inte dras om. "
                            + "Bedöm varje läsning som befogad eller inte, och signera granskningen; efter signeringen kan den inte ändras.")),
                       .section([.ariaLabelledBy("h-dra")],
                                .h2([.id("h-dra")], "Dra ett nytt stickprov"),
                                months.isEmpty ? .p([.class("muted")], "Alla de senaste tolv avslutade månaderna har ett stickprov.") :
                                    UI.form("/logg/stickprov", context,
                                            UI.select("Månad", name: "month", options: months.map { ($0, $0) }, selected: months.first, error: error),
                                            UI.submit("Dra stickprov"))),
                       .section([.ariaLabelledBy("h-tidigare")],
                                .h2([.id("h-tidigare")], "Granskningar"),
                                rows.isEmpty ? .p([.class("muted")], "Inga stickprov än.") : .div([.class("scroll")],
                                    .table([.class("stack")],
                                           .thead([], .tr([], .th([.scope("col")], "Månad"), .th([.scope("col")], "Dragen"), .th([.scope("col")], "Läsningar"),
                                                          .th([.scope("col")], "Bedömda"), .th([.scope("col")], "Inte befogade"), .th([.scope("col")], "Signerad"))),
                                           .tbody([], .fragment(rows))))))
    }

    static func review(_ context: WebContext) throws(WebError) -> LogReview {
        try context.run { () throws(RegisterError) in try context.register.logReview(id: context.id) }
    }

    static func sample(_ context: WebContext, errors: [Int: String], notice: String?, signError: String? = nil,
                       typed: [Int: (String?, String?)] = [:]) throws(WebError) -> WebPage {
        let review = try review(context)
        let open = !review.isSignedOff
        let items = review.items.map { item in
            let (verdict, comment) = typed[item.position] ?? (item.verdict?.rawValue, item.comment)
            let error = errors[item.position]
            var judgement: [Node] = []
            if open {
                let name = "verdict-\(item.position)"
                let radios = LogReview.Verdict.allCases.map { choice in
                    let id = "f-\(name)-\(choice.rawValue)"
                    var attributes: [Attribute] = [.type("radio"), .name(name), .id(id), .value(choice.rawValue)]
                    if verdict == choice.rawValue { attributes.append(Attribute(boolean: "checked")) }
                    return Node.div([.class("field check")], .input(attributes), .label([.for(id)], .text(choice.label)))
                }
                var commentAttributes: [Attribute] = [.name("comment-\(item.position)"), .id("f-comment-\(item.position)"), Attribute("maxlength", "2000"),
                                                      Attribute("rows", "2")]
                if error != nil { commentAttributes += [Attribute("aria-invalid", "true"), Attribute("aria-describedby", "e-comment-\(item.position)")] }
                judgement = [
                    .fieldset([.class("verdict")], .legend([], .text("Bedömning av nummer \(item.position)")), .fragment(radios)),
                    .div([.class(error == nil ? "field" : "field invalid")],
                         .label([.for("f-comment-\(item.position)")], .text("Kommentar till nummer \(item.position)")),
                         error.map { Node.p([.class("error"), .id("e-comment-\(item.position)")], .text($0)) } ?? .empty,
                         .textarea(commentAttributes, .text(comment ?? ""))),
                ]
            } else {
                judgement = [.p([], .strong([], .text(item.verdict?.label ?? "ej bedömd")), .text(item.comment.map { " – \($0)" } ?? ""))]
            }
            return Node.tr([.id("s\(item.position)")],
                           .th([.scope("row"), Attribute("data-label", "Nr")], .text(String(item.position))),
                           .td([Attribute("data-label", "När"), .class("when")], .text(context.register.localTime(item.at))),
                           .td([Attribute("data-label", "Vem")], .text(item.staff)),
                           .td([Attribute("data-label", "Vad")], .element("code", [], [.text(item.action)]), .text(" · \(item.context?.label ?? "–")")),
                           .td([Attribute("data-label", "Person")],
                               .text("#\(item.personID)"),
                               .p([], .a([.href(LogPage.link(toEvent: item.auditID, staff: item.staff))], "Visa i loggen",
                                         .span([.class("visually-hidden")], .text(" (nummer \(item.position))"))))),
                           .td([Attribute("data-label", "Bedömning"), .class("judgement")], .fragment(judgement)))
        }
        let table = Node.div([.class("scroll")],
                             .table([.class("stack sample")],
                                    .caption([], .text("Stickprov för \(review.month): \(review.items.count) av månadens \(review.population) läsningar")),
                                    .thead([], .tr([], .th([.scope("col")], "Nr"), .th([.scope("col")], "När"), .th([.scope("col")], "Vem"),
                                                   .th([.scope("col")], "Vad"), .th([.scope("col")], "Person"), .th([.scope("col")], "Bedömning"))),
                                    .tbody([], .fragment(items))))
        let status: Node = open
            ? .p([], .text("Dragen \(when(context, review.drawnAt)) av \(review.drawnBy). \(review.judged) av \(review.items.count) bedömda; inte signerad."))
            : UI.message("Signerad \(when(context, review.signedAt)) av \(review.signedBy ?? "–"). Granskningen kan inte ändras.", kind: "ok")
        var content: [Node] = [
            notice.map { UI.message($0, kind: "ok") } ?? .empty,
            errors.isEmpty ? .empty : UI.message("Bedömningarna sparades inte: rätta det som är markerat.", kind: "error"),
            status,
            .p([.class("hint")], "Personer visas med registrets interna nummer. Behöver du se en persons uppgifter för att bedöma en läsning, välj ett skäl i loggen; visningen loggas. Skriv inga personuppgifter i kommentarerna."),
        ]
        if open {
            content.append(UI.form("/logg/stickprov/\(review.id)/bedom", context, table, UI.submit("Spara bedömningarna")))
            content.append(.section([.ariaLabelledBy("h-signera")],
                                    .h2([.id("h-signera")], "Signera"),
                                    signError.map { UI.message($0, kind: "error") } ?? .empty,
                                    .p([], "När alla läsningar är bedömda signerar du granskningen med ditt namn. Den kan inte ändras efteråt."),
                                    UI.form("/logg/stickprov/\(review.id)/signera", context,
                                            .input([.type("hidden"), .name("bedomningar"), .value(review.judgementsDigest)]),
                                            .button([.type("submit")], "Signera granskningen"))))
        } else {
            content.append(table)
        }
        content.append(.p([], .a([.href("/logg/stickprov/\(review.id)/export")], "Ladda ner granskningen (CSV)"), " · ",
                          .a([.href("/logg/stickprov")], "Alla stickprov")))
        return WebPage(title: "Stickprov \(review.month)", section: .logSample, .fragment(content))
    }

    /// Saves the judgements of the form: every item with a verdict chosen; a bad one saves nothing
    /// and shows the form again with what was typed.
    static func judge(_ context: WebContext) throws(WebError) -> WebResponse {
        let review = try review(context)
        if review.isSignedOff {
            throw .register(.staleView("granskningen av \(review.month) är redan signerad och kan inte ändras"))
        }
        let positions = Set(review.items.map(\.position))
        for field in context.form.fields where field.name.hasPrefix("verdict-") || field.name.hasPrefix("comment-") {
            let number = field.name.split(separator: "-").last.flatMap { Int($0) }
            guard let number, positions.contains(number) else { throw .badRequest("stickprovet har ingen läsning '\(field.name.prefix(40))'") }
        }
        var judgements: [LogReviewJudgement] = []
        var errors: [Int: String] = [:]
        var typed: [Int: (String?, String?)] = [:]
        for item in review.items {
            let verdictText = context.form.trimmed("verdict-\(item.position)")
            let comment = context.form["comment-\(item.position)"]
            typed[item.position] = (verdictText, comment)
            guard let verdictText else {
                if let comment, !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    errors[item.position] = "Välj befogad eller inte befogad till kommentaren."
                }
                continue
            }
            guard let verdict = LogReview.Verdict(rawValue: verdictText) else { throw .badRequest("bedömningen av nummer \(item.position) är okänd") }
            let trimmed = comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if verdict == .unjustified, trimmed.isEmpty {
                errors[item.position] = "Skriv varför läsningen inte var befogad."
            } else if trimmed.count > 2000 {
                errors[item.position] = "Kommentaren är längre än 2000 tecken."
            }
            judgements.append(LogReviewJudgement(position: item.position, verdict: verdict, comment: trimmed))
        }
        guard errors.isEmpty else {
            var page = try sample(context, errors: errors, notice: nil, typed: typed)
            page.status = 400
            return .page(page)
        }
        guard !judgements.isEmpty else {
            return .redirect("/logg/stickprov/\(review.id)")
        }
        try context.run { () throws(RegisterError) in try context.register.judgeLogReview(id: review.id, judgements) }
        return .redirect("/logg/stickprov/\(review.id)?sparat=1")
    }
}
