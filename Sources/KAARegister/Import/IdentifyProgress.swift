/// How far an identification run has come: rows read of a file, then buckets decided. Sent every
/// `IdentifyProgress.step` rows and after every bucket, so that a page can show the run moving.
public struct IdentifyProgress: Sendable, Equatable, CustomStringConvertible {
    /// What the run is doing.
    public enum Phase: Sendable, Equatable {
        /// Reading a file's rows (`count`: rows so far).
        case reading
        /// Deciding person by person (`count`: buckets done of `IdentifyProgress.buckets`).
        case deciding
    }

    public let phase: Phase
    /// The file's name as shown (reading), "" when deciding.
    public let file: String
    public let count: Int

    /// Rows between two reports while reading.
    public static let step = 10_000
    /// The buckets the deciding goes through.
    public static let buckets = Register.identifyBuckets

    /// A line for the shell's progress, only every 100 000 rows (nil otherwise, and while deciding).
    public var milestone: String? {
        phase == .reading && count % 100_000 == 0 ? description : nil
    }

    public var description: String {
        switch phase {
        case .reading: "\(file): \(count) rader lästa"
        case .deciding: "\(count) av \(Self.buckets) delar avgjorda"
        }
    }
}
