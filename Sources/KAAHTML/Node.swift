/// One piece of an HTML document: an element, escaped text, a vetted constant, or siblings.
///
/// Pages are functions from data to `Node`s, rendered in one place that escapes every text and
/// attribute value, so a kommun's name or a code label can never become markup.
public enum Node: Sendable {
    /// An element: its tag name, its attributes in order, and its children (none for void elements).
    case element(String, [Attribute], [Node])
    /// Text, escaped when rendered: the form for anything that comes from data.
    case text(String)
    /// Markup written out unescaped: the one escape hatch (grep for `.raw(`).
    ///
    /// A `StaticString` so that only a literal in the source can get here, never a value computed
    /// from data; used for the shared stylesheet, whose CSS would be broken by HTML escaping.
    case raw(StaticString)
    /// Sibling nodes without a wrapping element (a page part made of several elements, or nothing).
    case fragment([Node])

    /// Nothing: a page part that has nothing to show.
    public static let empty = Node.fragment([])
}

extension Node: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    /// A string literal (interpolated or not) is text, so it is escaped like any other text.
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

extension Node: Equatable {
    /// Structural equality; raw nodes compare by their text.
    public static func == (lhs: Node, rhs: Node) -> Bool {
        switch (lhs, rhs) {
        case let (.element(a, b, c), .element(x, y, z)): a == x && b == y && c == z
        case let (.text(a), .text(b)): a == b
        case let (.raw(a), .raw(b)): a.description == b.description
        case let (.fragment(a), .fragment(b)): a == b
        default: false
        }
    }
}
