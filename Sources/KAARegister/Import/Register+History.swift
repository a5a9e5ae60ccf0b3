import Foundation
import KAACore
import KAASQLite
import KAASystem

/// What a history import brought in.
public struct HistoryImportReport: Sendable {
    public let people: Int
    public let episodes: Int
    public let contacts: Int
    public let measures: Int
    public let isDryRun: Bool
}

/// The columns of the history files (docs/file-formats.md).
enum HistoryColumns {
    static let episodesRequired: [String: [String]] = [
        "personnummer": ["personnummer"], "registrerad": ["registrerad"], "registreringsorsak": ["registreringsorsak"],
    ]
    static let episodesOptional: [String: [String]] = [
        "avregistrerad": ["avregistrerad"], "avregistreringsorsak": ["avregistreringsorsak"],
        "fornamn": ["fornamn"], "efternamn": ["efternamn"], "adress": ["adress", "utdelningsadress"], "postnummer": ["postnummer"],
        "postort": ["postort", "ort"], "telefon": ["telefon"], "epost": ["epost"], "skyddad": ["skyddad", "sekretessmarkering"],
    ]
    static let contactsRequired: [String: [String]] = [
        "personnummer": ["personnummer"], "datum": ["datum"], "kontaktsatt": ["kontaktsatt", "kontaktsätt"], "nadd": ["nadd", "nådd"],
    ]
    static let contactsOptional: [String: [String]] = ["sysselsattning": ["sysselsattning", "sysselsättning"]]
    static let measuresRequired: [String: [String]] = [
        "personnummer": ["personnummer"], "typ": ["typ", "atgardstyp"], "erbjuden": ["erbjuden"],
    ]
    static let measuresOptional: [String: [String]] = [
        "beslut": ["beslut"], "start": ["start", "startdatum"], "slut": ["slut", "slutdatum"], "avslutsorsak": ["avslutsorsak"],
        "sysselsattning_efter": ["sysselsattning_efter", "sysselsättning_efter"], "ansvarig": ["ansvarig"], "plan": ["plan"],
        "uppfoljning": ["uppfoljning", "uppföljning"], "planerad_start": ["planerad_start", "planerad start"],
    ]
}

extension Register {
    /// Brings in a kommun's existing register from CSV files (our codes, or another system's through
    /// `mapping`). Everything is checked first; one bad row and nothing changes. Meant for a new
    /// register: people already in it and periods whose figures are already stored are refused.
    public func importHistory(episodes: String, contacts: String?, measures: String?, mapping: CodeMapping,
                              dryRun: Bool) throws(RegisterError) -> HistoryImportReport {
        var history = HistoryBuilder(today: today, mapping: mapping, catalog: catalog)
        do {
            try history.readEpisodes(episodes)
            if let contacts { try history.readContacts(contacts) }
            if let measures { try history.readMeasures(measures) }
            try history.checkAgainstRegister(database)
        } catch {
            throw .wrap(error)
        }
        guard history.problems.isEmpty else { throw .importProblems(history.problems) }
        let report = HistoryImportReport(people: history.people.count, episodes: history.episodeCount, contacts: history.contactCount,
                                         measures: history.measureCount, isDryRun: dryRun)
        if dryRun { return report }
        try write {
            for person in history.people.values.sorted(by: { $0.personnummer < $1.personnummer }) {
                let before = try database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(person.personnummer.digits)])
                    .flatMap { try contactDetails(personID: try $0.int(0)) }
                let personID = try upsertPerson(person.personnummer, details: person.details, origin: .historyImport)
                var changes = Self.detailChanges(before, try contactDetails(personID: personID))
                changes.note("inskrivningar tillagda: \(person.episodes.count)")
                for episode in person.episodes {
                    try database.execute("""
                        INSERT INTO episode (person_id, registered_on, registration_reason, deregistered_on, deregistration_reason) VALUES (?, ?, ?, ?, ?)
                        """, [.integer(personID), SQLValue(episode.registeredOn), .text(episode.reason), SQLValue(episode.deregisteredOn),
                              SQLValue(episode.deregistrationReason)])
                    let episodeID = database.lastInsertRowID
                    for contact in episode.contacts {
                        try database.execute("INSERT INTO contact (episode_id, contacted_on, channel, is_reached, occupation) VALUES (?, ?, ?, ?, ?)",
                                             [.integer(episodeID), SQLValue(contact.date), .text(contact.channel), SQLValue(contact.isReached), SQLValue(contact.occupation)])
                    }
                    for measure in episode.measures {
                        try database.execute("""
                            INSERT INTO measure (episode_id, measure_type, offered_on, decision, started_on, ended_on, end_reason, occupation_after,
                                                 responsible, plan, follow_up_on, planned_start_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """, [.integer(episodeID), .text(measure.type), SQLValue(measure.offeredOn), SQLValue(measure.decision?.rawValue),
                                  SQLValue(measure.startedOn), SQLValue(measure.endedOn), SQLValue(measure.endReason), SQLValue(measure.occupationAfter),
                                  SQLValue(measure.responsible), SQLValue(measure.plan), SQLValue(measure.followUpOn), SQLValue(measure.plannedStartOn)])
                    }
                    try validateEpisode(episodeID)
                }
                try audit("import.history", personID: personID, detail: "episodes=\(person.episodes.count)", changes: changes)
            }
            try audit("import.history", detail: "people=\(report.people) episodes=\(report.episodes) contacts=\(report.contacts) measures=\(report.measures)")
        }
        return report
    }

    /// Writes the register's whole history in the import formats (`episodes.csv`, `contacts.csv`,
    /// `measures.csv`: `;`, UTF-8 with BOM) into `folder`, all three or none; an audited read of every person.
    public func exportHistory(to folder: String) throws(RegisterError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try write {
                let people = try loadHistories()
                var details: [Int64: ContactDetails] = [:]
                for row in try database.query("SELECT id, \(Self.contactDetailColumns) FROM person") {
                    details[try row.int(0)] = try contactDetails(row, from: 1)
                }
                var episodes = [["personnummer", "registrerad", "registreringsorsak", "avregistrerad", "avregistreringsorsak",
                                 "fornamn", "efternamn", "adress", "postnummer", "postort", "telefon", "epost", "skyddad"]]
                var contacts = [["personnummer", "datum", "kontaktsatt", "nadd", "sysselsattning"]]
                var measures = [["personnummer", "typ", "erbjuden", "beslut", "start", "slut", "avslutsorsak", "sysselsattning_efter",
                                 "ansvarig", "plan", "uppfoljning", "planerad_start"]]
                for person in people.sorted(by: { $0.personnummer < $1.personnummer }) {
                    let pnr = person.personnummer.digits
                    let d = details[person.personID] ?? ContactDetails()
                    for episode in person.episodes {
                        episodes.append([pnr, episode.registeredOn.description, episode.registrationReason, episode.deregisteredOn?.description ?? "",
                                         episode.deregistrationReason ?? "", d.firstName ?? "", d.lastName ?? "", d.address ?? "", d.postalCode ?? "",
                                         d.city ?? "", d.phone ?? "", d.email ?? "", d.isProtected == true ? "J" : "N"])
                        for contact in episode.contacts {
                            contacts.append([pnr, contact.date.description, contact.channel, contact.isReached ? "J" : "N", contact.occupation ?? ""])
                        }
                        for measure in episode.measures {
                            measures.append([pnr, measure.type, measure.offeredOn.description, measure.decision?.rawValue ?? "",
                                             measure.startedOn?.description ?? "", measure.endedOn?.description ?? "", measure.endReason ?? "",
                                             // The next follow-up due, so that a re-import keeps the worklist; the
                                             // follow-ups done have no place in this format (docs/file-formats.md).
                                             measure.occupationAfter ?? "", measure.responsible ?? "", measure.plan ?? "",
                                             measure.nextFollowUpOn?.description ?? "", measure.plannedStartOn?.description ?? ""])
                        }
                    }
                }
                // All three or none: a history export missing a file would re-import as a smaller register.
                try PrivateFiles.write([("episodes.csv", episodes), ("contacts.csv", contacts), ("measures.csv", measures)].map { name, rows in
                    PrivateFiles.File(path: folder + "/" + name, bytes: CSVWriting.bytes(rows))
                })
                try auditReads("export.history", personIDs: people.map(\.personID), context: .export)
            }
        } catch {
            throw .wrap(error)
        }
    }
}

/// Collects and checks history rows before anything is written.
struct HistoryBuilder {
    struct EpisodeIn {
        let line: Int
        let registeredOn: CalendarDate
        let reason: String
        let deregisteredOn: CalendarDate?
        let deregistrationReason: String?
        var contacts: [ContactFact] = []
        var measures: [MeasureFact] = []

        func covers(_ date: CalendarDate) -> Bool {
            registeredOn <= date && (deregisteredOn.map { date <= $0 } ?? true)
        }
    }

    struct PersonIn {
        let personnummer: PersonalIdentityNumber
        var details = ContactDetails()
        var episodes: [EpisodeIn] = []
    }

    let today: CalendarDate
    let mapping: CodeMapping
    let catalog: CodeCatalog
    var people: [String: PersonIn] = [:]
    var problems: [ImportProblem] = []
    var contactCount = 0
    var measureCount = 0
    var episodeCount: Int { people.values.reduce(0) { $0 + $1.episodes.count } }
    private var allDates: [(CalendarDate, String, Int)] = []

    init(today: CalendarDate, mapping: CodeMapping, catalog: CodeCatalog) {
        self.today = today
        self.mapping = mapping
        self.catalog = catalog
    }

    private func code(_ value: String?, _ list: CodeList, column: String) throws(ImportFieldError) -> String {
        guard let value else { throw ImportFieldError("\(column) saknas") }
        let code = mapping.code(value, in: list)
        guard catalog.contains(code, in: list) else {
            throw ImportFieldError("\(column): '\(value)' är ingen giltig kod för \(list.swedishName) (och finns inte i kodöversättningen)")
        }
        if let replacement = KnownCode.retired[list]?[code] {
            throw ImportFieldError("\(column): '\(code)' används inte längre; ange \(replacement) (eller översätt koden med --mapping)")
        }
        return code
    }

    private func date(_ text: String?, column: String, required: Bool = true) throws(ImportFieldError) -> CalendarDate? {
        guard let text else {
            if required { throw ImportFieldError("\(column) saknas") }
            return nil
        }
        let date = try ImportFields.date(text, column: column)
        guard date <= today else { throw ImportFieldError("\(column): \(date) ligger efter dagens datum \(today)") }
        return date
    }

    /// The text columns of the history files and whether each may run over lines; the rest are codes,
    /// dates and flags, which their own checks refuse anything odd in.
    static let textColumns: [(name: String, allowsLineBreaks: Bool)] = [
        ("fornamn", false), ("efternamn", false), ("adress", false), ("postnummer", false), ("postort", false), ("telefon", false),
        ("epost", false), ("ansvarig", false), ("plan", true),
    ]

    private mutating func rows(_ path: String, required: [String: [String]], optional: [String: [String]],
                               _ body: (inout HistoryBuilder, ColumnMap, [String], Int) throws(ImportFieldError) -> Void) throws {
        var found: [ImportProblem] = []
        try CSVFileReader(path: path, displayName: path).readTable(required: required, optional: optional, problems: &found) { columns, raw, line in
            // Undoes the formula neutralisation of `kaa export history` (docs/file-formats.md), so
            // that an export reads back exactly.
            let fields = raw.map(CSVCell.restored)
            // Checked here, so the message names the file's column and line, not a command-line option.
            for (name, allowsLineBreaks) in Self.textColumns {
                if let value = columns.value(name, in: fields), let problem = TextSafety.problem(in: value, allowsLineBreaks: allowsLineBreaks) {
                    throw ImportFieldError("\(name): \(problem)")
                }
            }
            try body(&self, columns, fields, line)
        }
        problems += found
    }

    mutating func readEpisodes(_ path: String) throws {
        try rows(path, required: HistoryColumns.episodesRequired, optional: HistoryColumns.episodesOptional) { (builder: inout HistoryBuilder, columns, fields, line) throws(ImportFieldError) in
            let pnr = try ImportFields.personnummer(columns.value("personnummer", in: fields), today: builder.today)
            guard let registered = try builder.date(columns.value("registrerad", in: fields), column: "registrerad") else { return }
            let reason = try builder.code(columns.value("registreringsorsak", in: fields), .registrationReason, column: "registreringsorsak")
            let deregistered = try builder.date(columns.value("avregistrerad", in: fields), column: "avregistrerad", required: false)
            var deregistrationReason: String?
            if deregistered != nil || columns.value("avregistreringsorsak", in: fields) != nil {
                deregistrationReason = try builder.code(columns.value("avregistreringsorsak", in: fields), .deregistrationReason, column: "avregistreringsorsak")
                guard let deregistered else { throw ImportFieldError("avregistreringsorsak utan avregistreringsdatum") }
                guard deregistered >= registered else { throw ImportFieldError("avregistrerad \(deregistered) ligger före registrerad \(registered)") }
                // No episode ends on the day it begins, except one that was wrongly registered.
                guard deregistered > registered || deregistrationReason == KnownCode.felregistrerad else {
                    throw ImportFieldError("avregistrerad samma dag som registrerad (\(registered)); en inskrivning omfattar minst en dag")
                }
            }
            guard KAAAgeRule.isWithin(birthDate: pnr.birthDate, on: registered) else {
                throw ImportFieldError("personen omfattas inte av aktivitetsansvaret den \(registered) (ålder \(pnr.birthDate.age(on: registered)))")
            }
            let isProtected = try ImportFields.flag(columns.value("skyddad", in: fields), column: "skyddad")
            var person = builder.people[pnr.digits] ?? PersonIn(personnummer: pnr)
            var phone = columns.value("telefon", in: fields), email = columns.value("epost", in: fields)
            do throws(ContactValidation.Problem) {
                if let given = phone, !given.isEmpty { phone = try ContactValidation.phone(given) }
            } catch {
                throw ImportFieldError("telefon: \(error.message)")
            }
            do throws(ContactValidation.Problem) {
                if let given = email, !given.isEmpty { email = try ContactValidation.email(given) }
            } catch {
                throw ImportFieldError("epost: \(error.message)")
            }
            let details = ContactDetails(firstName: columns.value("fornamn", in: fields), lastName: columns.value("efternamn", in: fields),
                                         address: isProtected ? nil : columns.value("adress", in: fields),
                                         postalCode: isProtected ? nil : columns.value("postnummer", in: fields),
                                         city: isProtected ? nil : columns.value("postort", in: fields),
                                         phone: phone, email: email, isProtected: isProtected)
            if details != ContactDetails(isProtected: false) { person.details = details }
            for other in person.episodes {
                let otherEnd = other.deregisteredOn ?? CalendarDate(dayNumber: Int.max / 2)
                let thisEnd = deregistered ?? CalendarDate(dayNumber: Int.max / 2)
                if registered < otherEnd && other.registeredOn < thisEnd {
                    throw ImportFieldError("inskrivningen överlappar inskrivningen på rad \(other.line)")
                }
            }
            person.episodes.append(EpisodeIn(line: line, registeredOn: registered, reason: reason, deregisteredOn: deregistered,
                                             deregistrationReason: deregistrationReason))
            person.episodes.sort { $0.registeredOn < $1.registeredOn }
            if person.episodes.dropLast().contains(where: { $0.deregisteredOn == nil }) {
                throw ImportFieldError("bara personens senaste inskrivning kan vara öppen")
            }
            builder.people[pnr.digits] = person
            builder.allDates.append((registered, path, line))
            if let deregistered { builder.allDates.append((deregistered, path, line)) }
        }
    }

    /// The index of the person's episode covering `date`, or a message saying there is none.
    private func episodeIndex(_ pnr: PersonalIdentityNumber, covering date: CalendarDate) throws(ImportFieldError) -> Int {
        guard let person = people[pnr.digits] else { throw ImportFieldError("personen finns inte i inskrivningsfilen (--episodes)") }
        guard let index = person.episodes.firstIndex(where: { $0.covers(date) }) else {
            throw ImportFieldError("ingen av personens inskrivningar omfattar \(date)")
        }
        return index
    }

    mutating func readContacts(_ path: String) throws {
        try rows(path, required: HistoryColumns.contactsRequired, optional: HistoryColumns.contactsOptional) { (builder: inout HistoryBuilder, columns, fields, line) throws(ImportFieldError) in
            let pnr = try ImportFields.personnummer(columns.value("personnummer", in: fields), today: builder.today)
            guard let day = try builder.date(columns.value("datum", in: fields), column: "datum") else { return }
            let channel = try builder.code(columns.value("kontaktsatt", in: fields), .contactChannel, column: "kontaktsatt")
            let reached = try ImportFields.flag(columns.value("nadd", in: fields), column: "nadd")
            let occupation = try columns.value("sysselsattning", in: fields).map { (value: String) throws(ImportFieldError) -> String in
                try builder.code(value, .occupation, column: "sysselsattning")
            }
            if occupation != nil, !reached { throw ImportFieldError("sysselsättning kan bara anges när personen nåddes") }
            let index = try builder.episodeIndex(pnr, covering: day)
            builder.contactCount += 1
            builder.people[pnr.digits]?.episodes[index].contacts.append(
                ContactFact(id: Int64(line), date: day, channel: channel, isReached: reached, occupation: occupation))
            builder.allDates.append((day, path, line))
        }
    }

    mutating func readMeasures(_ path: String) throws {
        try rows(path, required: HistoryColumns.measuresRequired, optional: HistoryColumns.measuresOptional) { (builder: inout HistoryBuilder, columns, fields, line) throws(ImportFieldError) in
            let pnr = try ImportFields.personnummer(columns.value("personnummer", in: fields), today: builder.today)
            let type = try builder.code(columns.value("typ", in: fields), .measureType, column: "typ")
            guard let offered = try builder.date(columns.value("erbjuden", in: fields), column: "erbjuden") else { return }
            var decision: MeasureDecision?
            if let text = columns.value("beslut", in: fields) {
                guard let parsed = MeasureDecision(rawValue: text.uppercased()) else { throw ImportFieldError("beslut: '\(text)' ska vara ACCEPTERAD, AVBOJD eller tomt") }
                decision = parsed
            }
            let start = try builder.date(columns.value("start", in: fields), column: "start", required: false)
            let end = try builder.date(columns.value("slut", in: fields), column: "slut", required: false)
            let endReason = try columns.value("avslutsorsak", in: fields).map { (value: String) throws(ImportFieldError) -> String in
                try builder.code(value, .measureEndReason, column: "avslutsorsak")
            }
            let after = try columns.value("sysselsattning_efter", in: fields).map { (value: String) throws(ImportFieldError) -> String in
                try builder.code(value, .occupation, column: "sysselsattning_efter")
            }
            let followUp = try ImportFields.optionalDate(columns.value("uppfoljning", in: fields), column: "uppfoljning")
            let plannedStart = try ImportFields.optionalDate(columns.value("planerad_start", in: fields), column: "planerad_start")
            if let plannedStart, plannedStart < offered { throw ImportFieldError("planerad_start \(plannedStart) ligger före erbjuden \(offered)") }
            if let start, start < offered { throw ImportFieldError("start \(start) ligger före erbjuden \(offered)") }
            if start != nil, decision == .declined { throw ImportFieldError("en avböjd åtgärd kan inte ha startat") }
            if (end == nil) != (endReason == nil) { throw ImportFieldError("slut och avslutsorsak anges tillsammans") }
            if let end, end < (start ?? offered) { throw ImportFieldError("slut \(end) ligger före åtgärdens start") }
            if after != nil, end == nil { throw ImportFieldError("sysselsattning_efter kräver ett slutdatum") }
            if let plan = columns.value("plan", in: fields), plan.count > 2000 { throw ImportFieldError("plan: högst 2000 tecken") }
            let index = try builder.episodeIndex(pnr, covering: offered)
            if let episodeEnd = builder.people[pnr.digits]?.episodes[index].deregisteredOn, let last = end ?? start, last > episodeEnd {
                throw ImportFieldError("åtgärden pågår efter inskrivningens avregistrering \(episodeEnd)")
            }
            builder.measureCount += 1
            builder.people[pnr.digits]?.episodes[index].measures.append(MeasureFact(
                id: Int64(line), type: type, offeredOn: offered, decision: decision ?? (start != nil ? .accepted : nil), startedOn: start,
                endedOn: end, endReason: endReason, occupationAfter: after, followUpOn: followUp,
                responsible: columns.value("ansvarig", in: fields), plan: columns.value("plan", in: fields), plannedStartOn: plannedStart))
            // Every date of the measure moves a figure (offered, started, ended), so each is checked.
            for day in [offered, start, end].compactMap({ $0 }) { builder.allDates.append((day, path, line)) }
        }
    }

    /// People already in the register, and dates inside periods whose figures are stored, are refused.
    mutating func checkAgainstRegister(_ database: Database) throws {
        let existing = Set(try database.query("SELECT personnummer FROM person").map { try $0.text(0) })
        for person in people.values where existing.contains(person.personnummer.digits) {
            if let first = person.episodes.first {
                problems.append(ImportProblem(file: "inskrivningsfilen", line: first.line,
                                              message: "\(person.personnummer.formatted) finns redan i registret; historikimport är till för ett nytt register"))
            }
        }
        let frozen = Set(try database.query("SELECT period FROM frozen_period").map { try $0.text(0) })
        guard !frozen.isEmpty else { return }
        for (day, file, line) in allDates {
            let month = Period.month(of: day).description, half = Period.half(of: day).description
            if frozen.contains(month) || frozen.contains(half) {
                problems.append(ImportProblem(file: file, line: line, message: "\(day) ligger i en period vars siffror redan är fastställda i registret"))
            }
        }
    }
}
