import KAACore

/// One protected figure: `n + noise(n, cell key)` for a kommun's cell, a table total (`dims` empty),
/// the region's (`kommun` nil) or a län's (`county` set, `kommun` nil; only on a hub of several
/// län, and kept apart in `Publication.countyFigures`). Never an exact count.
public struct PublishedFigure: Sendable, Equatable {
    public let kommun: String?
    public let table: CellTable
    public let dims: Dims
    public let value: Int
    /// The län of a county-level figure; nil for a kommun's or the region's.
    public var county: String? = nil
}
