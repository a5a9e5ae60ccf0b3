import KAACore
import KAAHTML
import KAARegister

/// The Personkort (`/personer/{id}`) and the actions on a person. Every route reads the person by
/// internal id through `Register.personAtHand` / `personCard`, which refuse (and audit) a viewer
/// outside their reach; a personnummer is only ever in a page or a POST body, never in a URL.
enum PersonPages {
    static let routes: [Route] = [
        Route("GET", "/personer/{id}", roles: Route.caseworkers) { context throws(WebError) in
            .page(try card(context, contact: nil))
        },
        Route("GET", "/personer/{id}/kontakt", roles: Route.caseworkers) { context throws(WebError) in
            _ = try context.run { () throws(RegisterError) in try context.register.personAtHand(context.id, for: "contact.add") }
            return .redirect("/personer/\(context.id)#kontakt")
        },
        Route("POST", "/personer/{id}/kontakt", roles: Route.caseworkers) { context throws(WebError) in
            try PersonActions.logContact(context)
        },
        Route("POST", "/personer/{id}/handlaggare", roles: [.samordnare]) { context throws(WebError) in
            try PersonActions.assign(context)
        },
    ] + PersonActions.routes + PersonCorrections.routes

    /// The confirmations a redirect back to the card may ask for (`?sparat=kontakt`).
    static let confirmations: [String: String] = [
        "kontakt": "Kontakten är sparad.",
        "sysselsattning": "Sysselsättningen är sparad.",
        "atgard": "Åtgärden är erbjuden och sparad.",
        "beslut": "Beslutet är sparat.",
        "start": "Starten är registrerad.",
        "uppfoljning": "Uppföljningen är sparad.",
        "avslutad": "Åtgärden är avslutad.",
        "avregistrerad": "Personen är avregistrerad.",
        "utslussning": "Utslussningen är sparad.",
        "registrerad": "Personen är registrerad i aktivitetsansvaret.",
        "handlaggare": "Handläggaren är ändrad.",
        "rattad": "Rättelsen är sparad.",
        "borttagen": "Uppgiften är borttagen.",
    ]

    // MARK: - The card

    /// The Personkort; `contact` is the contact form as sent when it was not saved (then 400).
    static func card(_ context: WebContext, contact: PersonFormState?) throws(WebError) -> WebPage {
        let card = try context.run { () throws(RegisterError) in try context.register.personCard(personID: context.id) }
        let record = card.record
        let today = context.register.today
        let name = [record.details.firstName, record.details.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let saved = context.query["sparat"].flatMap { confirmations[$0] }
        let open = record.history.openEpisode
        let contactState = contact ?? PersonFormState(defaults: ["date": today.description], version: card.version)
        var page = WebPage(title: name.isEmpty ? "Personkort" : name, section: .people,
                           saved.map { UI.message($0, kind: "ok") } ?? .empty,
                           contact.map { state in
                               // Without an open episode there is no form to point to: the register's reason goes here.
                               open == nil ? UI.message("Kontakten är inte sparad. " + (state.message ?? ""), kind: "error")
                                   : .div([.class("message error"), .role("alert")], "Kontakten är inte sparad. ",
                                          .a([.href("#kontakt")], "Rätta uppgifterna i formuläret"))
                           } ?? .empty,
                           record.isProtected ? UI.protectedBanner : .empty,
                           overview(card, context: context, today: today),
                           actions(card, open: open),
                           open == nil ? .empty : contactForm(context, card: card, state: contactState),
                           caseload(card, context: context),
                           measures(card, context: context),
                           contacts(card, context: context),
                           episodes(card, context: context),
                           timeline(card, context: context))
        if contact != nil { page.status = 400 }
        return page
    }

    static func label(_ code: String?, _ list: CodeList, _ register: Register) -> String {
        guard let code else { return "–" }
        return register.catalog.label(code, in: list)
    }

    static func overview(_ card: PersonCard, context: WebContext, today: CalendarDate) -> Node {
        let record = card.record
        let pnr = record.personnummer
        let age = pnr.birthDate.age(on: today)
        var facts: [Node] = [
            .dt([], "Personnummer"), .dd([], .text(pnr.formatted)),
            .dt([], "Ålder"), .dd([], .text("\(age) år")),
            .dt([], "Fyller 20"), .dd([], .text(SwedishFormat.longDate(card.twentiethBirthday)),
                                      card.twentiethBirthday <= today ? " (aktivitetsansvaret har upphört)" : .empty),
            .dt([], "Handläggare"), .dd([], .text(card.caseworker.map { "\($0.name) (\($0.login))" } ?? "Ingen tilldelad")),
        ]
        let details = record.details
        for field in ContactField.allCases {
            let value: String? = switch field {
            case .firstName: details.firstName
            case .lastName: details.lastName
            case .address: details.address
            case .postalCode: details.postalCode
            case .city: details.city
            case .phone: details.phone
            case .email: details.email
            }
            guard let value, !value.isEmpty else {
                if field.isShownWhenEmpty(isProtected: record.isProtected) {
                    facts += [.dt([], .text(field.label)), .dd([.class("muted")], "saknas")]
                }
                continue
            }
            facts += [.dt([], .text(field.label)),
                      .dd([], .text(value), record.sources[field].map { Node.span([.class("source")], .text(" · källa: \($0.description)")) } ?? .empty)]
        }
        return .section([.ariaLabelledBy("h-oversikt"), .class("overview")],
                        .h2([.id("h-oversikt")], "Översikt"),
                        .dl([.class("facts")], .fragment(facts)))
    }

    static func actions(_ card: PersonCard, open: EpisodeHistory?) -> Node {
        let id = card.record.personID
        guard open != nil else {
            return .p([.class("muted")], "Personen har ingen öppen inskrivning i aktivitetsansvaret. ",
                      .a([.href("/personer/ny")], "Registrera en ny inskrivning"))
        }
        return .nav([Attribute("aria-label", "Åtgärder för personen")],
                    .ul([.class("actions")],
                        .li([], .a([.href("#kontakt")], "Logga en kontakt")),
                        .li([], .a([.href("/personer/\(id)/sysselsattning")], "Ange sysselsättning")),
                        .li([], .a([.href("/personer/\(id)/atgarder/ny")], "Erbjud en åtgärd")),
                        .li([], .a([.href("/personer/\(id)/avregistrera")], "Avregistrera"))))
    }

    static func contactForm(_ context: WebContext, card: PersonCard, state: PersonFormState) -> Node {
        let register = context.register
        return .section([.id("kontakt"), .ariaLabelledBy("h-kontakt")],
                        .h2([.id("h-kontakt")], "Logga en kontakt"),
                        state.message.map { UI.message($0, kind: "error") } ?? .empty,
                        .form([Attribute("method", "post"), Attribute("action", "/personer/\(card.record.personID)/kontakt"),
                               Attribute("novalidate", "novalidate")],
                              context.csrfField,
                              .input([.type("hidden"), .name("version"), .value(String(state.version))]),
                              .div([.class("grid2")],
                                   PersonForms.dateField("Datum", "date", state),
                                   PersonForms.codeSelect("Kontaktsätt", "channel", .contactChannel, state, register: register)),
                              UI.checkbox("Personen nåddes", name: "reached", checked: state["reached"].map { ["on", "1", "ja"].contains($0) } ?? false),
                              .div([.class("grid2")],
                                   PersonForms.codeSelect("Sysselsättning (om personen nåddes)", "occupation", .occupation, state, register: register,
                                                          empty: "Ingen uppgift"),
                                   PersonForms.dateField("Nästa kontakt", "next_contact", state, hint: "Valfritt: när ni ska höras nästa gång.")),
                              UI.submit("Spara kontakten")))
    }

    static func caseload(_ card: PersonCard, context: WebContext) -> Node {
        guard context.viewer.role == .samordnare else { return .empty }
        let options = [("", "Ingen handläggare")] + card.assignable.map { ($0.login, "\($0.name) (\($0.login))") }
        return .section([.ariaLabelledBy("h-handlaggare")],
                        .h2([.id("h-handlaggare")], "Handläggare"),
                        .form([Attribute("method", "post"), Attribute("action", "/personer/\(card.record.personID)/handlaggare")],
                              context.csrfField,
                              .input([.type("hidden"), .name("version"), .value(String(card.version))]),
                              UI.select("Handläggare", name: "staff", options: options, selected: card.caseworker?.login ?? ""),
                              UI.submit("Spara handläggaren")))
    }

    static func measures(_ card: PersonCard, context: WebContext) -> Node {
        let register = context.register
        let id = card.record.personID
        let all = card.record.history.episodes.reversed().flatMap { episode in episode.measures.reversed().map { (episode, $0) } }
        var items: [Node] = []
        for (episode, measure) in all {
            var facts: [Node] = [
                .dt([], "Erbjuden"), .dd([], .text(measure.offeredOn.description)),
                .dt([], "Beslut"), .dd([], .text(measure.decision.map { $0 == .accepted ? "Accepterad" : "Avböjd" } ?? "Inget beslut ännu")),
                .dt([], "Ansvarig"), .dd([], .text(measure.responsible ?? "–")),
                .dt([], "Planerad start"), .dd([], .text(measure.plannedStartOn?.description ?? "–")),
                .dt([], "Påbörjad"), .dd([], .text(measure.startedOn?.description ?? "–")),
                .dt([], "Nästa uppföljning"), .dd([], .text(measure.endedOn == nil ? measure.nextFollowUpOn?.description ?? "–" : "–")),
            ]
            if let ended = measure.endedOn {
                facts += [.dt([], "Avslutad"), .dd([], .text("\(ended) · \(label(measure.endReason, .measureEndReason, register))"))]
                if let after = measure.occupationAfter { facts += [.dt([], "Sysselsättning efter"), .dd([], .text(label(after, .occupation, register)))] }
            }
            let followUps: Node = measure.followUps.isEmpty ? .empty : .fragment([
                PersonNode.h4("Uppföljningar"),
                .ul([.class("plain")], .fragment(measure.followUps.map { followUp in
                    .li([], .text(followUp.date.description), .text(followUp.nextOn.map { " · nästa \($0)" } ?? ""),
                        .text(followUp.note.map { " · \($0)" } ?? ""))
                })),
            ])
            let base = "/personer/\(id)/atgarder/\(measure.id)"
            var links: [Node] = []
            if measure.endedOn == nil, episode.deregisteredOn == nil {
                if measure.decision == nil { links.append(.li([], .a([.href("\(base)/beslut")], "Beslut"))) }
                if measure.startedOn == nil, measure.decision != .declined { links.append(.li([], .a([.href("\(base)/start")], "Registrera start"))) }
                links.append(.li([], .a([.href("\(base)/uppfoljning")], "Uppföljning")))
                links.append(.li([], .a([.href("\(base)/avsluta")], "Avsluta")))
            }
            let named = "åtgärden \(label(measure.type, .measureType, register)) \(measure.offeredOn)"
            links.append(.li([], .a([.href("\(base)/rattelse"), Attribute("aria-label", "Rätta \(named)")], "Rätta")))
            links.append(.li([], .a([.href("\(base)/ta-bort"), Attribute("aria-label", "Ta bort \(named)")], "Ta bort")))
            items.append(PersonNode.article("measure",
                                  PersonNode.h3(.text(label(measure.type, .measureType, register))),
                                  .dl([.class("facts")], .fragment(facts)),
                                  PersonNode.h4("Plan och mål"),
                                  .p([.class("plan")], .text(measure.plan ?? "Ingen plan skriven.")),
                                  followUps,
                                  .ul([.class("actions"), Attribute("aria-label", "Åtgärdens val")], .fragment(links))))
        }
        return .section([.ariaLabelledBy("h-atgarder")],
                        .h2([.id("h-atgarder")], .text("Åtgärder (\(all.count))")),
                        .p([.class("hint")], .text(PersonForms.sensitiveReminder)),
                        items.isEmpty ? .p([.class("muted")], "Ingen åtgärd erbjuden ännu.") : .fragment(items))
    }

    static func contacts(_ card: PersonCard, context: WebContext) -> Node {
        let register = context.register
        let id = card.record.personID
        var rows: [Node] = []
        var facts: [Node] = []
        for episode in card.record.history.episodes.reversed() {
            for contact in episode.contacts.reversed() {
                rows.append(.tr([],
                                .td([Attribute("data-label", "Datum")], .text(contact.date.description)),
                                .td([Attribute("data-label", "Kontaktsätt")], .text(label(contact.channel, .contactChannel, register))),
                                .td([Attribute("data-label", "Nådd")], .text(contact.isReached ? "Ja" : "Nej")),
                                .td([Attribute("data-label", "Sysselsättning")], .text(contact.occupation.map { label($0, .occupation, register) } ?? "–")),
                                .td([Attribute("data-label", "Nästa kontakt")], .text(contact.nextContactOn?.description ?? "–")),
                                .td([Attribute("data-label", "Ändra")],
                                    .a([.href("/personer/\(id)/kontakter/\(contact.id)/rattelse"), Attribute("aria-label", "Rätta kontaktförsöket \(contact.date)")], "Rätta"),
                                    " · ",
                                    .a([.href("/personer/\(id)/kontakter/\(contact.id)/ta-bort"), Attribute("aria-label", "Ta bort kontaktförsöket \(contact.date)")],
                                       "Ta bort"))))
            }
            for fact in episode.occupationFacts.reversed() {
                facts.append(.tr([],
                                 .td([Attribute("data-label", "Datum")], .text(fact.date.description)),
                                 .td([Attribute("data-label", "Sysselsättning")], .text(label(fact.occupation, .occupation, register))),
                                 .td([Attribute("data-label", "Ändra")],
                                     .a([.href("/personer/\(id)/sysselsattningar/\(fact.id)/rattelse"), Attribute("aria-label", "Rätta sysselsättningen \(fact.date)")],
                                        "Rätta"), " · ",
                                     .a([.href("/personer/\(id)/sysselsattningar/\(fact.id)/ta-bort"), Attribute("aria-label", "Ta bort sysselsättningen \(fact.date)")],
                                        "Ta bort"))))
            }
        }
        func table(_ caption: String, _ headers: [String], _ body: [Node]) -> Node {
            .div([.class("scroll")],
                 .table([.class("stack")], .caption([], .text(caption)),
                        .thead([], .tr([], .fragment(headers.map { Node.th([.scope("col")], .text($0)) }))),
                        .tbody([], .fragment(body))))
        }
        return .section([.ariaLabelledBy("h-kontakter")],
                        .h2([.id("h-kontakter")], .text("Kontakter och sysselsättning")),
                        rows.isEmpty ? .p([.class("muted")], "Inga kontaktförsök loggade.")
                            : table("Kontaktförsök, senaste först", ["Datum", "Kontaktsätt", "Nådd", "Sysselsättning", "Nästa kontakt", "Ändra"], rows),
                        facts.isEmpty ? .empty : table("Noterad sysselsättning, senaste först", ["Datum", "Sysselsättning", "Ändra"], facts))
    }

    /// The episodes and why the person is in KAA: the registration reason, who registered them
    /// (identification from the kommun's files, or a coordinator), the folkbokföring extract the
    /// details come from, and what identification left for a coordinator to look at.
    static func episodes(_ card: PersonCard, context: WebContext) -> Node {
        let register = context.register
        let id = card.record.personID
        var items: [Node] = []
        for episode in card.record.history.episodes.reversed() {
            let origin = card.origins[episode.id]
            let how: String
            if origin?.isFromExtract == true {
                how = "Registrerad av identifieringen från folkbokföringsuttaget och skolornas inskrivningsfiler"
            } else if let by = origin?.registeredBy {
                how = "Registrerad av \(by == Register.systemStaff ? "registret självt" : by)"
            } else {
                how = "Vem som registrerade framgår inte längre av loggen"
            }
            var facts: [Node] = [
                .dt([], "Registrerad"), .dd([], .text(episode.registeredOn.description)),
                .dt([], "Registreringsorsak"), .dd([], .text(label(episode.registrationReason, .registrationReason, register))),
                .dt([], "Så kom personen in"), .dd([], .text(how + (origin?.registeredAt.map { ", \(register.localTime($0))" } ?? "") + ".")),
            ]
            if let end = episode.deregisteredOn {
                facts += [.dt([], "Avregistrerad"), .dd([], .text("\(end) · \(label(episode.deregistrationReason, .deregistrationReason, register))"))]
            }
            if origin?.isDecidedByStaff == true {
                facts += [.dt([], "Beslut"), .dd([], "Inskrivningens läge är en handläggares beslut; identifieringen ändrar det inte, den föreslår.")]
            }
            if let handover = card.handovers[episode.id] {
                facts += [.dt([], "Utslussning"),
                          .dd([], .text("\(handover.handedOverOn) till \(label(handover.receiver, .handoverReceiver, register)) · "
                                        + "samtycke att dela uppgifter: \(handover.consent ? "ja" : "nej") "
                                        + "(\(handover.consentOn), \(label(handover.consentMethod, .consentMethod, register).lowercased()))"))]
            }
            let isLatest = episode.id == card.record.history.episodes.max { ($0.registeredOn, $0.id) < ($1.registeredOn, $1.id) }?.id
            let handoverLink: Node = isLatest && card.handoverRefusal == nil
                ? .li([], .a([.href("/personer/\(id)/utslussning")], card.handovers[episode.id] == nil ? "Registrera utslussning" : "Ändra utslussning"))
                : .empty
            items.append(PersonNode.article("episode",
                                  PersonNode.h3(.text(episode.deregisteredOn == nil ? "Pågående inskrivning" : "Avslutad inskrivning")),
                                  .dl([.class("facts")], .fragment(facts)),
                                  .ul([.class("actions")],
                                      handoverLink,
                                      .li([], .a([.href("/personer/\(id)/inskrivningar/\(episode.id)/rattelse")], "Rätta inskrivningen")),
                                      .li([], .a([.href("/personer/\(id)/inskrivningar/\(episode.id)/ta-bort")], "Ta bort inskrivningen")))))
        }
        let extracts = Set(card.record.sources.values.compactMap { source -> CalendarDate? in
            if case let .extract(date) = source { return date }
            return nil
        }).sorted()
        let reviews = card.reviews.map { item in
            Node.li([], .strong([], .text(item.kind.label)), .text(" (\(item.seenOn)): \(item.message)"),
                    .text(item.decision.map { " – avgjord: \($0.label)" } ?? " – ej avgjord"))
        }
        return .section([.ariaLabelledBy("h-varfor")],
                        .h2([.id("h-varfor")], "Varför personen finns i aktivitetsansvaret"),
                        .fragment(items),
                        extracts.isEmpty ? .empty
                            : .p([], .text("Kontaktuppgifter från folkbokföringsuttaget \(extracts.map(\.description).joined(separator: ", ")).")),
                        reviews.isEmpty ? .empty : .fragment([PersonNode.h3("Att granska"), .ul([], .fragment(reviews))]),
                        .p([.class("muted")], "Registret sparar inte raderna ur skolornas inskrivningsfiler, bara vad identifieringen kom fram till."))
    }

    static func timeline(_ card: PersonCard, context: WebContext) -> Node {
        let items = card.events.reversed().map { entry in
            Node.li([],
                    .p([.class("when")], .text("\(context.register.localTime(entry.at)) · \(PersonTimeline.who(entry.staff))")),
                    .p([.class("what")], .strong([], .text(PersonTimeline.label(entry.action)))),
                    entry.changes.map { changes in
                        Node.ul([.class("changes")], .fragment(PersonTimeline.changes(changes, register: context.register).map { Node.li([], .text($0)) }))
                    } ?? .empty)
        }
        return .section([.ariaLabelledBy("h-handelser")],
                        .h2([.id("h-handelser")], "Händelser"),
                        items.isEmpty ? .p([.class("muted")], "Inga händelser.")
                            : .ol([.class("timeline"), Attribute("reversed", "reversed")], .fragment(Array(items))))
    }
}

extension ContactField {
    /// Whether the card says "saknas" for the detail when it is empty (a protected identity has no address to miss).
    func isShownWhenEmpty(isProtected: Bool) -> Bool {
        switch self {
        case .address, .postalCode, .city: !isProtected
        default: true
        }
    }
}

/// Elements the HTML module has no function for yet (kept here so the page families do not collide).
enum PersonNode {
    static func h3(_ children: Node...) -> Node { .element("h3", [], children) }
    static func h4(_ children: Node...) -> Node { .element("h4", [], children) }
    static func article(_ className: String, _ children: Node...) -> Node { .element("article", [.class(className)], children) }
}
