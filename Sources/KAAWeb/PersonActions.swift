import KAACore
import KAAHTML
import KAARegister

/// The actions on a person, each a form with today as the default date (`GET`) saved by a `POST`
/// to the same path: log a contact, set the occupation, offer / decide / start / follow up / end
/// a measure, de-register, register a new person, assign a handläggare.
enum PersonActions {
    static let routes: [Route] = [
        form("/personer/{id}/sysselsattning", occupation),
        form("/personer/{id}/atgarder/ny", offer),
        form("/personer/{id}/atgarder/{id}/beslut", decide),
        form("/personer/{id}/atgarder/{id}/start", start),
        form("/personer/{id}/atgarder/{id}/uppfoljning", followUp),
        form("/personer/{id}/atgarder/{id}/avsluta", end),
        form("/personer/{id}/avregistrera", deregister),
        form("/personer/{id}/utslussning", handover),
        form("/personer/ny", registerNew),
    ].flatMap { $0 }

    /// The GET and the POST of one form page for handläggare and samordnare.
    static func form(_ path: String, _ handler: @escaping @Sendable (WebContext) throws(WebError) -> WebResponse) -> [Route] {
        [Route("GET", path, roles: Route.caseworkers, handler), Route("POST", path, roles: Route.caseworkers, handler)]
    }

    /// The person of the path, after the access check (403 and an audit row outside the viewer's reach, 404 for an unknown id).
    static func person(_ context: WebContext, for action: String) throws(WebError) -> PersonAtHand {
        try context.run { () throws(RegisterError) in try context.register.personAtHand(context.id, for: action) }
    }

    /// The measure of the path, which must be the person's (404 otherwise).
    static func measure(_ context: WebContext, of person: PersonAtHand) throws(WebError) -> MeasureFact {
        guard let id = context.pathIDs.dropFirst().first, let measure = person.measure(id) else { throw .notFound }
        return measure
    }

    static func isPost(_ context: WebContext) -> Bool { context.request.method == "POST" }

    static func today(_ context: WebContext) -> String { context.register.today.description }

    // MARK: - Contact (the form is on the Personkort)

    static func logContact(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "contact.add")
        return try PersonForms.submit(
            context, person: person,
            fields: ["--date": "date", "--channel": "channel", "--occupation": "occupation", "--next-contact": "next_contact"],
            done: "/personer/\(person.personID)?sparat=kontakt",
            parse: { reader in
                let date = reader.date("date"), channel = reader.code("channel", missing: "Välj hur ni hade kontakt.")
                let occupation = reader.code("occupation", required: false), next = reader.date("next_contact", required: false)
                guard let date, let channel else { return nil }
                return (date, channel, reader.form.isChecked("reached"), occupation, next)
            },
            save: { (value: (CalendarDate, String, Bool, String?, CalendarDate?)) throws(RegisterError) in
                _ = try context.register.addContact(person.personnummer, on: value.0, channel: value.1, isReached: value.2, occupation: value.3,
                                                    nextContactOn: value.4)
            },
            page: { state throws(WebError) in try PersonPages.card(context, contact: state) })
    }

    // MARK: - Occupation

    static func occupation(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "occupation.set")
        try PersonCorrections.auditShown(context, person: person, form: "occupation.set")
        let action = "/personer/\(person.personID)/sysselsattning"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Ange sysselsättning", action: action, state: state, button: "Spara sysselsättningen",
                             fields: [PersonForms.dateField("Datum då ni fick veta det", "date", state),
                                      PersonForms.codeSelect("Sysselsättning", "occupation", .occupation, state, register: context.register)])
        }
        guard isPost(context) else { return .page(page(PersonFormState(defaults: ["date": today(context)], version: person.version))) }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--code": "occupation"], done: "/personer/\(person.personID)?sparat=sysselsattning",
            parse: { reader in
                let date = reader.date("date"), code = reader.code("occupation", missing: "Välj sysselsättning.")
                guard let date, let code else { return nil }
                return (date, code)
            },
            save: { (value: (CalendarDate, String)) throws(RegisterError) in _ = try context.register.setOccupation(person.personnummer, on: value.0, code: value.1) },
            page: page)
    }

    // MARK: - Measures

    static let measureFields = ["--type": "type", "--offered": "offered_on", "--responsible": "responsible", "--plan": "plan",
                                "--planned-start": "planned_start", "--follow-up": "follow_up"]

    static func offer(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "measure.add")
        try PersonCorrections.auditShown(context, person: person, form: "measure.add")
        let action = "/personer/\(person.personID)/atgarder/ny"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Erbjud en åtgärd", action: action, state: state, button: "Erbjud åtgärden",
                             fields: measureFields(state, register: context.register))
        }
        guard isPost(context) else { return .page(page(PersonFormState(defaults: ["offered_on": today(context)], version: person.version))) }
        return try PersonForms.submit(
            context, person: person, fields: measureFields, done: "/personer/\(person.personID)?sparat=atgard",
            parse: { reader in readMeasure(&reader) },
            save: { measure throws(RegisterError) in _ = try context.register.addMeasure(person.personnummer, measure) },
            page: page)
    }

    /// The fields of a measure's offer (and of its correction).
    static func measureFields(_ state: PersonFormState, register: Register) -> [Node] {
        [PersonForms.codeSelect("Typ av åtgärd", "type", .measureType, state, register: register),
         PersonForms.dateField("Erbjuden", "offered_on", state),
         PersonForms.textField("Ansvarig", "responsible", state, hint: "Vem som genomför åtgärden, t.ex. en verksamhet eller en funktion."),
         PersonForms.textarea("Plan och mål", "plan", state, hint: PersonForms.sensitiveReminder, limit: 2000),
         .div([.class("grid2")],
              PersonForms.dateField("Planerad start", "planned_start", state, hint: "Valfritt; får ligga framåt i tiden."),
              PersonForms.dateField("Första uppföljning", "follow_up", state, hint: "Valfritt; när ni ska följa upp."))]
    }

    static func readMeasure(_ reader: inout FormReader) -> NewMeasure? {
        let type = reader.code("type", missing: "Välj typ av åtgärd."), offered = reader.date("offered_on")
        let responsible = reader.text("responsible"), plan = reader.text("plan", limit: 2000, multiline: true)
        let planned = reader.date("planned_start", required: false), followUp = reader.date("follow_up", required: false)
        guard let type, let offered else { return nil }
        return NewMeasure(type: type, offeredOn: offered, responsible: responsible, plan: plan, followUpOn: followUp, plannedStartOn: planned)
    }

    /// What a measure page says the measure is.
    static func measureIntro(_ measure: MeasureFact, register: Register) -> [Node] {
        [.p([], .text("Åtgärd: "), .strong([], .text(register.catalog.label(measure.type, in: .measureType))),
            .text(", erbjuden \(measure.offeredOn)" + (measure.startedOn.map { ", påbörjad \($0)" } ?? "") + "."))]
    }

    static let decisions: [(String, String, MeasureDecision)] = [
        ("accepted", "Accepterad – personen tackade ja", .accepted), ("declined", "Avböjd – personen tackade nej", .declined),
    ]

    static func decide(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "measure.decide")
        try PersonCorrections.auditShown(context, person: person, form: "measure.decide")
        let measure = try measure(context, of: person)
        let action = "/personer/\(person.personID)/atgarder/\(measure.id)/beslut"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Beslut om åtgärden", action: action, state: state, button: "Spara beslutet",
                             intro: measureIntro(measure, register: context.register),
                             fields: [UI.select("Beslut", name: "decision", options: [("", "Välj …")] + decisions.map { ($0.0, $0.1) },
                                                selected: state["decision"], error: state.errors["decision"]),
                                      PersonForms.dateField("Datum för beslutet", "date", state)])
        }
        guard isPost(context) else { return .page(page(PersonFormState(defaults: ["date": today(context)], version: person.version))) }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--start": "decision"], done: "/personer/\(person.personID)?sparat=beslut",
            parse: { reader in
                let date = reader.date("date")
                let text = reader.code("decision", missing: "Välj om personen accepterade eller avböjde.")
                let decision = text.flatMap { text in decisions.first { $0.0 == text }?.2 }
                if text != nil, decision == nil { reader.errors["decision"] = "Välj Accepterad eller Avböjd." }
                guard let date, let decision else { return nil }
                return (decision, date)
            },
            save: { (value: (MeasureDecision, CalendarDate)) throws(RegisterError) in try context.register.decideMeasure(measure.id, decision: value.0, on: value.1) },
            page: page)
    }

    static func start(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "measure.start")
        try PersonCorrections.auditShown(context, person: person, form: "measure.start")
        let measure = try measure(context, of: person)
        let action = "/personer/\(person.personID)/atgarder/\(measure.id)/start"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Registrera start", action: action, state: state, button: "Registrera start",
                             intro: measureIntro(measure, register: context.register),
                             fields: [PersonForms.dateField("Startdatum", "date", state)])
        }
        guard isPost(context) else { return .page(page(PersonFormState(defaults: ["date": today(context)], version: person.version))) }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--start": "date"], done: "/personer/\(person.personID)?sparat=start",
            parse: { reader in reader.date("date") },
            save: { date throws(RegisterError) in try context.register.startMeasure(measure.id, on: date) },
            page: page)
    }

    static func followUp(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "measure.follow_up")
        try PersonCorrections.auditShown(context, person: person, form: "measure.follow_up")
        let measure = try measure(context, of: person)
        let action = "/personer/\(person.personID)/atgarder/\(measure.id)/uppfoljning"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Uppföljning av åtgärden", action: action, state: state, button: "Spara uppföljningen",
                             intro: measureIntro(measure, register: context.register),
                             fields: [PersonForms.dateField("Datum för uppföljningen", "date", state),
                                      PersonForms.dateField("Nästa uppföljning", "next", state, hint: "Valfritt; efter dagens uppföljning."),
                                      PersonForms.textField("Anteckning", "note", state, hint: "En rad. " + PersonForms.sensitiveReminder, limit: 2000)])
        }
        guard isPost(context) else { return .page(page(PersonFormState(defaults: ["date": today(context)], version: person.version))) }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--next": "next", "--note": "note"], done: "/personer/\(person.personID)?sparat=uppfoljning",
            parse: { reader in
                let date = reader.date("date"), next = reader.date("next", required: false), note = reader.text("note", limit: 2000)
                guard let date else { return nil }
                return (date, next, note)
            },
            save: { (value: (CalendarDate, CalendarDate?, String?)) throws(RegisterError) in _ = try context.register.addFollowUp(measure: measure.id, on: value.0, next: value.1, note: value.2) },
            page: page)
    }

    static func end(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "measure.end")
        try PersonCorrections.auditShown(context, person: person, form: "measure.end")
        let measure = try measure(context, of: person)
        let action = "/personer/\(person.personID)/atgarder/\(measure.id)/avsluta"
        let reasons = Set(context.register.catalog.codes(in: .measureEndReason).map(\.code).filter { $0 != KnownCode.measureEndAtDeregistration })
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Avsluta åtgärden", action: action, state: state, button: "Avsluta åtgärden",
                             intro: measureIntro(measure, register: context.register),
                             fields: [PersonForms.dateField("Slutdatum", "date", state),
                                      PersonForms.codeSelect("Orsak", "reason", .measureEndReason, state, register: context.register, only: reasons),
                                      PersonForms.codeSelect("Sysselsättning efter åtgärden", "occupation_after", .occupation, state,
                                                             register: context.register, empty: "Ingen uppgift")])
        }
        guard isPost(context) else { return .page(page(PersonFormState(defaults: ["date": today(context)], version: person.version))) }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--reason": "reason", "--occupation-after": "occupation_after"],
            done: "/personer/\(person.personID)?sparat=avslutad",
            parse: { reader in
                let date = reader.date("date"), reason = reader.code("reason", missing: "Välj varför åtgärden avslutas.")
                let after = reader.code("occupation_after", required: false)
                guard let date, let reason else { return nil }
                return (date, reason, after)
            },
            save: { (value: (CalendarDate, String, String?)) throws(RegisterError) in
                try context.register.endMeasure(measure.id, on: value.0, reason: value.1, occupationAfter: value.2)
            },
            page: page)
    }

    // MARK: - De-registration

    static func deregister(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "deregister")
        try PersonCorrections.auditShown(context, person: person, form: "deregister")
        let action = "/personer/\(person.personID)/avregistrera"
        let today = context.register.today
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Avregistrera", action: action, state: state, button: "Avregistrera",
                             intro: [.p([], .text("Personen fyller 20 år \(SwedishFormat.longDate(person.twentiethBirthday)). "
                                                  + "Åtgärder som pågår avslutas samma dag."))],
                             fields: [PersonForms.dateField("Datum för avregistreringen", "date", state,
                                                            hint: "Första dagen personen inte längre omfattas."),
                                      PersonForms.codeSelect("Orsak", "reason", .deregistrationReason, state, register: context.register)])
        }
        guard isPost(context) else {
            let turned = person.twentiethBirthday <= today
            let defaults = turned ? ["date": person.twentiethBirthday.description, "reason": KnownCode.fyllt20] : ["date": today.description]
            return .page(page(PersonFormState(defaults: defaults, version: person.version)))
        }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--reason": "reason"], done: "/personer/\(person.personID)?sparat=avregistrerad",
            parse: { reader in
                let date = reader.date("date"), reason = reader.code("reason", missing: "Välj orsak till avregistreringen.")
                guard let date, let reason else { return nil }
                return (date, reason)
            },
            save: { (value: (CalendarDate, String)) throws(RegisterError) in try context.register.deregister(person.personnummer, on: value.0, reason: value.1) },
            page: page)
    }

    // MARK: - Utslussning

    static func handover(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "handover.record")
        try PersonCorrections.auditShown(context, person: person, form: "handover.record")
        let action = "/personer/\(person.personID)/utslussning"
        let today = context.register.today
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Utslussning", action: action, state: state, button: "Spara utslussningen",
                             intro: [.p([], .text("Personen fyller 20 år \(SwedishFormat.longDate(person.twentiethBirthday)). Registrera vem som tar över "
                                                  + "och om personen samtycker till att uppgifter om hen lämnas dit."))],
                             fields: [PersonForms.codeSelect("Mottagare", "receiver", .handoverReceiver, state, register: context.register),
                                      PersonForms.dateField("Datum för överlämnandet", "handed_over_on", state),
                                      UI.select("Samtycker personen till att uppgifter lämnas till mottagaren?", name: "consent",
                                                options: [("", "Välj"), ("ja", "Ja"), ("nej", "Nej")], selected: state["consent"],
                                                error: state.errors["consent"]),
                                      .div([.class("grid2")],
                                           PersonForms.dateField("Datum för svaret", "consent_on", state),
                                           PersonForms.codeSelect("Hur svaret lämnades", "consent_method", .consentMethod, state, register: context.register))])
        }
        guard isPost(context) else {
            let start = person.twentiethBirthday <= today ? person.twentiethBirthday.description : today.description
            return .page(page(PersonFormState(defaults: ["handed_over_on": start, "consent_on": today.description], version: person.version)))
        }
        return try PersonForms.submit(
            context, person: person,
            fields: ["--receiver": "receiver", "--handed-over": "handed_over_on", "--consent-date": "consent_on", "--consent-method": "consent_method",
                     "--consent": "consent"],
            done: "/personer/\(person.personID)?sparat=utslussning",
            parse: { reader in
                let receiver = reader.code("receiver", missing: "Välj vem som tar över."), handedOver = reader.date("handed_over_on")
                let consent = reader.code("consent", missing: "Välj ja eller nej.")
                let consentOn = reader.date("consent_on"), method = reader.code("consent_method", missing: "Välj hur personen svarade.")
                guard let receiver, let handedOver, let consent, let consentOn, let method else { return nil }
                guard consent == "ja" || consent == "nej" else {
                    reader.errors["consent"] = "Välj ja eller nej."
                    return nil
                }
                return Handover(receiver: receiver, handedOverOn: handedOver, consent: consent == "ja", consentOn: consentOn, consentMethod: method)
            },
            save: { (value: Handover) throws(RegisterError) in try context.register.recordHandover(person.personnummer, value) },
            page: page)
    }

    // MARK: - Registering a new person

    static let registrationFields = ["personnummer": "personnummer", "--date": "date", "--reason": "reason", "--first-name": "first_name",
                                     "--last-name": "last_name", "--address": "address", "--postal-code": "postal_code", "--city": "city",
                                     "--phone": "phone", "--email": "email"]

    static func registerNew(_ context: WebContext) throws(WebError) -> WebResponse {
        let register = context.register
        func page(_ state: PersonFormState) -> WebPage {
            let hasErrors = state.message != nil || !state.errors.isEmpty
            return WebPage(title: "Registrera en person i aktivitetsansvaret", section: .people,
                           hasErrors ? UI.message(state.message ?? PersonForms.notSaved, kind: "error") : .empty,
                           .form([Attribute("method", "post"), Attribute("action", "/personer/ny"), Attribute("novalidate", "novalidate")],
                                 context.csrfField,
                                 UI.field("Personnummer", name: "personnummer", value: state["personnummer"] ?? "", error: state.errors["personnummer"],
                                          hint: "ÅÅÅÅMMDD-NNNN", extra: [Attribute("autocomplete", "off"), Attribute("maxlength", "20")]),
                                 .div([.class("grid2")],
                                      PersonForms.dateField("Registreras från", "date", state),
                                      PersonForms.codeSelect("Registreringsorsak", "reason", .registrationReason, state, register: register)),
                                 .div([.class("grid2")],
                                      PersonForms.textField("Förnamn", "first_name", state), PersonForms.textField("Efternamn", "last_name", state)),
                                 .fieldset([], .legend([], "Kontaktuppgifter (valfria)"),
                                           PersonForms.textField("Adress", "address", state),
                                           .div([.class("grid2")],
                                                PersonForms.textField("Postnummer", "postal_code", state), PersonForms.textField("Postort", "city", state)),
                                           .div([.class("grid2")],
                                                PersonForms.textField("Telefon", "phone", state), PersonForms.textField("E-post", "email", state)),
                                           UI.checkbox("Skyddad identitet (ingen adress sparas)", name: "protected",
                                                       checked: state["protected"].map { ["on", "1", "ja"].contains($0) } ?? false)),
                                 .div([.class("form-actions")], UI.submit("Registrera"), .a([.href("/")], "Avbryt"))))
        }
        guard isPost(context) else { return .page(page(PersonFormState(defaults: ["date": register.today.description], version: 0))) }
        var reader = FormReader(context.form)
        let pnrText = reader.text("personnummer", limit: 20, required: true, missing: "Skriv personnumret.")
        let date = reader.date("date"), reason = reader.code("reason", missing: "Välj registreringsorsak.")
        var details = ContactDetails()
        details.firstName = reader.text("first_name")
        details.lastName = reader.text("last_name")
        details.address = reader.text("address")
        details.postalCode = reader.text("postal_code")
        details.city = reader.text("city")
        details.phone = reader.text("phone")
        details.email = reader.text("email")
        if context.form.isChecked("protected") { details.isProtected = true }
        var state = PersonFormState(sent: context.form, version: 0)
        state.errors = reader.errors
        if reader.errors.isEmpty, let pnrText, let date, let reason {
            do {
                let pnr = try register.personnummer(pnrText, field: "personnummer")
                let id = try register.registerPerson(pnr, on: date, reason: reason, details: details)
                return .redirect("/personer/\(id)?sparat=registrerad")
            } catch {
                switch error {
                case let .invalidInput(field, message):
                    if let field, let name = registrationFields[field] { state.errors[name] = WebApp.sentence(message) } else { state.message = WebApp.sentence(message) }
                default:
                    throw .register(error)
                }
            }
        }
        var shown = page(state)
        shown.status = 400
        return .page(shown)
    }

    // MARK: - Caseload

    static func assign(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try person(context, for: "caseload_assign")
        let action = "/personer/\(person.personID)/handlaggare"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Byt handläggare", action: action, state: state, button: "Spara handläggaren",
                             fields: [PersonForms.textField("Handläggarens inloggningsnamn", "staff", state, hint: "Tomt: ingen handläggare.", limit: 64)])
        }
        return try PersonForms.submit(
            context, person: person, fields: ["--staff": "staff", "PNR": "staff"], done: "/personer/\(person.personID)?sparat=handlaggare",
            parse: { reader in reader.text("staff", limit: 64) ?? "" },
            save: { login throws(RegisterError) in
                do throws(RegisterError) {
                    if login.isEmpty {
                        try context.register.unassignCaseload(person.personnummer)
                    } else {
                        try context.register.assignCaseload(person.personnummer, to: login)
                    }
                } catch {
                    // An account that does not exist is a wrong value in the field, not a missing page.
                    if case let .notFound(message) = error { throw .invalidInput(field: "--staff", message: message) }
                    throw error
                }
            },
            page: page)
    }
}
