import Foundation
import KAACore
import KAASQLite

extension Register {
    /// The shortest search text: one letter finds half the register.
    public static let minimumSearchLength = 2
    /// The fewest digits a personnummer search takes (a birth year, `2008`).
    public static let minimumSearchDigits = 4

    /// Finds people by any part of their name (case- and diacritic-insensitive: `oberg` finds
    /// Öberg, `ASA` finds Åsa) or by part of their personnummer (digits, with or without `-`/`+`).
    /// An audited read of every person found (context: search).
    ///
    /// The text is matched in Swift, not in SQL, so `%`, `_` and quotes are plain characters. The
    /// audit row records that a search happened and how many it found, never the search text: it
    /// is a name or a personnummer, which the log must not hold (design §5 "Who did it").
    public func find(_ text: String) throws(RegisterError) -> [PersonMatch] {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard query.count >= Self.minimumSearchLength, query.count <= 100 else {
            throw .invalidInput(field: "TEXT", message: "sök på \(Self.minimumSearchLength)–100 tecken (en del av ett namn eller ett personnummer)")
        }
        let digits = query.filter { !"-+ ".contains($0) }
        let byNumber = digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        if byNumber, digits.count < Self.minimumSearchDigits {
            throw .invalidInput(field: "TEXT", message: "sök på minst \(Self.minimumSearchDigits) siffror av ett personnummer")
        }
        let words = Self.searchKey(query).split(separator: " ").map(String.init)
        return try write {
            var matches: [PersonMatch] = []
            let rows = try database.query("""
                SELECT p.id, p.personnummer, coalesce(p.first_name, ''), coalesce(p.last_name, ''), p.is_protected,
                       EXISTS (SELECT 1 FROM episode e WHERE e.person_id = p.id AND e.deregistered_on IS NULL)
                FROM person p ORDER BY p.last_name, p.first_name, p.personnummer
                """)
            for row in rows {
                let number = try row.text(1)
                let name = [try row.text(2), try row.text(3)].filter { !$0.isEmpty }.joined(separator: " ")
                let isMatch: Bool
                if byNumber {
                    // A 10-digit form (`080101-1234`) matches the stored 12 digits' tail too.
                    isMatch = number.contains(digits)
                } else {
                    let key = Self.searchKey(name)
                    isMatch = !name.isEmpty && words.allSatisfy { key.contains($0) }
                }
                guard isMatch else { continue }
                matches.append(PersonMatch(personID: try row.int(0), personnummer: try PersonalIdentityNumber(number, today: today),
                                           name: name, isProtected: try row.bool(4), isOpen: try row.bool(5)))
            }
            let reached = Set(try reachable(matches.map(\.personID)))
            matches.removeAll { !reached.contains($0.personID) }
            try auditReads("find", personIDs: matches.map(\.personID), context: .search,
                           detail: "hits=\(matches.count) by=\(byNumber ? "personnummer" : "namn")")
            return matches
        }
    }

    /// A name folded for comparison: lower case, without diacritics (å, ä → a; ö → o; é → e).
    static func searchKey(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
