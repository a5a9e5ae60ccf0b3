/// One attribute of an element: a name written by the code and a value that is always escaped.
public struct Attribute: Sendable, Equatable {
    /// The attribute's name, e.g. `href` or `aria-labelledby`; a constant in the code, never data.
    public let name: String
    /// The value, escaped and quoted when rendered; `nil` for a boolean attribute such as `selected`.
    public let value: String?

    /// An attribute with a value (escaped when rendered).
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// A boolean attribute (`selected`, `hidden`): present without a value.
    public init(boolean name: String) {
        self.name = name
        self.value = nil
    }

    /// `class="…"`.
    public static func `class`(_ value: String) -> Attribute { Attribute("class", value) }
    /// `id="…"`.
    public static func id(_ value: String) -> Attribute { Attribute("id", value) }
    /// `href="…"`.
    public static func href(_ value: String) -> Attribute { Attribute("href", value) }
    /// `scope="…"` on a table header cell (`row` or `col`).
    public static func scope(_ value: String) -> Attribute { Attribute("scope", value) }
    /// `aria-labelledby="…"`: the ids of the elements that name this one.
    public static func ariaLabelledBy(_ value: String) -> Attribute { Attribute("aria-labelledby", value) }
    /// `role="…"`.
    public static func role(_ value: String) -> Attribute { Attribute("role", value) }
    /// `lang="…"`.
    public static func lang(_ value: String) -> Attribute { Attribute("lang", value) }
    /// `name="…"`.
    public static func name(_ value: String) -> Attribute { Attribute("name", value) }
    /// `value="…"`.
    public static func value(_ value: String) -> Attribute { Attribute("value", value) }
    /// `for="…"` on a label: the id of its control.
    public static func `for`(_ value: String) -> Attribute { Attribute("for", value) }
    /// `type="…"`.
    public static func type(_ value: String) -> Attribute { Attribute("type", value) }
    /// `selected`, the chosen option of a `select`.
    public static let selected = Attribute(boolean: "selected")
}
