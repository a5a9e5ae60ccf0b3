import KAACore
import KAASQLite

extension Register {
    /// A worklist on today (an audited read of every person it shows).
    public func worklist(_ list: Worklist, days: Int? = nil) throws(RegisterError) -> [NamedWorklistEntry] {
        let days = days ?? (list == .turning20 ? configuration.turning20Days : configuration.noContactDays)
        guard days >= 0 else { throw .invalidInput(field: "--days", message: "antalet dagar kan inte vara negativt") }
        return try write {
            let entries = list.entries(people: try loadHistories(), today: today, days: days)
            var names: [Int64: (String, Bool)] = [:]
            for row in try database.query("SELECT id, coalesce(first_name, ''), coalesce(last_name, ''), is_protected FROM person") {
                names[try row.int(0)] = ([try row.text(1), try row.text(2)].filter { !$0.isEmpty }.joined(separator: " "), try row.bool(3))
            }
            try auditReads("worklist.\(list.rawValue)", personIDs: entries.map(\.personID))
            return entries.map { NamedWorklistEntry(entry: $0, name: names[$0.personID]?.0 ?? "", isProtected: names[$0.personID]?.1 ?? false) }
        }
    }
}
