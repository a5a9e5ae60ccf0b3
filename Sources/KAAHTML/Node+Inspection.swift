/// Reading a page's structure back, so tests assert what a page says rather than how it is spelled.
extension Node {
    /// The element's tag name; `nil` for text, raw and fragments.
    public var tag: String? {
        if case let .element(tag, _, _) = self { tag } else { nil }
    }

    /// The element's attributes in order; empty for anything else.
    public var attributes: [Attribute] {
        if case let .element(_, attributes, _) = self { attributes } else { [] }
    }

    /// The element's children, or a fragment's nodes.
    public var children: [Node] {
        switch self {
        case let .element(_, _, children), let .fragment(children): children
        case .text, .raw: []
        }
    }

    /// The value of the attribute `name` (an empty string for a boolean one), or `nil` if absent.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }.map { $0.value ?? "" }
    }

    /// What a reader sees: the text below this node, unescaped, in order (raw markup left out).
    public var textContent: String {
        switch self {
        case let .text(text): text
        case .raw: ""
        case .element, .fragment: children.map(\.textContent).joined()
        }
    }

    /// Every element at or below this node that satisfies `predicate`, in document order.
    public func elements(where predicate: (Node) -> Bool) -> [Node] {
        var found: [Node] = []
        collect(into: &found, predicate)
        return found
    }

    /// Every element at or below this node named `tag`, in document order.
    public func elements(_ tag: String) -> [Node] {
        elements { $0.tag == tag }
    }

    private func collect(into found: inout [Node], _ predicate: (Node) -> Bool) {
        if tag != nil, predicate(self) { found.append(self) }
        for child in children { child.collect(into: &found, predicate) }
    }
}
