/// What a removal takes with it, said before anything goes (issue 13 "safe hands").
public struct RemovalPlan: Sendable, Equatable, CustomStringConvertible {
    /// The record named (`inskrivning 5`, `åtgärd 12`).
    public let what: String
    /// Whose it is: name and personnummer (`Måns Åkesson (20071002-2393)`).
    public let subject: String
    /// Contacts that go with it.
    public let contacts: Int
    /// Occupation facts that go with it.
    public let occupationFacts: Int
    /// Measures that go with it.
    public let measures: Int
    /// Follow-ups of measures that go with it.
    public let followUps: Int
    /// Whether the person goes too (it was their only episode).
    public let removesPerson: Bool

    /// A plan from its parts.
    public init(what: String, subject: String, contacts: Int = 0, occupationFacts: Int = 0, measures: Int = 0, followUps: Int = 0,
                removesPerson: Bool = false) {
        self.what = what
        self.subject = subject
        self.contacts = contacts
        self.occupationFacts = occupationFacts
        self.measures = measures
        self.followUps = followUps
        self.removesPerson = removesPerson
    }

    /// Whether more goes than the one record named (then the coordinator must confirm).
    public var takesMoreThanTheRecord: Bool {
        removesPerson || contacts + occupationFacts + measures + followUps > 0
    }

    /// Everything that goes, in Swedish.
    public var description: String {
        var parts = [what]
        func add(_ n: Int, _ one: String, _ many: String) { if n > 0 { parts.append("\(n) \(n == 1 ? one : many)") } }
        add(contacts, "kontaktförsök", "kontaktförsök")
        add(occupationFacts, "uppgift om sysselsättning", "uppgifter om sysselsättning")
        add(measures, "åtgärd", "åtgärder")
        add(followUps, "uppföljning", "uppföljningar")
        if removesPerson { parts.append("personen själv med kontaktuppgifter (ingen annan inskrivning finns)") }
        let list = parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " och " + (parts.last ?? "") : what
        return "Tas bort för \(subject): \(list)."
    }
}
