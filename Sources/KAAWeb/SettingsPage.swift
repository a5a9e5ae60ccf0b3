import KAACore
import KAAHTML
import KAARegister

/// Inställningar (`/installningar`, admin; issue 16): each setting's value in force, where it
/// comes from (standard, the config file, or changed here by whom and when), what it may be, and a
/// form to change it. A change applies at once (`Register+Settings.swift`) and is one audit row
/// with before → after; one that makes the next gallring delete more asks for a confirmation that
/// shows how many, first. Each form carries the digest of the value it showed, so a change made
/// from a page another admin has overtaken saves nothing (409).
enum SettingsPage {
    static let admin: Set<StaffRole> = [.admin]

    static let routes: [Route] = [
        Route("GET", "/installningar", roles: admin) { context throws(WebError) in
            .page(try list(context, done: context.query["klart"].flatMap(RegisterSettingKey.init(rawValue:))))
        },
        Route("POST", "/installningar", roles: admin) { context throws(WebError) in
            try change(context, reset: false)
        },
        Route("POST", "/installningar/aterstall", roles: admin) { context throws(WebError) in
            try change(context, reset: true)
        },
    ]

    /// The groups of the page, in order.
    static let groups: [(id: String, title: String, keys: [RegisterSettingKey])] = [
        ("gallring", "Gallring", [.retentionMonths, .auditRetentionMonths]),
        ("sessioner", "Inloggning", [.sessionIdleMinutes, .sessionAbsoluteHours]),
        ("argon2", "Lösenordshashning (Argon2id)", [.argon2MemoryKiB, .argon2Iterations, .argon2Parallelism]),
        ("scb", "SCB-rapport", [.scbMapping]),
    ]

    /// The longest typed value shown back in a form after an error (a number is at most 9 digits).
    static let echoLimit = 100

    // MARK: - The page

    static func list(_ context: WebContext, done: RegisterSettingKey? = nil, error: (key: RegisterSettingKey, value: String, message: String)? = nil) throws(WebError) -> WebPage {
        let settings = try context.run { () throws(RegisterError) in try context.register.effectiveSettings() }
        let doneMessage: Node = done.map { key in
            UI.message("\(key.label) är ändrad och gäller från och med nu. Ändringen finns i granskningsloggen.", kind: "ok")
        } ?? .empty
        let errorMessage: Node = error.map { error in
            UI.message("\(error.key.label) sparades inte: \(error.message)", kind: "error")
        } ?? .empty
        let sections = groups.map { group in
            Node.section([.ariaLabelledBy("h-\(group.id)"), .class("settings-group")],
                         .h2([.id("h-\(group.id)")], .text(group.title)),
                         .fragment(group.keys.map { key in
                             setting(settings[key], context, error: error?.key == key ? error : nil)
                         }))
        }
        var page = WebPage(title: "Inställningar", section: .settings,
                           doneMessage, errorMessage,
                           .p([], .text("Ändringar här gäller direkt i den körande servern, utan omstart, och gäller över registrets konfigurationsfil. "
                              + "Varje ändring skrivs i granskningsloggen med värdet före och efter.")),
                           .fragment(sections),
                           .section([.ariaLabelledBy("h-brev"), .class("settings-group")],
                                    .h2([.id("h-brev")], "Brevmallar"),
                                    .p([], "Mallarna för massutskick (under 18, vid 20 år och allmän) redigeras på sidan ",
                                       .a([.href("/brev/mallar")], "Brevmallar"), ".")))
        if error != nil { page.status = 400 }
        return page
    }

    /// One setting: what is in force, where from, what may be set, and its form.
    static func setting(_ entry: RegisterSetting, _ context: WebContext,
                        error: (key: RegisterSettingKey, value: String, message: String)?) -> Node {
        let key = entry.key
        let name = key.rawValue
        let shownValue: String = if key == .scbMapping {
            entry.value.isEmpty ? "ingen mappning sparad (SCB-rapporten använder --mapping-filen eller skriver bara utkast)" : "sparad (\(entry.value.utf8.count) byte)"
        } else {
            "\(entry.value) \(key.unit ?? "")"
        }
        let allowed: String = key.range.map { "\($0.lowerBound)–\($0.upperBound) \(key.unit ?? "")" }
            ?? "JSON-objekt med columns, blocks, measure_status och codes, högst \(Register.maxSCBMappingBytes / 1024) KiB"
        let hidden: [Node] = [
            .input([.type("hidden"), .name("key"), .value(name)]),
            .input([.type("hidden"), .name("fran"), .value(Register.settingDigest(entry.value))]),
        ]
        let input: Node
        if key == .scbMapping {
            var attributes: [Attribute] = [.name(name), .id("f-\(name)"), Attribute("rows", "14"), Attribute("spellcheck", "false"),
                                           Attribute("aria-describedby", error == nil ? "h-\(name)" : "h-\(name) e-\(name)")]
            if error != nil { attributes.append(Attribute("aria-invalid", "true")) }
            input = .div([.class(error == nil ? "field" : "field invalid")],
                         .label([.for("f-\(name)")], .text("\(key.label) (JSON)")),
                         .p([.class("hint"), .id("h-\(name)")], "Klistra in hela mappningen. Ett tomt fält tar bort den sparade mappningen."),
                         error.map { Node.p([.class("error"), .id("e-\(name)")], .text($0.message)) } ?? .empty,
                         .textarea(attributes, .text(error?.value ?? entry.value)))
        } else {
            input = UI.field("Nytt värde (\(key.unit ?? ""))", name: name, value: error.map { String($0.value.prefix(echoLimit)) } ?? entry.value,
                             error: error?.message, hint: "Tillåtet: \(allowed).",
                             extra: [Attribute("inputmode", "numeric"), Attribute("autocomplete", "off")])
        }
        return .section([.class("setting"), .ariaLabelledBy("h-s-\(name)")],
                        .element("h3", [.id("h-s-\(name)")], [.text(key.label)]),
                        .p([.class("muted")], .text(key.explanation)),
                        .element("dl", [.class("facts setting-facts")],
                                 [.element("dt", [], [.text("Gäller nu")]), .element("dd", [], [.text(shownValue)]),
                                  .element("dt", [], [.text("Källa")]), .element("dd", [], [.text(source(entry, context))]),
                                  .element("dt", [], [.text("Tillåtet")]), .element("dd", [], [.text(allowed)])]),
                        entry.isInRange ? .empty
                            : UI.message("Värdet från konfigurationsfilen ligger utanför det som kan väljas här; det gäller tills någon ändrar det."),
                        UI.form("/installningar", context, .fragment(hidden), input, UI.submit("Spara \(lowercasedName(key.label))")),
                        entry.source.isChanged
                            ? UI.form("/installningar/aterstall", context, .fragment(hidden),
                                      .button([.type("submit")], .text(resetLabel(entry))))
                            : .empty)
    }

    /// Where the value in force comes from, in Swedish.
    static func source(_ entry: RegisterSetting, _ context: WebContext) -> String {
        switch entry.source {
        case .standard: return "standardvärde"
        case .configFile: return "registrets konfigurationsfil"
        case let .changed(at, by): return "ändrad här av \(by) \(context.register.localTime(at))"
        }
    }

    static func resetLabel(_ entry: RegisterSetting) -> String {
        if entry.key == .scbMapping { return "Ta bort den sparade mappningen" }
        let base = entry.key.value(default: entry.baseValue)
        return "Återställ till \(base) \(entry.key.unit ?? "") (konfigurationsfilen eller standard)"
    }

    // MARK: - A change

    static func change(_ context: WebContext, reset: Bool) throws(WebError) -> WebResponse {
        guard let keyText = context.form["key"], let key = RegisterSettingKey(rawValue: keyText) else {
            throw .badRequest("okänd inställning")
        }
        guard let digest = context.form["fran"], digest.utf8.count == 64,
              digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw .badRequest("formuläret saknar uppgift om värdet det gjordes från; läs in sidan igen")
        }
        let confirmed = context.form.isChecked("confirm")
        let value = context.form[key.rawValue] ?? ""
        let outcome: SettingChangeOutcome
        do {
            outcome = reset
                ? try context.register.resetSetting(key, expecting: digest, confirmed: confirmed)
                : try context.register.changeSetting(key, to: value, expecting: digest, confirmed: confirmed)
        } catch {
            guard case let .invalidInput(_, message) = error else { throw .register(error) }
            return .page(try list(context, error: (key, value, WebApp.sentence(message))))
        }
        switch outcome {
        case .changed, .unchanged:
            return .redirect(outcome == .changed ? "/installningar?klart=\(key.rawValue)" : "/installningar")
        case let .needsConfirmation(impact):
            return .page(try confirmation(context, key: key, value: value, digest: digest, reset: reset, impact: impact,
                                          unconfirmed: context.form["steg"] == "bekrafta"))
        }
    }

    /// The second step of a change that makes the next gallring delete more.
    static func confirmation(_ context: WebContext, key: RegisterSettingKey, value: String, digest: String, reset: Bool,
                             impact: SettingImpact, unconfirmed: Bool) throws(WebError) -> WebPage {
        let settings = try context.run { () throws(RegisterError) in try context.register.effectiveSettings() }
        let entry = settings[key]
        let newValue = reset ? entry.baseValue : value.trimmingCharacters(in: .whitespaces)
        let consequence = key == .retentionMonths
            ? "Med \(newValue) månader i stället för \(entry.value) skulle nästa gallring radera \(people(impact.peopleAfter)) för gott (med nuvarande frist \(people(impact.peopleNow)))."
            : "Med \(newValue) månader i stället för \(entry.value) skulle nästa gallring ta bort \(impact.auditRowsAfter) rader ur granskningsloggen (med nuvarande frist \(impact.auditRowsNow))."
        var page = WebPage(title: "Bekräfta ändring", section: .settings,
                           unconfirmed ? UI.message("Kryssa i rutan för att bekräfta ändringen.", kind: "error") : .empty,
                           .p([], .strong([], .text("\(key.label) blir kortare. ")), .text(consequence)),
                           .p([], "Ingenting raderas nu: det sker först när en samordnare gör nästa gallring, efter dennas förhandsvisning och bekräftelse."),
                           UI.form(reset ? "/installningar/aterstall" : "/installningar", context,
                                   .input([.type("hidden"), .name("key"), .value(key.rawValue)]),
                                   .input([.type("hidden"), .name("fran"), .value(digest)]),
                                   .input([.type("hidden"), .name("steg"), .value("bekrafta")]),
                                   reset ? .empty : .input([.type("hidden"), .name(key.rawValue), .value(newValue)]),
                                   UI.checkbox("Jag förstår att nästa gallring då raderar mer och vill spara ändringen", name: "confirm", checked: false),
                                   .div([.class("actions")], .button([.type("submit"), .class("danger")], "Spara ändringen"),
                                        .a([.href("/installningar")], "Avbryt"))))
        if unconfirmed { page.status = 400 }
        return page
    }

    /// A name inside a sentence: its first letter lowercased, unless it begins an acronym (`SCB-mappning`).
    static func lowercasedName(_ name: String) -> String {
        let letters = Array(name)
        guard letters.count > 1, !letters[1].isUppercase else { return name }
        return letters[0].lowercased() + String(letters.dropFirst())
    }

    static func people(_ count: Int) -> String { count == 1 ? "1 person" : "\(count) personer" }
}

extension RegisterSettingKey {
    /// A base value as the page says it.
    func value(default base: String) -> String { base.isEmpty ? "–" : base }
}
