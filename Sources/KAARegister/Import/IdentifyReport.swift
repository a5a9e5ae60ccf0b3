import KAACore

/// What an identification run found (and, unless it was a dry run, did), naming the people.
public struct IdentifyReport: Sendable {
    /// Someone who enters KAA in this run, registered on the run's date.
    public struct Entered: Sendable {
        /// Who.
        public let personnummer: PersonalIdentityNumber
        /// First and last name as the extract gives them ("" when it gives none).
        public let name: String
        /// The registration reason (a code).
        public let reason: String
        /// The occupation the enrolment tells, if any (a code).
        public let occupation: String?
    }

    /// Someone who leaves KAA in this run.
    public struct Left: Sendable {
        /// Who.
        public let personnummer: PersonalIdentityNumber
        /// First and last name as the register holds them.
        public let name: String
        /// The de-registration reason (a code).
        public let reason: String
        /// The de-registration date.
        public let date: CalendarDate
    }

    /// A contact detail the extract has another value for.
    public struct DetailChange: Sendable {
        /// Who.
        public let personnummer: PersonalIdentityNumber
        /// First and last name as the register holds them.
        public let name: String
        /// Which detail.
        public let field: ContactField
        /// The register's value before the run (nil: none).
        public let before: String?
        /// The extract's value ("" when its cell is empty).
        public let extract: String
        /// Whether the run took the extract's value (false: a coordinator entered the detail, so it stays and is listed for review).
        public let isApplied: Bool
    }

    /// An "Att granska" item the run raised or found still open.
    public struct Review: Sendable {
        /// The item's id (`kaa review resolve ID`); 0 in a dry run for an item not yet stored.
        public let id: Int64
        /// Who.
        public let personnummer: PersonalIdentityNumber
        /// First and last name.
        public let name: String
        /// What kind of item.
        public let kind: ReviewKind
        /// What was found, in Swedish.
        public let message: String
        /// The same in a dry run and the real run (`IdentifyReport.Review.key`).
        public let key: String

        init(id: Int64, personnummer: PersonalIdentityNumber, name: String, kind: ReviewKind, message: String) {
            self.id = id
            self.personnummer = personnummer
            self.name = name
            self.kind = kind
            self.message = message
            self.key = Self.key(kind: kind, personnummer: personnummer, message: message)
        }
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
    public let new: [Entered]
    /// People who leave KAA.
    public let left: [Left]
    /// People in KAA before and after.
    public let unchanged: Int
    /// Contact details the extract gives differently, taken or (for a coordinator's) left for review.
    public let detailChanges: [DetailChange]
    /// Items left for the coordinator.
    public let review: [Review]
}
