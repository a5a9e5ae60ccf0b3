import KAACore
import KAARegister

/// The Ungdomar list's filters as they travel in its URL (and as hidden fields of the export form):
/// parsed strictly, so a value no form of ours makes is refused with a 400 that does not repeat it
/// (it may be a personnummer someone typed into the address bar).
struct PeopleQuery: Equatable {
    var filter = PeopleFilter()
    /// The page asked for, from 1.
    var page = 1
    /// The validated values as `(name, value)`, in the form's order, without `page` and empty fields.
    var fields: [(String, String)] = []

    static func == (lhs: PeopleQuery, rhs: PeopleQuery) -> Bool {
        lhs.filter == rhs.filter && lhs.page == rhs.page && lhs.fields.map(\.0) == rhs.fields.map(\.0) && lhs.fields.map(\.1) == rhs.fields.map(\.1)
    }

    /// The sort column names of the URL, by column.
    static let sortNames: [(PeopleFilter.Sort, String)] = [(.name, "namn"), (.age, "alder"), (.registered, "registrerad"), (.contact, "kontakt"),
                                                           (.caseworker, "handlaggare")]
    static let statusNames: [(PeopleFilter.Status, String)] = [(.open, "oppen"), (.closed, "avslutad"), (.all, "alla")]
    /// The contact filter's choices offered in the form (any whole number of days 1–3650 is taken).
    static let contactDays = [30, 60, 90]

    /// Parses `form`; `reasons` and `logins` are the values `reason` and `handlaggare` may take.
    static func parse(_ form: FormData, reasons: Set<String>, logins: Set<String>) throws(WebError) -> PeopleQuery {
        var query = PeopleQuery()
        func value(_ name: String) -> String? { form.trimmed(name) }
        func refuse(_ field: String) -> WebError { .badRequest("filtret '\(field)' har ett värde som listan inte känner till") }

        if let status = value("status") {
            guard let found = statusNames.first(where: { $0.1 == status }) else { throw refuse("status") }
            query.filter.status = found.0
            query.fields.append(("status", status))
        }
        if let reason = value("reason") {
            guard reasons.contains(reason) else { throw refuse("reason") }
            query.filter.reason = reason
            query.fields.append(("reason", reason))
        }
        if let age = value("age") {
            guard age.utf8.count <= 2, let years = Int(age), (16...19).contains(years) else { throw refuse("age") }
            query.filter.age = years
            query.fields.append(("age", String(years)))
        }
        if let login = value("handlaggare") {
            if login == "ingen" {
                query.filter.caseworker = PeopleFilter.Caseworker.none
            } else {
                guard logins.contains(login) else { throw refuse("handlaggare") }
                query.filter.caseworker = .staff(login: login)
            }
            query.fields.append(("handlaggare", login))
        }
        if let contact = value("contact") {
            if contact == "aldrig" {
                query.filter.contact = .never
            } else {
                guard contact.utf8.count <= 4, contact.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let days = Int(contact), (1...3650).contains(days) else {
                    throw refuse("contact")
                }
                query.filter.contact = .notWithin(days: days)
            }
            query.fields.append(("contact", contact))
        }
        if let isProtected = value("protected") {
            guard isProtected == "ja" || isProtected == "nej" else { throw refuse("protected") }
            query.filter.isProtected = isProtected == "ja"
            query.fields.append(("protected", isProtected))
        }
        var descending = false
        if let order = value("order") {
            guard order == "asc" || order == "desc" else { throw refuse("order") }
            descending = order == "desc"
        }
        if let sort = value("sort") {
            let name = sort.hasPrefix("-") ? String(sort.dropFirst()) : sort
            guard let found = sortNames.first(where: { $0.1 == name }) else { throw refuse("sort") }
            query.filter.sort = found.0
            descending = descending || sort.hasPrefix("-")
        }
        query.filter.isDescending = descending
        if query.filter.sort != .name || descending {
            query.fields.append(("sort", (descending ? "-" : "") + sortName(query.filter.sort)))
        }
        if let page = value("page") {
            guard page.utf8.count <= 6, page.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(page), number >= 1 else {
                throw refuse("page")
            }
            query.page = number
        }
        return query
    }

    static func sortName(_ sort: PeopleFilter.Sort) -> String {
        sortNames.first { $0.0 == sort }?.1 ?? "namn"
    }

    /// The value of a field, or nil.
    func field(_ name: String) -> String? {
        fields.first { $0.0 == name }?.1
    }

    /// The list's URL with these filters, `changing` some fields (nil removes one) and at `page`.
    func link(changing changes: [(String, String?)] = [], page: Int? = nil) -> String {
        var all = fields
        for (name, value) in changes {
            if let index = all.firstIndex(where: { $0.0 == name }) {
                if let value { all[index].1 = value } else { all.remove(at: index) }
            } else if let value {
                all.append((name, value))
            }
        }
        if let page, page > 1 { all.append(("page", String(page))) }
        let query = FormData(all).queryString
        return query.isEmpty ? "/personer" : "/personer?" + query
    }
}
