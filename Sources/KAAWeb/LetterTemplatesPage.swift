import KAAHTML
import KAARegister

/// Brevmallar (`/brev/mallar`, samordnare and admin; issue 16): the three templates as plain text
/// with placeholders. A save the register refuses (an unknown placeholder, a `{` without `}`,
/// too long) shows the form again with the text as typed and the reason; every change is audited.
enum LetterTemplatesPage {
    /// A failed save: the kind, the text as posted and the message.
    struct Failure {
        let kind: LetterKind
        let title: String
        let body: String
        let field: String
        let message: String
    }

    static func page(_ context: WebContext, failed: Failure?) throws(WebError) -> WebPage {
        let templates = try context.run { () throws(RegisterError) in try context.register.letterTemplates() }
        let saved = context.query["sparat"].flatMap(LetterKind.init(rawValue:))
        let help = LetterTemplate.placeholders.map { Node.li([], .element("code", [], [.text("{\($0)}")])) }
        var page = WebPage(title: "Brevmallar", section: context.viewer.role == .admin ? .settings : .letters,
                           saved.map { UI.message("Mallen ”\($0.swedishName)” är sparad.", kind: "ok") } ?? .empty,
                           .p([], .text("Mallarna är vanlig text: radbrytningar behålls, och inget i texten tolkas som HTML. "
                                     + "Platshållarna byts mot mottagarens uppgifter när breven skrivs ut:")),
                           .element("ul", [.class("placeholders"), Attribute("aria-label", "Platshållare")], help),
                           .fragment(templates.map { template in
                               form(template, context, failed: failed?.kind == template.kind ? failed : nil)
                           }),
                           context.viewer.role == .admin
                               ? .p([], .a([.href("/installningar")], "Till Inställningar")) : .p([], .a([.href("/brev")], "Till Brev")))
        if failed != nil { page.status = 400 }
        return page
    }

    static func form(_ template: LetterTemplate, _ context: WebContext, failed: Failure?) -> Node {
        let kind = template.kind.rawValue
        let heading = "h-mall-\(kind)"
        func error(_ field: String) -> String? { failed?.field == field ? failed.map { WebApp.sentence($0.message) } : nil }
        func described(_ field: String) -> [Attribute] {
            error(field) == nil ? [] : [Attribute("aria-invalid", "true"), Attribute("aria-describedby", "e-\(kind)-\(field)")]
        }
        let titleError = error("title"), bodyError = error("body")
        return .section([.ariaLabelledBy(heading), .class("template")],
                        .h2([.id(heading)], .text(template.kind.swedishName)),
                        template.updatedAt.map { at in
                            Node.p([.class("muted")], .text("Senast ändrad \(context.register.localTime(at)) av \(template.updatedBy ?? "okänd")."))
                        } ?? .p([.class("muted")], "Kommunens standardtext."),
                        UI.form("/brev/mallar", context,
                                .input([.type("hidden"), .name("kind"), .value(kind)]),
                                .div([.class(titleError == nil ? "field" : "field invalid")],
                                     .label([.for("f-\(kind)-title")], "Rubrik"),
                                     titleError.map { Node.p([.class("error"), .id("e-\(kind)-title")], .text($0)) } ?? .empty,
                                     .input([.type("text"), .name("title"), .id("f-\(kind)-title"), .value(failed?.title ?? template.title),
                                             Attribute("maxlength", String(LetterTemplate.maximumTitle)), Attribute(boolean: "required")] + described("title"))),
                                .div([.class(bodyError == nil ? "field" : "field invalid")],
                                     .label([.for("f-\(kind)-body")], "Brevtext"),
                                     bodyError.map { Node.p([.class("error"), .id("e-\(kind)-body")], .text($0)) } ?? .empty,
                                     .textarea([.name("body"), .id("f-\(kind)-body"), Attribute("rows", "14"),
                                                Attribute("maxlength", String(LetterTemplate.maximumBody)), Attribute(boolean: "required")] + described("body"),
                                               .text(failed?.body ?? template.body))),
                                UI.submit("Spara mallen")))
    }

    static func save(_ context: WebContext) throws(WebError) -> WebResponse {
        guard let kind = context.form["kind"].flatMap(LetterKind.init(rawValue:)) else { throw .badRequest("brevmallen finns inte") }
        let title = context.form["title"] ?? "", body = context.form["body"] ?? ""
        do {
            try context.register.updateLetterTemplate(kind, title: title, body: body)
        } catch let error {
            guard case let .invalidInput(field, message) = error else { throw .register(error) }
            return .page(try page(context, failed: Failure(kind: kind, title: title, body: body, field: field ?? "body", message: message)))
        }
        return .redirect("/brev/mallar?sparat=\(kind.rawValue)")
    }
}
