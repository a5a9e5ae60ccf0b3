/// `409`: the batch does not follow on the hub's state (a gap, an unknown generation or a
/// `prev_digest` mismatch); what the hub expects instead.
public struct ConflictResponse: WireBody, Equatable {
    /// The hub's digest for the kommun.
    public let digest: String
    /// The generation the hub holds, or nil when it holds none.
    public let expectedGeneration: String?
    /// The seq the hub would apply next (1 when it holds no generation).
    public let expectedSeq: Int

    /// What the hub expects instead of the batch.
    public init(digest: String, expectedGeneration: String?, expectedSeq: Int) {
        self.digest = digest
        self.expectedGeneration = expectedGeneration
        self.expectedSeq = expectedSeq
    }

    enum CodingKeys: String, CodingKey {
        case digest
        case expectedGeneration = "expected_generation"
        case expectedSeq = "expected_seq"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(digest, forKey: .digest)
        try container.encode(expectedGeneration, forKey: .expectedGeneration) // null, not absent
        try container.encode(expectedSeq, forKey: .expectedSeq)
    }
}
