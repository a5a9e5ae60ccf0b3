import KAACore
import KAAHTML
import KAARegister

/// A person's record, read-only (the granskare's view from the log).
enum PersonRecordView {
    static func heading(_ text: String) -> Node { .element("h3", [], [.text(text)]) }

    static func render(_ record: PersonRecord, catalog: CodeCatalog, today: CalendarDate) -> Node {
        let details = record.details
        let name = [details.firstName, details.lastName].compactMap { $0 }.joined(separator: " ")
        let address = [details.address, [details.postalCode, details.city].compactMap { $0 }.joined(separator: " ")].compactMap { $0 }
            .filter { !$0.isEmpty }.joined(separator: ", ")
        let facts = Node.dl([.class("facts")],
                            .dt([], "Intern id"), .dd([], .text("#\(record.personID)")),
                            .dt([], "Namn"), .dd([], .text(name.isEmpty ? "(saknas)" : name)),
                            .dt([], "Personnummer"), .dd([], .text(record.personnummer.formatted)),
                            .dt([], "Ålder"), .dd([], .text("\(record.personnummer.birthDate.age(on: today)) år")),
                            .dt([], "Adress"), .dd([], .text(address.isEmpty ? "–" : address)),
                            .dt([], "Telefon"), .dd([], .text(details.phone ?? "–")),
                            .dt([], "E-post"), .dd([], .text(details.email ?? "–")))
        let episodes = record.history.episodes.map { episode in
            let contacts = episode.contacts.map { contact in
                Node.li([], .text("\(contact.date) · \(catalog.label(contact.channel, in: .contactChannel)) · \(contact.isReached ? "nådd" : "inte nådd")"
                                  + (contact.occupation.map { " · \(catalog.label($0, in: .occupation))" } ?? "")))
            }
            let measures = episode.measures.map { measure in
                Node.li([], .text("\(catalog.label(measure.type, in: .measureType)): erbjuden \(measure.offeredOn)"
                                  + (measure.decision.map { " · \($0 == .accepted ? "accepterad" : "avböjd")" } ?? "")
                                  + (measure.startedOn.map { " · startad \($0)" } ?? "")
                                  + (measure.endedOn.map { " · avslutad \($0)" } ?? "")))
            }
            let occupations = episode.occupationFacts.map { fact in
                Node.li([], .text("\(fact.date) · \(catalog.label(fact.occupation, in: .occupation))"))
            }
            return Node.section([.class("episode")],
                                heading("Inskrivning \(episode.registeredOn)"
                                              + (episode.deregisteredOn.map { "–\($0)" } ?? " (pågår)")),
                                .p([], .text("Orsak: \(catalog.label(episode.registrationReason, in: .registrationReason))"
                                             + (episode.deregistrationReason.map { " · avslutad: \(catalog.label($0, in: .deregistrationReason))" } ?? ""))),
                                heading("Kontakter"), contacts.isEmpty ? .p([.class("muted")], "Inga.") : .ul([], .fragment(contacts)),
                                heading("Sysselsättning"), occupations.isEmpty ? .p([.class("muted")], "Ingen noterad.") : .ul([], .fragment(occupations)),
                                heading("Åtgärder"), measures.isEmpty ? .p([.class("muted")], "Inga.") : .ul([], .fragment(measures)))
        }
        return .fragment([facts, .h2([], "Inskrivningar")] + episodes)
    }
}
