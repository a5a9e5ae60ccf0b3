import Foundation
import KAACore
import KAACrypto
import KAAHTML
import KAAHTTP
import KAARegister

/// Månadskörning (`/manadskorning`, samordnare; issue 16): the folkbokföring extract and the
/// enrolment lists uploaded (streamed to disk, `MonthRunUpload`), a named preview made by a dry
/// run while the page shows its progress, the coordinator's choices for items where the register's
/// rules leave one, then one all-or-nothing commit that does exactly what the preview showed, with
/// its report kept. The files are deleted when the run is committed, cancelled or fails.
enum MonthRunPage {
    static let samordnare: Set<StaffRole> = [.samordnare]
    static let uploadPath = "/manadskorning"
    /// Rows of each list shown on the page (all of them are in the CSV).
    static let shownRows = 200
    /// Items offered a choice on the page (a form takes at most `FormData.maximumFields` fields); the rest wait under Att granska.
    static let shownChoices = 150

    static let routes: [Route] = [
        Route("GET", "/manadskorning", roles: samordnare) { context throws(WebError) in
            let runs = try context.run { () throws(RegisterError) in try context.register.monthRuns() }
            let today = context.register.today
            var page = uploadForm(csrf: context.session.csrf, runs: runs, date: today.description, errors: [:], status: 200,
                                  active: context.monthRuns.active, viewer: context.viewer)
            if context.query["avbruten"] == "1" { page.content = .fragment([UI.message("Körningen är avbruten och filerna är raderade."), page.content]) }
            return .page(page)
        },
        // Reached only by a form sent without its files (the upload itself is streamed: `admit`).
        Route("POST", "/manadskorning", roles: samordnare) { _ throws(WebError) in
            throw .badRequest("filerna kom inte med; välj filerna och skicka formuläret igen")
        },
        Route("GET", "/manadskorning/{id}", roles: samordnare) { context throws(WebError) in
            .page(try runPage(context))
        },
        Route("GET", "/manadskorning/{id}/forhandsgranskning", roles: samordnare) { context throws(WebError) in
            let (run, report, people) = try readyRun(context)
            try auditPreview(context, report, people: people)
            return .download(name: "forhandsgranskning-\(run.date?.description ?? "").csv", contentType: "text/csv; charset=utf-8",
                             body: CSVWriting.bytes(previewRows(report)))
        },
        Route("POST", "/manadskorning/{id}/genomfor", roles: samordnare) { context throws(WebError) in
            let (run, report, _) = try readyRun(context)
            guard let digest = context.form["lista"], digest == report.digest else {
                throw .register(.staleView("Förhandsgranskningen har gjorts om sedan sidan lästes in. Granska den igen innan du genomför körningen."))
            }
            let choices = try parseChoices(context.form, report: report)
            guard MonthRunJobs.commit(run.id, app: context.app, digest: digest, choices: choices) else {
                throw .register(.staleView("Körningen genomförs redan eller har ändrats; se körningens sida."))
            }
            return .redirect("/manadskorning/\(run.id)")
        },
        Route("POST", "/manadskorning/{id}/avbryt", roles: samordnare) { context throws(WebError) in
            let run = try ownRun(context)
            guard run.isActive else { return .redirect("/manadskorning/\(run.id)") }
            guard context.monthRuns.cancel(run.id) else { throw .register(.staleView("Körningen sparas just nu och kan inte avbrytas.")) }
            return .redirect("/manadskorning?avbruten=1")
        },
        Route("POST", "/manadskorning/{id}/godta-avgangar", roles: samordnare) { context throws(WebError) in
            let run = try ownRun(context)
            guard case .departuresHeld = run.phase else { return .redirect("/manadskorning/\(run.id)") }
            guard context.form.isChecked("godta") else { throw .badRequest("kryssa i rutan för att godta avregistreringarna") }
            guard context.monthRuns.acceptDepartures(run.id, now: context.now) else { return .redirect("/manadskorning/\(run.id)") }
            MonthRunJobs.preview(run.id, app: context.app)
            return .redirect("/manadskorning/\(run.id)")
        },
        Route("GET", "/manadskorning/rapport/{id}", roles: samordnare) { context throws(WebError) in
            .page(try reportPage(context))
        },
        Route("GET", "/manadskorning/rapport/{id}/csv", roles: samordnare) { context throws(WebError) in
            let kept = try context.run { () throws(RegisterError) in try context.register.monthRunReport(context.id) }
            let rows = [["Rad", "Personnummer", "Namn", "Kod", "Uppgift"]] + kept.lines.map { line in
                [kindLabel(line.kind), line.personnummer.formatted, line.name, line.code, line.detail]
            }
            return .download(name: "manadskorning-\(kept.summary.runOn).csv", contentType: "text/csv; charset=utf-8", body: CSVWriting.bytes(rows))
        },
    ]

    // MARK: - Admission of the upload (on the request's head)

    /// How the upload's body is read: streamed into a new run's folder when the head shows a live
    /// session of a samordnare, this server's Origin, a multipart form within the size limit and a
    /// free slot; otherwise refused before any byte of it is read.
    static func admit(_ head: HTTPRequest, app: WebApp) -> HTTPBodyHandling {
        let type = head.header("content-type")?.lowercased() ?? ""
        guard type.hasPrefix("multipart/form-data") else {
            return .refused(app.finish(app.errorPage(415, "Fel slags data", "Filerna ska skickas från formuläret på sidan Månadskörning."), dynamic: true))
        }
        let cookies = Cookies(header: head.header("cookie"))
        guard let token = cookies[app.settings.sessionCookie] else { return .refused(app.finish(app.errorResponse(.forgedRequest, session: nil), dynamic: true)) }
        let session: WebSession?
        do throws(WebError) {
            session = try app.pool.with { (register: Register) throws(WebError) -> WebSession? in
                do throws(RegisterError) {
                    // The timeouts in force (Inställningar), as every other request.
                    let timeouts = try register.sessionTimeouts(idleMinutes: app.settings.idleMinutes, absoluteHours: app.settings.absoluteHours)
                    return try register.session(token: token, now: app.now(), idleSeconds: timeouts.idleSeconds, absoluteSeconds: timeouts.absoluteSeconds)
                } catch {
                    throw .register(error)
                }
            }
        } catch {
            return .refused(app.finish(app.errorResponse(error, session: nil), dynamic: true))
        }
        guard let session else { return .refused(app.redirect("/login?utloggad=1", clearing: true)) }
        guard app.originIsOurs(head) else {
            app.log("event=csrf_refused path=/manadskorning login=\(session.viewer.login)")
            return .refused(app.finish(app.errorResponse(.forgedRequest, session: session), dynamic: true))
        }
        guard session.viewer.role == .samordnare, !session.mustChangePassword else {
            return .refused(app.finish(app.errorPage(403, "Ingen behörighet", "Månadskörningen görs av en samordnare.", session: session), dynamic: true))
        }
        let limit = app.settings.maxUploadBytes
        if let declared = head.header("content-length").flatMap({ Int64($0.trimmingCharacters(in: .whitespaces)) }), declared > limit {
            return .refused(app.finish(app.errorPage(413, "Filerna är för stora",
                                                     "Filerna får tillsammans vara högst \(SwedishFormat.integer(Int(limit / (1 << 20)))) MB. Ingenting har sparats.",
                                                     session: session), dynamic: true))
        }
        switch app.monthRuns.claim(for: session.viewer, now: app.now()) {
        case let .claimed(run):
            return .streamedForm(MonthRunUpload(app: app, session: session, run: run, limit: limit))
        case let .busy(run) where run.owner.staffID == session.viewer.staffID:
            return .refused(app.finish(app.errorPage(409, "Din förra körning arbetar",
                                                     "Din månadskörning från \(clock(run.startedAt)) förhandsgranskas eller sparas just nu. "
                                                        + "Vänta tills den är klar (se /manadskorning/\(run.id)) och försök sedan igen.", session: session), dynamic: true))
        case let .busy(run):
            return .refused(app.finish(app.errorPage(409, "En månadskörning pågår redan",
                                                     "\(run.owner.name) har en månadskörning igång sedan \(clock(run.startedAt)). En körning i taget: vänta tills "
                                                        + "den är genomförd eller avbruten och försök sedan igen.", session: session), dynamic: true))
        case let .unavailable(reason):
            app.log("event=upload_unavailable reason=\(WebApp.loggable(reason))")
            return .refused(app.finish(app.errorPage(503, "Uppladdning går inte just nu",
                                                     "Servern kan inte ta emot filer just nu (\(reason)). Kontakta kommunens IT.", session: session), dynamic: true))
        }
    }

    // MARK: - The upload form

    static func uploadForm(csrf: String, runs: [MonthRunSummary], date: String, errors: [String: String], status: Int, active: MonthRun?,
                           viewer: Viewer) -> WebPage {
        func fileField(_ label: String, name: String, hint: String, multiple: Bool, required: Bool) -> Node {
            var attributes: [Attribute] = [.type("file"), .name(name), .id("f-\(name)"), Attribute("accept", ".csv,.txt,text/csv,text/plain"),
                                           Attribute("aria-describedby", errors[name] == nil ? "h-\(name)" : "h-\(name) e-\(name)")]
            if multiple { attributes.append(Attribute(boolean: "multiple")) }
            if required { attributes.append(Attribute(boolean: "required")) }
            if errors[name] != nil { attributes.append(Attribute("aria-invalid", "true")) }
            let error: Node = errors[name].map { Node.p([.class("error"), .id("e-\(name)")], .text($0)) } ?? .empty
            return .div([.class(errors[name] == nil ? "field" : "field invalid")],
                        .label([.for("f-\(name)")], .text(label)), .p([.class("hint"), .id("h-\(name)")], .text(hint)), error, .input(attributes))
        }
        var notes: [Node] = []
        if !errors.isEmpty { notes.append(UI.message("Filerna kunde inte tas emot. Rätta det som står vid fälten; ingenting har sparats.", kind: "error")) }
        if let run = active {
            if run.owner.staffID == viewer.staffID {
                notes.append(UI.message("Du har en körning som inte är avslutad (\(clock(run.startedAt))).", kind: "info"))
                notes.append(.p([], .a([.href("/manadskorning/\(run.id)")], "Till den pågående körningen")))
            } else {
                notes.append(UI.message("\(run.owner.name) har en månadskörning igång sedan \(clock(run.startedAt)); en körning i taget.", kind: "info"))
            }
        }
        let intro: String = "Ladda upp månadens uttag ur folkbokföringen och skolornas inskrivningslistor. Först visas en förhandsgranskning "
            + "med namn: vilka som kommer in i aktivitetsansvaret och varför, vilka som lämnar, vems kontaktuppgifter skiljer sig "
            + "och vad som behöver granskas. Ingenting sparas förrän du genomför körningen, och då sparas allt på en gång."
        let dateField: Node = UI.field("Körningens datum", name: "datum", value: date, type: "date", error: errors["datum"],
                                       hint: "Dagen uttaget avser (ÅÅÅÅ-MM-DD); de som kommer in registreras detta datum.", required: true)
        let extractField: Node = fileField("Folkbokföringsuttag", name: "folkbokforing", hint: "En CSV-fil (semikolon), se filformaten i dokumentationen.",
                                           multiple: false, required: true)
        let enrolmentField: Node = fileField("Inskrivningslistor", name: "inskrivning", hint: "En eller flera CSV-filer från skolorna (kan lämnas tom).",
                                             multiple: true, required: false)
        // The token first: the server reads nothing of the files before it has checked it.
        let form: Node = .form([Attribute("method", "post"), Attribute("action", uploadPath), Attribute("enctype", "multipart/form-data"), .class("upload")],
                               .input([.type("hidden"), .name("csrf"), .value(csrf)]), dateField, extractField, enrolmentField,
                               UI.submit("Ladda upp och förhandsgranska"))
        let rows: [Node] = runs.map { (run: MonthRunSummary) -> Node in
            let committed: String = "\(run.committedAt.prefix(16).replacingOccurrences(of: "T", with: " ")) av \(run.committedBy)"
            let link: Node = .a([.href("/manadskorning/rapport/\(run.id)")], .text("Rapport \(run.runOn)"))
            return .tr([], cell("Datum", run.runOn.description), cell("Genomförd", committed), cell("Nya", SwedishFormat.integer(run.entered), number: true),
                       cell("Lämnar", SwedishFormat.integer(run.left), number: true), cell("Att granska", SwedishFormat.integer(run.review), number: true),
                       .td([Attribute("data-label", "Rapport")], link))
        }
        let history: Node = runs.isEmpty
            ? .p([.class("muted")], "Inga månadskörningar är gjorda från webben ännu.")
            : table("Rapporterna sparas och kan laddas ned", headers: ["Datum", "Genomförd", "Nya", "Lämnar", "Att granska", "Rapport"], rows: rows)
        return WebPage(title: "Månadskörning", status: status, section: .monthRun,
                       .fragment(notes), .p([], .text(intro)), form,
                       .section([.ariaLabelledBy("h-tidigare")], .h2([.id("h-tidigare")], "Genomförda körningar"), history))
    }

    /// A table cell with its column's name for the narrow layout.
    static func cell(_ header: String, _ value: String, number: Bool = false) -> Node {
        .td(number ? [.class("num"), Attribute("data-label", header)] : [Attribute("data-label", header)], .text(value))
    }

    /// A scrollable table with a caption and column headers.
    static func table(_ caption: String, headers: [String], rows: [Node]) -> Node {
        let head: [Node] = headers.map { Node.th([.scope("col")], .text($0)) }
        return .div([.class("scroll")],
                    .table([.class("stack")], .caption([], .text(caption)), .thead([], .tr([], .fragment(head))), .tbody([], .fragment(rows))))
    }

    /// Rows of text cells under `headers`.
    static func textRows(_ headers: [String], _ rows: [[String]]) -> [Node] {
        rows.map { (row: [String]) -> Node in
            let cells: [Node] = zip(headers, row).map { header, value in cell(header, value) }
            return .tr([], .fragment(cells))
        }
    }

    // MARK: - A run's page

    /// The run with the path's id, if it is the viewer's.
    static func ownRun(_ context: WebContext) throws(WebError) -> MonthRun {
        guard let run = context.monthRuns.run(context.id) else { throw .notFound }
        guard run.owner.staffID == context.viewer.staffID else {
            throw .forbidden("Körningen är \(run.owner.name)s; bara den som laddade upp filerna ser och genomför den.")
        }
        return run
    }

    static func readyRun(_ context: WebContext) throws(WebError) -> (MonthRun, IdentifyReport, [Int64]) {
        let run = try ownRun(context)
        guard case let .ready(report, people) = run.phase else {
            throw .register(.staleView("Körningen har ingen förhandsgranskning att visa just nu; se körningens sida."))
        }
        return (run, report, people)
    }

    static func auditPreview(_ context: WebContext, _ report: IdentifyReport, people: [Int64]) throws(WebError) {
        try context.run { () throws(RegisterError) in
            try context.register.auditMonthRunPreview(personIDs: people, date: report.date, entering: report.new.count)
        }
    }

    static func runPage(_ context: WebContext) throws(WebError) -> WebPage {
        let run = try ownRun(context)
        // The owner looking at it keeps it from being swept as left behind.
        if run.isActive { context.monthRuns.update(run.id, now: context.now) { _ in } }
        let files: Node = .p([.class("muted")], .text("Filer: " + run.files.map { "\($0.name) (\(SwedishFormat.integer(max(0, $0.lines - 1))) rader)" }
            .joined(separator: ", ") + (run.date.map { ". Datum \($0)." } ?? "")))
        switch run.phase {
        case .uploading:
            return working(run, title: "Filerna laddas upp", step: nil, files: files, context: context)
        case let .reading(step):
            var page = working(run, title: "Förhandsgranskningen görs", step: step, files: files, context: context)
            page.content = .fragment([page.content, UI.form("/manadskorning/\(run.id)/avbryt", context, .button([.type("submit")], "Avbryt och radera filerna"))])
            return page
        case let .committing(step):
            return working(run, title: "Månadskörningen sparas", step: step, files: files, context: context)
        case let .committed(id):
            return WebPage(title: "Månadskörningen är genomförd", section: .monthRun,
                           UI.message("Allt är sparat och de uppladdade filerna är raderade.", kind: "ok"),
                           .p([], .a([.href("/manadskorning/rapport/\(id)")], "Visa rapporten")))
        case .cancelled:
            return WebPage(title: "Körningen är avbruten", section: .monthRun,
                           UI.message("Ingenting har sparats och filerna är raderade."),
                           .p([], .a([.href(uploadPath)], "Till månadskörningen")))
        case let .failed(failure):
            return failurePage(run, failure, files: files, context: context)
        case let .departuresHeld(failure):
            return failurePage(run, failure, files: files, context: context)
        case let .ready(report, people):
            try auditPreview(context, report, people: people)
            return preview(run, report, files: files, context: context)
        }
    }

    /// Work in progress: a progress bar, and the page reloads itself every other second (the
    /// `Refresh` header; no script) unless the viewer turned that off (`?uppdatera=nej`, WCAG 2.2.1:
    /// a reload moves a screen reader back to the top), when a link reloads it by hand.
    static func working(_ run: MonthRun, title: String, step: IdentifyProgress?, files: Node, context: WebContext) -> WebPage {
        let (percent, text) = progress(run, step)
        let automatic = context.query["uppdatera"] != "nej"
        let path = "/manadskorning/\(run.id)"
        let control: Node = automatic
            ? .p([], .a([.href(path + "?uppdatera=nej")], "Sluta uppdatera sidan automatiskt"))
            : .p([], .a([.href(path + "?uppdatera=nej")], "Uppdatera sidan"), " · ", .a([.href(path)], "Uppdatera automatiskt"))
        let status: String = "\(percent) % klart." + (automatic ? " Sidan uppdateras av sig själv." : "")
        var page = WebPage(title: title, section: .monthRun,
                           control,
                           run.note.map { UI.message($0) } ?? .empty,
                           .div([.class("progress")],
                                .label([.for("progress")], .text(text)),
                                .element("progress", [.id("progress"), Attribute("max", "100"), .value(String(percent))], [.text("\(percent) %")])),
                           .p([.role("status")], .text(status)),
                           files)
        page.refreshSeconds = automatic ? 2 : nil
        return page
    }

    /// How far the work has come (0–100) and what it is doing, in Swedish. Reading the files is
    /// the first 60 %, deciding bucket by bucket the rest.
    static func progress(_ run: MonthRun, _ step: IdentifyProgress?) -> (Int, String) {
        guard let step else { return (0, "Startar …") }
        switch step.phase {
        case .reading:
            let order = run.files.filter { $0.kind == .inskrivning } + run.files.filter { $0.kind == .folkbokforing }
            let total = max(1, order.reduce(0) { $0 + max(0, $1.lines - 1) })
            let index = order.firstIndex { $0.name == step.file } ?? 0
            let before = order.prefix(index).reduce(0) { $0 + max(0, $1.lines - 1) }
            let file = index < order.count ? max(0, order[index].lines - 1) : 0
            return (min(60, (before + step.count) * 60 / total),
                    "Läser \(step.file): \(SwedishFormat.integer(step.count)) av \(SwedishFormat.integer(file)) rader")
        case .deciding:
            return (60 + step.count * 40 / max(1, IdentifyProgress.buckets), "Går igenom personerna: del \(step.count) av \(IdentifyProgress.buckets)")
        }
    }

    static func failurePage(_ run: MonthRun, _ failure: MonthRunFailure, files: Node, context: WebContext) -> WebPage {
        let problems: [Node] = failure.problems.prefix(shownRows).map { (problem: ImportProblem) -> Node in
            .tr([], cell("Fil", problem.file), cell("Rad", problem.line == 0 ? "–" : String(problem.line), number: true),
                cell("Fel", WebApp.sentence(problem.message)))
        }
        var content: [Node] = [UI.message(failure.message, kind: "error"), files]
        if !problems.isEmpty {
            let caption: String = failure.problemCount > failure.problems.count
                ? "De första \(failure.problems.count) av \(SwedishFormat.integer(failure.problemCount)) felen" : "Felen, med fil och rad"
            content.append(table(caption, headers: ["Fil", "Rad", "Fel"], rows: problems))
        }
        if case .departuresHeld = run.phase {
            content.append(UI.form("/manadskorning/\(run.id)/godta-avgangar", context,
                                   UI.checkbox("Jag har kontrollerat uttaget och vill se förhandsgranskningen med avregistreringarna", name: "godta", checked: false),
                                   UI.submit("Gör förhandsgranskningen igen")))
            content.append(UI.form("/manadskorning/\(run.id)/avbryt", context, .button([.type("submit")], "Avbryt och radera filerna")))
        } else {
            content.append(.p([], .a([.href(uploadPath)], "Ladda upp filerna igen")))
        }
        return WebPage(title: "Månadskörningen kunde inte göras", section: .monthRun, .fragment(content))
    }

    // MARK: - The preview

    static func preview(_ run: MonthRun, _ report: IdentifyReport, files: Node, context: WebContext) -> WebPage {
        let catalog = context.register.catalog
        func list(_ caption: String, _ headers: [String], _ rows: [[String]], total: Int) -> Node {
            guard total > 0 else { return .p([.class("muted")], "Inga.") }
            let shown: String = total > rows.count
                ? "\(caption) (de första \(rows.count) av \(SwedishFormat.integer(total)); alla finns i CSV-filen)" : caption
            return table(shown, headers: headers, rows: textRows(headers, rows))
        }
        func section(_ id: String, _ heading: String, _ content: Node) -> Node {
            .section([.ariaLabelledBy("h-\(id)")], .h2([.id("h-\(id)")], .text(heading)), content)
        }
        let entering: [[String]] = report.new.prefix(shownRows).map { entry in
            [entry.name.isEmpty ? "(namn saknas)" : entry.name, entry.personnummer.formatted, catalog.label(entry.reason, in: .registrationReason),
             entry.occupation.map { catalog.label($0, in: .occupation) } ?? "–"]
        }
        let leaving: [[String]] = report.left.prefix(shownRows).map { entry in
            [entry.name, entry.personnummer.formatted, catalog.label(entry.reason, in: .deregistrationReason), entry.date.description]
        }
        let details: [[String]] = report.detailChanges.prefix(shownRows).map { change in
            let before: String = change.before.map { $0.isEmpty ? "tomt" : $0 } ?? "inget"
            let after: String = change.extract.isEmpty ? "tomt" : change.extract
            return [change.name, change.personnummer.formatted, change.field.label, before, after,
                    change.isApplied ? "Filens uppgift tas" : "Handläggarens uppgift behålls (se Att granska)"]
        }
        let choosable = report.review.filter { Register.monthRunChoiceKinds.contains($0.kind) }
        let others = report.review.filter { !Register.monthRunChoiceKinds.contains($0.kind) }
        let choices: [Node] = choosable.prefix(shownChoices).enumerated().map { index, item in choice(index, item) }
        let reviewRows: [[String]] = others.prefix(shownRows).map { [$0.name, $0.personnummer.formatted, $0.kind.label, WebApp.sentence($0.message)] }
        func count(_ number: Int, _ one: String, _ many: String) -> String { "\(SwedishFormat.integer(number)) \(number == 1 ? one : many)" }
        let summary: [Node] = [
            "\(SwedishFormat.integer(report.rows)) rader i uttaget, \(count(report.population, "person", "personer")) 16–19 år",
            "\(count(report.new.count, "kommer in", "kommer in")) i aktivitetsansvaret",
            count(report.left.count, "lämnar", "lämnar"),
            "\(count(report.unchanged, "är kvar", "är kvar")) sedan tidigare",
            "\(count(report.detailChanges.count, "kontaktuppgift", "kontaktuppgifter")) ändras eller skiljer sig",
            "\(count(report.review.count, "punkt", "punkter")) att granska",
        ].map { Node.li([], .text($0)) }
        var notes: [Node] = []
        if let note = run.note { notes.append(UI.message(note)) }
        if run.acceptsDepartures { notes.append(UI.message("Förhandsgranskningen är gjord med de många avregistreringarna godtagna.")) }
        notes.append(UI.message("Ingenting är sparat ännu. Granska listorna och genomför körningen längst ned, eller avbryt."))
        let choiceIntro: String = "Här säger filen något annat än en handläggare har beslutat eller matat in. Välj för varje person, "
            + "eller låt punkten vänta under Att granska."
        var choiceContent: [Node] = []
        if choosable.isEmpty {
            choiceContent.append(.p([.class("muted")], "Inget att välja: filerna och handläggarnas beslut säger samma sak."))
        } else {
            choiceContent.append(.p([], .text(choiceIntro)))
            choiceContent += choices
            if choosable.count > shownChoices {
                choiceContent.append(.p([], .text("Ytterligare \(choosable.count - shownChoices) punkter läggs under Att granska.")))
            }
        }
        let commit: Node = UI.form("/manadskorning/\(run.id)/genomfor", context,
                                   .input([.type("hidden"), .name("lista"), .value(report.digest)]),
                                   section("val", "Att välja", .fragment(choiceContent)),
                                   section("granska", "Läggs under Att granska",
                                           list("Punkter som körningen lägger till", ["Namn", "Personnummer", "Slag", "Vad"], reviewRows, total: others.count)),
                                   .div([.class("actions")], UI.submit("Genomför månadskörningen")))
        let cancel: Node = UI.form("/manadskorning/\(run.id)/avbryt", context, .button([.type("submit")], "Avbryt och radera filerna"))
        let download: Node = .p([], .a([.href("/manadskorning/\(run.id)/forhandsgranskning")], "Ladda ned hela förhandsgranskningen (CSV)"))
        let lists: [Node] = [
            section("in", "Kommer in i aktivitetsansvaret",
                    list("Nya, med registreringsorsak", ["Namn", "Personnummer", "Orsak", "Sysselsättning"], entering, total: report.new.count)),
            section("ut", "Lämnar aktivitetsansvaret",
                    list("De som lämnar, med orsak", ["Namn", "Personnummer", "Orsak", "Datum"], leaving, total: report.left.count)),
            section("uppgifter", "Kontaktuppgifter",
                    list("Uppgifter som ändras eller skiljer sig från det en handläggare matat in",
                         ["Namn", "Personnummer", "Uppgift", "Registret", "Filen", "Vad som händer"], details, total: report.detailChanges.count)),
        ]
        return WebPage(title: "Förhandsgranskning \(report.date)", section: .monthRun,
                       .fragment(notes), files, .element("ul", [.class("summary")], summary), download, .fragment(lists), commit, cancel)
    }

    /// The radio group of one item: wait, keep the register's, or take the file's.
    static func choice(_ index: Int, _ item: IdentifyReport.Review) -> Node {
        let accept: String = item.kind == .detailDiffers ? "Ta filens uppgift" : "Följ filen"
        let options: [(String, String)] = [("senare", "Avgör senare under Att granska"), ("behall", "Behåll registrets uppgift"), ("andra", accept)]
        let who: String = item.name.isEmpty ? item.personnummer.formatted : "\(item.name), \(item.personnummer.formatted)"
        let radios: [Node] = options.map { (value: String, label: String) -> Node in
            let id = "val-\(index)-\(value)"
            var attributes: [Attribute] = [.type("radio"), .name("val-\(item.key)"), .value(value), .id(id)]
            if value == "senare" { attributes.append(Attribute(boolean: "checked")) }
            return .div([.class("field check")], .input(attributes), .label([.for(id)], .text(label)))
        }
        return .fieldset([.class("choice")], .legend([], .strong([], .text(who)), .text(": " + WebApp.sentence(item.message))), .fragment(radios))
    }

    /// The owner's choices: `val-KEY` = `behall` | `andra` | `senare` for the preview's items.
    static func parseChoices(_ form: FormData, report: IdentifyReport) throws(WebError) -> [String: ReviewDecision] {
        let keys = Set(report.review.filter { Register.monthRunChoiceKinds.contains($0.kind) }.map(\.key))
        var choices: [String: ReviewDecision] = [:]
        for (name, value) in form.fields where name.hasPrefix("val-") {
            let key = String(name.dropFirst(4))
            guard keys.contains(key) else { throw .badRequest("valet \(WebApp.loggable(String(name.prefix(40)))) gäller ingen punkt i förhandsgranskningen") }
            switch value {
            case "senare": continue
            case "behall": choices[key] = .keep
            case "andra": choices[key] = .change
            default: throw .badRequest("ett val är senare, behall eller andra")
            }
        }
        return choices
    }

    /// Every line of the preview, for the CSV download.
    static func previewRows(_ report: IdentifyReport) -> [[String]] {
        var rows = [["Rad", "Personnummer", "Namn", "Kod", "Uppgift"]]
        rows += report.new.map { ["Kommer in", $0.personnummer.formatted, $0.name, $0.reason, $0.occupation ?? ""] }
        rows += report.left.map { ["Lämnar", $0.personnummer.formatted, $0.name, $0.reason, $0.date.description] }
        rows += report.detailChanges.map { change in
            ["Kontaktuppgift", change.personnummer.formatted, change.name, change.field.rawValue,
             "\(change.before ?? "") → \(change.extract)" + (change.isApplied ? "" : " (behålls)")]
        }
        rows += report.review.map { ["Att granska", $0.personnummer.formatted, $0.name, $0.kind.rawValue, $0.message] }
        return rows
    }

    // MARK: - A kept report

    static func kindLabel(_ kind: String) -> String {
        switch kind {
        case "in": "Kom in"
        case "ut": "Lämnade"
        case "uppgift": "Kontaktuppgift"
        case "granska": "Att granska"
        case "val": "Val"
        default: kind
        }
    }

    static func reportPage(_ context: WebContext) throws(WebError) -> WebPage {
        let kept = try context.run { () throws(RegisterError) in try context.register.monthRunReport(context.id) }
        let summary = kept.summary
        let catalog = context.register.catalog
        func label(_ line: MonthRunLine) -> String {
            switch line.kind {
            case "in": catalog.label(line.code, in: .registrationReason)
            case "ut": catalog.label(line.code, in: .deregistrationReason)
            case "uppgift": ContactField(rawValue: line.code)?.label ?? line.code
            case "granska": ReviewKind(rawValue: line.code)?.label ?? line.code
            case "val": ReviewDecision(rawValue: line.code)?.label ?? line.code
            default: line.code
            }
        }
        // An entrant's detail is the occupation code the enrolment gave.
        func detail(_ line: MonthRunLine) -> String {
            line.kind == "in" ? (line.detail.isEmpty ? "" : "Sysselsättning: \(catalog.label(line.detail, in: .occupation))") : line.detail
        }
        func row(_ header: String, _ value: String) -> Node { .tr([], .th([.scope("row")], .text(header)), .td([], .text(value))) }
        let committed: String = "\(summary.committedAt.prefix(16).replacingOccurrences(of: "T", with: " ")) av \(summary.committedBy)"
        let facts: Node = .table([], .caption([], .text("Körning nr \(summary.id)")),
                                 .tbody([], row("Genomförd", committed), row("Filer", summary.files),
                                        row("Rader i uttaget", SwedishFormat.integer(summary.rows)),
                                        row("16–19 år i uttaget", SwedishFormat.integer(summary.population)),
                                        row("Kom in", SwedishFormat.integer(summary.entered)), row("Lämnade", SwedishFormat.integer(summary.left)),
                                        row("Kvar sedan tidigare", SwedishFormat.integer(summary.unchanged)),
                                        row("Kontaktuppgifter", SwedishFormat.integer(summary.details)),
                                        row("Att granska", SwedishFormat.integer(summary.review)), row("Kontrollsumma", summary.digest)))
        var sections: [Node] = []
        for kind in ["in", "ut", "uppgift", "val", "granska"] {
            let lines = kept.lines.filter { $0.kind == kind }
            guard !lines.isEmpty else { continue }
            let rows: [Node] = lines.prefix(shownRows).map { (line: MonthRunLine) -> Node in
                let name: Node = .a([.href("/personer/\(line.personID)")], .text(line.name.isEmpty ? "(namn saknas)" : line.name))
                return .tr([], .td([Attribute("data-label", "Namn")], name), cell("Personnummer", line.personnummer.formatted),
                           cell("Vad", label(line)), cell("Uppgift", detail(line)))
            }
            let caption: String = lines.count > shownRows
                ? "De första \(shownRows) av \(SwedishFormat.integer(lines.count)); alla finns i CSV-filen" : "\(SwedishFormat.integer(lines.count)) st"
            sections.append(.section([.ariaLabelledBy("h-\(kind)")], .h2([.id("h-\(kind)")], .text(kindLabel(kind))),
                                     table(caption, headers: ["Namn", "Personnummer", "Vad", "Uppgift"], rows: rows)))
        }
        return WebPage(title: "Månadskörning \(summary.runOn)", section: .monthRun,
                       facts, .p([], .a([.href("/manadskorning/rapport/\(summary.id)/csv")], "Ladda ned rapporten (CSV)")),
                       .fragment(sections), .p([], .a([.href(uploadPath)], "Till månadskörningen")))
    }

    /// A time as the pages show it (Europe/Stockholm, hh:mm; the date too if not today).
    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "sv_SE")
        formatter.timeZone = TimeZone(identifier: "Europe/Stockholm")
        formatter.dateFormat = Calendar.current.isDateInToday(date) ? "'kl.' HH:mm" : "d MMM 'kl.' HH:mm"
        return formatter.string(from: date)
    }
}
