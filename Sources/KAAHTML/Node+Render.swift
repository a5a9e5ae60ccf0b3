extension Node {
    /// The node as HTML, with every text and attribute value escaped.
    public func render() -> String {
        var bytes: [UInt8] = []
        render(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A whole document: the HTML5 doctype, then the node (normally an `html` element).
    public func renderDocument() -> String {
        String(decoding: renderDocumentBytes(), as: UTF8.self)
    }

    /// The document as UTF-8, as a response body takes it.
    public func renderDocumentBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16_384)
        bytes.append(contentsOf: "<!DOCTYPE html>\n".utf8)
        render(into: &bytes)
        return bytes
    }

    /// Appends the node's HTML to `html`.
    public func render(into html: inout String) {
        html += render()
    }

    /// Appends the node's HTML as UTF-8 to `out`, so a page is rendered into one growing buffer
    /// (bytes, not a String: a page of a few hundred rows is tens of thousands of small appends).
    public func render(into out: inout [UInt8]) {
        switch self {
        case let .element(tag, attributes, children):
            precondition(Self.isName(tag), "element name '\(tag)' is not a plain HTML name")
            out.append(UInt8(ascii: "<"))
            out.append(contentsOf: tag.utf8)
            for attribute in attributes {
                precondition(Self.isName(attribute.name), "attribute name '\(attribute.name)' is not a plain HTML name")
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: attribute.name.utf8)
                if let value = attribute.value {
                    out.append(UInt8(ascii: "="))
                    out.append(UInt8(ascii: "\""))
                    Self.escape(value, into: &out, quotes: true)
                    out.append(UInt8(ascii: "\""))
                }
            }
            if Self.isVoid(tag) {
                precondition(children.isEmpty, "<\(tag)> is a void element and takes no children")
                out.append(UInt8(ascii: ">"))
            } else if children.isEmpty, Self.isSVGLeaf(tag) {
                // Inside <svg> the parser honours "/>", and the shapes never have children.
                out.append(UInt8(ascii: "/"))
                out.append(UInt8(ascii: ">"))
            } else {
                out.append(UInt8(ascii: ">"))
                for child in children { child.render(into: &out) }
                out.append(UInt8(ascii: "<"))
                out.append(UInt8(ascii: "/"))
                out.append(contentsOf: tag.utf8)
                out.append(UInt8(ascii: ">"))
            }
        case let .text(text):
            Self.escape(text, into: &out, quotes: false)
        case let .raw(markup):
            markup.withUTF8Buffer { out.append(contentsOf: $0) }
        case let .fragment(nodes):
            for node in nodes { node.render(into: &out) }
        }
    }

    /// Elements that have no end tag and no content (HTML Living Standard, "void elements").
    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]

    /// SVG shapes, written self-closing when empty as SVG authors expect.
    static let svgLeaves: Set<String> = ["circle", "ellipse", "line", "path", "polygon", "polyline", "rect", "stop", "use"]

    /// Whether `tag` is one of `voidElements` (a switch: no hashing per element rendered).
    static func isVoid(_ tag: String) -> Bool {
        switch tag {
        case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr": true
        default: false
        }
    }

    /// Whether `tag` is one of `svgLeaves`.
    static func isSVGLeaf(_ tag: String) -> Bool {
        switch tag {
        case "circle", "ellipse", "line", "path", "polygon", "polyline", "rect", "stop", "use": true
        default: false
        }
    }

    /// Escapes `&`, `<` and `>` everywhere, and both quotes in attribute values.
    ///
    /// Escaping `>` and `'` too costs nothing and keeps the output safe even if a value ever lands in
    /// an unquoted or single-quoted position, or a text node inside `<style>`.
    static func escape(_ text: String, into out: inout [UInt8], quotes: Bool) {
        var text = text
        text.withUTF8 { bytes in
            // Runs with nothing to escape (numbers, Swedish labels) are copied in one go.
            var start = 0
            for index in 0..<bytes.count {
                let replacement: StaticString
                switch bytes[index] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\"") where quotes: replacement = "&quot;"
                case UInt8(ascii: "'") where quotes: replacement = "&#39;"
                default: continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                replacement.withUTF8Buffer { out.append(contentsOf: $0) }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
    }

    /// Tag and attribute names come from the code; anything beyond letters, digits, `-` and `:` is a bug.
    static func isName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let isLetter = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            if first {
                guard isLetter else { return false }
                first = false
            } else {
                guard isLetter || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") else { return false }
            }
        }
        return !first
    }
}
