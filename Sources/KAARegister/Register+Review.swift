import KAACore
import KAASQLite

/// An item identify (or a migration) wants a coordinator to look at, before it is stored.
struct ReviewProposal {
    let personID: Int64
    var episodeID: Int64?
    let kind: ReviewKind
    /// What was seen; the same evidence never raises a second item (design §12).
    let evidence: String
    let message: String
    var proposedReason: String?
    var proposedOn: CalendarDate?
    var field: ContactField?
    var proposedValue: String?
}

// "Att granska" (design §12): identify proposes, the coordinator decides. Items are stored once per
// person, kind and evidence; a resolved item stays resolved while the files say the same thing.
extension Register {
    /// Records `proposal` unless an item for the same evidence exists. Returns the id of the item
    /// still open (new or earlier), nil when a coordinator has already resolved it. In a dry run
    /// (`dryRun`) nothing is written and a new item's id is 0.
    func propose(_ proposal: ReviewProposal, seenOn: CalendarDate, dryRun: Bool) throws -> Int64? {
        if let existing = try database.queryOne("SELECT id, decision FROM review_item WHERE person_id = ? AND kind = ? AND evidence = ?",
                                                [.integer(proposal.personID), .text(proposal.kind.rawValue), .text(proposal.evidence)]) {
            return try existing.optionalText(1) == nil ? existing.int(0) : nil
        }
        if dryRun { return 0 }
        try database.cachedStatement("""
            INSERT INTO review_item (person_id, episode_id, kind, evidence, message, proposed_reason, proposed_on, field, proposed_value,
                                     seen_on, created_at, created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run([.integer(proposal.personID), SQLValue(proposal.episodeID), .text(proposal.kind.rawValue), .text(proposal.evidence),
                      .text(proposal.message), SQLValue(proposal.proposedReason), SQLValue(proposal.proposedOn), SQLValue(proposal.field?.rawValue),
                      SQLValue(proposal.proposedValue), SQLValue(seenOn), .text(clock.now), .text(staff)])
        let id = database.lastInsertRowID
        var changes = AuditChanges()
        changes.value("review.kind", nil, proposal.kind.rawValue)
        try audit("review.add", personID: proposal.personID, detail: "review=\(id) kind=\(proposal.kind.rawValue)", changes: changes)
        return id
    }

    /// The open "Att granska" items (with `includeResolved`, every item), oldest first; an audited read.
    public func reviewItems(includeResolved: Bool = false) throws(RegisterError) -> [ReviewItem] {
        try write {
            let all = try loadReviewItems(where: includeResolved ? "" : "WHERE r.decision IS NULL", [])
            let reached = Set(try reachable(all.map(\.personID)))
            let items = all.filter { reached.contains($0.personID) }
            try auditReads("review.list", personIDs: items.map(\.personID), context: .review)
            return items
        }
    }

    /// Settles an item (audited). `reason` and `date` go with `.change`: for a proposed
    /// de-registration they replace the proposal's; for a person missing from the extract `reason`
    /// corrects the de-registration's reason (emigrated, died). Everything or nothing is written.
    @discardableResult
    public func resolveReview(_ id: Int64, decision: ReviewDecision, reason: String? = nil, date: CalendarDate? = nil) throws(RegisterError) -> ReviewItem {
        let reason = try reason.map { code throws(RegisterError) in try canonicalCode(code, .deregistrationReason, field: "--reason") }
        if let date { try checkEventDate(date, field: "--date") }
        if decision != .change, reason != nil || date != nil {
            throw .invalidInput(field: "--reason", message: "--reason och --date hör till --decision andra")
        }
        return try write {
            guard let item = try loadReviewItems(where: "WHERE r.id = ?", [.integer(id)]).first else {
                throw RegisterError.notFound("punkt \(id) finns inte bland Att granska")
            }
            if let done = item.decision {
                throw RegisterError.invalidInput(field: nil, message: "punkt \(id) är redan avgjord (\(done.label), \(item.resolvedBy ?? "") \(item.resolvedAt?.prefix(10) ?? ""))")
            }
            var detail = "review=\(id) kind=\(item.kind.rawValue) decision=\(decision.rawValue)"
            if decision == .change {
                detail += try apply(item, reason: reason, date: date)
            }
            try database.execute("UPDATE review_item SET decision = ?, resolved_at = ?, resolved_by = ? WHERE id = ?",
                                 [.text(decision.rawValue), .text(clock.now), .text(staff), .integer(id)])
            var changes = AuditChanges()
            changes.value("review.decision", nil, decision.rawValue)
            try audit("review.resolve", personID: item.personID, detail: detail, changes: changes)
            guard let resolved = try loadReviewItems(where: "WHERE r.id = ?", [.integer(id)]).first else {
                throw RegisterError.notFound("punkt \(id) finns inte bland Att granska")
            }
            return resolved
        }
    }

    /// Does what an item proposes; returns what to add to the audit detail (codes only).
    private func apply(_ item: ReviewItem, reason: String?, date: CalendarDate?) throws -> String {
        switch item.kind {
        case .missingFromExtract:
            guard let reason, let episodeID = item.episodeID else {
                throw RegisterError.invalidInput(field: "--reason", message: "ange den rätta avregistreringsorsaken, t.ex. --reason UTVANDRAT eller --reason AVLIDEN")
            }
            try correctEpisode(episodeID, EpisodeCorrection(deregisteredOn: date, deregistrationReason: reason))
            return " reason=\(reason)"
        case .decisionDiffers:
            guard let proposed = reason ?? item.proposedReason, let day = date ?? item.proposedOn, let episodeID = item.episodeID else {
                throw RegisterError.invalidInput(field: "--reason", message: "ange --reason och --date för avregistreringen")
            }
            let episode = try episodeRow(episodeID)
            guard episode.deregisteredOn == nil else {
                throw RegisterError.invalidInput(field: nil, message: "inskrivning \(episodeID) är redan avslutad \(episode.deregisteredOn?.description ?? ""); avgör punkten med --decision klar")
            }
            try deregister(item.personnummer, on: day, reason: proposed)
            return " reason=\(proposed)"
        case .detailDiffers:
            guard let field = item.field, let value = item.proposedValue else {
                throw RegisterError.invalidInput(field: nil, message: "punkt \(item.id) föreslår inget värde")
            }
            var details = ContactDetails()
            field.set(value, in: &details)
            if field.isAddress, try contactDetails(personID: item.personID)?.isProtected == true {
                throw RegisterError.invalidInput(field: nil, message: "adress lagras inte för en person med skyddad identitet")
            }
            let before = try contactDetails(personID: item.personID)
            _ = try upsertPerson(item.personnummer, details: details, origin: .extract(item.seenOn))
            try audit("person.update", personID: item.personID, detail: "fields=\(field.rawValue) source=extract",
                      changes: Self.detailChanges(before, try contactDetails(personID: item.personID)))
            return " field=\(field.rawValue)"
        case .rule, .occupationMapped:
            throw RegisterError.invalidInput(field: "--decision", message: "punkten har inget förslag att genomföra; rätta registret med kaa-kommandona "
                + "och avgör den sedan med --decision klar (eller behall)")
        }
    }

    func loadReviewItems(where filter: String, _ arguments: [SQLValue]) throws -> [ReviewItem] {
        try database.query("""
            SELECT r.id, r.person_id, p.personnummer, coalesce(p.first_name, ''), coalesce(p.last_name, ''), r.episode_id, r.kind, r.message,
                   r.proposed_reason, r.proposed_on, r.field, r.proposed_value, r.seen_on, r.resolved_at, r.resolved_by, r.decision
            FROM review_item r JOIN person p ON p.id = r.person_id
            """ + " " + filter + " ORDER BY r.id", arguments).map { row in
            ReviewItem(id: try row.int(0), personID: try row.int(1), personnummer: try PersonalIdentityNumber(try row.text(2), today: today),
                       name: [try row.text(3), try row.text(4)].filter { !$0.isEmpty }.joined(separator: " "),
                       episodeID: try row.optionalInt(5), kind: ReviewKind(rawValue: try row.text(6)) ?? .rule, message: try row.text(7),
                       proposedReason: try row.optionalText(8), proposedOn: try optionalDate(row, 9),
                       field: try row.optionalText(10).flatMap(ContactField.init(rawValue:)), proposedValue: try row.optionalText(11),
                       seenOn: try date(row, 12), resolvedAt: try row.optionalText(13), resolvedBy: try row.optionalText(14),
                       decision: try row.optionalText(15).flatMap(ReviewDecision.init(rawValue:)))
        }
    }
}
