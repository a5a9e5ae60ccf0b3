extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{A0}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{A0}" { scalars.removeLast() }
        return String(scalars)
    }
}
