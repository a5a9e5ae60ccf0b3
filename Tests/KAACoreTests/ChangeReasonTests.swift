import KAACore
import Testing

/// A correction's reason is a code, never free text (the audit log is append-only).
@Suite struct ChangeReasonTests {
    @Test(arguments: [("dubblett", ChangeReason.dubblett), ("FEL DATUM", .felDatum), ("fel-person", .felPerson), ("Personens_begäran", .personensBegaran)])
    func codesAreFoundAsPeopleTypeThem(_ text: String, _ expected: ChangeReason) {
        #expect(ChangeReason(folding: text) == expected)
    }

    @Test(arguments: ["hon är gravid", "", "dubblett; DROP TABLE", String(repeating: "a", count: 65), "fel\u{202E}datum"])
    func anythingElseIsNoReason(_ text: String) {
        #expect(ChangeReason(folding: text) == nil)
    }

    @Test func everyReasonHasASwedishLabelAndADistinctCode() {
        #expect(Set(ChangeReason.allCases.map(\.rawValue)).count == ChangeReason.allCases.count)
        #expect(ChangeReason.allCases.allSatisfy { !$0.label.isEmpty && $0.rawValue.allSatisfy { $0.isLowercase || $0 == "_" } })
    }
}
