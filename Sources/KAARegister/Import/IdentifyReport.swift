import KAACore

/// What an identification run found (and, unless it was a dry run, did).
public struct IdentifyReport: Sendable {
    public struct Left: Sendable {
        public let personnummer: PersonalIdentityNumber
        public let reason: String
        public let date: CalendarDate
    }

    public let date: CalendarDate
    public let isDryRun: Bool
    /// Rows of the folkbokföring file.
    public let rows: Int
    /// People of the file aged 16–19 on the date (the `population` count).
    public let population: Int
    public let new: [PersonalIdentityNumber]
    public let left: [Left]
    /// People in KAA before and after.
    public let unchanged: Int
    /// People left for the coordinator, with why.
    public let review: [(personnummer: PersonalIdentityNumber, reason: String)]
}
