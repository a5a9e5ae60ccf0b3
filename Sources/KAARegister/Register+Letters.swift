import KAACore
import KAACrypto
import KAASQLite

/// One person a letter can go to: name and postal address, and the handläggare who signs it.
public struct LetterRecipient: Sendable, Equatable {
    public let personID: Int64
    public let personnummer: PersonalIdentityNumber
    public let details: ContactDetails
    /// The person's handläggare, nil without one.
    public let caseworkerName: String?

    /// First and last name, as the lists show it.
    public var name: String { [details.firstName, details.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ") }
}

/// Someone in a selection who gets no letter, by name only (a protected person's address is never read).
public struct LetterExclusion: Sendable, Equatable {
    public enum Reason: String, Sendable {
        /// Skyddad identitet: never in a letter, whatever the register holds.
        case protectedIdentity
        /// No complete postal address (street, postal code and city).
        case withoutAddress
        /// No open episode: a letter could go, but no contact attempt can be logged.
        case notEnrolled
    }

    public let personID: Int64
    public let name: String
    public let reason: Reason
}

/// The people of a selection split into those who can get a letter and those who cannot (and why).
public struct LetterSelection: Sendable {
    /// Those a letter can go to, by last name then first name.
    public let recipients: [LetterRecipient]
    /// Those left out, by reason then name.
    public let excluded: [LetterExclusion]

    public func excluded(_ reason: LetterExclusion.Reason) -> [LetterExclusion] { excluded.filter { $0.reason == reason } }
}

/// A batch of letters registered as sent: no personal data (the recipients are the audit row's set).
public struct LetterBatch: Sendable, Equatable {
    public let id: Int64
    public let auditID: Int64
    public let sentAt: String
    public let staff: String
    public let kind: LetterKind
    public let letterDate: CalendarDate
    public let recipients: Int
    /// Whether this call found the batch already registered (the same form posted twice) and wrote nothing.
    public let isRepeat: Bool

    /// The digest of a whole selection's recipients (a form's check that it did not change).
    public static func selectionDigest(personIDs: [Int64]) -> String {
        Crypto.sha256Hex(Array("urval|\(Set(personIDs).sorted().map(String.init).joined(separator: ","))".utf8))
    }

    /// The batch's digest: the kind, the date and the recipients' ids (ascending), as 64 hex digits.
    public static func digest(kind: LetterKind, date: CalendarDate, personIDs: [Int64]) -> String {
        Crypto.sha256Hex(Array("\(kind.rawValue)|\(date)|\(Set(personIDs).sorted().map(String.init).joined(separator: ","))".utf8))
    }
}

extension Register {
    // MARK: - Templates

    /// The three templates, in `LetterKind` order.
    public func letterTemplates() throws(RegisterError) -> [LetterTemplate] {
        let rows = try read {
            try database.query("SELECT kind, title, body, updated_at, updated_by FROM letter_template").map { row in
                (try row.text(0), try row.text(1), try row.text(2), try row.optionalText(3), try row.optionalText(4))
            }
        }
        return LetterKind.allCases.compactMap { kind in
            rows.first { $0.0 == kind.rawValue }.map { LetterTemplate(kind: kind, title: $0.1, body: $0.2, updatedAt: $0.3, updatedBy: $0.4) }
        }
    }

    /// One template.
    public func letterTemplate(_ kind: LetterKind) throws(RegisterError) -> LetterTemplate {
        guard let template = try letterTemplates().first(where: { $0.kind == kind }) else {
            throw .notFound("brevmallen \(kind.rawValue) finns inte i registret")
        }
        return template
    }

    /// Saves a template's new title and body (checked by `LetterTemplate.validated`); audited with
    /// what changed, before → after. Samordnare and admin only. Returns false when nothing changed.
    @discardableResult
    public func updateLetterTemplate(_ kind: LetterKind, title: String, body: String) throws(RegisterError) -> Bool {
        try checkRole([.samordnare, .admin], for: "letters.template")
        let new = try LetterTemplate.validated(title: title, body: body)
        return try write {
            guard let row = try database.queryOne("SELECT title, body FROM letter_template WHERE kind = ?", [.text(kind.rawValue)]) else {
                throw RegisterError.notFound("brevmallen \(kind.rawValue) finns inte i registret")
            }
            let (oldTitle, oldBody) = (try row.text(0), try row.text(1))
            guard oldTitle != new.title || oldBody != new.body else { return false }
            try database.execute("UPDATE letter_template SET title = ?, body = ?, updated_at = ?, updated_by = ? WHERE kind = ?",
                                 [.text(new.title), .text(new.body), .text(clock.now), .text(staff), .text(kind.rawValue)])
            // A template is the kommun's text, not a person's: the log keeps it whole, before and after.
            var changes = AuditChanges()
            changes.value("title", oldTitle, new.title)
            changes.value("body", oldBody, new.body)
            try audit("letters.template", detail: "kind=\(kind.rawValue)", changes: changes)
            return true
        }
    }

    // MARK: - Selections

    /// Of `personIDs`, those the viewer reaches, split into recipients and those left out; one
    /// audited read (`action`, context letter) naming everyone whose name or address it returned.
    /// A protected person's address is not read at all: the query gives nulls in its place.
    public func letterSelection(_ personIDs: [Int64], action: String) throws(RegisterError) -> LetterSelection {
        try readAudited {
            let selection = try selectLetterPeople(try reachable(Array(Set(personIDs))))
            try auditReads(action, personIDs: selection.recipients.map(\.personID) + selection.excluded.map(\.personID), context: .letter)
            return selection
        }
    }

    /// The selection of `personIDs` (already reached), unaudited: for the caller's audited read or write.
    func selectLetterPeople(_ personIDs: [Int64]) throws -> LetterSelection {
        var recipients: [LetterRecipient] = []
        var excluded: [LetterExclusion] = []
        let statement = try database.cachedStatement("""
            SELECT p.personnummer, coalesce(p.first_name, ''), coalesce(p.last_name, ''), p.is_protected,
                   CASE WHEN p.is_protected THEN NULL ELSE p.address END,
                   CASE WHEN p.is_protected THEN NULL ELSE p.postal_code END,
                   CASE WHEN p.is_protected THEN NULL ELSE p.city END,
                   (SELECT s.name FROM caseload c JOIN staff s ON s.id = c.staff_id WHERE c.person_id = p.id),
                   EXISTS (SELECT 1 FROM episode e WHERE e.person_id = p.id AND e.deregistered_on IS NULL)
            FROM person p WHERE p.id = ?
            """)
        for personID in personIDs.sorted() {
            guard let row = try statement.rows([.integer(personID)]).first else { continue }
            let first = try row.text(1), last = try row.text(2)
            let name = [first, last].filter { !$0.isEmpty }.joined(separator: " ")
            if try row.bool(3) { excluded.append(LetterExclusion(personID: personID, name: name, reason: .protectedIdentity)); continue }
            func present(_ index: Int) throws -> String? {
                guard let text = try row.optionalText(index)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                return text
            }
            guard let address = try present(4), let postalCode = try present(5), let city = try present(6) else {
                excluded.append(LetterExclusion(personID: personID, name: name, reason: .withoutAddress)); continue
            }
            guard try row.bool(8) else { excluded.append(LetterExclusion(personID: personID, name: name, reason: .notEnrolled)); continue }
            recipients.append(LetterRecipient(
                personID: personID, personnummer: try personnummer(try row.text(0)),
                details: ContactDetails(firstName: first.isEmpty ? nil : first, lastName: last.isEmpty ? nil : last, address: address,
                                        postalCode: postalCode, city: city, isProtected: false),
                caseworkerName: try row.optionalText(7)))
        }
        let order: [LetterExclusion.Reason] = [.protectedIdentity, .withoutAddress, .notEnrolled]
        return LetterSelection(
            recipients: recipients.sorted { ($0.details.lastName ?? "", $0.details.firstName ?? "", $0.personID) < ($1.details.lastName ?? "", $1.details.firstName ?? "", $1.personID) },
            excluded: excluded.sorted { (order.firstIndex(of: $0.reason) ?? 0, $0.name, $0.personID) < (order.firstIndex(of: $1.reason) ?? 0, $1.name, $1.personID) })
    }

    /// Name and address of everyone on a worklist who can get a letter (`kaa letters`): protected
    /// identities and people without an address are left out (counted). An audited read.
    public func letterRecipients(_ list: Worklist, days: Int? = nil) throws(RegisterError) -> (recipients: [ContactDetails], protected: Int, withoutAddress: Int) {
        let entries = try worklist(list, days: days)
        let selection = try letterSelection(entries.map(\.entry.personID), action: "letters.\(list.rawValue)")
        return (selection.recipients.map(\.details), selection.excluded(.protectedIdentity).count,
                selection.excluded(.withoutAddress).count + selection.excluded(.notEnrolled).count)
    }

    /// The recipients of letters to exactly `personIDs` (the ticked boxes of a form), one audited
    /// read. A person the viewer does not reach is refused with a `denied` audit row; anyone who
    /// cannot get a letter (protected identity, no address, no open episode, no such person)
    /// refuses the whole choice, so a posted id never puts such a person in a letter.
    public func chosenLetterRecipients(_ personIDs: [Int64], action: String) throws(RegisterError) -> [LetterRecipient] {
        let people = Set(personIDs).sorted()
        guard !people.isEmpty else { throw .invalidInput(field: "ids", message: "ingen mottagare är vald") }
        let reached = Set(try read { try reachable(people) })
        if let outside = people.first(where: { !reached.contains($0) }) { try checkAccess(toPerson: outside, for: action) }
        let selection = try letterSelection(people, action: action)
        guard selection.recipients.count == people.count else {
            throw .invalidInput(field: "ids", message: "\(people.count - selection.recipients.count) av de valda kan inte få brev (skyddad identitet, "
                + "saknar adress eller är inte inskrivna i KAA nu) och skrivs aldrig ut; börja om från urvalet")
        }
        return selection.recipients
    }

    // MARK: - Sending

    /// Registers letters of `kind` dated `date` as sent to `personIDs`: a `BREV` contact attempt
    /// (not reached) for each, all in one transaction with one audit row (`letters.sent`) naming
    /// every recipient, and the batch kept for its receipt.
    ///
    /// `digest` is the one the confirmation showed (`LetterBatch.digest`): the same digest posted
    /// again returns the batch already written and writes nothing. Everyone must still be a
    /// recipient (reached by the viewer, not protected, with an address, in an open episode);
    /// anyone who is not refuses the whole batch. A person the viewer does not reach is refused
    /// with a `denied` audit row, as everywhere.
    public func recordLettersSent(_ personIDs: [Int64], kind: LetterKind, on date: CalendarDate, digest: String) throws(RegisterError) -> LetterBatch {
        let people = Set(personIDs).sorted()
        guard !people.isEmpty else { throw .invalidInput(field: "ids", message: "ingen mottagare är vald") }
        guard LetterBatch.digest(kind: kind, date: date, personIDs: people) == digest else {
            throw .staleView("Urvalet har ändrats sedan bekräftelsen visades. Ingenting har registrerats; börja om från urvalet.")
        }
        try checkRole([.handlaggare, .samordnare], for: "letters.sent")
        // Reach first: a repeat of someone else's batch tells nothing about people the viewer does not reach.
        let reached = Set(try read { try reachable(people) })
        if let outside = people.first(where: { !reached.contains($0) }) { try checkAccess(toPerson: outside, for: "letters.sent") }
        if let existing = try letterBatch(digest: digest) { return existing }
        try checkEventDate(date, field: "date")
        return try write {
            let digestBytes = Crypto.sha256(Array("\(kind.rawValue)|\(date)|\(people.map(String.init).joined(separator: ","))".utf8))
            if let existing = try letterBatch(digestBytes: digestBytes) { return existing }
            let selection = try selectLetterPeople(people)
            guard selection.excluded.isEmpty, selection.recipients.count == people.count else {
                throw RegisterError.staleView("\(people.count - selection.recipients.count) av de valda "
                    + "kan inte få brev längre (skyddad identitet, saknar adress, avslutad inskrivning eller borttagen). Ingenting har registrerats; börja om från urvalet.")
            }
            let insert = try database.cachedStatement(
                "INSERT INTO contact (episode_id, contacted_on, channel, is_reached, occupation, reports_deregistration, next_contact_on) VALUES (?, ?, 'BREV', 0, NULL, 0, NULL)")
            for recipient in selection.recipients {
                let episode = try openEpisode(personID: recipient.personID, pnr: recipient.personnummer)
                try checkWithinEpisode(date, episode.registeredOn, field: "date")
                try insert.run([.integer(episode.id), SQLValue(date)])
            }
            try auditReads("letters.sent", personIDs: people, context: .letter, detail: "kind=\(kind.rawValue) date=\(date) channel=BREV reached=0")
            let auditID = database.lastInsertRowID
            try database.execute("""
                INSERT INTO letter_batch (digest, audit_id, sent_at, staff, kind, letter_date, recipients) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.blob(digestBytes), .integer(auditID), .text(clock.now), .text(staff), .text(kind.rawValue), SQLValue(date), .integer(Int64(people.count))])
            return LetterBatch(id: database.lastInsertRowID, auditID: auditID, sentAt: clock.now, staff: staff, kind: kind, letterDate: date,
                               recipients: people.count, isRepeat: false)
        }
    }

    /// A batch by id; a handläggare sees only their own.
    public func letterBatch(id: Int64) throws(RegisterError) -> LetterBatch? {
        let batch = try read { try letterBatch(where: "id = ?", .integer(id)) }
        if let batch, let viewer, viewer.role == .handlaggare, batch.staff != viewer.login { return nil }
        return batch
    }

    func letterBatch(digest: String) throws(RegisterError) -> LetterBatch? {
        guard digest.utf8.count == 64 else { return nil }
        let bytes = stride(from: 0, to: 64, by: 2).compactMap { offset -> UInt8? in
            let start = digest.utf8.index(digest.utf8.startIndex, offsetBy: offset)
            return UInt8(String(digest[start..<digest.utf8.index(start, offsetBy: 2)]), radix: 16)
        }
        guard bytes.count == 32 else { return nil }
        return try read { try letterBatch(digestBytes: bytes) }
    }

    func letterBatch(digestBytes: [UInt8]) throws -> LetterBatch? {
        try letterBatch(where: "digest = ?", .blob(digestBytes)).map { batch in
            LetterBatch(id: batch.id, auditID: batch.auditID, sentAt: batch.sentAt, staff: batch.staff, kind: batch.kind,
                        letterDate: batch.letterDate, recipients: batch.recipients, isRepeat: true)
        }
    }

    private func letterBatch(where condition: String, _ argument: SQLValue) throws -> LetterBatch? {
        guard let row = try database.queryOne(
            "SELECT id, audit_id, sent_at, staff, kind, letter_date, recipients FROM letter_batch WHERE \(condition)", [argument]) else { return nil }
        guard let kind = LetterKind(rawValue: try row.text(4)) else { return nil }
        return LetterBatch(id: try row.int(0), auditID: try row.int(1), sentAt: try row.text(2), staff: try row.text(3), kind: kind,
                           letterDate: try date(row, 5), recipients: Int(try row.int(6)), isRepeat: false)
    }
}
