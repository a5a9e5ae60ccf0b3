import KAAHTML
import KAARegister

/// The frame of every page: Swedish, the server's own stylesheet (no inline style or script, so the
/// CSP needs no `unsafe-inline`), a skip link, the role's navigation and the logout button.
enum WebLayout {
    /// The navigation a role sees: (section, label, path).
    static func sections(for role: StaffRole) -> [(WebPage.Section, String, String)] {
        switch role {
        case .handlaggare: [(.today, "Idag", "/"), (.people, "Ungdomar", "/personer")]
        case .samordnare: [(.today, "Idag", "/"), (.people, "Ungdomar", "/personer"), (.monthRun, "Månadskörning", "/manadskorning"),
                           (.letters, "Brev", "/brev"), (.reports, "Rapporter", "/rapporter"), (.scb, "SCB-rapport", "/scb"),
                           (.purge, "Gallring", "/gallring")]
        case .granskare: [(.log, "Logg", "/logg"), (.logRisks, "Riskvyer", "/logg/risker"), (.logSample, "Stickprov", "/logg/stickprov")]
        case .admin: [(.staff, "Personal", "/personal"), (.settings, "Inställningar", "/installningar")]
        }
    }

    /// The whole document for `page`; `session` nil on the pages before login.
    static func document(_ page: WebPage, session: WebSession?, kommunName: String) -> [UInt8] {
        var banner: [Node] = [.p([.class("brand")], .strong([], "KAA-registret"), " · \(kommunName)")]
        if let session, !session.mustChangePassword {
            let items = sections(for: session.viewer.role).map { section, label, path in
                Node.li([], .a(section == page.section ? [.href(path), Attribute("aria-current", "page")] : [.href(path)], .text(label)))
            }
            banner.append(.nav([Attribute("aria-label", "Huvudmeny")], .element("ul", [], items)))
        }
        if let session {
            banner.append(.div([.class("who")],
                               .span([], .text("\(session.viewer.name) (\(session.viewer.role.swedishName))")),
                               session.mustChangePassword || session.isFromIdP ? .empty : .a([.href("/losenord")], "Byt lösenord"),
                               .form([Attribute("method", "post"), Attribute("action", "/logout")],
                                     .input([.type("hidden"), .name("csrf"), .value(session.csrf)]),
                                     .button([.type("submit")], "Logga ut"))))
        }
        let html = Node.html([.lang("sv")],
                             .head([],
                                   .meta([Attribute("charset", "utf-8")]),
                                   .meta([.name("viewport"), Attribute("content", "width=device-width, initial-scale=1")]),
                                   .title([], .text("\(page.title) – KAA-registret")),
                                   .link([Attribute("rel", "stylesheet"), .href(WebStyles.path)])),
                             .body([],
                                   .a([.class("skip"), .href("#main")], "Hoppa till innehållet"),
                                   .header([.class("app")], .fragment(banner)),
                                   .main([.id("main"), Attribute("tabindex", "-1")], .h1([], .text(page.title)), page.content)))
        return html.renderDocumentBytes()
    }
}

/// Small building blocks the pages share, so forms and tables look and behave alike.
public enum UI {
    /// A POST form to `action` with the CSRF field first.
    public static func form(_ action: String, _ context: WebContext, _ children: Node...) -> Node {
        .form([Attribute("method", "post"), Attribute("action", action)], .fragment([context.csrfField] + children))
    }

    /// A labelled field with its error (if any) next to it, wired with `aria-describedby`.
    public static func field(_ label: String, name: String, value: String? = nil, type: String = "text", error: String? = nil,
                             hint: String? = nil, required: Bool = false, extra: [Attribute] = []) -> Node {
        var attributes: [Attribute] = [.type(type), .name(name), .id("f-\(name)")] + extra
        if let value { attributes.append(.value(value)) }
        if required { attributes.append(Attribute(boolean: "required")) }
        var described: [String] = []
        if hint != nil { described.append("h-\(name)") }
        if error != nil { described.append("e-\(name)"); attributes.append(Attribute("aria-invalid", "true")) }
        if !described.isEmpty { attributes.append(Attribute("aria-describedby", described.joined(separator: " "))) }
        return .div([.class(error == nil ? "field" : "field invalid")],
                    .label([.for("f-\(name)")], .text(label)),
                    hint.map { Node.p([.class("hint"), .id("h-\(name)")], .text($0)) } ?? .empty,
                    error.map { Node.p([.class("error"), .id("e-\(name)")], .text($0)) } ?? .empty,
                    .input(attributes))
    }

    /// A labelled drop-down of `(value, label)` options with `selected` chosen.
    public static func select(_ label: String, name: String, options: [(String, String)], selected: String?, error: String? = nil,
                              hint: String? = nil) -> Node {
        var attributes: [Attribute] = [.name(name), .id("f-\(name)")]
        var described: [String] = []
        if hint != nil { described.append("h-\(name)") }
        if error != nil { described.append("e-\(name)"); attributes.append(Attribute("aria-invalid", "true")) }
        if !described.isEmpty { attributes.append(Attribute("aria-describedby", described.joined(separator: " "))) }
        let items = options.map { value, text in
            Node.option(value == selected ? [.value(value), .selected] : [.value(value)], .text(text))
        }
        return .div([.class(error == nil ? "field" : "field invalid")],
                    .label([.for("f-\(name)")], .text(label)),
                    hint.map { Node.p([.class("hint"), .id("h-\(name)")], .text($0)) } ?? .empty,
                    error.map { Node.p([.class("error"), .id("e-\(name)")], .text($0)) } ?? .empty,
                    .element("select", attributes, items))
    }

    /// A checkbox with its label after it.
    public static func checkbox(_ label: String, name: String, checked: Bool) -> Node {
        var attributes: [Attribute] = [.type("checkbox"), .name(name), .id("f-\(name)"), .value("ja")]
        if checked { attributes.append(Attribute(boolean: "checked")) }
        return .div([.class("field check")], .input(attributes), .label([.for("f-\(name)")], .text(label)))
    }

    /// The primary button of a form.
    public static func submit(_ label: String) -> Node {
        .button([.type("submit"), .class("primary")], .text(label))
    }

    /// A message box: `kind` is `info`, `ok` or `error` (errors are announced by screen readers).
    public static func message(_ text: String, kind: String = "info") -> Node {
        .div([.class("message \(kind)"), .role(kind == "error" ? "alert" : "status")], .text(text))
    }

    /// The banner shown wherever a person with protected identity appears.
    public static let protectedBanner = Node.div([.class("message protected"), .role("note")],
                                                 .strong([], "Skyddad identitet. "),
                                                 "Lämna aldrig ut uppgifter om personen och skicka inget till en adress utan att först tala med samordnaren.")
}
