import KAACore
import KAAHTML
import KAARegister

/// SCB-rapport (`/scb`, samordnare; issue 16): the half-year file of `kaa report scb`, its checks
/// in SCB's terms before the download, each problem linked to the person's Personkort. The
/// download (a POST) is refused while a check fails unless it is explicitly a draft (as the CLI's
/// `--strict` and `--draft`); each file downloaded is recorded (when, by whom, SHA-256, rows) and
/// the page compares the file with the previous submission for the same half-year.
enum SCBPage {
    static let samordnare: Set<StaffRole> = [.samordnare]

    static let routes: [Route] = [
        Route("GET", "/scb", roles: samordnare) { context throws(WebError) in
            .page(try page(context, error: nil))
        },
        Route("POST", "/scb/hamta", roles: samordnare) { context throws(WebError) in
            try download(context)
        },
    ]

    /// The SCB code mapping the web uses, the one place it is looked up: the one an admin keeps under
    /// Inställningar (as `kaa report scb` without `--mapping` does), else none, and then every file
    /// is a draft (a file with codes nobody has checked must not reach SCB).
    static func mapping(_ context: WebContext) throws(WebError) -> SCBMapping {
        try context.run { () throws(RegisterError) in try context.register.scbMapping(default: SCBMapping()) }
    }


    /// Each check as SCB sees it: the block it concerns and what SCB does with such a post.
    static func scbTerms(_ check: String) -> (block: String, meaning: String) {
        switch check {
        case "registreringsorsak saknas (OKAND)":
            ("Block 1, registrering", "Registreringsorsak saknas. SCB underkänner posten; ange orsaken på inskrivningen.")
        case "inget kontaktförsök alls":
            ("Block 2, kontakt", "Inget kontaktförsök under inskrivningen. SCB frågar efter det; logga kontaktförsöket.")
        case "avregistrering före registrering":
            ("Block 5, avregistrering", "Avregistreringsdatum före registreringsdatum. SCB underkänner posten; rätta datumen.")
        case "åtgärd utan typ":
            ("Block 3, åtgärd", "Åtgärd utan åtgärdstyp. SCB underkänner posten; ange typen.")
        case "åtgärd erbjuden utan beslut":
            ("Block 3, åtgärd", "Erbjuden åtgärd utan beslut (kod2 ERBJUDEN). Registrera om personen tackade ja eller nej.")
        case SCBReport.unmappedCheck:
            ("Kodförteckningen", "En kod saknar översättning till SCB:s kod. Bara ett utkast kan hämtas tills mappningen är komplett.")
        case SCBReport.unmappedBlockCheck:
            ("Kodförteckningen", "Ett block saknar SCB:s blockkod. Bara ett utkast kan hämtas.")
        case SCBReport.unnamedColumnCheck:
            ("Kodförteckningen", "En kolumn saknar SCB:s kolumnnamn. Bara ett utkast kan hämtas.")
        default:
            ("", check)
        }
    }

    // MARK: - The page

    static func page(_ context: WebContext, error: String?) throws(WebError) -> WebPage {
        let today = context.register.today
        let source = context.request.method == "POST" ? context.form.fields.map { ($0.name, $0.value) }
            : context.request.queryItems.map { ($0.name, $0.value) }
        let (chosen, problem) = chosenHalf(source, context: context)
        let hint = "SCB:s rapport gäller ett halvår. Filen är en hel ögonblicksbild; SCB ersätter den förra vid varje inlämning."
        let form = ReportsPage.periodForm("/scb", selected: chosen?.description, options: ReportsPage.periodOptions(today: today, halfYearOnly: true),
                                          error: problem, hint: hint)
        guard let period = chosen else {
            var page = WebPage(title: "SCB-rapport", section: .scb, form)
            page.status = 400
            return page
        }
        let mapping = try mapping(context)
        let report = try context.run { () throws(RegisterError) in try context.register.scbReport(period: period, mapping: mapping) }
        let submissions = try context.run { () throws(RegisterError) in try context.register.scbSubmissions(period: period) }
        let diff = try context.run { () throws(RegisterError) in try context.register.scbDiff(report) }
        var page = WebPage(title: "SCB-rapport", section: .scb,
                           form,
                           error.map { UI.message($0, kind: "error") } ?? .empty,
                           .p([], .text("\(period): \(report.people) personer, \(report.rows.count - 1) rader och en rubrikrad i filen.")),
                           checks(report),
                           downloadForm(context, report, hasCodes: !mapping.codes.isEmpty),
                           previous(submissions, context: context),
                           diffSection(diff, context: context))
        if error != nil { page.status = 400 }
        return page
    }

    /// The half-year of the query (GET) or the form (POST), by the same rules as Rapporter's.
    static func chosenHalf(_ source: [(String, String)], context: WebContext) -> (Period?, String?) {
        let values = source.filter { $0.0 == "period" }.map(\.1)
        guard values.count <= 1 else { return (nil, "Ange en enda period.") }
        guard let text = values.first, !text.isEmpty else { return (Period.half(of: context.register.today), nil) }
        guard let period = Period(text) else { return (nil, "Perioden ska vara ett halvår, t.ex. 2026-H2.") }
        if period.isMonth { return (nil, "SCB:s rapport gäller ett halvår, t.ex. 2026-H2.") }
        guard period.hasStarted(today: context.register.today) else { return (nil, "Perioden \(period) har inte börjat än.") }
        return (period, nil)
    }

    static func checks(_ report: SCBReport) -> Node {
        guard !report.findings.isEmpty else {
            return ReportsPage.section("kontroller", "Kontroller", UI.message("Kontrollerna hittade inget som SCB skulle underkänna.", kind: "ok"))
        }
        let groups = Dictionary(grouping: report.findings, by: \.check).sorted { $0.key < $1.key }
        let parts = groups.map { check, items -> Node in
            let terms = scbTerms(check)
            return .div([.class("check")],
                        .element("h3", [], [.text("\(terms.block.isEmpty ? "" : terms.block + ": ")\(check) (\(items.count))")]),
                        .p([], .text(terms.meaning)),
                        .element("ul", [], items.prefix(100).map { item in
                            if let pnr = item.personnummer, let id = report.personIDs[pnr.digits] {
                                return Node.li([], .a([.href("/personer/\(id)")], .text(pnr.formatted)), .text(" – \(item.detail)"))
                            }
                            return Node.li([], .text(item.detail))
                        }),
                        items.count > 100 ? .p([.class("muted")], .text("… och \(items.count - 100) till.")) : .empty)
        }
        return ReportsPage.section("kontroller", "Kontroller",
                                   UI.message("Kontrollerna hittade \(report.findings.count) saker som SCB kan underkänna. Rätta dem på personkortet "
                                              + "(länkarna) och kom tillbaka hit; filen kan inte hämtas förrän de är rättade, bara ett utkast.", kind: "error"),
                                   .fragment(parts))
    }

    static func downloadForm(_ context: WebContext, _ report: SCBReport, hasCodes: Bool) -> Node {
        let blocked = !report.findings.isEmpty || report.isDraftOnly
        return ReportsPage.section("hamta", "Hämta filen",
                                   .p([], .text(blocked
                                        ? "Ett utkast har DRAFT på första raden och -DRAFT i filnamnet; det får inte lämnas till SCB."
                                        : "Filen är klar att lämnas till SCB (CSV med semikolon, UTF-8). Varje hämtning sparas med tid, namn och kontrollsumma.")),
                                   !hasCodes ? UI.message("Ingen SCB-mappning är inlagd under Inställningar, så filen kan bara hämtas som utkast. Be administratören lägga in kommunens mappning.")
                                       : .p([.class("muted")], "Koderna kommer från kommunens SCB-mappning. Kontrollera dem mot SCB:s aktuella kodförteckning före inlämning."),
                                   UI.form("/scb/hamta", context,
                                           .input([.type("hidden"), .name("period"), .value(report.period.description)]),
                                           UI.checkbox("Hämta som utkast (DRAFT)", name: "utkast", checked: blocked),
                                           UI.submit(blocked ? "Hämta utkast" : "Hämta filen")))
    }

    static func previous(_ submissions: [SCBSubmission], context: WebContext) -> Node {
        ReportsPage.section("tidigare", "Tidigare hämtningar",
                            submissions.isEmpty ? .p([.class("muted")], "Ingen fil för halvåret har hämtats än.")
                                : ReportsPage.table(caption: "Hämtade filer för halvåret, senaste först", columns: ["När", "Av", "Rader i filen", "Sort", "SHA-256"],
                                                    rows: submissions.map { [context.register.localTime($0.downloadedAt), $0.staff, "\($0.rowCount)",
                                                                             $0.isDraft ? "utkast" : "inlämning", $0.digest] }))
    }

    static func diffSection(_ diff: SCBDiff?, context: WebContext) -> Node {
        guard let diff else {
            return ReportsPage.section("andringar", "Ändringar sedan förra inlämningen",
                                       .p([.class("muted")], "Ingen tidigare inlämning (fil som inte är utkast) för halvåret att jämföra med."))
        }
        func person(_ line: SCBDiff.Line) -> Node {
            let row = line.after ?? line.before ?? []
            let digits = row.count > 1 ? row[1] : ""
            let shown = digits.count == 12 ? "\(digits.prefix(8))-\(digits.suffix(4))" : digits
            return line.personID.map { .a([.href("/personer/\($0)")], .text(shown)) } ?? .text(shown)
        }
        func fields(_ row: [String]?) -> String {
            guard let row else { return "" }
            return ([row.first ?? ""] + Array(row.dropFirst(3))).joined(separator: " ")
        }
        let rows = diff.added.map { ("tillagd", $0) } + diff.removed.map { ("borttagen", $0) } + diff.changed.map { ("ändrad", $0) }
        return ReportsPage.section("andringar", "Ändringar sedan förra inlämningen",
                                   .p([], .text("Jämfört med filen som hämtades \(context.register.localTime(diff.previous.downloadedAt)) av \(diff.previous.staff): "
                                        + "\(diff.added.count) rader tillagda, \(diff.removed.count) borttagna, \(diff.changed.count) ändrade.")),
                                   rows.isEmpty ? .empty : .div([.class("scroll")],
                                       .table([.class("diff")],
                                              .caption([], "Rader som skiljer sig, per person (block, datum, kod, kod2)"),
                                              .thead([], .tr([], .th([.scope("col")], "Ändring"), .th([.scope("col")], "Personnummer"),
                                                             .th([.scope("col")], "Förut"), .th([.scope("col")], "Nu"))),
                                              .tbody([], .fragment(rows.prefix(500).map { kind, line in
                                                  Node.tr([.class(kind == "tillagd" ? "added" : kind == "borttagen" ? "removed" : "changed")],
                                                          .td([], .text(kind)), .td([], person(line)), .td([], .text(fields(line.before))), .td([], .text(fields(line.after))))
                                              })))))
    }

    // MARK: - The download

    static func download(_ context: WebContext) throws(WebError) -> WebResponse {
        let (chosen, problem) = chosenHalf(context.form.fields.map { ($0.name, $0.value) }, context: context)
        guard let period = chosen else { throw .badRequest(problem ?? "perioden saknas") }
        let isDraft = context.form.isChecked("utkast")
        let mapping = try mapping(context)
        let report = try context.run { () throws(RegisterError) in try context.register.scbReport(period: period, mapping: mapping) }
        do {
            let file = try context.register.downloadSCBFile(report, isDraft: isDraft)
            let name = isDraft ? SCBReport.draftPath("scb-\(period).csv") : "scb-\(period).csv"
            return .download(name: name, contentType: "text/csv; charset=utf-8", body: file.bytes)
        } catch .invalidInput(_, let message) {
            return .page(try page(context, error: "Filen hämtades inte: \(message)."))
        } catch {
            throw .register(error)
        }
    }
}
