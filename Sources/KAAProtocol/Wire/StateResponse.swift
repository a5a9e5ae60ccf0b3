/// `GET /v1/sites/{kommun}/state`: where the hub's copy of the kommun's state stands.
public struct StateResponse: WireBody, Equatable {
    /// The generation applied last, or nil before the first batch.
    public let generation: String?
    /// The last applied seq of that generation (0 before the first batch).
    public let lastSeq: Int
    /// The digest of the kommun's cells at the hub.
    public let digest: String
    /// The catalogue versions the hub accepts.
    public let catalogueVersions: [Int]

    /// The state of a site.
    public init(generation: String?, lastSeq: Int, digest: String, catalogueVersions: [Int]) {
        self.generation = generation
        self.lastSeq = lastSeq
        self.digest = digest
        self.catalogueVersions = catalogueVersions
    }

    enum CodingKeys: String, CodingKey {
        case generation, digest
        case lastSeq = "last_seq"
        case catalogueVersions = "catalogue_versions"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(generation, forKey: .generation) // null, not absent, before the first batch
        try container.encode(lastSeq, forKey: .lastSeq)
        try container.encode(digest, forKey: .digest)
        try container.encode(catalogueVersions, forKey: .catalogueVersions)
    }
}
