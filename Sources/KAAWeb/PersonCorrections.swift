import KAACore
import KAAHTML
import KAARegister

/// Correcting or removing a person's contact, occupation, measure or episode (GDPR art. 16/17):
/// each `GET` shows the record (an audited read) with a `reason` field, each `POST` saves at the
/// form's version. A removal says first what goes (the register's `RemovalPlan` where it has one)
/// and removes only with `confirm=ja`; the reason goes into the audit row.
enum PersonCorrections {
    static let routes: [Route] = [
        PersonActions.form("/personer/{id}/kontakter/{id}/rattelse", correctContact),
        PersonActions.form("/personer/{id}/kontakter/{id}/ta-bort", removeContact),
        PersonActions.form("/personer/{id}/sysselsattningar/{id}/rattelse", correctOccupation),
        PersonActions.form("/personer/{id}/sysselsattningar/{id}/ta-bort", removeOccupation),
        PersonActions.form("/personer/{id}/atgarder/{id}/rattelse", correctMeasure),
        PersonActions.form("/personer/{id}/atgarder/{id}/ta-bort", removeMeasure),
        PersonActions.form("/personer/{id}/inskrivningar/{id}/rattelse", correctEpisode),
        PersonActions.form("/personer/{id}/inskrivningar/{id}/ta-bort", removeEpisode),
    ].flatMap { $0 }

    /// The record id of the path (its second `{id}`).
    static func recordID(_ context: WebContext) -> Int64 { context.pathIDs.dropFirst().first ?? 0 }

    /// The reason field every correction and removal asks for.
    static func reasonField(_ state: PersonFormState) -> Node {
        UI.select("Orsak till ändringen", name: "reason", options: [("", "Välj orsak …")] + ChangeReason.allCases.map { ($0.rawValue, $0.label) },
                  selected: state["reason"], error: state.errors["reason"], hint: "Orsaken sparas i loggen som ett val ur listan.")
    }

    static func readReason(_ reader: inout FormReader) -> String? {
        reader.text("reason", required: true, missing: "Välj varför uppgiften ändras.")
    }

    /// Audits that a form page showed the person (GET only): every form names them, and a
    /// correction's or removal's form shows the record's values.
    static func auditShown(_ context: WebContext, person: PersonAtHand, form: String) throws(WebError) {
        guard !PersonActions.isPost(context) else { return }
        try context.run { () throws(RegisterError) in try context.register.auditFormRead(personID: person.personID, form: form) }
    }

    static func label(_ code: String?, _ list: CodeList, _ register: Register) -> String { PersonPages.label(code, list, register) }

    // MARK: - Removals

    /// A removal: the confirmation page (GET, or a POST without `confirm=ja`), or the removal.
    static func removal(_ context: WebContext, person: PersonAtHand, title: String, what: String, action: String, done: String,
                        remove: @escaping (String) throws(RegisterError) -> Void) throws(WebError) -> WebResponse {
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: title, action: action, state: state, button: "Ta bort", isDestructive: true,
                             intro: [.div([.class("message error removal"), .role("note")], .text(what)),
                                     .p([], "Borttagningen kan inte ångras. Var uppgiften bara fel kan en rättelse vara bättre: historiken finns då kvar.")],
                             fields: [.input([.type("hidden"), .name("confirm"), .value("ja")]), reasonField(state)])
        }
        guard PersonActions.isPost(context), context.form["confirm"] == "ja" else {
            var state = PersonFormState(defaults: [:], version: person.version)
            if PersonActions.isPost(context) {
                state = PersonFormState(sent: context.form, version: try PersonForms.sentVersion(context))
            }
            return .page(page(state))
        }
        return try PersonForms.submit(
            context, person: person, fields: ["--change-reason": "reason"], done: done,
            parse: { reader in readReason(&reader) },
            save: { reason throws(RegisterError) in try remove(reason) },
            page: page)
    }

    static func removeContact(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "contact.remove")
        guard let contact = person.contact(recordID(context)) else { throw .notFound }
        try auditShown(context, person: person, form: "contact.remove")
        let register = context.register
        let what = "Tas bort: kontaktförsöket \(contact.date) (\(label(contact.channel, .contactChannel, register)), "
            + (contact.isReached ? "nådd" : "inte nådd") + (contact.occupation.map { ", \(label($0, .occupation, register))" } ?? "") + ")."
        return try removal(context, person: person, title: "Ta bort kontaktförsöket", what: what,
                           action: "/personer/\(person.personID)/kontakter/\(contact.id)/ta-bort", done: "/personer/\(person.personID)?sparat=borttagen") {
            reason throws(RegisterError) in try register.removeContact(contact.id, reason: reason)
        }
    }

    static func removeOccupation(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "occupation.remove")
        guard let fact = person.occupationFact(recordID(context)) else { throw .notFound }
        try auditShown(context, person: person, form: "occupation.remove")
        let register = context.register
        let what = "Tas bort: sysselsättningen \(label(fact.occupation, .occupation, register)) noterad \(fact.date)."
        return try removal(context, person: person, title: "Ta bort sysselsättningen", what: what,
                           action: "/personer/\(person.personID)/sysselsattningar/\(fact.id)/ta-bort", done: "/personer/\(person.personID)?sparat=borttagen") {
            reason throws(RegisterError) in try register.removeOccupation(fact.id, reason: reason)
        }
    }

    static func removeMeasure(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "measure.remove")
        let measure = try PersonActions.measure(context, of: person)
        try auditShown(context, person: person, form: "measure.remove")
        let register = context.register
        let plan = try context.run { () throws(RegisterError) in try register.removalPlan(ofMeasure: measure.id) }
        let what = "Tas bort: åtgärden \(label(measure.type, .measureType, register)) erbjuden \(measure.offeredOn)"
            + (plan.followUps > 0 ? " med \(plan.followUps) \(plan.followUps == 1 ? "uppföljning" : "uppföljningar")" : "") + "."
        return try removal(context, person: person, title: "Ta bort åtgärden", what: what,
                           action: "/personer/\(person.personID)/atgarder/\(measure.id)/ta-bort", done: "/personer/\(person.personID)?sparat=borttagen") {
            // The plan shown; the version check makes sure it is still what goes.
            reason throws(RegisterError) in try register.removeMeasure(measure.id, confirming: plan, reason: reason)
        }
    }

    static func removeEpisode(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "episode.remove")
        guard let episode = person.episode(recordID(context)) else { throw .notFound }
        try auditShown(context, person: person, form: "episode.remove")
        let register = context.register
        let plan = try context.run { () throws(RegisterError) in try register.removalPlan(ofEpisode: episode.id) }
        var parts = ["inskrivningen från \(episode.registeredOn) (\(label(episode.registrationReason, .registrationReason, register)))"]
        func add(_ n: Int, _ one: String, _ many: String) { if n > 0 { parts.append("\(n) \(n == 1 ? one : many)") } }
        add(plan.contacts, "kontaktförsök", "kontaktförsök")
        add(plan.occupationFacts, "uppgift om sysselsättning", "uppgifter om sysselsättning")
        add(plan.measures, "åtgärd", "åtgärder")
        add(plan.followUps, "uppföljning", "uppföljningar")
        if plan.removesPerson { parts.append("personen själv med kontaktuppgifter (ingen annan inskrivning finns)") }
        let list = parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " och " + (parts.last ?? "") : parts[0]
        return try removal(context, person: person, title: "Ta bort inskrivningen", what: "Tas bort: \(list).",
                           action: "/personer/\(person.personID)/inskrivningar/\(episode.id)/ta-bort",
                           done: plan.removesPerson ? "/" : "/personer/\(person.personID)?sparat=borttagen") {
            reason throws(RegisterError) in try register.removeEpisode(episode.id, confirming: plan, reason: reason)
        }
    }

    // MARK: - Corrections

    static func correctContact(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "contact.correct")
        guard let contact = person.contact(recordID(context)) else { throw .notFound }
        try auditShown(context, person: person, form: "contact.correct")
        let register = context.register
        let action = "/personer/\(person.personID)/kontakter/\(contact.id)/rattelse"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Rätta kontaktförsöket", action: action, state: state, button: "Spara rättelsen",
                             fields: [PersonForms.dateField("Datum", "date", state),
                                      PersonForms.codeSelect("Kontaktsätt", "channel", .contactChannel, state, register: register),
                                      UI.checkbox("Personen nåddes", name: "reached", checked: state["reached"].map { ["on", "1", "ja"].contains($0) } ?? false),
                                      PersonForms.codeSelect("Sysselsättning (om personen nåddes)", "occupation", .occupation, state, register: register,
                                                             empty: "Ingen uppgift"),
                                      reasonField(state)])
        }
        guard PersonActions.isPost(context) else {
            var defaults = ["date": contact.date.description, "channel": contact.channel, "occupation": contact.occupation ?? ""]
            if contact.isReached { defaults["reached"] = "on" }
            return .page(page(PersonFormState(defaults: defaults, version: person.version)))
        }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--channel": "channel", "--occupation": "occupation", "--change-reason": "reason"],
            done: "/personer/\(person.personID)?sparat=rattad",
            parse: { reader in
                let date = reader.date("date"), channel = reader.code("channel", missing: "Välj hur ni hade kontakt.")
                let occupation = reader.code("occupation", required: false), reason = readReason(&reader)
                guard let date, let channel, let reason else { return nil }
                let correction = ContactCorrection(date: date, channel: channel, isReached: reader.form.isChecked("reached"), occupation: occupation,
                                                   clearOccupation: occupation == nil)
                return (correction, reason)
            },
            save: { (value: (ContactCorrection, String)) throws(RegisterError) in try register.correctContact(contact.id, value.0, reason: value.1) },
            page: page)
    }

    static func correctOccupation(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "occupation.correct")
        guard let fact = person.occupationFact(recordID(context)) else { throw .notFound }
        try auditShown(context, person: person, form: "occupation.correct")
        let register = context.register
        let action = "/personer/\(person.personID)/sysselsattningar/\(fact.id)/rattelse"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Rätta sysselsättningen", action: action, state: state, button: "Spara rättelsen",
                             fields: [PersonForms.dateField("Datum", "date", state),
                                      PersonForms.codeSelect("Sysselsättning", "occupation", .occupation, state, register: register),
                                      reasonField(state)])
        }
        guard PersonActions.isPost(context) else {
            return .page(page(PersonFormState(defaults: ["date": fact.date.description, "occupation": fact.occupation], version: person.version)))
        }
        return try PersonForms.submit(
            context, person: person, fields: ["--date": "date", "--code": "occupation", "--change-reason": "reason"],
            done: "/personer/\(person.personID)?sparat=rattad",
            parse: { reader in
                let date = reader.date("date"), code = reader.code("occupation", missing: "Välj sysselsättning."), reason = readReason(&reader)
                guard let date, let code, let reason else { return nil }
                return (date, code, reason)
            },
            save: { (value: (CalendarDate, String, String)) throws(RegisterError) in try register.correctOccupation(fact.id, date: value.0, code: value.1, reason: value.2) },
            page: page)
    }

    static func correctMeasure(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "measure.correct")
        let measure = try PersonActions.measure(context, of: person)
        try auditShown(context, person: person, form: "measure.correct")
        let register = context.register
        let action = "/personer/\(person.personID)/atgarder/\(measure.id)/rattelse"
        func page(_ state: PersonFormState) -> WebPage {
            PersonForms.page(context, person: person, title: "Rätta åtgärden", action: action, state: state, button: "Spara rättelsen",
                             fields: PersonActions.measureFields(state, register: register) + [reasonField(state)])
        }
        guard PersonActions.isPost(context) else {
            let defaults = ["type": measure.type, "offered_on": measure.offeredOn.description, "responsible": measure.responsible ?? "",
                            "plan": measure.plan ?? "", "planned_start": measure.plannedStartOn?.description ?? "",
                            "follow_up": measure.followUpOn?.description ?? ""]
            return .page(page(PersonFormState(defaults: defaults, version: person.version)))
        }
        return try PersonForms.submit(
            context, person: person, fields: PersonActions.measureFields.merging(["--change-reason": "reason"]) { $1 },
            done: "/personer/\(person.personID)?sparat=rattad",
            parse: { reader in
                let measure = PersonActions.readMeasure(&reader), reason = readReason(&reader)
                guard let measure, let reason else { return nil }
                var correction = MeasureCorrection()
                correction.type = measure.type
                correction.offeredOn = measure.offeredOn
                correction.responsible = measure.responsible
                correction.plan = measure.plan
                correction.followUpOn = measure.followUpOn
                correction.plannedStartOn = measure.plannedStartOn
                correction.clearPlannedStart = measure.plannedStartOn == nil
                return (correction, reason)
            },
            save: { (value: (MeasureCorrection, String)) throws(RegisterError) in try register.correctMeasure(measure.id, value.0, reason: value.1) },
            page: page)
    }

    static func correctEpisode(_ context: WebContext) throws(WebError) -> WebResponse {
        let person = try PersonActions.person(context, for: "episode.correct")
        guard let episode = person.episode(recordID(context)) else { throw .notFound }
        try auditShown(context, person: person, form: "episode.correct")
        let register = context.register
        let action = "/personer/\(person.personID)/inskrivningar/\(episode.id)/rattelse"
        func page(_ state: PersonFormState) -> WebPage {
            var fields: [Node] = [.div([.class("grid2")],
                                       PersonForms.dateField("Registrerad från", "registered_on", state),
                                       PersonForms.codeSelect("Registreringsorsak", "registration_reason", .registrationReason, state, register: register))]
            if episode.deregisteredOn != nil {
                fields.append(.div([.class("grid2")],
                                   PersonForms.dateField("Avregistrerad", "deregistered_on", state),
                                   PersonForms.codeSelect("Avregistreringsorsak", "deregistration_reason", .deregistrationReason, state, register: register)))
                fields.append(UI.checkbox("Öppna inskrivningen igen (tar bort avregistreringen)", name: "reopen",
                                          checked: state["reopen"].map { ["on", "1", "ja"].contains($0) } ?? false))
            }
            fields.append(reasonField(state))
            return PersonForms.page(context, person: person, title: "Rätta inskrivningen", action: action, state: state, button: "Spara rättelsen",
                                    fields: fields)
        }
        guard PersonActions.isPost(context) else {
            let defaults = ["registered_on": episode.registeredOn.description, "registration_reason": episode.registrationReason,
                            "deregistered_on": episode.deregisteredOn?.description ?? "", "deregistration_reason": episode.deregistrationReason ?? ""]
            return .page(page(PersonFormState(defaults: defaults, version: person.version)))
        }
        let isClosed = episode.deregisteredOn != nil
        return try PersonForms.submit(
            context, person: person,
            fields: ["--registered": "registered_on", "--reason": "registration_reason", "--deregistered": "deregistered_on",
                     "--deregistration-reason": "deregistration_reason", "--change-reason": "reason"],
            done: "/personer/\(person.personID)?sparat=rattad",
            parse: { reader in
                let registered = reader.date("registered_on"), reason = reader.code("registration_reason", missing: "Välj registreringsorsak.")
                let reopen = isClosed && reader.form.isChecked("reopen")
                let deregistered = isClosed && !reopen ? reader.date("deregistered_on") : nil
                let deregistrationReason = isClosed && !reopen ? reader.code("deregistration_reason", missing: "Välj avregistreringsorsak.") : nil
                let why = readReason(&reader)
                guard let registered, let reason, let why else { return nil }
                // Only what changed: an unchanged date of a frozen period must not block a correction of the rest.
                return (EpisodeCorrection(registeredOn: registered == episode.registeredOn ? nil : registered,
                                          registrationReason: reason == episode.registrationReason ? nil : reason,
                                          deregisteredOn: deregistered == episode.deregisteredOn ? nil : deregistered,
                                          deregistrationReason: deregistrationReason == episode.deregistrationReason ? nil : deregistrationReason,
                                          reopen: reopen), why)
            },
            save: { (value: (EpisodeCorrection, String)) throws(RegisterError) in try register.correctEpisode(episode.id, value.0, reason: value.1) },
            page: page)
    }
}
