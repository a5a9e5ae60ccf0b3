import Foundation
import KAAHTML
import Testing

/// Strings that would become markup, break out of an attribute or end a raw-text element early.
let hostile = [
    "<script>alert(1)</script>", "\"", "'", "&", "</style>", "\" onmouseover=\"alert(1)", "' onfocus='alert(1)",
    "\"><img src=x onerror=alert(1)>", "&amp;", "</title><script>alert(1)</script>", "<!-- -->", "a > b & c < d", "Åsa \"Nilsson\" & 'Öst'",
]

/// Reverses the renderer's five entities, to prove escaping loses nothing a reader should see.
func unescape(_ html: String) -> String {
    html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
        .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
}

func count(_ character: Character, in text: String) -> Int { text.filter { $0 == character }.count }

@Suite struct EscapingTests {
    @Test(arguments: hostile)
    func textIsEscapedAndReadsBackTheSame(_ text: String) {
        let html = Node.p([], .text(text)).render()
        #expect(html.hasPrefix("<p>") && html.hasSuffix("</p>"))
        let inner = String(html.dropFirst(3).dropLast(4))
        #expect(!inner.contains("<") && !inner.contains(">"), "no markup from text: \(html)")
        #expect(unescape(inner) == text)
    }

    @Test(arguments: hostile)
    func anInterpolatedLiteralIsTextToo(_ text: String) {
        let node: Node = "Kommun \(text)."
        #expect(node == .text("Kommun \(text)."))
        #expect(!Node.p([], node).render().dropFirst(3).dropLast(4).contains("<"))
    }

    /// Every attribute helper and a free-form one: the value stays inside its quotes.
    @Test(arguments: hostile)
    func attributeValuesCannotBreakOut(_ value: String) {
        let attributes: [Attribute] = [.class(value), .id(value), .href(value), .scope(value), .ariaLabelledBy(value), .role(value),
                                       .lang(value), .name(value), .value(value), .for(value), .type(value), Attribute("viewBox", value)]
        for attribute in attributes {
            let html = Node.span([attribute]).render()
            // Exactly the element's own two tags and the value's own two quotes: nothing broke out.
            #expect(count("<", in: html) == 2 && count(">", in: html) == 2 && count("\"", in: html) == 2 && count("'", in: html) == 0, "\(html)")
            let prefix = "<span \(attribute.name)=\""
            #expect(html.hasPrefix(prefix) && html.hasSuffix("\"></span>"), "\(html)")
            #expect(unescape(String(html.dropFirst(prefix.count).dropLast("\"></span>".count))) == value)
        }
    }

    @Test(arguments: hostile)
    func thePageTitleIsEscaped(_ title: String) throws {
        let html = Layout.page(title: title, .p([], "x")).renderDocument()
        let start = try #require(html.range(of: "<title>")), end = try #require(html.range(of: "</title>"))
        #expect(unescape(String(html[start.upperBound..<end.lowerBound])) == title)
        #expect(!html.contains("<script") && !html.contains("<img"), "\(html)")
        #expect(html.components(separatedBy: "</title>").count == 2 && html.components(separatedBy: "</style>").count == 2)
    }

    /// SVG's text, title and desc are ordinary text positions inside inline SVG.
    @Test(arguments: hostile)
    func svgTextPositionsAreEscaped(_ text: String) {
        let svg = Node.svg([.role("img")], .title([], .text(text)), .desc([], .text(text)), .svgText([Attribute("x", text)], .text(text)))
        let html = svg.render()
        // Four elements, eight tags: the text added none.
        #expect(count("<", in: html) == 8 && count(">", in: html) == 8 && !html.contains("<script") && !html.contains("<img"), "\(html)")
        #expect(svg.elements("title").map(\.textContent) == [text] && svg.elements("text").first?.attribute("x") == text)
    }

    @Test func escapesTheFiveCharactersExactly() {
        #expect(Node.text("<&>\"'").render() == "&lt;&amp;&gt;\"'")
        #expect(Node.span([.class("<&>\"'")]).render() == "<span class=\"&lt;&amp;&gt;&quot;&#39;\"></span>")
        #expect(Node.text("Åsa – 16–19-åringar ±3 %").render() == "Åsa – 16–19-åringar ±3 %", "non-ASCII text is written as is (UTF-8)")
    }
}
