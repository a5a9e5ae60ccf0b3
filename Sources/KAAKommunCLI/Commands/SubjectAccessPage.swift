import Foundation
import KAACore
import KAAHTML
import KAARegister

/// The subject-access extract (GDPR art. 15) as a readable Swedish document: one self-contained
/// HTML file (the shared stylesheet inline, no scripts, no external assets) that the kommun can
/// send or print, beside the JSON form.
enum SubjectAccessPage {
    /// The whole document for `extract`, with code labels from `catalog`.
    static func document(_ extract: SubjectAccessExtract, catalog: CodeCatalog) -> Node {
        let record = extract.record
        let pnr = record.personnummer
        let name = [record.details.firstName, record.details.lastName].compactMap { $0 }.joined(separator: " ")
        return Layout.page(
            title: "Registerutdrag ur KAA-registret, \(extract.kommunName) kommun",
            .main([.class("report")],
                  .h1([], "Registerutdrag: dina uppgifter i kommunens register för aktivitetsansvaret"),
                  .p([], """
                      \(extract.kommunName) kommun (kommunkod \(extract.kommun)) är personuppgiftsansvarig. Utdraget är gjort \
                      \(extract.extractedLocal) (\(extract.timeZone)) enligt artikel 15 i dataskyddsförordningen och visar allt \
                      registret innehåller om dig.
                      """),
                  section("uppgifter", "Uppgifter om dig", details(extract, name: name, pnr: pnr)),
                  section("inskrivningar", "Inskrivningar i aktivitetsansvaret", history(record, catalog: catalog)),
                  section("andamal", "Varför registret finns (ändamål och rättslig grund)", purposes),
                  section("mottagare", "Vem som får uppgifterna", recipients),
                  section("lagring", "Hur länge uppgifterna sparas", retention(extract)),
                  section("handelser", "När uppgifterna har lästs eller ändrats", events(extract)),
                  section("rattigheter", "Dina rättigheter och rätten att klaga", rights(extract))))
    }

    private static func section(_ id: String, _ heading: String, _ content: Node) -> Node {
        .section([.ariaLabelledBy(id)], .h2([.id(id)], .text(heading)), content)
    }

    private static func table(_ caption: String, _ columns: [String], _ rows: [[String]]) -> Node {
        guard !rows.isEmpty else { return .p([], .text("\(caption): inga.")) }
        return .div([.class("scroll")],
                    .table([.class("prose")], .caption([], .text(caption)),
                           .thead([], .tr([], .fragment(columns.map { Node.th([.scope("col")], .text($0)) }))),
                           .tbody([], .fragment(rows.map { row in
                               Node.tr([], .fragment(row.enumerated().map { index, cell in
                                   index == 0 ? Node.th([.scope("row")], .text(cell)) : Node.td([], .text(cell))
                               }))
                           }))))
    }

    private static func details(_ extract: SubjectAccessExtract, name: String, pnr: PersonalIdentityNumber) -> Node {
        let d = extract.record.details
        var rows: [[String]] = [
            ["Personnummer", pnr.formatted, "folkbokföringen (Skatteverket) eller du själv"],
        ]
        let values: [String: String?] = ["first_name": d.firstName, "last_name": d.lastName, "address": d.address,
                                         "postal_code": d.postalCode, "city": d.city, "phone": d.phone, "email": d.email]
        for (field, label) in SubjectAccessExtract.detailFields {
            guard let value = values[field] ?? nil, !value.isEmpty else {
                rows.append([label, "–", ""])
                continue
            }
            rows.append([label, value, extract.sourceLabel(field)])
        }
        let protected: Node = extract.record.isProtected
            ? .p([.class("status")], "Du har skyddade personuppgifter: registret sparar ingen adress till dig och du tas inte med i brevutskick.")
            : .empty
        return .fragment([
            table("Uppgifter och var de kommer ifrån", ["Uppgift", "Värde", "Källa"], rows),
            protected,
            .p([], """
                Registret får bara innehålla det som förordningen (2006:39) om register över insatser inom det kommunala \
                aktivitetsansvaret tillåter: namn, personnummer, adress, e-post, telefon, din sysselsättning och de åtgärder \
                kommunen har erbjudit dig. Inga uppgifter om vårdnadshavare, hälsa eller annat känsligt.
                """),
        ])
    }

    private static func history(_ record: PersonRecord, catalog: CodeCatalog) -> Node {
        guard !record.history.episodes.isEmpty else { return .p([], "Inga inskrivningar.") }
        return .fragment(record.history.episodes.map { episode in
            let ended = episode.deregisteredOn.map { "avslutad \($0)" + (episode.deregistrationReason.map { " (\(catalog.label($0, in: .deregistrationReason)))" } ?? "") } ?? "pågår"
            let contacts = episode.contacts.map { contact in
                [contact.date.description, catalog.label(contact.channel, in: .contactChannel), contact.isReached ? "nådd" : "inte nådd",
                 contact.occupation.map { catalog.label($0, in: .occupation) } ?? "–"]
            }
            let occupations = episode.occupationFacts.map { [$0.date.description, catalog.label($0.occupation, in: .occupation)] }
            let measures = episode.measures.map { measure -> [String] in
                let decision: String = measure.decision.map { $0 == .declined ? "tackade nej" : "tackade ja" } ?? "inget beslut"
                let planned: String = measure.plannedStartOn.map { "planerad \($0)" } ?? "–"
                let start: String = measure.startedOn?.description ?? planned
                let reason: String = measure.endReason.map { " (\(catalog.label($0, in: .measureEndReason)))" } ?? ""
                let end: String = measure.endedOn.map { "\($0)\(reason)" } ?? "–"
                return [catalog.label(measure.type, in: .measureType), measure.offeredOn.description, decision, start, end,
                        measure.followUpOn?.description ?? "–", measure.responsible ?? "–", measure.plan ?? "–"]
            }
            let followUps = episode.measures.flatMap { measure in
                measure.followUps.map { followUp in
                    [followUp.date.description, catalog.label(measure.type, in: .measureType), followUp.nextOn?.description ?? "–", followUp.note ?? "–"]
                }
            }
            return Node.fragment([
                .p([], .strong([], .text("Inskriven \(episode.registeredOn)")),
                   .text(" (\(catalog.label(episode.registrationReason, in: .registrationReason))), \(ended).")),
                table("Kontakter och kontaktförsök", ["Datum", "Sätt", "Resultat", "Sysselsättning"], contacts),
                table("Sysselsättning", ["Från", "Sysselsättning"], occupations),
                table("Åtgärder", ["Åtgärd", "Erbjuden", "Beslut", "Start", "Slut", "Uppföljning", "Ansvarig", "Plan"], measures),
                table("Uppföljningar av åtgärder", ["Datum", "Åtgärd", "Nästa uppföljning", "Anteckning"], followUps),
            ])
        })
    }

    private static let purposes: Node = .fragment([
        .p([], """
            Kommunen ska enligt skollagen (2010:800) 29 kap. 9 § hålla sig informerad om hur de ungdomar i kommunen är \
            sysselsatta som har fullgjort skolplikten men inte fyllt 20 år och som inte går i eller har fullföljt \
            gymnasieskolan eller motsvarande. Kommunen ska erbjuda dem lämpliga individuella åtgärder, i första hand \
            för att de ska börja eller återuppta en utbildning.
            """),
        .p([], """
            Kommunen ska enligt förordningen (2006:39) om register över insatser inom det kommunala aktivitetsansvaret \
            för ungdomar föra ett register över ungdomarna och de åtgärder de erbjuds. Registret används för att \
            kontakta dig, följa upp vad du gör och vilka åtgärder du erbjuds, och för statistik. Behandlingen är \
            nödvändig för att fullgöra en rättslig förpliktelse och en uppgift av allmänt intresse \
            (dataskyddsförordningen artikel 6.1 c och e).
            """),
    ])

    private static let recipients: Node = .fragment([
        .p([], """
            Statistiska centralbyrån (SCB) får uppgifterna två gånger om året för den officiella statistiken om det \
            kommunala aktivitetsansvaret. SCB använder dem bara för statistik.
            """),
        .p([], """
            Regionen får bara antal (hur många ungdomar, per kön och ålder), aldrig uppgifter om dig. Ingen annan \
            får uppgifterna ur registret.
            """),
    ])

    private static func retention(_ extract: SubjectAccessExtract) -> Node {
        .fragment([
            .p([], .text("""
                Dina uppgifter raderas \(extract.retentionMonths) månader efter att din sista inskrivning i aktivitetsansvaret \
                har avslutats (gallring). Raderade uppgifter skrivs över.
                """)),
            .p([], .text("""
                Loggen över när uppgifter har lästs eller ändrats sparas i \(extract.auditRetentionMonths) månader, så att \
                kommunen kan visa hur uppgifterna har använts. Loggen innehåller inte ditt namn eller personnummer.
                """)),
        ])
    }

    private static func events(_ extract: SubjectAccessExtract) -> Node {
        let reads = extract.events.filter(\.isRead).map { event in
            [event.localTime, event.readContext?.label ?? event.action, event.readContext?.purpose ?? "–"]
        }
        let writes = extract.events.filter { !$0.isRead }.map { event in [event.localTime, change(event.action)] }
        return .fragment([
            .p([], .text("""
                Tiderna är i kommunens tidszon (\(extract.timeZone)). Utdraget visar när och varför uppgifterna har använts, \
                men inte vilken anställd som gjorde det: det behöver kommunen inte lämna ut (EU-domstolens dom C-579/21). \
                Om du misstänker att någon har läst dina uppgifter utan skäl kan du be kommunen utreda det.
                """)),
            table("Tillfällen då uppgifterna lästes", ["Tid", "Sammanhang", "Ändamål"], reads),
            table("Tillfällen då uppgifterna ändrades", ["Tid", "Vad som gjordes"], writes),
        ])
    }

    /// A change's action in Swedish.
    static func change(_ action: String) -> String {
        switch action {
        case "register": "inskrivning i aktivitetsansvaret"
        case "deregister": "avslutad inskrivning"
        case "episode.correct": "rättelse av en inskrivning"
        case "episode.remove": "borttagen inskrivning"
        case "person.update": "ändrade kontaktuppgifter"
        case "person.refresh": "kontaktuppgifter uppdaterade från folkbokföringen"
        case "contact.add": "registrerad kontakt eller kontaktförsök"
        case "contact.correct": "rättelse av en kontakt"
        case "contact.remove": "borttagen kontakt"
        case "occupation.set": "registrerad sysselsättning"
        case "occupation.correct": "rättelse av sysselsättning"
        case "occupation.remove": "borttagen sysselsättning"
        case "measure.add": "erbjuden åtgärd"
        case "measure.end": "avslutad åtgärd"
        case "measure.correct": "ändring av en åtgärd"
        case "measure.follow_up": "uppföljning av en åtgärd"
        case "measure.remove": "borttagen åtgärd"
        case "import.history": "överföring från kommunens tidigare system"
        case "review.add": "uppgift att granska (kommunens filer och registret skiljer sig)"
        case "review.resolve": "granskad uppgift avgjord"
        default: "ändring (\(action))"
        }
    }

    private static func rights(_ extract: SubjectAccessExtract) -> Node {
        .fragment([
            .p([], .text("""
                Du har rätt att få felaktiga uppgifter rättade (artikel 16) och att begära begränsning av behandlingen \
                (artikel 18). Kontakta \(extract.kommunName) kommun och kommunens dataskyddsombud.
                """)),
            .p([], """
                Du har rätt att klaga hos tillsynsmyndigheten om du tycker att kommunen behandlar dina personuppgifter \
                felaktigt: Integritetsskyddsmyndigheten (IMY), Box 8114, 104 20 Stockholm, www.imy.se (artikel 77).
                """),
        ])
    }
}
