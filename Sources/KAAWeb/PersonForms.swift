import KAACore
import KAAHTML
import KAARegister

/// An action form as sent or about to be shown: the values (as entered, or the defaults), the
/// errors by field, a message for the top of the form, and the person's version it was made from.
struct PersonFormState {
    var values: [String: String]
    var errors: [String: String] = [:]
    var message: String?
    var version: Int64

    /// A fresh form with `defaults`.
    init(defaults: [String: String], version: Int64) {
        values = defaults
        self.version = version
    }

    /// The form as sent (the CSRF token left out).
    init(sent form: FormData, version: Int64) {
        var values: [String: String] = [:]
        for field in form.fields where field.name != "csrf" && field.name != "version" { values[field.name] = field.value }
        self.values = values
        self.version = version
    }

    subscript(_ name: String) -> String? { values[name] }
}

/// Reads an action form's fields into typed values, collecting a Swedish error per field. The
/// register checks the rules (dates not after today, codes, lengths) again and names its field;
/// this reads only what must be read before the register can be asked at all.
struct FormReader {
    let form: FormData
    var errors: [String: String] = [:]

    init(_ form: FormData) { self.form = form }

    /// The most characters a one-line value may have before it is refused unread.
    static let lineLimit = 200

    /// A date `YYYY-MM-DD`; nil (with an error when `required`) when empty, and an error when not a date.
    mutating func date(_ name: String, required: Bool = true) -> CalendarDate? {
        guard let text = form.trimmed(name) else {
            if required { errors[name] = "Ange ett datum." }
            return nil
        }
        guard text.utf8.count == 10, let date = CalendarDate(iso: text) else {
            errors[name] = "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-30."
            return nil
        }
        return date
    }

    /// A code chosen from a list (the register says whether it is one).
    mutating func code(_ name: String, required: Bool = true, missing: String = "Välj ett alternativ.") -> String? {
        guard let text = form.trimmed(name) else {
            if required { errors[name] = missing }
            return nil
        }
        guard text.count <= 64, TextSafety.forbiddenCharacter(in: text) == nil else {
            errors[name] = "Välj ett av alternativen i listan."
            return nil
        }
        return text
    }

    /// A text of at most `limit` characters; one line unless `multiline`. Nil when empty.
    mutating func text(_ name: String, limit: Int = lineLimit, multiline: Bool = false, required: Bool = false,
                       missing: String = "Fyll i fältet.") -> String? {
        guard let text = form.trimmed(name) else {
            if required { errors[name] = missing }
            return nil
        }
        if text.count > limit {
            errors[name] = "Högst \(limit) tecken (nu \(text.count))."
            return nil
        }
        if !multiline, text.contains(where: \.isNewline) {
            errors[name] = "Skriv på en rad."
            return nil
        }
        if let problem = TextSafety.problem(in: text, allowsLineBreaks: multiline) {
            errors[name] = WebApp.sentence("Fältet \(problem)")
            return nil
        }
        return text
    }
}

/// The shared way of every action on a person: show the form, read it, write through the
/// person's version, and answer with the errors next to their fields, the stale-form page, or a
/// redirect to the Personkort with a confirmation.
enum PersonForms {
    /// The message above a form that was not saved.
    static let notSaved = "Ingenting är sparat. Rätta det som står vid fälten och försök igen."

    /// The version the form was made from; a form without one is not one of ours.
    static func sentVersion(_ context: WebContext) throws(WebError) -> Int64 {
        guard let text = context.form["version"], text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let version = Int64(text) else {
            throw .badRequest("formuläret saknar personkortets version; läs in sidan igen")
        }
        return version
    }

    /// Reads the POSTed form with `parse`, saves it with `save` in one transaction at the form's
    /// version, and redirects to `done`; otherwise the form again (`page`) with the errors: the
    /// register's `invalidInput` field names are mapped through `fields` (`--date` → `date`), an
    /// unknown field's message goes to the top.
    static func submit<Value>(_ context: WebContext, person: PersonAtHand, fields: [String: String], done: String,
                              parse: (inout FormReader) -> Value?, save: (Value) throws(RegisterError) -> Void,
                              page: (PersonFormState) throws(WebError) -> WebPage) throws(WebError) -> WebResponse {
        let version = try sentVersion(context)
        var reader = FormReader(context.form)
        let value = parse(&reader)
        var state = PersonFormState(sent: context.form, version: version)
        state.errors = reader.errors
        if reader.errors.isEmpty, let value {
            do {
                try context.register.writing(person: person.personID, atVersion: version) { () throws(RegisterError) in try save(value) }
                return .redirect(done)
            } catch {
                switch error {
                case let .invalidInput(field, message):
                    if let field, let name = fields[field] {
                        state.errors[name] = WebApp.sentence(message)
                    } else {
                        state.message = WebApp.sentence(message)
                    }
                case let .staleView(message):
                    return .page(stalePage(person: person, message: message))
                case let .needsConfirmation(plan):
                    state.message = plan.description + " Bekräfta borttagningen för att ta bort allt detta."
                default:
                    throw .register(error)
                }
            }
        }
        if state.message == nil { state.message = notSaved }
        var shown = try page(state)
        shown.status = 400
        return .page(shown)
    }

    /// 409: the person changed after the form was shown; nothing was saved.
    static func stalePage(person: PersonAtHand, message: String) -> WebPage {
        WebPage(title: "Uppgifterna har ändrats", status: 409, section: .people,
                UI.message(message, kind: "error"),
                .p([], .a([.href("/personer/\(person.personID)")], "Till personkortet (läs in det igen)")))
    }

    /// An action page: the person it is about, the errors, the form with the CSRF and version
    /// fields, and a way back.
    static func page(_ context: WebContext, person: PersonAtHand, title: String, action: String, state: PersonFormState, button: String,
                     isDestructive: Bool = false, intro: [Node] = [], fields: [Node]) -> WebPage {
        let hasErrors = state.message != nil || !state.errors.isEmpty
        return WebPage(title: title, status: 200, section: .people,
                       .p([.class("person-of")], .text("Gäller "), .strong([], .text(person.name.isEmpty ? "(namn saknas)" : person.name)),
                          .text(" · \(person.personnummer.formatted)")),
                       person.isProtected ? UI.protectedBanner : .empty,
                       hasErrors ? UI.message(state.message ?? notSaved, kind: "error") : .empty,
                       .fragment(intro),
                       .form([Attribute("method", "post"), Attribute("action", action), Attribute("novalidate", "novalidate")],
                             context.csrfField,
                             .input([.type("hidden"), .name("version"), .value(String(state.version))]),
                             .fragment(fields),
                             .div([.class("form-actions")],
                                  .button([.type("submit"), .class(isDestructive ? "danger" : "primary")], .text(button)),
                                  .a([.href("/personer/\(person.personID)")], "Avbryt och gå tillbaka till personkortet"))))
    }

    // MARK: - Fields

    /// A date field (`type=date`).
    static func dateField(_ label: String, _ name: String, _ state: PersonFormState, hint: String? = nil) -> Node {
        UI.field(label, name: name, value: state[name] ?? "", type: "date", error: state.errors[name], hint: hint)
    }

    /// A text field.
    static func textField(_ label: String, _ name: String, _ state: PersonFormState, hint: String? = nil, limit: Int = FormReader.lineLimit) -> Node {
        UI.field(label, name: name, value: state[name] ?? "", error: state.errors[name], hint: hint, extra: [Attribute("maxlength", String(limit))])
    }

    /// A drop-down of a code list's current codes with their Swedish labels; `empty` is the
    /// first, empty choice (nil: none).
    static func codeSelect(_ label: String, _ name: String, _ list: CodeList, _ state: PersonFormState, register: Register,
                           empty: String? = "Välj …", hint: String? = nil, only: Set<String>? = nil) -> Node {
        let codes = register.catalog.codes(in: list).filter { code in
            KnownCode.retired[list]?[code.code] == nil && (only?.contains(code.code) ?? true)
        }
        let options = (empty.map { [("", $0)] } ?? []) + codes.map { ($0.code, $0.label) }
        return UI.select(label, name: name, options: options, selected: state[name], error: state.errors[name], hint: hint)
    }

    /// A multi-line text field.
    static func textarea(_ label: String, _ name: String, _ state: PersonFormState, hint: String? = nil, limit: Int) -> Node {
        let error = state.errors[name]
        var attributes: [Attribute] = [.name(name), .id("f-\(name)"), Attribute("rows", "5"), Attribute("maxlength", String(limit))]
        var described: [String] = []
        if hint != nil { described.append("h-\(name)") }
        if error != nil { described.append("e-\(name)"); attributes.append(Attribute("aria-invalid", "true")) }
        if !described.isEmpty { attributes.append(Attribute("aria-describedby", described.joined(separator: " "))) }
        return .div([.class(error == nil ? "field" : "field invalid")],
                    .label([.for("f-\(name)")], .text(label)),
                    hint.map { Node.p([.class("hint"), .id("h-\(name)")], .text($0)) } ?? .empty,
                    error.map { Node.p([.class("error"), .id("e-\(name)")], .text($0)) } ?? .empty,
                    .textarea(attributes, .text(state[name] ?? "")))
    }

    /// The reminder on every field that takes free text about a measure.
    static let sensitiveReminder = "Skriv inte känsliga uppgifter som hälsa eller sociala förhållanden i planen."
}
