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
    /// The text is matched in Swift, not in SQL, so `%`, `_` and quotes are plain characters; a
    /// server's connections keep the folded names while the register stands still (`ViewCache`). The
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
        let wordBytes = words.map { Array($0.utf8) }
        let digitBytes = Array(digits.utf8)
        return try readAudited {
            let directory: [ViewCache.SearchEntry]
            if let viewCache {
                directory = try viewCache.directory(reach, counter: try ViewCache.counter(database)) { try searchDirectory() }
            } else {
                directory = try searchDirectory()
            }
            var matches: [PersonMatch] = []
            for entry in directory {
                // A 10-digit form (`080101-1234`) matches the stored 12 digits' tail too.
                let isMatch = byNumber
                    ? Self.bytes(entry.personnummer, contain: digitBytes)
                    : !entry.name.isEmpty && wordBytes.allSatisfy { Self.bytes(entry.key, contain: $0) }
                guard isMatch else { continue }
                matches.append(PersonMatch(personID: entry.personID, personnummer: try PersonalIdentityNumber(String(decoding: entry.personnummer, as: UTF8.self), today: today),
                                           name: entry.name, isProtected: entry.isProtected, isOpen: entry.isOpen))
            }
            let reached = Set(try reachable(matches.map(\.personID)))
            matches.removeAll { !reached.contains($0.personID) }
            try auditReads("find", personIDs: matches.map(\.personID), context: .search,
                           detail: "hits=\(matches.count) by=\(byNumber ? "personnummer" : "namn")")
            return matches
        }
    }

    /// Everyone the viewer may search, sorted by name, with their folded names (in the caller's
    /// read transaction). A handläggare searches their caseload only: filtered in SQL before any
    /// name is folded.
    private func searchDirectory() throws -> [ViewCache.SearchEntry] {
        var scope = ""
        var arguments: [SQLValue] = []
        if case let .caseload(staffID) = reach {
            scope = " WHERE p.id IN (SELECT person_id FROM caseload WHERE staff_id = ?)"
            arguments = [.integer(staffID)]
        } else if reach == .nobody {
            scope = " WHERE 0"
        }
        var entries: [ViewCache.SearchEntry] = []
        try database.cachedStatement("""
            SELECT p.id, p.personnummer, coalesce(p.first_name, ''), coalesce(p.last_name, ''), p.is_protected,
                   EXISTS (SELECT 1 FROM episode e WHERE e.person_id = p.id AND e.deregistered_on IS NULL)
            FROM person p
            """ + scope + " ORDER BY p.last_name, p.first_name, p.personnummer").forEach(arguments) { row in
            let first = try row.text(2), last = try row.text(3)
            let name = first.isEmpty ? last : last.isEmpty ? first : first + " " + last
            entries.append(ViewCache.SearchEntry(personID: try row.int(0), personnummer: Array(try row.text(1).utf8), name: name,
                                                 key: Array(Self.searchKey(name).utf8), isProtected: try row.bool(4), isOpen: try row.bool(5)))
        }
        return entries
    }

    /// Whether `needle` occurs in `haystack` (bytes of folded text: a name's words are short).
    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            var index = 1
            while index < needle.count && haystack[start + index] == needle[index] { index += 1 }
            if index == needle.count { return true }
        }
        return false
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
            // ASCII's whitespace without a property lookup (names are mostly ASCII).
            let isWhitespace = scalar.value < 0x80 ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
            if isWhitespace {
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
