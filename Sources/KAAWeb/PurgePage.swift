import KAACore
import KAAHTML
import KAARegister

/// Gallring (`/gallring`, samordnare; issue 16): the dry run's list, a second step that asks for
/// an explicit confirmation, then the purge and its receipt (what went, when, by whom; no personal
/// data). What is deleted is exactly what the preview showed: the confirmation carries the list's
/// digest, and a list that changed meanwhile deletes nothing (409).
enum PurgePage {
    static let samordnare: Set<StaffRole> = [.samordnare]

    static let routes: [Route] = [
        Route("GET", "/gallring", roles: samordnare) { context throws(WebError) in
            .page(try preview(context))
        },
        Route("POST", "/gallring/bekrafta", roles: samordnare) { context throws(WebError) in
            .page(try confirmation(context, error: nil))
        },
        Route("POST", "/gallring/utfor", roles: samordnare) { context throws(WebError) in
            guard let digest = listDigest(context) else { throw .badRequest("listan saknas eller är felaktig; börja om från förhandsvisningen") }
            guard context.form.isChecked("confirm") else {
                return .page(try confirmation(context, error: "Kryssa i rutan för att bekräfta att uppgifterna ska raderas för gott."))
            }
            let report = try context.run { () throws(RegisterError) in try context.register.purge(dryRun: false, expecting: digest) }
            return .redirect("/gallring/kvitto/\(report.auditID ?? 0)" + (report.isLogEmptied ? "" : "?wal=kvar"))
        },
        Route("GET", "/gallring/kvitto/{id}", roles: samordnare) { context throws(WebError) in
            .page(try receipt(context))
        },
    ]

    /// The hidden list digest of the confirmation forms: 64 hex digits.
    static func listDigest(_ context: WebContext) -> String? {
        guard let digest = context.form["lista"], digest.utf8.count == 64,
              digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return digest
    }

    static func counts(_ report: PurgeReport) -> String {
        "\(report.people.count) \(report.people.count == 1 ? "person" : "personer"), \(report.episodes) "
            + "\(report.episodes == 1 ? "inskrivning" : "inskrivningar") och \(report.auditRows) "
            + "\(report.auditRows == 1 ? "rad" : "rader") i granskningsloggen"
    }

    // MARK: - Step 1: the dry run

    static func preview(_ context: WebContext) throws(WebError) -> WebPage {
        let report = try context.run { () throws(RegisterError) in try context.register.purge(dryRun: true) }
        let receipts = try context.run { () throws(RegisterError) in try context.register.purgeReceipts() }
        let settings = try context.run { () throws(RegisterError) in try context.register.effectiveSettings() }
        let rows = report.people.map { person in
            Node.tr([],
                    .td([Attribute("data-label", "Namn")], .text(person.name.isEmpty ? "(namn saknas)" : person.name)),
                    .td([Attribute("data-label", "Personnummer")], .text(person.personnummer.formatted)),
                    .td([Attribute("data-label", "Senaste inskrivning slutade")], .text(person.lastEpisodeEnded.description)))
        }
        let nothing = report.people.isEmpty && report.auditRows == 0
        return WebPage(title: "Gallring", section: .purge,
                       .p([], .text("Gallring raderar för gott alla uppgifter om den som lämnade aktivitetsansvaret före \(report.cutoff) "
                            + "(gallringsfristen, \(settings.retentionMonths) månader, i perioder som redan är låsta så att "
                            + "ingen statistik ändras), och rader i granskningsloggen som är äldre än "
                            + "\(settings.auditRetentionMonths) månader.")),
                       .section([.ariaLabelledBy("h-lista")],
                                .h2([.id("h-lista")], "Förhandsvisning"),
                                nothing
                                    ? UI.message("Ingenting ska gallras just nu.")
                                    : .fragment([
                                        .p([], .text("Detta skulle raderas: \(counts(report)).")),
                                        rows.isEmpty ? .empty : .div([.class("scroll")],
                                            .table([.class("stack")],
                                                   .caption([], "De som skulle gallras"),
                                                   .thead([], .tr([], .th([.scope("col")], "Namn"), .th([.scope("col")], "Personnummer"),
                                                                  .th([.scope("col")], "Senaste inskrivning slutade"))),
                                                   .tbody([], .fragment(rows)))),
                                        UI.form("/gallring/bekrafta", context,
                                                .input([.type("hidden"), .name("lista"), .value(report.digest)]),
                                                UI.submit("Gå vidare till bekräftelse")),
                                    ])),
                       .section([.ariaLabelledBy("h-kvitton")],
                                .h2([.id("h-kvitton")], "Tidigare gallringar"),
                                receipts.isEmpty ? .p([.class("muted")], "Inga gallringar i granskningsloggen.") : .element("ul", [], receipts.map { receipt in
                                    .li([], .a([.href("/gallring/kvitto/\(receipt.auditID)")], .text("\(receipt.at): \(receipt.people) personer")))
                                })))
    }

    // MARK: - Step 2: the confirmation

    static func confirmation(_ context: WebContext, error: String?) throws(WebError) -> WebPage {
        guard let digest = listDigest(context) else { throw .badRequest("listan saknas eller är felaktig; börja om från förhandsvisningen") }
        let report = try context.run { () throws(RegisterError) in try context.register.purge(dryRun: true) }
        guard report.digest == digest else {
            throw .register(.staleView("listan över dem som ska gallras har ändrats sedan förhandsvisningen; ingenting raderades. Granska den nya listan."))
        }
        var page = WebPage(title: "Bekräfta gallring", section: .purge,
                           error.map { UI.message($0, kind: "error") } ?? .empty,
                           .p([], .strong([], .text("Du är på väg att radera för gott: \(counts(report)).")),
                              " Uppgifterna går inte att återställa efteråt. Ta en säkerhetskopia först om kommunens arkivregler kräver det."),
                           UI.form("/gallring/utfor", context,
                                   .input([.type("hidden"), .name("lista"), .value(digest)]),
                                   UI.checkbox("Jag har gått igenom listan och vill radera uppgifterna för gott", name: "confirm", checked: false),
                                   .div([.class("actions")], .button([.type("submit"), .class("danger")], "Gallra nu"), .a([.href("/gallring")], "Avbryt"))))
        if error != nil { page.status = 400 }
        return page
    }

    // MARK: - The receipt

    static func receipt(_ context: WebContext) throws(WebError) -> WebPage {
        guard let receipt = try context.run({ () throws(RegisterError) in try context.register.purgeReceipts(id: context.id) }).first else {
            throw .notFound
        }
        func row(_ label: String, _ value: String) -> Node {
            .tr([], .th([.scope("row")], .text(label)), .td([], .text(value)))
        }
        return WebPage(title: "Kvitto på gallring", section: .purge,
                       context.query["wal"] == "kvar"
                           ? UI.message("Gallringen är gjord. Loggfilen (WAL) kunde inte tömmas i samma stund eftersom registret läses; servern tömmer den så snart pågående läsningar är klara (den försöker två gånger i sekunden), och först då är de raderade uppgifterna borta från disken.")
                           : UI.message("Gallringen är gjord.", kind: "ok"),
                       .table([],
                              .caption([], .text("Gallring nr \(receipt.auditID) i granskningsloggen")),
                              .tbody([],
                                     row("När", receipt.at),
                                     row("Av", receipt.staff),
                                     row("Gräns", "inskrivningar avslutade före \(receipt.cutoff)"),
                                     row("Personer", String(receipt.people)),
                                     row("Inskrivningar", String(receipt.episodes)),
                                     row("Rader i granskningsloggen", String(receipt.auditRows)))),
                       .p([.class("muted")], "Kvittot innehåller inga personuppgifter. Skriv ut det eller spara det som PDF från webbläsaren."),
                       .p([], .a([.href("/gallring")], "Tillbaka till gallring")))
    }
}
