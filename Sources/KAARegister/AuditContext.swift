/// Where a read showed a person's data: the context the audit log keeps for every read.
public enum AuditContext: String, Sendable, CaseIterable {
    /// A person's page (`kaa show`).
    case person
    /// A worklist (`kaa worklist`).
    case worklist
    /// A search (`kaa find`, or `kaa show` by name).
    case search
    /// A listing of episodes (`kaa list`).
    case list
    /// An export of records to a file (history export).
    case export
    /// A report with person rows (the SCB file).
    case report
    /// A letter list (`kaa letters`).
    case letter
    /// A subject-access extract (GDPR art. 15) given to the person.
    case subjectAccess = "subject_access"
    /// The "Att granska" list (`kaa review list`).
    case review
    /// Loggkontroll: a granskare's search of the log for one person (issue 16); the person's log
    /// events, not their record.
    case logReview = "log_review"

    /// The Swedish words for the context, as the log and the extract show it.
    public var label: String {
        switch self {
        case .person: "personsida"
        case .worklist: "bevakningslista"
        case .search: "sökning"
        case .list: "lista över inskrivningar"
        case .export: "export"
        case .report: "rapport till SCB"
        case .letter: "brevutskick"
        case .subjectAccess: "registerutdrag till personen"
        case .review: "att granska"
        case .logReview: "loggkontroll"
        }
    }

    /// Why the data was consulted, as the subject-access extract tells the person (GDPR art. 15.1 a).
    public var purpose: String {
        switch self {
        case .person, .search: "handläggning av aktivitetsansvaret (kontakt, åtgärder, uppföljning)"
        case .worklist, .list: "uppföljning av vilka som behöver kontaktas eller erbjudas åtgärder"
        case .letter: "utskick av brev till personen"
        case .export: "överföring av registrets uppgifter (t.ex. vid byte av system)"
        case .report: "statistikrapportering till SCB"
        case .subjectAccess: "personens begäran om registerutdrag"
        case .review: "kontroll av uppgifter där kommunens filer och registret inte stämmer överens"
        case .logReview: "kontroll av vem som har läst eller ändrat uppgifterna om personen (granskning av loggen)"
        }
    }
}
