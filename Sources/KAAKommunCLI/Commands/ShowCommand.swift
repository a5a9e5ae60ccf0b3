import Foundation
import KAACLIKit
import KAACore
import KAARegister
import KAASystem

/// `kaa show PNR|NAMN [--json]`: a person's whole history.
enum ShowCommand: KommunCommand {
    static let pnr = Arg.positional("PNR|NAMN", ValueKind.text.named("personnummer eller namn"),
                                    "Personnummer eller samordningsnummer, eller en del av ett namn (söks som med 'kaa find').")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let subjectAccess = Arg.option("--subject-access", .path,
                                          "Skriv registerutdraget (GDPR art. 15) som ett läsbart dokument (HTML) och som JSON, se nedan.")
    static let spec = CommandSpec("show", "Visa allt registret har om en person.", arguments: [pnr, json, subjectAccess, SafetyArguments.force],
                                  exclusive: [[json, subjectAccess]], discussion: """
                                      Läsningen loggas i granskningsloggen. Är argumentet inget personnummer söks det som ett
                                      namn: en träff visas, flera listas (slutkod 65, välj sedan med personnumret), ingen
                                      träff ger slutkod 65. Sökningen loggas som med 'kaa find'.

                                      --subject-access FIL skriver registerutdraget i två filer bredvid varandra: slutar FIL på
                                      .html blir den dokumentet och JSON skrivs med ändelsen .json; annars blir FIL JSON
                                      (som förut) och dokumentet skrivs med ändelsen .html. Dokumentet är på svenska och
                                      fristående: uppgifterna och var de kommer ifrån, ändamålen (skollagen 29 kap. 9 §,
                                      SFS 2006:39), mottagare (SCB, för statistik), hur länge uppgifterna sparas
                                      (retentionMonths, auditRetentionMonths), när och varför uppgifterna lästes eller
                                      ändrades (utan handläggarnas namn, EU-domstolens dom C-579/21) och rätten att klaga
                                      hos IMY. Båda filerna skrivs med rättigheterna 0600, eller ingen av dem.
                                      """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let pnr = try person(arguments[pnr], register: register, context: context)
        if let path = arguments[subjectAccess] {
            let (jsonPath, htmlPath) = subjectAccessPaths(path)
            for file in [jsonPath, htmlPath] {
                try SafetyArguments.checkWritable(file, force: arguments[SafetyArguments.force], argument: "--subject-access")
            }
            // Both files or neither, private from the first byte; a system failure exits 1 with the OS's reason.
            try register.subjectAccess(pnr) { extract in
                let data = try JSONSerialization.data(withJSONObject: extract.json, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
                let html = Data(SubjectAccessPage.document(extract, catalog: register.catalog).renderDocument().utf8)
                try PersonalDataFile.write([PrivateFiles.File(path: jsonPath, bytes: Array(data)), PrivateFiles.File(path: htmlPath, bytes: Array(html))])
            }
            context.output.line("Registerutdraget för \(pnr.formatted) är skrivet till \(htmlPath) (dokument) och \(jsonPath) (JSON).")
            return
        }
        let record = try register.show(pnr)
        if arguments[json] {
            var object = SubjectAccessJSON.person(record)
            // Where each detail came from (design §12), beside the details themselves.
            object["sources"] = Dictionary(uniqueKeysWithValues: record.sources.map { field, source -> (String, Any) in
                switch source {
                case let .extract(date): return (field.rawValue, ["source": "extract", "date": date.description])
                case let .staff(by, on, at): return (field.rawValue, ["source": "staff", "entered_by": by, "date": on.description, "entered_at": at])
                case let .historyImport(date): return (field.rawValue, ["source": "import", "date": date.description])
                }
            })
            try context.console.json(object: object)
        } else {
            text(record, register: register, context: context)
        }
    }

    /// The JSON and HTML files for `--subject-access FILE`: FILE is the document when it ends in
    /// `.html`, else the JSON (as before), and the other goes beside it with its own extension.
    static func subjectAccessPaths(_ path: String) -> (json: String, html: String) {
        func replacingExtension(_ path: String, with ext: String) -> String {
            let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
            if let dot = path[slash...].lastIndex(of: "."), dot != slash { return String(path[..<dot]) + ext }
            return path + ext
        }
        if path.lowercased().hasSuffix(".html") { return (replacingExtension(path, with: ".json"), path) }
        return (path, replacingExtension(path, with: ".html"))
    }

    /// The person the argument names: a personnummer as given, else the one person a name search finds.
    ///
    /// Text made only of digits, `-` and `+` is a personnummer that must be valid (a typo is not a name);
    /// anything else is searched. Several matches are listed and refused, so nobody's page is shown
    /// by guesswork.
    static func person(_ text: String, register: Register, context: KommunContext) throws -> PersonalIdentityNumber {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }) {
            return try ValueKind.personnummer.value(trimmed, from: "PNR", environment: context)
        }
        let matches = try register.find(trimmed)
        switch matches.count {
        case 0:
            throw RegisterError.notFound("ingen person i registret matchar sökningen")
        case 1:
            return matches[0].personnummer
        default:
            FindCommand.list(matches, context: context)
            throw CommandLineError.badValue(argument: "PNR|NAMN", message: "\(matches.count) personer matchar; ange personnumret för den du menar")
        }
    }

    static func text(_ record: PersonRecord, register: Register, context: KommunContext) {
        let out = context.output
        let pnr = record.personnummer
        let catalog = register.catalog
        out.line("\(pnr.formatted) (\(pnr.kind.rawValue), \(pnr.sex.rawValue), född \(pnr.birthDate), \(pnr.birthDate.age(on: register.today)) år)")
        // Each detail with where it came from (design §12), so a coordinator sees what a file may change.
        func source(_ fields: [ContactField]) -> String {
            let known = Array(Set(fields.compactMap { record.sources[$0]?.description })).sorted()
            return known.isEmpty ? "" : " (källa: \(known.joined(separator: "; ")))"
        }
        let name = [record.details.firstName, record.details.lastName].compactMap { $0 }.joined(separator: " ")
        out.line("Namn: \(name.isEmpty ? "–" : name)\(source([.firstName, .lastName]))")
        if record.isProtected {
            out.line("SKYDDAD IDENTITET: ingen adress lagras och personen tas inte med i adresslistor.")
        } else {
            let address = [record.details.address, [record.details.postalCode, record.details.city].compactMap { $0 }.joined(separator: " ")]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            out.line("Adress: \(address.isEmpty ? "–" : address)\(source([.address, .postalCode, .city]))")
        }
        out.line("Telefon: \(record.details.phone ?? "–")\(source([.phone]))")
        out.line("E-post: \(record.details.email ?? "–")\(source([.email]))")
        for episode in record.history.episodes {
            out.line()
            var line = "Inskrivning \(episode.id): inskriven \(episode.registeredOn) (\(catalog.label(episode.registrationReason, in: .registrationReason)))"
            if let end = episode.deregisteredOn, let reason = episode.deregistrationReason {
                line += ", avregistrerad \(end) (\(catalog.label(reason, in: .deregistrationReason)))"
            } else {
                line += ", pågår"
            }
            out.line(line)
            out.line("  Kontaktförsök:" + (episode.contacts.isEmpty ? " inga" : ""))
            for contact in episode.contacts {
                var text = "    #\(contact.id) \(contact.date) \(catalog.label(contact.channel, in: .contactChannel)): " + (contact.isReached ? "nådd" : "inte nådd")
                if let occupation = contact.occupation { text += ", sysselsättning: \(catalog.label(occupation, in: .occupation))" }
                if let next = contact.nextContactOn { text += ", nästa kontakt \(next)" }
                if contact.reportsDeregistration {
                    let late = episode.deregisteredOn.map { contact.date > $0 } ?? false
                    text += late ? " (meddelade avregistreringen, efter inskrivningens slut)" : " (meddelade avregistreringen)"
                }
                out.line(text)
            }
            if !episode.occupationFacts.isEmpty {
                out.line("  Sysselsättning:")
                for fact in episode.occupationFacts {
                    out.line("    #\(fact.id) från \(fact.date): \(catalog.label(fact.occupation, in: .occupation))")
                }
            }
            out.line("  Åtgärder:" + (episode.measures.isEmpty ? " inga" : ""))
            for measure in episode.measures {
                var text = "    #\(measure.id) \(catalog.label(measure.type, in: .measureType)), erbjuden \(measure.offeredOn)"
                switch measure.decision {
                case .accepted: text += ", accepterad"
                case .declined: text += ", avböjd"
                case nil: text += ", inget beslut"
                }
                if let planned = measure.plannedStartOn { text += ", planerad start \(planned)" }
                if let start = measure.startedOn { text += ", start \(start)" }
                if let end = measure.endedOn, let reason = measure.endReason {
                    text += ", avslutad \(end) (\(catalog.label(reason, in: .measureEndReason)))"
                    if let after = measure.occupationAfter { text += ", därefter: \(catalog.label(after, in: .occupation))" }
                }
                if let followUp = measure.followUpOn { text += ", första uppföljning \(followUp)" }
                out.line(text)
                for followUp in measure.followUps {
                    var done = "       Uppföljd \(followUp.date)" + (followUp.nextOn.map { ", nästa \($0)" } ?? ", ingen ny tidpunkt")
                    if let note = followUp.note { done += ": \(note)" }
                    out.line(done)
                }
                if measure.endedOn == nil, let next = measure.nextFollowUpOn { out.line("       Nästa uppföljning: \(next)") }
                if let responsible = measure.responsible { out.line("       Ansvarig: \(responsible)") }
                if let plan = measure.plan { out.line("       Plan: \(plan)") }
            }
        }
    }
}
