/// The elements the pages use, one function each, so a page reads like the markup it renders.
extension Node {
    /// `<html>`: the root element.
    public static func html(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("html", attributes, children) }
    /// `<head>`: the document's metadata.
    public static func head(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("head", attributes, children) }
    /// `<title>`: the document's (or an SVG chart's) title.
    public static func title(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("title", attributes, children) }
    /// `<body>`: the document's content.
    public static func body(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("body", attributes, children) }
    /// `<header>`: the page's banner.
    public static func header(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("header", attributes, children) }
    /// `<main>`: the page's main content.
    public static func main(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("main", attributes, children) }
    /// `<section>`: a section (name it with `aria-labelledby`).
    public static func section(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("section", attributes, children) }
    /// `<div>`: a generic block.
    public static func div(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("div", attributes, children) }
    /// `<span>`: a generic inline run.
    public static func span(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("span", attributes, children) }
    /// `<h1>`: the page's heading.
    public static func h1(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("h1", attributes, children) }
    /// `<h2>`: a section heading.
    public static func h2(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("h2", attributes, children) }
    /// `<p>`: a paragraph.
    public static func p(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("p", attributes, children) }
    /// `<a>`: a link.
    public static func a(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("a", attributes, children) }
    /// `<strong>`: strong importance.
    public static func strong(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("strong", attributes, children) }
    /// `<ul>`: an unordered list.
    public static func ul(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("ul", attributes, children) }
    /// `<li>`: a list item.
    public static func li(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("li", attributes, children) }
    /// `<dl>`: a description list.
    public static func dl(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("dl", attributes, children) }
    /// `<dt>`: a term in a description list.
    public static func dt(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("dt", attributes, children) }
    /// `<dd>`: a description in a description list.
    public static func dd(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("dd", attributes, children) }
    /// `<form>`: a form.
    public static func form(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("form", attributes, children) }
    /// `<label>`: a form control's label.
    public static func label(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("label", attributes, children) }
    /// `<select>`: a drop-down list.
    public static func select(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("select", attributes, children) }
    /// `<option>`: an option of a drop-down list.
    public static func option(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("option", attributes, children) }
    /// `<button>`: a button.
    public static func button(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("button", attributes, children) }
    /// `<table>`: a table.
    public static func table(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("table", attributes, children) }
    /// `<caption>`: a table's caption.
    public static func caption(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("caption", attributes, children) }
    /// `<thead>`: a table's header rows.
    public static func thead(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("thead", attributes, children) }
    /// `<tbody>`: a table's body rows.
    public static func tbody(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("tbody", attributes, children) }
    /// `<tfoot>`: a table's footer rows.
    public static func tfoot(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("tfoot", attributes, children) }
    /// `<tr>`: a table row.
    public static func tr(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("tr", attributes, children) }
    /// `<th>`: a header cell (give it `scope`).
    public static func th(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("th", attributes, children) }
    /// `<td>`: a data cell.
    public static func td(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("td", attributes, children) }
    /// `<figure>`: a figure.
    public static func figure(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("figure", attributes, children) }
    /// `<figcaption>`: a figure's caption.
    public static func figcaption(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("figcaption", attributes, children) }
    /// `<svg>`: an inline SVG image.
    public static func svg(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("svg", attributes, children) }
    /// `<desc>`: an SVG image's text description.
    public static func desc(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("desc", attributes, children) }
    /// `<line>`: an SVG line.
    public static func line(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("line", attributes, children) }
    /// `<rect>`: an SVG rectangle.
    public static func rect(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("rect", attributes, children) }
    /// `<polyline>`: an SVG polyline.
    public static func polyline(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("polyline", attributes, children) }
    /// `<circle>`: an SVG circle.
    public static func circle(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("circle", attributes, children) }
    /// `<text>` inside an SVG image (named so it does not clash with `Node.text`).
    public static func svgText(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("text", attributes, children) }
    /// `<nav>`: a block of navigation links (name it with `aria-label`).
    public static func nav(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("nav", attributes, children) }
    /// `<footer>`: the page's footer.
    public static func footer(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("footer", attributes, children) }
    /// `<ol>`: an ordered list.
    public static func ol(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("ol", attributes, children) }
    /// `<em>`: stress emphasis.
    public static func em(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("em", attributes, children) }
    /// `<small>`: side comments and fine print.
    public static func small(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("small", attributes, children) }
    /// `<fieldset>`: a group of form controls (name it with a `legend`).
    public static func fieldset(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("fieldset", attributes, children) }
    /// `<legend>`: a fieldset's caption.
    public static func legend(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("legend", attributes, children) }
    /// `<textarea>`: multi-line text; its text is the child.
    public static func textarea(_ attributes: [Attribute] = [], _ children: Node...) -> Node { .element("textarea", attributes, children) }
    /// `<input>` (void): a form control.
    public static func input(_ attributes: [Attribute]) -> Node { .element("input", attributes, []) }
    /// `<link>` (void): a linked resource such as the stylesheet.
    public static func link(_ attributes: [Attribute]) -> Node { .element("link", attributes, []) }
    /// `<meta>` (void): document metadata such as the charset or the viewport.
    public static func meta(_ attributes: [Attribute]) -> Node { .element("meta", attributes, []) }
}
