/// `201` (applied now) or `200` (this exact body was applied before): the state after the batch.
public struct AppliedResponse: WireBody, Equatable {
    /// The state's digest after the batch.
    public let digest: String
    /// The batch's generation.
    public let generation: String
    /// The batch's seq.
    public let seq: Int

    /// The answer for batch `seq` of `generation`, leaving the state at `digest`.
    public init(digest: String, generation: String, seq: Int) {
        self.digest = digest
        self.generation = generation
        self.seq = seq
    }
}
