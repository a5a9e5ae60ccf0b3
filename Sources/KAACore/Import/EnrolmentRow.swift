/// One row of an enrolment file.
public struct EnrolmentRow: Sendable {
    public let personnummer: PersonalIdentityNumber
    public let fact: EnrolmentFact

    public static let required: [String: [String]] = [
        "personnummer": ["personnummer"], "skola": ["skola"], "utbildning": ["utbildning"], "status": ["status"], "datum": ["datum"],
    ]
    public static let optional: [String: [String]] = ["huvudman": ["huvudman"]]

    /// The columns of one file, resolved once from its header.
    public struct Columns: Sendable {
        let personnummer: Int?, school: Int?, programme: Int?, status: Int?, date: Int?

        public init(_ map: ColumnMap) {
            personnummer = map.index(of: "personnummer")
            school = map.index(of: "skola")
            programme = map.index(of: "utbildning")
            status = map.index(of: "status")
            date = map.index(of: "datum")
        }
    }

    public init(_ row: TableRow, columns: Columns, today: CalendarDate) throws(ImportFieldError) {
        guard let digits = row.bytes(columns.personnummer) else { throw ImportFieldError("personnummer saknas") }
        do {
            personnummer = try PersonalIdentityNumber(utf8: digits, today: today)
        } catch {
            throw ImportFieldError(error.description)
        }
        guard row.bytes(columns.school) != nil else { throw ImportFieldError("skola saknas") }
        guard let programme = row.code(columns.programme, as: Programme.self) else {
            let programmeText = row.value(columns.programme)?.uppercased() ?? ""
            throw ImportFieldError("okänd utbildning '\(programmeText)'; giltiga: " + Programme.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let status = row.code(columns.status, as: EnrolmentStatus.self) else {
            let statusText = row.value(columns.status)?.uppercased() ?? ""
            throw ImportFieldError("okänd status '\(statusText)'; giltiga: " + EnrolmentStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let dateText = row.bytes(columns.date)
        guard let dateText else { throw ImportFieldError("datum saknas") }
        guard let date = CalendarDate(isoBytes: dateText) else {
            throw ImportFieldError("datum: ogiltigt datum '\(row.value(columns.date) ?? "")' (ÅÅÅÅ-MM-DD)")
        }
        fact = EnrolmentFact(programme: programme, status: status, date: date)
    }
}
