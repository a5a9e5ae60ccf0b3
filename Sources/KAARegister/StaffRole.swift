/// A staff member's role (issue 15): what the web UI lets them see and do.
public enum StaffRole: String, CaseIterable, Sendable {
    /// Works the people in their own caseload.
    case handlaggare
    /// Everyone in the kommun; assigns caseloads; reports.
    case samordnare
    /// Reviews the audit log; a person's details only on an explicit, logged request.
    case granskare
    /// Staff accounts and settings, no person data.
    case admin
}
