import KAAHTML
import Testing

@Suite struct RenderTests {
    @Test func voidElementsHaveNoEndTagAndBooleanAttributesNoValue() {
        #expect(Node.meta([Attribute("charset", "utf-8")]).render() == "<meta charset=\"utf-8\">")
        #expect(Node.option([.value("2026-11"), .selected], "november 2026").render() == "<option value=\"2026-11\" selected>november 2026</option>")
        #expect(Node.td().render() == "<td></td>", "an empty ordinary element keeps its end tag")
    }

    @Test func emptySVGShapesCloseThemselvesAndAttributesKeepTheirOrder() {
        #expect(Node.rect([Attribute("x", "1"), Attribute("y", "2"), .class("bar")]).render() == "<rect x=\"1\" y=\"2\" class=\"bar\"/>")
        #expect(Node.svgText([Attribute("x", "1")], "7").render() == "<text x=\"1\">7</text>")
    }

    @Test func escapingKeepsTheLettersAroundWhatItEscapes() {
        // Multi-byte letters beside, between and after the escaped bytes, in text and in values.
        #expect(Node.text("Åsa & <Öberg> \"é\" 'ø'").render() == "Åsa &amp; &lt;Öberg&gt; \"é\" 'ø'")
        #expect(Node.a([.href("/sök?q=\"Ä\"&x='ö'")], "&").render() == "<a href=\"/sök?q=&quot;Ä&quot;&amp;x=&#39;ö&#39;\">&amp;</a>")
        #expect(Node.text("<<>>").render() == "&lt;&lt;&gt;&gt;")
        #expect(Node.text("").render() == "" && Node.text("ÅÄÖ").render() == "ÅÄÖ")
        let document = Layout.page(title: "Å & Ö", .p([], "ü")).renderDocumentBytes()
        #expect(String(decoding: document, as: UTF8.self) == Layout.page(title: "Å & Ö", .p([], "ü")).renderDocument())
    }

    @Test func fragmentsAndEmptyRenderOnlyTheirChildren() {
        #expect(Node.fragment([.text("a"), .strong([], "b"), .empty]).render() == "a<strong>b</strong>")
        #expect(Node.empty.render() == "")
    }

    @Test func aDocumentStartsWithTheDoctypeAndIsSwedishWithTheOneStylesheet() {
        let html = Layout.page(title: "Rubrik", .h1([], "Hej")).renderDocument()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"))
        #expect(html.contains("<title>Rubrik</title><style>\(Stylesheet.css)</style></head><body><h1>Hej</h1></body></html>"))
    }

    @Test func rawIsWrittenAsIsAndTheStylesheetCannotEndItsElement() {
        #expect(Node.raw("a>b").render() == "a>b")
        #expect(!Stylesheet.css.description.contains("<"), "CSS with '<' could close <style> early")
        #expect(!Stylesheet.css.description.contains("url(") && !Stylesheet.css.description.contains("@import"), "no external assets")
    }

    @Test func inspectionReadsStructureNotSpelling() throws {
        let page = Node.table([], .tbody([], .tr([], .th([.scope("row")], .a([.href("/kommun/0380")], "Uppsala & ", "Co")), .td([], "12"))))
        let header = try #require(page.elements { $0.tag == "th" && $0.attribute("scope") == "row" }.first)
        #expect(header.textContent == "Uppsala & Co")
        #expect(header.elements("a").first?.attribute("href") == "/kommun/0380")
        #expect(page.elements("td").map(\.textContent) == ["12"])
        #expect(Node.option([.selected]).attribute("selected") == "" && Node.option([]).attribute("selected") == nil)
    }

    @Test func aNameThatIsNotPlainHTMLIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            _ = Node.span([Attribute("onclick=\"x\" data", "y")]).render()
        }
        await #expect(processExitsWith: .failure) {
            _ = Node.element("p><script", [], []).render()
        }
    }
}
