extension Node {
    /// The node as HTML, with every text and attribute value escaped.
    public func render() -> String {
        var html = ""
        render(into: &html)
        return html
    }

    /// A whole document: the HTML5 doctype, then the node (normally an `html` element).
    public func renderDocument() -> String {
        var html = "<!DOCTYPE html>\n"
        render(into: &html)
        return html
    }

    /// Appends the node's HTML to `html`, so a page is rendered into one growing string.
    public func render(into html: inout String) {
        switch self {
        case let .element(tag, attributes, children):
            precondition(Self.isName(tag), "element name '\(tag)' is not a plain HTML name")
            html += "<" + tag
            for attribute in attributes {
                precondition(Self.isName(attribute.name), "attribute name '\(attribute.name)' is not a plain HTML name")
                html += " " + attribute.name
                if let value = attribute.value {
                    html += "=\""
                    Self.escape(value, into: &html, quotes: true)
                    html += "\""
                }
            }
            if Self.voidElements.contains(tag) {
                precondition(children.isEmpty, "<\(tag)> is a void element and takes no children")
                html += ">"
            } else if children.isEmpty, Self.svgLeaves.contains(tag) {
                // Inside <svg> the parser honours "/>", and the shapes never have children.
                html += "/>"
            } else {
                html += ">"
                for child in children { child.render(into: &html) }
                html += "</" + tag + ">"
            }
        case let .text(text):
            Self.escape(text, into: &html, quotes: false)
        case let .raw(markup):
            html += markup.description
        case let .fragment(nodes):
            for node in nodes { node.render(into: &html) }
        }
    }

    /// Elements that have no end tag and no content (HTML Living Standard, "void elements").
    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

    /// SVG shapes, written self-closing when empty as SVG authors expect.
    static let svgLeaves: Set<String> = ["circle", "ellipse", "line", "path", "polygon", "polyline", "rect", "stop", "use"]

    /// Escapes `&`, `<` and `>` everywhere, and both quotes in attribute values.
    ///
    /// Escaping `>` and `'` too costs nothing and keeps the output safe even if a value ever lands in
    /// an unquoted or single-quoted position, or a text node inside `<style>`.
    static func escape(_ text: String, into html: inout String, quotes: Bool) {
        // Most text (numbers, Swedish labels) has nothing to escape: append it in one go.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quotes && ($0 == 0x22 || $0 == 0x27)) }) else {
            html += text
            return
        }
        for character in text.unicodeScalars {
            switch character {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\"" where quotes: html += "&quot;"
            case "'" where quotes: html += "&#39;"
            default: html.unicodeScalars.append(character)
            }
        }
    }

    /// Tag and attribute names come from the code; anything beyond letters, digits, `-` and `:` is a bug.
    static func isName(_ name: String) -> Bool {
        func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
        guard let first = name.unicodeScalars.first, isLetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == ":" }
    }
}
