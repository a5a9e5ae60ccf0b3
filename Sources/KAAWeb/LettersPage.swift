import KAACore
import KAAHTML
import KAARegister

/// Massutskick (`/brev`; issue 16): letters to the people of a worklist or of the Ungdomar filter.
///
/// The selection travels as the list's name or the filter's fields (never as people); the register
/// resolves it with the viewer's need-to-know, so a handläggare writes to their own caseload only.
/// Protected identities and people without an address are listed apart by name and are never in a
/// letter, the print view or the CSV (a protected person's address is not even read). Every page
/// that shows names is an audited read; "Registrera som skickade" logs a `BREV` contact attempt for
/// every recipient in one transaction and one audit row, after a confirmation whose digest makes a
/// second post of the same form write nothing.
enum LettersPage {
    /// The most people the selection offers one checkbox each (a form holds at most
    /// `FormData.maximumFields` fields); a larger selection goes whole, checked by its digest.
    static let maximumTicks = 150
    static let templateEditors: Set<StaffRole> = [.samordnare, .admin]

    static let routes: [Route] = [
        Route("GET", "/brev", roles: Route.caseworkers) { context throws(WebError) in
            .page(try selectionPage(context, form: context.query, error: nil))
        },
        Route("POST", "/brev/utskrift", roles: Route.caseworkers) { context throws(WebError) in
            try printView(context)
        },
        Route("POST", "/brev/adresser", roles: Route.caseworkers) { context throws(WebError) in
            try addressList(context)
        },
        Route("POST", "/brev/bekrafta", roles: Route.caseworkers) { context throws(WebError) in
            try confirmation(context)
        },
        Route("POST", "/brev/skicka", roles: Route.caseworkers) { context throws(WebError) in
            try send(context)
        },
        Route("GET", "/brev/kvitto/{id}", roles: Route.caseworkers) { context throws(WebError) in
            .page(try receipt(context))
        },
        Route("GET", "/brev/mallar", roles: templateEditors) { context throws(WebError) in
            .page(try LetterTemplatesPage.page(context, failed: nil))
        },
        Route("POST", "/brev/mallar", roles: templateEditors) { context throws(WebError) in
            try LetterTemplatesPage.save(context)
        },
    ]

    // MARK: - The selection

    /// The page with the selection: recipients with checkboxes, the template and date, and those who get no letter.
    static func selectionPage(_ context: WebContext, form: FormData, error: String?) throws(WebError) -> WebPage {
        guard let source = try LetterSource.parse(form, context) else { return startPage(context) }
        let selection = try context.run { () throws(RegisterError) in
            try context.register.letterSelection(try source.personIDs(context), action: "letters.select")
        }
        let today = context.register.today
        let recipients = selection.recipients
        let chosenKind = form["mall"].flatMap(LetterKind.init(rawValue:)) ?? source.defaultKind(recipients, today: today)
        let date = form["datum"] ?? today.description
        var body: [Node] = [
            .p([], .text("Urval: \(source.label) · \(PeoplePage.number(recipients.count)) "
                         + (recipients.count == 1 ? "mottagare" : "mottagare") + (selection.excluded.isEmpty ? "" : ", \(selection.excluded.count) skickas inte") + ".")),
            error.map { UI.message($0, kind: "error") } ?? .empty,
        ]
        if recipients.isEmpty {
            body.append(UI.message("Ingen i urvalet kan få brev."))
        } else {
            let people: Node
            var hidden = source.hiddenFields
            if recipients.count <= maximumTicks {
                let ticked = tickedIDs(form)
                let boxes = recipients.map { recipient in
                    checkbox(recipient, checked: ticked.map { $0.contains(recipient.personID) } ?? true)
                }
                people = .fieldset([.class("recipients")], .legend([], "Mottagare (bocka ur dem som inte ska få brev)"), .fragment(boxes))
            } else {
                hidden.append(.input([.type("hidden"), .name("alla"), .value("ja")]))
                hidden.append(.input([.type("hidden"), .name("urval"), .value(selectionDigest(recipients))]))
                people = .fragment([
                    .p([.class("hint")], .text("Urvalet har fler än \(maximumTicks) mottagare, så alla får brev. Begränsa filtret om du vill välja bort enskilda.")),
                    recipientTable(recipients, caption: "Mottagare"),
                ])
            }
            body.append(UI.form("/brev/bekrafta", context,
                                .fragment(hidden),
                                .div([.class("grid2")],
                                     UI.select("Brevmall", name: "mall", options: LetterKind.allCases.map { ($0.rawValue, $0.swedishName) },
                                               selected: chosenKind.rawValue),
                                     UI.field("Brevets datum", name: "datum", value: date, type: "date", required: true)),
                                people,
                                .div([.class("actions")],
                                     .button([.type("submit"), Attribute("formaction", "/brev/utskrift")], "Visa brev för utskrift"),
                                     .button([.type("submit"), Attribute("formaction", "/brev/adresser")], "Ladda ner adresslista (CSV)"),
                                     UI.submit("Registrera som skickade …"))))
        }
        body.append(exclusions(selection))
        if templateEditors.contains(context.viewer.role) {
            body.append(.p([], .a([.href("/brev/mallar")], "Redigera brevmallarna")))
        }
        var page = WebPage(title: "Brev", section: .letters, .fragment(body))
        if error != nil { page.status = 400 }
        return page
    }

    /// `/brev` without a selection: where to start.
    static func startPage(_ context: WebContext) -> WebPage {
        let lists: [Worklist] = [.notReached, .noContact, .turning20, .noMeasure, .followUpDue, .plannedStartPassed]
        let links = lists.map { list in
            let (anchor, title) = TodayPage.heading(list, days: LetterSource.days(list, context))
            return Node.li([], .a([.href("/brev?lista=\(anchor)")], .text(title)))
        }
        return WebPage(title: "Brev", section: .letters,
                       .p([], "Välj vilka som ska få brev: en av dagens arbetslistor nedan, eller filtrera på ",
                          .a([.href("/personer")], "Ungdomar"), " och välj ”Skriv brev” där."),
                       .element("ul", [Attribute("aria-label", "Arbetslistor")], links),
                       templateEditors.contains(context.viewer.role) ? .p([], .a([.href("/brev/mallar")], "Redigera brevmallarna")) : .empty)
    }

    static func checkbox(_ recipient: LetterRecipient, checked: Bool) -> Node {
        let name = "p_\(recipient.personID)"
        var attributes: [Attribute] = [.type("checkbox"), .name(name), .id("f-\(name)"), .value("ja")]
        if checked { attributes.append(Attribute(boolean: "checked")) }
        return .div([.class("field check")], .input(attributes),
                    .label([.for("f-\(name)")], .strong([], .text(displayName(recipient))), .text(" – " + addressLine(recipient))))
    }

    static func displayName(_ recipient: LetterRecipient) -> String {
        recipient.name.isEmpty ? "(namn saknas)" : recipient.name
    }

    static func addressLine(_ recipient: LetterRecipient) -> String {
        "\(recipient.details.address ?? ""), \(recipient.details.postalCode ?? "") \(recipient.details.city ?? "")"
    }

    static func recipientTable(_ recipients: [LetterRecipient], caption: String) -> Node {
        .div([.class("scroll")],
             .table([.class("stack")],
                    .caption([], .text("\(caption) (\(recipients.count))")),
                    .thead([], .tr([], .th([.scope("col")], "Namn"), .th([.scope("col")], "Adress"), .th([.scope("col")], "Handläggare"))),
                    .tbody([], .fragment(recipients.map { recipient in
                        .tr([], .td([Attribute("data-label", "Namn")], .text(displayName(recipient))),
                            .td([Attribute("data-label", "Adress")], .text(addressLine(recipient))),
                            .td([Attribute("data-label", "Handläggare")], .text(recipient.caseworkerName ?? "ingen")))
                    }))))
    }

    /// Those who get no letter, by reason, each a link to their Personkort (to add an address).
    static func exclusions(_ selection: LetterSelection) -> Node {
        let groups: [(LetterExclusion.Reason, String, String)] = [
            (.protectedIdentity, "skyddad-identitet", "Skickas inte: skyddad identitet"),
            (.withoutAddress, "saknar-adress", "Skickas inte: saknar adress"),
            (.notEnrolled, "ej-inskrivna", "Skickas inte: inte inskriven i KAA nu"),
        ]
        let sections = groups.compactMap { reason, anchor, title -> Node? in
            let people = selection.excluded(reason)
            guard !people.isEmpty else { return nil }
            return .section([.ariaLabelledBy("h-\(anchor)"), .class("excluded")],
                            .h2([.id("h-\(anchor)")], .text("\(title) (\(people.count))")),
                            reason == .protectedIdentity
                                ? .p([.class("hint")], "Personer med skyddad identitet får aldrig brev härifrån. Tala med samordnaren om hur de ska kontaktas.")
                                : .empty,
                            .element("ul", [], people.map { person in
                                .li([], .a([.href("/personer/\(person.personID)")], .text(person.name.isEmpty ? "(namn saknas)" : person.name)))
                            }))
        }
        return .fragment(sections)
    }

    // MARK: - What a POST chose

    /// The ids ticked in `form` (`p_ID=ja`), nil when the form has none (a fresh selection: all ticked).
    static func tickedIDs(_ form: FormData) -> Set<Int64>? {
        var ids: Set<Int64> = []
        var any = false
        for field in form.fields where field.name.hasPrefix("p_") {
            any = true
            let digits = field.name.dropFirst(2)
            if digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int64(digits), id > 0, form.isChecked(field.name) {
                ids.insert(id)
            }
        }
        return any ? ids : nil
    }

    /// The digest of a whole selection's recipients (the `alla` form's check that it did not change).
    static func selectionDigest(_ recipients: [LetterRecipient]) -> String {
        LetterBatch.selectionDigest(personIDs: recipients.map(\.personID))
    }

    /// What a POST of the selection form chose: the template, the date and the recipients, checked
    /// again by the register (a forged id outside the viewer's reach is refused and audited; an id
    /// of a protected person or of someone without an address is refused).
    struct Choice {
        let source: LetterSource
        let kind: LetterKind
        let date: CalendarDate
        let recipients: [LetterRecipient]
    }

    /// The choice, or the selection page again with what is wrong.
    static func choice(_ context: WebContext, action: String) throws(WebError) -> Outcome {
        let form = context.form
        guard let source = try LetterSource.parse(form, context) else { throw .badRequest("urvalet saknas; börja om från Brev") }
        guard let kind = form["mall"].flatMap(LetterKind.init(rawValue:)) else { throw .badRequest("brevmallen saknas eller är okänd") }
        guard let text = form.trimmed("datum"), text.utf8.count == 10, let date = CalendarDate(iso: text) else {
            return .failure(try selectionPage(context, form: form, error: "Ange brevets datum som ÅÅÅÅ-MM-DD."))
        }
        let ids: [Int64]
        if form["alla"] == "ja" {
            let all = try context.run { () throws(RegisterError) in
                try context.register.letterSelection(try source.personIDs(context), action: action)
            }
            guard form["urval"] == selectionDigest(all.recipients) else {
                throw .register(.staleView("Urvalet har ändrats sedan sidan visades. Ingenting har gjorts; granska det nya urvalet."))
            }
            return .success(Choice(source: source, kind: kind, date: date, recipients: all.recipients))
        } else {
            ids = Array(tickedIDs(form) ?? [])
        }
        guard !ids.isEmpty else {
            return .failure(try selectionPage(context, form: form, error: "Välj minst en mottagare."))
        }
        let recipients = try context.run { () throws(RegisterError) in try context.register.chosenLetterRecipients(ids, action: action) }
        return .success(Choice(source: source, kind: kind, date: date, recipients: recipients))
    }

    /// A choice, or a page to show instead of going on (the selection with what is wrong).
    enum Outcome {
        case success(Choice)
        case failure(WebPage)
    }

    /// The letter's placeholders for `recipient`.
    static func values(_ recipient: LetterRecipient, date: CalendarDate, _ context: WebContext) -> LetterTemplate.Values {
        let kommun = Kommuner.all[context.register.kommun]?.name ?? context.register.kommun
        return LetterTemplate.Values(firstName: recipient.details.firstName ?? "", lastName: recipient.details.lastName ?? "",
                                     address: recipient.details.address ?? "", postalCode: recipient.details.postalCode ?? "",
                                     city: recipient.details.city ?? "", date: letterDate(date),
                                     kommun: kommun.hasSuffix("kommun") || kommun.hasPrefix("Region") ? kommun : "\(kommun) kommun",
                                     caseworker: recipient.caseworkerName ?? context.viewer.name)
    }

    /// `1 december 2026`.
    static func letterDate(_ date: CalendarDate) -> String {
        String(SwedishFormat.longDate(date).split(separator: " ", maxSplits: 1).last ?? "")
    }

    /// A warning when the under-18 letter (with its line for the guardian) goes to someone 18 or older.
    static func ageWarning(_ choice: Choice, _ context: WebContext) -> Node {
        guard choice.kind == .under18 else { return .empty }
        let adults = choice.recipients.filter { $0.personnummer.birthDate.age(on: context.register.today) >= 18 }.count
        guard adults > 0 else { return .empty }
        return UI.message("\(adults) av mottagarna är 18 år eller äldre, men mallen ”\(LetterKind.under18.swedishName)” vänder sig också till "
                          + "vårdnadshavaren. Välj en annan mall för dem, eller bocka ur dem.", kind: "error")
    }

    // MARK: - Print view and CSV

    static func printView(_ context: WebContext) throws(WebError) -> WebResponse {
        let choice: Choice
        switch try self.choice(context, action: "letters.print") {
        case let .failure(page): return .page(page)
        case let .success(value): choice = value
        }
        let template = try context.run { () throws(RegisterError) in try context.register.letterTemplate(choice.kind) }
        let letters = choice.recipients.map { recipient in
            let values = values(recipient, date: choice.date, context)
            return Node.element("article", [.class("letter"), Attribute("aria-label", "Brev till \(displayName(recipient))")], [
                .p([.class("letter-address")], .text([displayName(recipient), recipient.details.address ?? "",
                                                      "\(recipient.details.postalCode ?? "") \(recipient.details.city ?? "")"].joined(separator: "\n"))),
                .h2([.class("letter-title")], .text(LetterTemplate.fill(template.title, values))),
                .div([.class("letter-text")], .text(LetterTemplate.fill(template.body, values))),
            ])
        }
        return .page(WebPage(title: "Brev att skriva ut", section: .letters,
                             .div([.class("no-print")],
                                  ageWarning(choice, context),
                                  .p([], .text("\(choice.recipients.count) brev med mallen ”\(choice.kind.swedishName)”, daterade \(choice.date). "
                                               + "Skriv ut med webbläsarens utskrift (Ctrl+P); varje brev hamnar på en egen sida.")),
                                  UI.form("/brev/bekrafta", context, .fragment(hiddenChoice(choice)),
                                          .div([.class("actions")], UI.submit("Registrera som skickade …"),
                                               .a([.href(choice.source.link)], "Tillbaka till urvalet")))),
                             .div([.class("letters-print")], .fragment(letters))))
    }

    /// The chosen template, date and recipients as hidden fields (ticked boxes), for the next step.
    static func hiddenChoice(_ choice: Choice) -> [Node] {
        choice.source.hiddenFields + [
            .input([.type("hidden"), .name("mall"), .value(choice.kind.rawValue)]),
            .input([.type("hidden"), .name("datum"), .value(choice.date.description)]),
        ] + (choice.recipients.count <= maximumTicks
            ? choice.recipients.map { .input([.type("hidden"), .name("p_\($0.personID)"), .value("ja")]) }
            : [.input([.type("hidden"), .name("alla"), .value("ja")]), .input([.type("hidden"), .name("urval"), .value(selectionDigest(choice.recipients))])])
    }

    static func addressList(_ context: WebContext) throws(WebError) -> WebResponse {
        let choice: Choice
        switch try self.choice(context, action: "letters.csv") {
        case let .failure(page): return .page(page)
        case let .success(value): choice = value
        }
        let template = try context.run { () throws(RegisterError) in try context.register.letterTemplate(choice.kind) }
        let header = ["Förnamn", "Efternamn", "Utdelningsadress", "Postnummer", "Postort", "Handläggare", "Brevdatum", "Rubrik", "Brevtext"]
        let rows = choice.recipients.map { recipient in
            let values = values(recipient, date: choice.date, context)
            return [values.firstName, values.lastName, values.address, values.postalCode, values.city, values.caseworker, values.date,
                    LetterTemplate.fill(template.title, values), LetterTemplate.fill(template.body, values)]
        }
        return .download(name: "brev-\(choice.date.description).csv", contentType: "text/csv; charset=utf-8", body: CSVWriting.bytes([header] + rows))
    }

    // MARK: - Registering as sent

    static func confirmation(_ context: WebContext) throws(WebError) -> WebResponse {
        let choice: Choice
        switch try self.choice(context, action: "letters.confirm") {
        case let .failure(page): return .page(page)
        case let .success(value): choice = value
        }
        let ids = choice.recipients.map(\.personID)
        let digest = LetterBatch.digest(kind: choice.kind, date: choice.date, personIDs: ids)
        return .page(WebPage(title: "Registrera brev som skickade", section: .letters,
                             ageWarning(choice, context),
                             .p([], .strong([], .text("\(choice.recipients.count) brev med mallen ”\(choice.kind.swedishName)”, daterade \(choice.date).")),
                                " Varje mottagare får ett kontaktförsök med kontaktsätt Brev (ej nådd) på sitt personkort. Gör det när breven är postade."),
                             recipientTable(choice.recipients, caption: "Mottagare"),
                             UI.form("/brev/skicka", context,
                                     .fragment(choice.source.hiddenFields),
                                     .input([.type("hidden"), .name("mall"), .value(choice.kind.rawValue)]),
                                     .input([.type("hidden"), .name("datum"), .value(choice.date.description)]),
                                     .input([.type("hidden"), .name("ids"), .value(ids.sorted().map(String.init).joined(separator: ","))]),
                                     .input([.type("hidden"), .name("kontroll"), .value(digest)]),
                                     .div([.class("actions")], UI.submit("Registrera \(choice.recipients.count) brev som skickade"),
                                          .a([.href(choice.source.link)], "Avbryt")))))
    }

    /// The most recipients one batch takes (the `ids` field).
    static let maximumBatch = 20_000

    static func send(_ context: WebContext) throws(WebError) -> WebResponse {
        let form = context.form
        guard let kind = form["mall"].flatMap(LetterKind.init(rawValue:)) else { throw .badRequest("brevmallen saknas eller är okänd") }
        guard let text = form.trimmed("datum"), text.utf8.count == 10, let date = CalendarDate(iso: text) else { throw .badRequest("brevets datum saknas eller är felaktigt") }
        guard let digest = form["kontroll"], digest.utf8.count == 64,
              digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw .badRequest("kontrollsumman saknas eller är felaktig; börja om från urvalet")
        }
        let parts = (form["ids"] ?? "").split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= maximumBatch else { throw .badRequest("mottagarlistan saknas eller är för lång") }
        var ids: [Int64] = []
        for part in parts {
            guard part.utf8.count <= 18, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int64(part), id > 0 else {
                throw .badRequest("mottagarlistan är felaktig; börja om från urvalet")
            }
            ids.append(id)
        }
        let batch = try context.run { () throws(RegisterError) in try context.register.recordLettersSent(ids, kind: kind, on: date, digest: digest) }
        return .redirect("/brev/kvitto/\(batch.id)" + (batch.isRepeat ? "?igen=1" : ""))
    }

    static func receipt(_ context: WebContext) throws(WebError) -> WebPage {
        guard let batch = try context.run({ () throws(RegisterError) in try context.register.letterBatch(id: context.id) }) else { throw .notFound }
        func row(_ label: String, _ value: String) -> Node {
            .tr([], .th([.scope("row")], .text(label)), .td([], .text(value)))
        }
        return WebPage(title: "Kvitto på brevutskick", section: .letters,
                       context.query["igen"] == "1"
                           ? UI.message("De här breven var redan registrerade som skickade; ingenting registrerades en gång till.")
                           : UI.message("Breven är registrerade som skickade.", kind: "ok"),
                       .table([],
                              .caption([], .text("Brevutskick nr \(batch.id)")),
                              .tbody([],
                                     row("Registrerat", context.register.localTime(batch.sentAt)),
                                     row("Av", batch.staff),
                                     row("Brevmall", batch.kind.swedishName),
                                     row("Brevets datum", batch.letterDate.description),
                                     row("Mottagare", String(batch.recipients)),
                                     row("Kontaktförsök", "\(batch.recipients) med kontaktsätt Brev, ej nådd"))),
                       .p([.class("muted")], "Mottagarna står i granskningsloggen (en händelse med alla mottagare); kontaktförsöket syns på varje personkort."),
                       .p([], .a([.href("/brev")], "Till Brev"), " · ", .a([.href("/")], "Till Idag")))
    }
}

/// Where a letter selection comes from, as its URL or hidden fields say it: one of Idag's
/// worklists (`lista`, `dagar`) or the Ungdomar filter (`kalla=personer` and its fields).
struct LetterSource {
    enum Kind {
        case worklist(Worklist, days: Int)
        case people(PeopleQuery)
    }

    let kind: Kind
    let label: String
    /// The fields that name the selection, in order.
    let fields: [(String, String)]

    /// The days of a worklist on Idag.
    static func days(_ list: Worklist, _ context: WebContext) -> Int {
        switch list {
        case .followUpDue: context.settings.followUpDays
        case .turning20: context.register.configuration.turning20Days
        default: context.register.configuration.noContactDays
        }
    }

    /// The selection `form` names, nil when it names none; a value no link of ours makes is refused (400).
    static func parse(_ form: FormData, _ context: WebContext) throws(WebError) -> LetterSource? {
        if let anchor = form.trimmed("lista") {
            guard let key = TodayPage.key(ofAnchor: anchor), let list = Worklist(rawValue: key) else {
                throw .badRequest("arbetslistan finns inte")
            }
            var days = days(list, context)
            var fields = [("lista", anchor)]
            if let text = form.trimmed("dagar") {
                guard text.utf8.count <= 4, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text), value <= 3650 else {
                    throw .badRequest("antalet dagar är felaktigt")
                }
                days = value
                fields.append(("dagar", text))
            }
            return LetterSource(kind: .worklist(list, days: days), label: TodayPage.heading(list, days: days).title, fields: fields)
        }
        guard form["kalla"] == "personer" else {
            guard form["kalla"] == nil else { throw .badRequest("urvalet finns inte") }
            return nil
        }
        let (query, _) = try PeoplePage.parse(form, context)
        return LetterSource(kind: .people(query), label: "Ungdomar enligt filtret", fields: [("kalla", "personer")] + query.fields)
    }

    /// The people of the selection, as the viewer reaches them (each read audited as the list's).
    func personIDs(_ context: WebContext) throws(RegisterError) -> [Int64] {
        switch kind {
        case let .worklist(list, days):
            return try context.register.worklist(list, days: days).map(\.entry.personID)
        case let .people(query):
            return try context.register.people(query.filter, limit: nil, context: .letter).rows.map(\.personID)
        }
    }

    /// The template a selection suggests: the hand-over letter for "Fyller 20", the under-18 one
    /// when every recipient is under 18, otherwise the general one.
    func defaultKind(_ recipients: [LetterRecipient], today: CalendarDate) -> LetterKind {
        if case .worklist(.turning20, _) = kind { return .turning20 }
        if !recipients.isEmpty, recipients.allSatisfy({ $0.personnummer.birthDate.age(on: today) < 18 }) { return .under18 }
        return .general
    }

    var hiddenFields: [Node] {
        fields.map { Node.input([.type("hidden"), .name($0.0), .value($0.1)]) }
    }

    /// The selection page's URL.
    var link: String { "/brev?" + FormData(fields).queryString }
}
