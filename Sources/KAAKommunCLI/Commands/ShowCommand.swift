import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// `kaa show PNR [--json]`: a person's whole history.
enum ShowCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let subjectAccess = Arg.option("--subject-access", .path,
                                          "Skriv registerutdrag (GDPR art. 15) som JSON till filen, med vem som läst och ändrat.")
    static let spec = CommandSpec("show", "Visa allt registret har om en person.", arguments: [pnr, json, subjectAccess, SafetyArguments.force],
                                  exclusive: [[json, subjectAccess]], discussion: "Läsningen loggas i granskningsloggen.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let pnr = arguments[pnr]
        if let path = arguments[subjectAccess] {
            try SafetyArguments.checkWritable(path, force: arguments[SafetyArguments.force], argument: "--subject-access")
            let extract = try register.subjectAccess(pnr)
            let data = try JSONSerialization.data(withJSONObject: extract, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CommandLineError.badValue(argument: "--subject-access", message: "kan inte skriva \(path)")
            }
            context.output.line("Registerutdraget för \(pnr.formatted) är skrivet till \(path).")
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
