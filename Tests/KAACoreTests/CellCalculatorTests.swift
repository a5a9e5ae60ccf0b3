import KAACore
import KAATestFixtures
import Testing

/// A deterministic stand-in for the HMAC period key: large values, so sums wrap modulo 2^32.
let fakeKey: CellCalculator.PeriodKey = { pnr, period in
    var hash: UInt32 = 2_166_136_261
    for byte in (pnr.digits + period.description).utf8 {
        hash = (hash ^ UInt32(byte)) &* 16_777_619
    }
    return hash
}

@Suite struct CellCalculatorTests {
    let d = TestDates.date
    let calculator = CellCalculator(periodKey: fakeKey)
    let anna = TestPeople.person(born: 2008, sex: .female)
    let bertil = TestPeople.person(born: 2009, sex: .male)

    func episode(_ id: Int64, _ registered: String, _ reason: String = "AVBROTT_NP", until: String? = nil, _ deregistration: String? = nil,
                 contacts: [ContactFact] = [], facts: [OccupationFact] = [], measures: [MeasureFact] = []) -> EpisodeHistory {
        EpisodeHistory(id: id, registeredOn: d(registered), registrationReason: reason, deregisteredOn: until.map(d),
                       deregistrationReason: until == nil ? nil : (deregistration ?? "FLYTTAT"), contacts: contacts,
                       occupationFacts: facts, measures: measures)
    }

    func cells(_ period: String, _ people: [PersonHistory], today: CalendarDate = TestDates.today) throws -> [String: Int] {
        let result = calculator.cells(for: try #require(Period(period)), people: people, today: today)
        return Dictionary(uniqueKeysWithValues: result.map { ("\($0.table.rawValue)|\($0.dims.encoded)", $0.n) })
    }

    @Test func theLatestOfTwoEpisodesInAPeriodDecides() throws {
        let person = PersonHistory(personID: 1, personnummer: anna, episodes: [
            episode(1, "2026-03-01", "AVBROTT_NP", until: "2026-03-10", "FLYTTAT"),
            episode(2, "2026-03-20", "INFLYTTAD"),
        ])
        let march = try cells("2026-03", [person])
        #expect(march == [
            "in_kaa|age=18,sex=K": 1, "in_kaa_reason|reason=INFLYTTAD": 1, "new|sex=K": 1,
            "first_contact_days|band=none": 1, "deregistered|reason=FLYTTAT": 1, "occupation_end|occupation=OKAND": 1,
        ])
    }

    @Test func felregistreradEpisodesCountNowhere() throws {
        let person = PersonHistory(personID: 1, personnummer: anna, episodes: [
            episode(1, "2026-03-01", until: "2026-03-05", "FELREGISTRERAD",
                    contacts: [ContactFact(id: 1, date: d("2026-03-02"), channel: "SMS", isReached: true, occupation: "ARBETE")]),
        ])
        #expect(try cells("2026-03", [person]).isEmpty)
        #expect(try cells("2026-H1", [person]).isEmpty)
    }

    @Test func newCountsOnlyTheFirstEpisodeInThisRegister() throws {
        let person = PersonHistory(personID: 1, personnummer: anna, episodes: [
            episode(1, "2026-01-10", until: "2026-02-01"), episode(2, "2026-04-01"),
        ])
        #expect(try cells("2026-01", [person])["new|sex=K"] == 1)
        #expect(try cells("2026-04", [person])["new|sex=K"] == nil)
        #expect(try cells("2026-04", [person])["in_kaa|age=18,sex=K"] == 1)
        #expect(try cells("2026-03", [person]).isEmpty, "not in KAA in March")
    }

    @Test func ageIsTakenOnTheLastDayInKAAAndClamped() throws {
        // Born 2006-11-30: 19 on the day before the 20th birthday, 20 on 2026-11-30.
        let leaving = try #require(TestPeople.person(bornOn: d("2006-11-30")))
        let person = PersonHistory(personID: 1, personnummer: leaving, episodes: [episode(1, "2026-09-01", until: "2026-11-30", "FYLLT_20")])
        let half = try cells("2026-H2", [person], today: d("2026-12-31"))
        #expect(half["in_kaa|age=19,sex=\(leaving.sex.rawValue)"] == 1)
        // Someone who is 15 on the period's last day counts as 16.
        let young = TestPeople.person(born: 2010, sex: .male)
        let early = PersonHistory(personID: 2, personnummer: young, episodes: [episode(2, "2026-07-01")])
        #expect(try cells("2026-07", [early])["in_kaa|age=16,sex=M"] == 1)
    }

    @Test func anEpisodeEndingOnTheFirstDayCoversNoDayOfThePeriod() throws {
        let person = PersonHistory(personID: 1, personnummer: anna, episodes: [episode(1, "2026-02-10", until: "2026-03-01")])
        let march = try cells("2026-03", [person])
        #expect(march["in_kaa|age=18,sex=K"] == nil)
        #expect(march["deregistered|reason=FLYTTAT"] == 1)
        #expect(try cells("2026-02", [person])["in_kaa|age=18,sex=K"] == 1)
    }

    @Test func firstContactBandsAreJudgedOnThePeriodsLastDay() throws {
        func person(_ id: Int64, _ contactDay: String?) -> PersonHistory {
            let contacts = contactDay.map { [ContactFact(id: id, date: d($0), channel: "TELEFON", isReached: true, occupation: nil)] } ?? []
            return PersonHistory(personID: id, personnummer: TestPeople.person(born: 2008, id < 100 ? Int(id) : 0),
                                 episodes: [episode(id, "2026-07-01", contacts: contacts)])
        }
        let people = [person(1, "2026-07-08"), person(2, "2026-07-09"), person(3, "2026-07-31"), person(4, "2026-08-01"),
                      person(5, "2026-09-29"), person(6, "2026-09-30"), person(7, nil)]
        let july = try cells("2026-07", people)
        #expect(july["first_contact_days|band=0-7"] == 1)
        #expect(july["first_contact_days|band=8-30"] == 2)
        #expect(july["first_contact_days|band=none"] == 4, "contacts after 31 July are not known on its last day")
        let half = try cells("2026-H2", people)
        #expect(half["first_contact_days|band=0-7"] == 1)
        #expect(half["first_contact_days|band=8-30"] == 2)
        #expect(half["first_contact_days|band=31-90"] == 2)
        #expect(half["first_contact_days|band=91+"] == 1)
        #expect(half["first_contact_days|band=none"] == 1)
        // A reached contact is counted in `contacted` in its own month only.
        #expect(try cells("2026-08", people)["contacted|sex=K"] == 1)
    }

    @Test func measuresCountPerTypeAndOnlyTheFirstOfferCanBeDeclined() throws {
        let measures = [
            MeasureFact(id: 1, type: "SYV", offeredOn: d("2026-03-01"), decision: .accepted, startedOn: d("2026-03-02"),
                        endedOn: d("2026-04-01"), endReason: "GENOMFORD", occupationAfter: "STUDIER_KOMVUX", followUpOn: nil),
            MeasureFact(id: 2, type: "PRAKTIK", offeredOn: d("2026-03-05"), decision: .declined, startedOn: nil,
                        endedOn: nil, endReason: nil, occupationAfter: nil, followUpOn: nil),
            MeasureFact(id: 3, type: "MOTIVATION", offeredOn: d("2026-03-05"), decision: .accepted, startedOn: d("2026-03-20"),
                        endedOn: nil, endReason: nil, occupationAfter: nil, followUpOn: nil),
        ]
        let person = PersonHistory(personID: 1, personnummer: bertil, episodes: [episode(1, "2026-02-01", measures: measures)])
        let march = try cells("2026-03", [person])
        #expect(march["in_measure|measure=SYV"] == 1)
        #expect(march["in_measure|measure=MOTIVATION"] == 1)
        #expect(march["in_measure|measure=PRAKTIK"] == nil)
        #expect(march["declined|sex=M"] == nil, "the first offer (SYV) was accepted")
        let april = try cells("2026-04", [person])
        #expect(april["in_measure|measure=SYV"] == 1, "ended on 1 April: ran in April")
        #expect(try cells("2026-05", [person])["in_measure|measure=SYV"] == nil)
        #expect(april["occupation_end|occupation=STUDIER_KOMVUX"] == 1, "the measure's end tells the occupation")

        let declining = PersonHistory(personID: 2, personnummer: anna, episodes: [episode(2, "2026-02-01", measures: [measures[1]])])
        #expect(try cells("2026-03", [declining])["declined|sex=K"] == 1)
    }

    @Test func occupationAtTheEndIsTheLatestFactOnOrBeforeTheLastDay() throws {
        let person = PersonHistory(personID: 1, personnummer: anna, episodes: [
            episode(1, "2026-01-05",
                    contacts: [ContactFact(id: 1, date: d("2026-01-10"), channel: "SMS", isReached: true, occupation: "ARBETSSOKANDE")],
                    facts: [OccupationFact(id: 1, date: d("2026-02-15"), occupation: "PRAKTIK"),
                            OccupationFact(id: 2, date: d("2026-01-10"), occupation: "INGEN")]),
        ])
        #expect(try cells("2026-01", [person])["occupation_end|occupation=INGEN"] == 1, "a fact beats a contact on the same day")
        #expect(try cells("2026-02", [person])["occupation_end|occupation=PRAKTIK"] == 1)
    }

    @Test func checksumIsTheSumOfContributorsKeysModulo2To32() throws {
        let period = try #require(Period("2026-H2"))
        let people = (0..<50).map { index in
            PersonHistory(personID: Int64(index), personnummer: TestPeople.person(born: 2008, sex: .female, index),
                          episodes: [episode(Int64(index), "2026-08-01")])
        }
        let cell = try #require(calculator.cells(for: period, people: people, today: TestDates.today).first { $0.table == .inKAAReason })
        let expected = people.reduce(UInt32(0)) { $0 &+ fakeKey($1.personnummer, period) }
        #expect(cell.n == 50)
        #expect(cell.ck == expected)
        // The same people give the same ck in every table that counts all of them once.
        let newCell = try #require(calculator.cells(for: period, people: people, today: TestDates.today).first { $0.table == .new })
        #expect(newCell.ck == expected)
    }

    @Test func onePassOverSeveralPeriodsGivesEachPeriodsOwnCells() throws {
        // People whose episodes start, end and overlap at different points of a year.
        let people = (0..<40).map { index -> PersonHistory in
            let month = index % 12 + 1
            let registered = "2026-\(month < 10 ? "0" : "")\(month)-0\(index % 9 + 1)"
            let ends = index % 3 == 0 ? "2026-\(month < 9 ? "0" : "")\(min(month + 1, 11))-15" : nil
            let contact = ContactFact(id: Int64(index), date: d(registered).adding(days: 3), channel: "SMS", isReached: index % 2 == 0, occupation: nil)
            return PersonHistory(personID: Int64(index), personnummer: TestPeople.person(born: 2008 + index % 2, index),
                                 episodes: [episode(Int64(index), registered, until: ends, contacts: [contact])])
        }
        let periods = try ["2026-01", "2026-05", "2026-H1", "2026-10", "2026-H2", "2026-12"].map { try #require(Period($0)) }
        let together = calculator.cells(for: periods, people: people, today: TestDates.today)
        #expect(together.count == periods.count)
        for (period, cells) in zip(periods, together) {
            #expect(cells == calculator.cells(for: period, people: people, today: TestDates.today), "\(period)")
            #expect(cells.allSatisfy { $0.period == period })
        }
        #expect(together.contains { !$0.isEmpty })
    }

    @Test func aPeriodThatHasNotStartedHasNoCells() throws {
        let person = PersonHistory(personID: 1, personnummer: anna, episodes: [episode(1, "2026-01-05")])
        #expect(try cells("2026-12", [person]).isEmpty)
    }
}

@Suite struct CodeCatalogTests {
    @Test func everyCodeTheRulesNameIsSeeded() {
        for (list, code) in KnownCode.all {
            #expect(CodeCatalog.builtIn.contains(code, in: list), "\(list) \(code)")
        }
    }

    @Test func holdsTheDesignsStartingSetWithSwedishLabels() {
        let catalog = CodeCatalog.builtIn
        #expect(catalog.codes(in: .registrationReason).map(\.code) == ["AVBROTT_NP", "AVBROTT_IM", "STUDIEBEVIS", "EJ_PABORJAT", "INFLYTTAD", "OKAND"])
        #expect(catalog.codes(in: .contactChannel).count == 9)
        // The design's eleven, with komvux split by level and gymnasium studies added (issue 13); the old
        // komvux code stays for the history it describes.
        #expect(catalog.codes(in: .occupation).count == 15)
        #expect(catalog.contains("STUDIER_KOMVUX", in: .occupation) && KnownCode.retired[.occupation]?["STUDIER_KOMVUX"] != nil)
        #expect(catalog.label("HEMBESOK", in: .contactChannel) == "Hembesök")
    }

    @Test func rejectsMalformedSeedLines() {
        #expect(throws: CodeCatalogError.self) { try CodeCatalog(csv: "lista;kod;benamning\nno_such_list;X;Y\n") }
        #expect(throws: CodeCatalogError.self) { try CodeCatalog(csv: "lista;kod;benamning\noccupation;X\n") }
        #expect(throws: CodeCatalogError.self) { try CodeCatalog(csv: "lista;kod;benamning\noccupation;X;Y\noccupation;X;Z\n") }
    }
}

@Suite struct DimsTests {
    @Test func encodesSortedByKeyAndParsesBack() throws {
        let dims = Dims(["sex": "K", "age": "17"])
        #expect(dims.encoded == "age=17,sex=K")
        #expect(Dims(encoded: "age=17,sex=K") == dims)
        #expect(Dims(encoded: "")?.encoded == "")
        #expect(Dims(encoded: "age") == nil)
        #expect(Dims(encoded: "a=1,a=2") == nil)
    }
}
