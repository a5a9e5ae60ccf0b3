import KAACore
import KAAHTML
import KAARegister

/// Personal (`/personal`, admin only): the staff accounts; add, disable and reset, each change a
/// form, the destructive ones behind a confirmation page. New credentials are shown once, in the
/// response to the POST (never in a URL, never stored in the clear).
enum StaffPage {
    static let admin: Set<StaffRole> = [.admin]

    static let routes: [Route] = [
        Route("GET", "/personal", roles: admin) { context throws(WebError) in
            .page(try list(context, done: context.query["klart"]))
        },
        Route("POST", "/personal", roles: admin) { context throws(WebError) in
            .page(try add(context))
        },
        Route("GET", "/personal/{id}/avaktivera", roles: admin) { context throws(WebError) in
            .page(try confirmDisable(context))
        },
        Route("POST", "/personal/{id}/avaktivera", roles: admin) { context throws(WebError) in
            guard context.form["confirm"] == "ja" else { return .page(try confirmDisable(context)) }
            let listing = try account(context)
            if let refusal = refusal(listing, context, disabling: true) { return .page(refusal) }
            try context.run { () throws(RegisterError) in try context.register.disableStaff(login: listing.account.login) }
            return .redirect("/personal?klart=avaktiverat")
        },
        Route("GET", "/personal/{id}/aterstall", roles: admin) { context throws(WebError) in
            .page(try confirmReset(context))
        },
        Route("POST", "/personal/{id}/aterstall", roles: admin) { context throws(WebError) in
            guard context.form["confirm"] == "ja" else { return .page(try confirmReset(context)) }
            let listing = try account(context)
            if let refusal = refusal(listing, context, disabling: false) { return .page(refusal) }
            let credentials = try context.run { () throws(RegisterError) in try context.register.resetStaff(login: listing.account.login) }
            return .page(credentialsPage("Kontot är återställt", credentials, listing.account.name))
        },
    ]

    static let roleOptions: [(String, String)] = StaffRole.allCases.map { ($0.rawValue, $0.swedishName.prefix(1).uppercased() + $0.swedishName.dropFirst()) }

    static func account(_ context: WebContext) throws(WebError) -> StaffListing {
        try context.run { () throws(RegisterError) in try context.register.staffListing(id: context.id) }
    }

    // MARK: - The list and the add form

    static func list(_ context: WebContext, done: String? = nil, values: [String: String] = [:], errors: [String: String] = [:]) throws(WebError) -> WebPage {
        let accounts = try context.run { () throws(RegisterError) in try context.register.staffListings() }
        let now = CalendarDate.utcTimestamp(secondsSince1970: Int(context.now.timeIntervalSince1970))
        let rows = accounts.map { listing in
            let account = listing.account
            // A lockout that has run out is no longer one (the column keeps its time until the next login).
            let lockedUntil = account.lockedUntil.flatMap { $0 > now ? $0 : nil }
            // Not for one's own account (refused: an admin must not lock themselves out).
            var actions: [Node] = []
            if listing.id != context.viewer.staffID {
                if !account.isDisabled { actions.append(.a([.href("/personal/\(listing.id)/avaktivera")], "Avaktivera")) }
                // An account of the kommun's IdP has no password or code here to reset.
                if !account.signsInWithIdP { actions.append(.a([.href("/personal/\(listing.id)/aterstall")], "Återställ")) }
            } else {
                actions.append(.span([.class("muted")], "ditt konto"))
            }
            return Node.tr([],
                           .td([Attribute("data-label", "Inloggning")], .text(account.login)),
                           .td([Attribute("data-label", "Namn")], .text(account.name)),
                           .td([Attribute("data-label", "Roll")], .text(account.role.swedishName)),
                           .td([Attribute("data-label", "Status")], .text(account.isDisabled ? "avaktiverat" : account.signsInWithIdP ? "aktivt, loggar in med kommunens konto"
                                     : account.mustChangePassword ? "aktivt (nytt lösenord väntar)" : "aktivt")),
                           .td([Attribute("data-label", "Låst")], .text(lockedUntil.map { "till \(context.register.localTime($0))" } ?? "nej")),
                           .td([Attribute("data-label", "Ärenden"), .class("num")], .text(String(account.caseloadCount))),
                           .td([Attribute("data-label", "Åtgärder")], .div([.class("actions")], .fragment(actions))))
        }
        let message: Node = switch done {
        case "avaktiverat": UI.message("Kontot är avaktiverat. Dess sessioner är avslutade och dess ärenden är inte längre tilldelade.", kind: "ok")
        default: .empty
        }
        let idpNote: Node = context.app.relyingParty == nil ? .empty
            : .p([.class("muted")], .text("Den som loggar in med kommunens konto visas här efter sin första inloggning. Rollen följer grupperna i "
                 + "kommunens inloggningstjänst vid varje inloggning. Ett konto som avaktiveras här kan inte logga in, vad inloggningstjänsten än säger."))
        var page = WebPage(title: "Personal", section: .staff, message, idpNote,
                           .div([.class("scroll")],
                                .table([.class("stack")],
                                       .thead([], .tr([], .th([.scope("col")], "Inloggning"), .th([.scope("col")], "Namn"), .th([.scope("col")], "Roll"),
                                                      .th([.scope("col")], "Status"), .th([.scope("col")], "Låst"), .th([.scope("col"), .class("num")], "Ärenden"),
                                                      .th([.scope("col")], "Åtgärder"))),
                                       .tbody([], .fragment(rows)))),
                           .section([.ariaLabelledBy("h-ny")],
                                    .h2([.id("h-ny")], "Lägg till konto"),
                                    errors.isEmpty ? .empty : UI.message("Kontot kunde inte läggas till. Rätta det som är markerat.", kind: "error"),
                                    UI.form("/personal", context,
                                            UI.field("Inloggningsnamn", name: "login", value: values["login"], error: errors["login"],
                                                     hint: "2–64 tecken: a–z, 0–9, punkt, understreck, bindestreck.", required: true,
                                                     extra: [Attribute("autocomplete", "off")]),
                                            UI.field("Namn", name: "name", value: values["name"], error: errors["name"], required: true,
                                                     extra: [Attribute("autocomplete", "off")]),
                                            UI.select("Roll", name: "role", options: roleOptions, selected: values["role"] ?? StaffRole.handlaggare.rawValue,
                                                      error: errors["role"]),
                                            UI.submit("Lägg till"))))
        if !errors.isEmpty { page.status = 400 }
        return page
    }

    static func add(_ context: WebContext) throws(WebError) -> WebPage {
        let login = context.form.trimmed("login") ?? ""
        let name = context.form.trimmed("name") ?? ""
        let roleText = context.form["role"] ?? ""
        let values = ["login": login, "name": name, "role": roleText]
        guard let role = StaffRole(rawValue: roleText) else {
            return try list(context, values: values, errors: ["role": "Välj en av rollerna i listan."])
        }
        do {
            let credentials = try context.register.addStaff(login: login, name: name, role: role)
            return credentialsPage("Kontot är skapat", credentials, name)
        } catch let error {
            guard case let .invalidInput(field, message) = error else { throw .register(error) }
            let key = switch field {
            case "LOGIN"?: "login"
            case "--name"?: "name"
            default: "login"
            }
            return try list(context, values: values, errors: [key: WebApp.sentence(message)])
        }
    }

    /// The one page that shows new credentials.
    static func credentialsPage(_ title: String, _ credentials: StaffCredentials, _ name: String) -> WebPage {
        WebPage(title: title, section: .staff,
                UI.message("Uppgifterna visas bara nu. Lämna över dem säkert: personligen eller i två olika kanaler, aldrig tillsammans i ett e-postmeddelande. "
                           + "Lösenordet måste bytas vid första inloggningen. Går uppgifterna förlorade: återställ kontot.", kind: "info"),
                .dl([.class("facts credentials")],
                    .dt([], "Namn"), .dd([], .text(name)),
                    .dt([], "Inloggningsnamn"), .dd([], .element("code", [], [.text(credentials.login)])),
                    .dt([], "Engångslösenord"), .dd([], .element("code", [.class("secret")], [.text(credentials.password)])),
                    .dt([], "Engångskoder (lägg in i en autentiseringsapp)"), .dd([], .element("code", [.class("secret uri")], [.text(credentials.provisioningURI)]))),
                .p([], .a([.href("/personal")], "Tillbaka till Personal")))
    }

    // MARK: - Confirmations

    /// Why the change may not be made, as a page, or nil when it may.
    static func refusal(_ listing: StaffListing, _ context: WebContext, disabling: Bool) -> WebPage? {
        let back = Node.p([], .a([.href("/personal")], "Tillbaka till Personal"))
        if listing.id == context.viewer.staffID {
            var page = WebPage(title: disabling ? "Avaktivera kontot" : "Återställ kontot", section: .staff,
                               UI.message(disabling ? "Du kan inte avaktivera ditt eget konto. Be en annan administratör." :
                                   "Ditt eget konto återställer du inte här: byt lösenord på sidan Byt lösenord, eller be en annan administratör.", kind: "error"),
                               back)
            page.status = 400
            return page
        }
        if disabling, listing.account.isDisabled {
            return WebPage(title: "Avaktivera kontot", section: .staff, UI.message("Kontot \(listing.account.login) är redan avaktiverat.", kind: "info"), back)
        }
        return nil
    }

    static func confirmDisable(_ context: WebContext) throws(WebError) -> WebPage {
        let listing = try account(context)
        if let refusal = refusal(listing, context, disabling: true) { return refusal }
        let account = listing.account
        let released = switch account.caseloadCount {
        case 0: ""
        case 1: " Kontots ärende blir otilldelat och behöver en ny handläggare."
        default: " Kontots \(account.caseloadCount) ärenden blir otilldelade och behöver en ny handläggare."
        }
        return WebPage(title: "Avaktivera kontot", section: .staff,
                       .p([], .text("Vill du avaktivera kontot \(account.login) (\(account.name), \(account.role.swedishName))?")),
                       UI.message("Kontot kan inte längre logga in och dess pågående sessioner avslutas.\(released) Kontot finns kvar i loggen.", kind: "error"),
                       UI.form("/personal/\(listing.id)/avaktivera", context,
                               .input([.type("hidden"), .name("confirm"), .value("ja")]),
                               .div([.class("actions")], UI.submit("Avaktivera kontot"), .a([.href("/personal")], "Avbryt"))))
    }

    static func confirmReset(_ context: WebContext) throws(WebError) -> WebPage {
        let listing = try account(context)
        if let refusal = refusal(listing, context, disabling: false) { return refusal }
        let account = listing.account
        return WebPage(title: "Återställ kontot", section: .staff,
                       .p([], .text("Vill du återställa kontot \(account.login) (\(account.name))?")),
                       UI.message("Kontot får ett nytt engångslösenord och en ny nyckel för engångskoder; det gamla lösenordet och appens koder slutar gälla "
                                  + "och pågående sessioner avslutas. En låsning hävs.", kind: "error"),
                       UI.form("/personal/\(listing.id)/aterstall", context,
                               .input([.type("hidden"), .name("confirm"), .value("ja")]),
                               .div([.class("actions")], UI.submit("Återställ kontot"), .a([.href("/personal")], "Avbryt"))))
    }
}
