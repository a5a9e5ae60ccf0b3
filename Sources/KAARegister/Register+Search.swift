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
        return try readAudited {
            var matches: [PersonMatch] = []
            // A handläggare searches their caseload only: filtered in SQL before any name is folded.
            var scope = ""
            var arguments: [SQLValue] = []
            if case let .caseload(staffID) = reach {
                scope = " WHERE p.id IN (SELECT person_id FROM caseload WHERE staff_id = ?)"
                arguments = [.integer(staffID)]
            } else if reach == .nobody {
                scope = " WHERE 0"
            }
            let rows = try database.query("""
                SELECT p.id, p.personnummer, coalesce(p.first_name, ''), coalesce(p.last_name, ''), p.is_protected,
                       EXISTS (SELECT 1 FROM episode e WHERE e.person_id = p.id AND e.deregistered_on IS NULL)
                FROM person p
                """ + scope + " ORDER BY p.last_name, p.first_name, p.personnummer", arguments)
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
    ///
    /// Latin letters are folded by hand (a table of the letters Nordic and European names use),
    /// which is many times faster than Foundation's folding over a whole register; anything else
    /// goes through Foundation.
    static func searchKey(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            let value = scalar.value
            if value < 0x80 {
                out.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            } else if let folded = foldedLatin[scalar] {
                out.append(contentsOf: folded.unicodeScalars)
            } else {
                out.append(contentsOf: String(scalar).folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).unicodeScalars)
            }
        }
        return String(out)
    }

    /// Latin-1 and Latin Extended-A letters, folded as Foundation's case- and diacritic-insensitive
    /// folding folds them.
    static let foldedLatin: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [:]
        let groups: [(String, String)] = [
            ("ÀÁÂÃÄÅàáâãäåĀāĂăĄą", "a"), ("ÇçĆćĈĉĊċČč", "c"), ("ĎďĐđ", "d"), ("ÈÉÊËèéêëĒēĔĕĖėĘęĚě", "e"),
            ("ĜĝĞğĠġĢģ", "g"), ("ĤĥĦħ", "h"), ("ÌÍÎÏìíîïĨĩĪīĬĭĮįİı", "i"), ("Ĵĵ", "j"), ("Ķķ", "k"),
            ("ĹĺĻļĽľĿŀŁł", "l"), ("ÑñŃńŅņŇň", "n"), ("ÒÓÔÕÖòóôõöŌōŎŏŐő", "o"), ("ŔŕŖŗŘř", "r"),
            ("ŚśŜŝŞşŠš", "s"), ("ŢţŤťŦŧ", "t"), ("ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų", "u"), ("Ŵŵ", "w"), ("ÝýÿŶŷŸ", "y"), ("ŹźŻżŽž", "z"),
        ]
        for (letters, folded) in groups {
            for scalar in letters.unicodeScalars { table[scalar] = folded }
        }
        // Letters without a diacritic to drop: only their case is folded.
        for (upper, lower) in [("Ø", "ø"), ("Æ", "æ"), ("Þ", "þ"), ("Ð", "ð"), ("Œ", "œ")] {
            for scalar in upper.unicodeScalars { table[scalar] = lower }
            for scalar in lower.unicodeScalars { table[scalar] = lower }
        }
        return table
    }()
}
