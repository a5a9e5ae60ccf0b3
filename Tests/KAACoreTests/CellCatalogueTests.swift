import KAACore
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
