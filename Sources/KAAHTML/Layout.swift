/// The frame every KAA page shares: Swedish, UTF-8, responsive, the one stylesheet, no scripts.
public enum Layout {
    /// A whole page with `title` in the browser's tab and `content` as the body.
    public static func page(title: String, _ content: Node...) -> Node {
        .html([.lang("sv")],
              .head([],
                    .meta([Attribute("charset", "utf-8")]),
                    .meta([.name("viewport"), Attribute("content", "width=device-width, initial-scale=1")]),
                    .title([], .text(title)),
                    Stylesheet.element),
              .body([], .fragment(content)))
    }
}
