import KAACore
import KAASQLite

extension Register {
    /// A worklist on today (an audited read of every person it shows).
    public func worklist(_ list: Worklist, days: Int? = nil) throws(RegisterError) -> [NamedWorklistEntry] {
        let days = days ?? defaultDays(list)
        guard days >= 0 else { throw .invalidInput(field: "--days", message: "antalet dagar kan inte vara negativt") }
        return try readAudited {
            // A handläggare's lists read only their caseload's histories (a few dozen, not the kommun's thousands).
            var caseload: Int64?
            if case let .caseload(staffID) = reach { caseload = staffID }
            let all = list.entries(people: try loadHistories(caseloadOf: caseload), today: today, days: days)
            let reached = Set(try reachable(all.map(\.personID)))
            let entries = all.filter { reached.contains($0.personID) }
            var names: [Int64: (String, Bool)] = [:]
            for row in try database.query("SELECT id, coalesce(first_name, ''), coalesce(last_name, ''), is_protected FROM person") {
                names[try row.int(0)] = ([try row.text(1), try row.text(2)].filter { !$0.isEmpty }.joined(separator: " "), try row.bool(3))
            }
            try auditReads("worklist.\(list.rawValue)", personIDs: entries.map(\.personID), context: .worklist)
            return entries.map { NamedWorklistEntry(entry: $0, name: names[$0.personID]?.0 ?? "", isProtected: names[$0.personID]?.1 ?? false) }
        }
    }

    /// The days a list takes when none are given: the configured ones; follow-ups due today or earlier.
    func defaultDays(_ list: Worklist) -> Int {
        switch list {
        case .turning20: configuration.turning20Days
        case .followUpDue: 0
        default: configuration.noContactDays
        }
    }

    /// The "Idag" page's work, read at once (one audited read of everyone shown): the worklists for
    /// the people the viewer reaches, with follow-ups due within `followUpDays`; the open review
    /// items; and, for a viewer who reaches everyone, people in an open episode with no handläggare.
    /// Each part shows its `limit` oldest lines (all with nil, and the part named `unlimited`:
    /// a worklist's raw value, `att-granska` or `ej-tilldelade`) and counts them all; only the lines
    /// shown are named, and audited.
    public func todaysWork(followUpDays: Int = 7, limit: Int? = nil, unlimited: String? = nil) throws(RegisterError) -> TodaysWork {
        try readAudited {
            let work: TodaysWork
            if let viewCache {
                let key = ViewCache.TodayKey(reach: reach, today: today, followUpDays: followUpDays, limit: limit, unlimited: unlimited)
                work = try viewCache.todaysWork(key, counter: try ViewCache.counter(database)) {
                    try computeTodaysWork(followUpDays: followUpDays, limit: limit, unlimited: unlimited)
                }
            } else {
                work = try computeTodaysWork(followUpDays: followUpDays, limit: limit, unlimited: unlimited)
            }
            let shown = work.lists.flatMap { $0.entries.map(\.entry.personID) } + work.review.map(\.personID) + (work.unassigned ?? []).map(\.entry.personID)
            try auditReads("today", personIDs: shown, context: .worklist)
            return work
        }
    }

    /// The "Idag" lists from the register (in the caller's read transaction), unaudited.
    private func computeTodaysWork(followUpDays: Int, limit: Int?, unlimited: String?) throws -> TodaysWork {
        func cut<T>(_ items: [T], _ key: String) -> [T] {
            guard let limit, key != unlimited, items.count > limit else { return items }
            return Array(items.prefix(limit))
        }
        var caseload: Int64?
        if case let .caseload(staffID) = reach { caseload = staffID }
        let people = try loadHistories(caseloadOf: caseload)
        let reached = Set(try reachable(people.map(\.personID)))
        let mine = people.filter { reached.contains($0.personID) }
        let lists: [Worklist] = [.notReached, .noContact, .followUpDue, .plannedStartPassed, .turning20, .noMeasure]
        let computed = lists.map { list in
            let days = list == .followUpDue ? followUpDays : defaultDays(list)
            return (list, days, list.entries(people: mine, today: today, days: days))
        }
        let allReview = try loadReviewItems(where: "WHERE r.decision IS NULL", []).filter { reached.contains($0.personID) }
        var allUnassigned: [WorklistEntry]?
        if reach == .everyone {
            let assigned = Set(try database.query("SELECT person_id FROM caseload").map { try $0.int(0) })
            allUnassigned = mine.compactMap { person in
                guard !assigned.contains(person.personID), let episode = person.openEpisode, episode.registeredOn <= today else { return nil }
                return WorklistEntry(personID: person.personID, personnummer: person.personnummer, episodeID: episode.id, measureID: nil,
                                     date: episode.registeredOn, note: "registrerad \(episode.registeredOn), ingen handläggare")
            }.sorted { ($0.date, $0.personID) < ($1.date, $1.personID) }
        }
        let shownLists = computed.map { ($0.0, $0.1, cut($0.2, $0.0.rawValue), $0.2.count) }
        let review = cut(allReview, "att-granska")
        let unassigned = allUnassigned.map { cut($0, "ej-tilldelade") }
        let shown = shownLists.flatMap { $0.2.map(\.personID) } + review.map(\.personID) + (unassigned ?? []).map(\.personID)
        let names = try personNames(shown)
        func named(_ entries: [WorklistEntry]) -> [NamedWorklistEntry] {
            entries.map { NamedWorklistEntry(entry: $0, name: names[$0.personID]?.name ?? "", isProtected: names[$0.personID]?.isProtected ?? false) }
        }
        return TodaysWork(lists: shownLists.map { TodaysWork.List(list: $0.0, days: $0.1, entries: named($0.2), total: $0.3) },
                          review: review, reviewTotal: allReview.count, unassigned: unassigned.map(named), unassignedTotal: allUnassigned?.count ?? 0)
    }

    /// Names and protected-identity flags of people by id.
    func personNames(_ ids: [Int64]) throws -> [Int64: (name: String, isProtected: Bool)] {
        var names: [Int64: (name: String, isProtected: Bool)] = [:]
        let wanted = Set(ids)
        guard !wanted.isEmpty else { return names }
        // By id, a few hundred at a time: a handläggare's Idag names dozens, not the kommun's 50 000.
        let sorted = wanted.sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            let chunk = sorted[start..<min(start + 500, sorted.count)]
            let sql = "SELECT id, coalesce(first_name, ''), coalesce(last_name, ''), is_protected FROM person WHERE id IN ("
                + chunk.map { _ in "?" }.joined(separator: ", ") + ")"
            for row in try database.query(sql, chunk.map { .integer($0) }) {
                names[try row.int(0)] = ([try row.text(1), try row.text(2)].filter { !$0.isEmpty }.joined(separator: " "), try row.bool(3))
            }
        }
        return names
    }
}

/// What the "Idag" page shows.
public struct TodaysWork: Sendable {
    /// One worklist with the days it was computed for.
    public struct List: Sendable {
        public let list: Worklist
        public let days: Int
        /// The lines shown (the oldest, up to the limit).
        public let entries: [NamedWorklistEntry]
        /// How many lines the list has.
        public let total: Int
    }
    public let lists: [List]
    /// Open "Att granska" items for the people reached (up to the limit).
    public let review: [ReviewItem]
    /// How many there are.
    public let reviewTotal: Int
    /// People in an open episode without a handläggare; nil for a viewer who does not assign.
    public let unassigned: [NamedWorklistEntry]?
    /// How many there are.
    public let unassignedTotal: Int
}
