import KAACore
import KAASQLite

extension Register {
    /// Closes `FYLLT_20`, as the system, every episode still open on the person's 20th birthday
    /// (Skollagen 29:9: KAA ends there), on that day or, when it lies in a frozen period, on the first
    /// open day (`KAAAgeRule.automaticClose`); measures still running end there (`AVREGISTRERAD`), as
    /// at any de-registration. All in one transaction, written only when something is due, so a
    /// register with nothing due is not written at all. Returns the closed episodes' ids.
    @discardableResult
    public func closeEpisodesAtTwentieth() throws(RegisterError) -> [Int64] {
        let today = self.today
        // A read first: most openings have nothing due and must not take the write lock. SQL narrows
        // the open episodes to those whose 20th birthday, as text YYYY-MM-DD built from the number
        // (samordningsnummer: day + 60), is not after today; a 29 February of a non-leap year then
        // sorts between 28 February and 1 March, which is the design's 1 March. Swift decides exactly.
        let due: [Int64] = try read {
            var people: [Int64] = []
            for row in try database.query("""
                SELECT e.person_id, p.personnummer FROM episode e JOIN person p ON p.id = e.person_id
                WHERE e.deregistered_on IS NULL
                  AND printf('%04d-%s-%02d', CAST(substr(p.personnummer, 1, 4) AS INTEGER) + 20, substr(p.personnummer, 5, 2),
                             CAST(substr(p.personnummer, 7, 2) AS INTEGER) % 60) <= ?
                """, [SQLValue(today)]) {
                guard let pnr = try? PersonalIdentityNumber(try row.text(1), today: today) else { continue }
                if KAAAgeRule.endDay(birthDate: pnr.birthDate) <= today { people.append(try row.int(0)) }
            }
            return people
        }
        guard !due.isEmpty else { return [] }
        let firstOpenDay = Period.firstOpenDay(today: today)
        return try write {
            var closed: [Int64] = []
            for personID in due {
                guard let person = try loadHistories(personID: personID, asClosedAtTwentieth: false).first,
                      let episode = person.openEpisode,
                      let day = KAAAgeRule.automaticClose(of: episode, birthDate: person.personnummer.birthDate, today: today,
                                                          firstOpenDay: firstOpenDay) else { continue }
                try database.execute("UPDATE episode SET deregistered_on = ?, deregistration_reason = ? WHERE id = ? AND deregistered_on IS NULL",
                                     [SQLValue(day), .text(KnownCode.fyllt20), .integer(episode.id)])
                try validateEpisode(episode.id)
                try database.execute("UPDATE measure SET ended_on = ?, end_reason = ? WHERE episode_id = ? AND ended_on IS NULL",
                                     [SQLValue(day), .text(KnownCode.measureEndAtDeregistration), .integer(episode.id)])
                let ended = database.changes
                var changes = AuditChanges()
                changes.date("deregistered_on", nil, day)
                changes.value("deregistration_reason", nil, KnownCode.fyllt20)
                if ended > 0 { changes.note("åtgärder avslutade: \(ended) (AVREGISTRERAD)") }
                try audit("deregister", personID: personID,
                          detail: "episode=\(episode.id) reason=\(KnownCode.fyllt20) measures_ended=\(ended) automatic=1", changes: changes,
                          staff: Self.systemStaff)
                closed.append(episode.id)
            }
            return closed
        }
    }

    /// Refuses `FYLLT_20` on a day before the 20th birthday, naming the birthday.
    func checkTurnedTwenty(_ pnr: PersonalIdentityNumber, reason: String, on date: CalendarDate, field: String) throws(RegisterError) {
        guard reason == KnownCode.fyllt20 else { return }
        let birthday = KAAAgeRule.endDay(birthDate: pnr.birthDate)
        guard date >= birthday else {
            throw .invalidInput(field: field, message: "\(pnr.formatted) fyller 20 år \(birthday) och är inte 20 den \(date); "
                + "FYLLT_20 gäller från 20-årsdagen (registret avslutar inskrivningen själv den dagen)")
        }
    }
}
