import KAACore

/// One protected figure: `n + noise(n, cell key)` for a kommun's cell, a table total (`dims` empty)
/// or the region's (`kommun` nil). Never an exact count.
public struct PublishedFigure: Sendable, Equatable {
    public let kommun: String?
    public let table: CellTable
    public let dims: Dims
    public let value: Int
}
