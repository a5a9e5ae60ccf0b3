/// Rules for the Personkort and its action forms (appended to `WebStyles.css` when served).
enum PersonStyles {
    static let css: StaticString = """
        """
}
