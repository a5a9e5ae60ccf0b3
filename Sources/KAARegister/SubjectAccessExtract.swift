import Foundation
import KAACore

/// What a subject-access request (GDPR art. 15) gives the person: their record, what the register
/// is for, who receives it, how long it is kept, where each detail came from, and when and why it
/// was consulted — never which staff member did it (CJEU C-579/21: the employees' identities are
/// not the data subject's to know, the dates and purposes are).
public struct SubjectAccessExtract: Sendable {
    /// One consultation or change of the person's data.
    public struct Event: Sendable {
        /// When, as stored (UTC).
        public let at: String
        /// When, in the kommun's time zone.
        public let localTime: String
        /// What was done (`show`, `worklist.ej-nadda`, `contact.add`…).
        public let action: String
        /// For a read: where the data was shown.
        public let context: AuditContext?
        /// Ids and codes (no personal data).
        public let detail: String?

        /// Whether this was a read (a consultation) rather than a change.
        public var isRead: Bool {
            context != nil || action == "show" || Register.isListingAction(action) || action == "find" || action == "subject_access"
        }

        /// The read's context, or the one an older row's action implies.
        public var readContext: AuditContext? {
            if let context { return context }
            switch action {
            case "show": return .person
            case "list": return .list
            case "report.scb": return .report
            case "export.history": return .export
            case "subject_access": return .subjectAccess
            case "find": return .search
            case "review.list": return .review
            default:
                if action.hasPrefix("worklist.") { return .worklist }
                if action.hasPrefix("letters.") { return .letter }
                return nil
            }
        }
    }

    /// Where a detail came from.
    public struct Source: Sendable, Equatable {
        /// The kinds of source the register can tell apart today.
        public enum Kind: String, Sendable {
            /// A folkbokföring extract (Skatteverket) read by `kaa identify`.
            case extract
            /// Entered or changed by the kommun's staff.
            case entered
            /// Given when the person was registered (by staff or from an extract).
            case registration
            /// Imported from the kommun's earlier system.
            case imported
        }

        /// The kind.
        public let kind: Kind
        /// The date (in the kommun's time zone) of the write that set it.
        public let date: String

        /// The source in Swedish.
        public var label: String {
            switch kind {
            case .extract: "folkbokföringen (Skatteverket), uttag inläst \(date)"
            case .entered: "inlagd av kommunen \(date)"
            case .registration: "uppgiven vid registreringen \(date)"
            case .imported: "överförd från kommunens tidigare system \(date)"
            }
        }
    }

    /// The note an identification's registration carries in its audit row's changes, so that the
    /// details it stored are known to come from the folkbokföring extract.
    static let extractSourceNote = "källa: folkbokföringsuttag"

    /// The details whose source the extract states: the `changes` field name and its Swedish name.
    public static let detailFields: [(field: String, label: String)] = [
        ("first_name", "Förnamn"), ("last_name", "Efternamn"), ("address", "Adress"), ("postal_code", "Postnummer"),
        ("city", "Postort"), ("phone", "Telefon"), ("email", "E-post"),
    ]

    /// The person's record.
    public let record: PersonRecord
    /// The kommun's code.
    public let kommun: String
    /// The kommun's name.
    public let kommunName: String
    /// When the extract was made (UTC).
    public let extractedAt: String
    /// When the extract was made, in the kommun's time zone.
    public let extractedLocal: String
    /// The kommun's time zone (the document's times are in it).
    public let timeZone: String
    /// Months after the last episode ended before the person's data is deleted.
    public let retentionMonths: Int
    /// Months the audit log is kept.
    public let auditRetentionMonths: Int
    /// Every consultation and change, oldest first (no staff names).
    public let events: [Event]
    /// Each detail's source, by `changes` field name, where the register knows it.
    public let sources: [String: Source]

    /// The source of a detail in Swedish, or what the register can say when it does not know.
    public func sourceLabel(_ field: String) -> String {
        sources[field]?.label ?? "okänd (uppgiften lades in innan registret förde källa): folkbokföringen eller kommunens handläggare"
    }

    /// The JSON form of the extract (`kaa show --subject-access`), as before with the consultations'
    /// dates and purposes in `audit`, and without staff user names.
    public var json: [String: Any] {
        var extract = SubjectAccessJSON.person(record)
        extract["kommun"] = kommun
        extract["extracted_at"] = extractedAt
        extract["audit"] = events.map { event -> [String: Any] in
            ["at": event.at, "local_time": event.localTime, "action": event.action, "detail": event.detail ?? "",
             "context": event.readContext?.rawValue ?? NSNull(), "purpose": event.readContext?.purpose ?? NSNull()]
        }
        extract["sources"] = Dictionary(uniqueKeysWithValues: Self.detailFields.map { ($0.field, sourceLabel($0.field)) })
        extract["retention_months"] = retentionMonths
        extract["audit_retention_months"] = auditRetentionMonths
        extract["about"] = "Allt KAA-registret innehåller om personen (dataskyddsförordningen art. 15), med datum och ändamål för varje "
            + "gång uppgifterna lästes eller ändrades (inte vilken handläggare, se EU-domstolens dom C-579/21)."
        return extract
    }
}
