/// A kommun as the hub knows it.
public struct SiteInfo: Sendable {
    public let kommun: String
    public let name: String
    public let isRevoked: Bool
    public let generation: String?
    public let lastSeq: Int
    public let digest: String
    public let lastBatchAt: String?
    public let lastContactAt: String?
    public let rejects: Int
    /// The relay that feeds the site (issue 20), nil for a kommun that sends directly.
    public var relay: String? = nil
}
