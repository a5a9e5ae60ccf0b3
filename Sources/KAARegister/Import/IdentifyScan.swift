import KAACore

/// The state of one identification run while its files stream past. What it keeps grows with the
/// register (people already in KAA), not with the extract: people entering KAA are written at once
/// and only their personnummer, name and reason kept for the report.
struct IdentifyScan {
    /// Someone the register holds, as identify needs them.
    struct Known {
        let personID: Int64
        let name: String
        var state: RegisterState
    }

    /// A person of the extract the register holds and who stays in (or re-enters) KAA, with their row.
    struct Kept {
        let row: FolkbokforingRow
        let personID: Int64
        let occupation: String?
        let enrolmentDate: CalendarDate?
        /// The registration reason when they re-enter KAA (nil: they stay in their open episode).
        let reentersWith: String?
    }

    /// Someone leaving KAA in this run.
    struct Leaving {
        let left: IdentifyReport.Left
        let personID: Int64
        let episodeID: Int64
        /// Missing from the extract: de-registered FLYTTAT and named for review (the reason may be wrong).
        let isMissing: Bool
    }

    let date: CalendarDate
    let firstOpenDay: CalendarDate
    /// The register's people; loaded again inside the run's transaction if the register changed meanwhile.
    var states: [Int64: Known]
    var rows = 0
    private(set) var new: [IdentifyReport.Entered] = []
    var kept: [Kept] = []
    var leaving: [Leaving] = []
    var proposals: [ReviewProposal] = []
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
            // Someone whose open episode stays (as identify's or as a coordinator's decision) has their details compared.
            case .stay, .propose: return known != nil
            default: return false
            }
        }
    }

    init(date: CalendarDate, firstOpenDay: CalendarDate, states: [Int64: Known]) {
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
        if let known {
            switch action {
            case let .deregister(reason, day):
                if let open = known.state.open {
                    leaving.append(Leaving(left: IdentifyReport.Left(personnummer: pnr, name: known.name, reason: reason, date: day),
                                           personID: known.personID, episodeID: open.id, isMissing: false))
                }
            case let .review(why):
                proposals.append(ReviewProposal(personID: known.personID, episodeID: known.state.open?.id, kind: .rule, evidence: why, message: why))
            case let .propose(reason, day, evidence, why):
                proposals.append(ReviewProposal(personID: known.personID, episodeID: known.state.open?.id, kind: .decisionDiffers, evidence: evidence,
                                                message: why, proposedReason: reason, proposedOn: day))
            case .register, .stay, .nothing:
                break
            }
        }
        return Decision(action: action, known: known?.personID, enrolmentDate: enrolment?.date)
    }

    /// Notes someone new to the register who enters KAA (written by `EntrantWriter`).
    mutating func entered(_ row: FolkbokforingRow, reason: String, occupation: String?) {
        let name = [row.details.firstName, row.details.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        new.append(IdentifyReport.Entered(personnummer: row.personnummer, name: name, reason: reason, occupation: occupation))
    }

    /// Keeps a person the register holds who stays or re-enters, with the details read from their row.
    mutating func keep(_ row: FolkbokforingRow, decision: Decision) {
        guard let personID = decision.known else { return }
        switch decision.action {
        case let .stay(occupation):
            kept.append(Kept(row: row, personID: personID, occupation: occupation, enrolmentDate: decision.enrolmentDate, reentersWith: nil))
        case .propose:
            kept.append(Kept(row: row, personID: personID, occupation: nil, enrolmentDate: decision.enrolmentDate, reentersWith: nil))
        case let .register(reason, occupation):
            kept.append(Kept(row: row, personID: personID, occupation: occupation, enrolmentDate: decision.enrolmentDate, reentersWith: reason))
            entered(row, reason: reason, occupation: occupation)
        default:
            break
        }
    }

    /// People with an open episode who were not in the extract are no longer the kommun's.
    mutating func finish() {
        for (number, known) in states where known.state.open != nil && !seenInRegister.contains(number) {
            guard let open = known.state.open, let pnr = try? PersonalIdentityNumber(number: number) else { continue }
            switch IdentificationRules.missingFromExtract(state: known.state, date: date, firstOpenDay: firstOpenDay) {
            case let .deregister(reason, day):
                leaving.append(Leaving(left: IdentifyReport.Left(personnummer: pnr, name: known.name, reason: reason, date: day),
                                       personID: known.personID, episodeID: open.id, isMissing: true))
            case let .propose(reason, day, evidence, why):
                proposals.append(ReviewProposal(personID: known.personID, episodeID: open.id, kind: .decisionDiffers, evidence: evidence,
                                                message: why, proposedReason: reason, proposedOn: day))
            default:
                break
            }
        }
        leaving.sort { $0.left.personnummer < $1.left.personnummer }
        new.sort { $0.personnummer < $1.personnummer }
    }

    /// How many people the register holds stay in KAA unchanged.
    var unchanged: Int { kept.filter { $0.reentersWith == nil }.count }
}
