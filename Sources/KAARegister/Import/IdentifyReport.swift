import KAACore

/// What an identification run found (and, unless it was a dry run, did).
public struct IdentifyReport: Sendable {
    /// Someone who leaves KAA in this run.
    public struct Left: Sendable {
        /// Who.
        public let personnummer: PersonalIdentityNumber
        /// The de-registration reason (a code).
        public let reason: String
        /// The de-registration date.
        public let date: CalendarDate
    }

    /// The run's date D.
    public let date: CalendarDate
    /// Whether nothing was written.
    public let isDryRun: Bool
    /// Rows of the folkbokföring file.
    public let rows: Int
    /// People of the file aged 16–19 on the date (the `population` count).
    public let population: Int
    /// People who enter KAA, registered on the date.
    public let new: [PersonalIdentityNumber]
    /// People who leave KAA.
    public let left: [Left]
    /// People in KAA before and after.
    public let unchanged: Int
    /// People left for the coordinator, with why.
    public let review: [(personnummer: PersonalIdentityNumber, reason: String)]
}
