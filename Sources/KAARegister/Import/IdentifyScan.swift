import KAACore

/// The state of one identification run while its files stream past. What it keeps grows with the
/// register (people already in KAA), not with the extract: people entering KAA are written at once
/// and only their personnummer kept for the report.
struct IdentifyScan {
    let date: CalendarDate
    let firstOpenDay: CalendarDate
    let states: [Int64: (personID: Int64, state: RegisterState)]
    var rows = 0
    private(set) var new: [PersonalIdentityNumber] = []
    var stays: [(row: FolkbokforingRow, personID: Int64, occupation: String?, enrolmentDate: CalendarDate?)] = []
    var leaving: [IdentifyReport.Left] = []
    var review: [(personnummer: PersonalIdentityNumber, reason: String)] = []
    private var seenInRegister = Set<Int64>()

    /// What was decided for one row.
    struct Decision {
        let action: IdentifyAction
        /// The person's id if the register holds them.
        let known: Int64?
        let enrolmentDate: CalendarDate?
        /// Whether the row's contact details are needed (to register or to refresh).
        var needsDetails: Bool {
            switch action {
            case .register: return true
            case .stay: return known != nil
            default: return false
            }
        }
    }

    init(date: CalendarDate, firstOpenDay: CalendarDate, states: [Int64: (personID: Int64, state: RegisterState)]) {
        self.date = date
        self.firstOpenDay = firstOpenDay
        self.states = states
    }

    /// Decides for one person of the folkbokföring extract (the population is counted apart, by `PopulationWorker`).
    mutating func consider(_ pnr: PersonalIdentityNumber, enrolment: EnrolmentFact?) -> Decision {
        let number = pnr.number
        let known = states[number]
        if known != nil { seenInRegister.insert(number) }
        let status = TargetGroupStatus.classify(birthDate: pnr.birthDate, enrolment: enrolment, on: date)
        let action = IdentificationRules.decide(status: status, state: known?.state ?? RegisterState(), enrolment: enrolment,
                                                date: date, firstOpenDay: firstOpenDay)
        switch action {
        case .register:
            new.append(pnr)
        case let .deregister(reason, day):
            leaving.append(IdentifyReport.Left(personnummer: pnr, reason: reason, date: day))
        case let .review(why):
            review.append((pnr, why))
        case .stay, .nothing:
            break
        }
        return Decision(action: action, known: known?.personID, enrolmentDate: enrolment?.date)
    }

    /// Keeps a person who stays, with the details read from their row.
    mutating func keep(_ row: FolkbokforingRow, decision: Decision) {
        if case let .stay(occupation) = decision.action, let personID = decision.known {
            stays.append((row, personID, occupation, decision.enrolmentDate))
        }
    }

    /// People with an open episode who were not in the extract have moved out.
    mutating func finish() {
        for (number, known) in states where known.state.open != nil && !seenInRegister.contains(number) {
            guard case let .deregister(reason, day) = IdentificationRules.missingFromExtract(state: known.state, date: date, firstOpenDay: firstOpenDay),
                  let pnr = try? PersonalIdentityNumber(number: number) else { continue }
            leaving.append(IdentifyReport.Left(personnummer: pnr, reason: reason, date: day))
        }
        leaving.sort { $0.personnummer < $1.personnummer }
        new.sort()
        review.sort { $0.personnummer < $1.personnummer }
    }

    func report(isDryRun: Bool, population: Int) -> IdentifyReport {
        IdentifyReport(date: date, isDryRun: isDryRun, rows: rows, population: population,
                       new: new, left: leaving, unchanged: stays.count, review: review)
    }
}
