/// Rules for Ungdomar, search, Personal and Logg (appended to `WebStyles.css` when served).
enum PeopleStyles {
    static let css: StaticString = """
        """
}
