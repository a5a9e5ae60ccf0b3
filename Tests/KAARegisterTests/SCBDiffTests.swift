@testable import KAARegister
import Testing

/// The diff of an SCB file against the previous submission, by person line.
@Suite struct SCBDiffTests {
    func rows(_ lines: [String]) -> [(personID: Int64?, row: [String])] {
        lines.map { line in
            let row = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            return (personID: Int64(row[1].suffix(1)), row: row)
        }
    }

    @Test func pairsRowsOfOneBlockPersonAndDateAsChangedAndTheRestAsAddedOrRemoved() {
        let old = rows(["1;2;0380;2026-09-01;4;", "2;2;0380;2026-09-02;;N", "2;2;0380;2026-09-02;;N", "1;3;0380;2026-09-05;9;"])
        let new = rows(["1;2;0380;2026-09-01;4;", "2;2;0380;2026-09-02;;N", "1;3;0380;2026-09-05;1;", "2;4;0380;2026-10-01;;J"])
        let diff = SCBDiff.lines(old: old, new: new)
        // One of the two identical contact rows is gone; the reason of person 3 changed; person 4 is new.
        #expect(diff.removed.map(\.before) == [["2", "2", "0380", "2026-09-02", "", "N"]])
        #expect(diff.changed.map(\.after) == [["1", "3", "0380", "2026-09-05", "1", ""]] && diff.changed.map(\.before) == [["1", "3", "0380", "2026-09-05", "9", ""]])
        #expect(diff.added.map(\.after) == [["2", "4", "0380", "2026-10-01", "", "J"]] && diff.added.map(\.personID) == [4])
    }

    @Test func theSameFileHasNoDifferenceAndAnEmptyOneRemovesEverything() {
        let old = rows(["1;2;0380;2026-09-01;4;", "2;2;0380;2026-09-02;;N"])
        let same = SCBDiff.lines(old: old, new: old)
        #expect(same.added.isEmpty && same.removed.isEmpty && same.changed.isEmpty)
        let gone = SCBDiff.lines(old: old, new: [])
        #expect(gone.removed.count == 2 && gone.added.isEmpty && gone.changed.isEmpty)
        let fresh = SCBDiff.lines(old: [], new: old)
        #expect(fresh.added.count == 2 && fresh.removed.isEmpty)
    }
}
