import KAACore
import KAATestFixtures
import Testing

/// Catalogue v1 (design §6): one definition per table.
@Suite struct CellCatalogueTests {
    @Test(arguments: [
        (CellTable.inKAA, ["age", "sex"]), (.inKAAReason, ["reason"]), (.new, ["sex"]), (.contacted, ["sex"]),
        (.firstContactDays, ["band"]), (.inMeasure, ["measure"]), (.declined, ["sex"]), (.deregistered, ["reason"]),
        (.occupationEnd, ["occupation"]), (.population, ["age", "sex"]),
    ])
    func everyTableHasItsDims(_ table: CellTable, _ dims: [String]) {
        #expect(table.definition.dimensionNames == dims)
    }

    @Test func onlyInMeasureHasNoPeopleTotal() {
        #expect(CellTable.allCases.filter { !$0.definition.hasPeopleTotal } == [.inMeasure])
    }

    @Test func allowedValuesComeFromTheCodeListsLessWhatCountsNowhere() throws {
        let allowed = CellTable.deregistered.definition.allowedValues()
        let reasons = try #require(allowed["reason"])
        #expect(reasons.contains("FYLLT_20"))
        #expect(!reasons.contains(KnownCode.felregistrerad))
        #expect(CellTable.inKAA.definition.allowedValues()["age"] == ["16", "17", "18", "19"])
        #expect(CellTable.firstContactDays.definition.allowedValues()["band"] == Set(FirstContactBand.allCases.map(\.rawValue)))
    }

    @Test func aCellKeyNamesTableperiodAndDims() {
        let cell = Cell(table: .inKAA, period: .month(year: 2026, month: 11), dims: Dims(["sex": "K", "age": "17"]), n: 3, ck: 9)
        #expect(cell.key.description == "in_kaa|2026-11|age=17,sex=K")
        #expect(cell.key == CellKey(table: .inKAA, period: .month(year: 2026, month: 11), dims: Dims(["age": "17", "sex": "K"])))
    }
}

/// The catalogue's definitions and the calculator's computation agree: every cell computed has
/// exactly its table's dims, with allowed values.
@Suite struct CellCatalogueAgreesWithTheCalculatorTests {
    @Test func everyComputedCellFitsItsTablesDefinition() throws {
        let d = TestDates.date
        let measures = [
            MeasureFact(id: 1, type: "SYV", offeredOn: d("2026-03-01"), decision: .declined, startedOn: nil,
                        endedOn: nil, endReason: nil, occupationAfter: nil, followUpOn: nil),
            MeasureFact(id: 2, type: "PRAKTIK", offeredOn: d("2026-03-05"), decision: .accepted, startedOn: d("2026-03-06"),
                        endedOn: d("2026-03-20"), endReason: "GENOMFORD", occupationAfter: "ARBETE", followUpOn: nil),
        ]
        let people = [
            PersonHistory(personID: 1, personnummer: TestPeople.person(born: 2008, sex: .female), episodes: [
                EpisodeHistory(id: 1, registeredOn: d("2026-03-01"), registrationReason: "AVBROTT_NP", deregisteredOn: d("2026-03-25"),
                               deregistrationReason: "BORJAT_STUDERA",
                               contacts: [ContactFact(id: 1, date: d("2026-03-03"), channel: "SMS", isReached: true, occupation: "ARBETE")],
                               occupationFacts: [], measures: measures),
            ]),
            PersonHistory(personID: 2, personnummer: TestPeople.person(born: 2009, sex: .male), episodes: [
                EpisodeHistory(id: 2, registeredOn: d("2026-03-10"), registrationReason: "EJ_PABORJAT", deregisteredOn: nil,
                               deregistrationReason: nil, contacts: [], occupationFacts: [], measures: []),
            ]),
        ]
        let cells = CellCalculator(periodKey: fakeKey).cells(for: .month(year: 2026, month: 3), people: people, today: TestDates.today)
        #expect(Set(cells.map(\.table)).isSuperset(of: [.inKAA, .inKAAReason, .new, .contacted, .firstContactDays, .inMeasure,
                                                         .declined, .deregistered, .occupationEnd]))
        for cell in cells {
            let allowed = cell.table.definition.allowedValues()
            #expect(cell.dims.pairs.map(\.key) == cell.table.definition.dimensionNames, "\(cell.key)")
            #expect(cell.dims.pairs.allSatisfy { allowed[$0.key]?.contains($0.value) == true }, "\(cell.key)")
        }
    }
}
