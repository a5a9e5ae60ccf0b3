import Foundation
import KAACore
import KAACrypto
import KAASQLite

/// How canonical columns and codes are written in the SCB file (`config/scb-mapping.example.json`).
public struct SCBMapping: Sendable {
    public static let canonicalColumns = ["block", "personnummer", "kommun", "datum", "kod", "kod2"]
    public static let canonicalBlocks = ["registrering", "kontakt", "atgard_start", "atgard_slut", "avregistrering"]
    /// What block 3 says in `kod2` for an offered measure that has not started: declined, or no
    /// decision yet. A started measure's `kod2` stays empty.
    public static let measureStatuses = [MeasureDecision.declined.rawValue, offeredUndecided]
    /// The status of a measure offered without a decision yet.
    public static let offeredUndecided = "ERBJUDEN"

    public var columns: [String: String] = [:]
    public var blocks: [String: String] = [:]
    public var codes: [CodeList: [String: String]] = [:]
    /// Block 3's `kod2` for a measure offered but not started (`AVBOJD`, `ERBJUDEN`).
    public var measureStatus: [String: String] = [:]

    public init() {}

    /// Reads a mapping file; every error names the key.
    public init(path: String) throws(RegisterError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidConfiguration("kan inte läsa \(path) som ett JSON-objekt")
        }
        try self.init(json: data, source: path)
    }

    /// Parses a mapping (a file's bytes, or the text stored in Inställningar); every error names
    /// `source` and the key.
    public init(json data: Data, source path: String) throws(RegisterError) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalidConfiguration("kan inte läsa \(path) som ett JSON-objekt")
        }
        for key in object.keys where !key.hasPrefix("_") && !["columns", "blocks", "codes", "measure_status"].contains(key) {
            throw .invalidConfiguration("\(path): okänd nyckel \"\(key)\"")
        }
        func strings(_ value: Any?, _ name: String, allowed: [String]) throws(RegisterError) -> [String: String] {
            guard let value else { return [:] }
            guard let map = value as? [String: String] else { throw .invalidConfiguration("\(path): \"\(name)\" ska vara ett objekt med text") }
            for key in map.keys where !allowed.contains(key) {
                throw .invalidConfiguration("\(path): \"\(name)\" har okänd nyckel \"\(key)\"; kända: \(allowed.joined(separator: ", "))")
            }
            return map
        }
        columns = try strings(object["columns"], "columns", allowed: Self.canonicalColumns)
        blocks = try strings(object["blocks"], "blocks", allowed: Self.canonicalBlocks)
        measureStatus = try strings(object["measure_status"], "measure_status", allowed: Self.measureStatuses)
        if let raw = object["codes"] {
            guard let lists = raw as? [String: Any] else { throw .invalidConfiguration("\(path): \"codes\" ska vara ett objekt") }
            for (name, value) in lists {
                guard let list = CodeList(rawValue: name) else { throw .invalidConfiguration("\(path): okänd kodlista \"\(name)\" i \"codes\"") }
                codes[list] = try strings(value, "codes.\(name)", allowed: CodeCatalog.builtIn.codes(in: list).map(\.code))
            }
        }
    }

    func column(_ name: String) -> String { columns[name] ?? name }
}

/// The SCB half-year report and what its checks found.
public struct SCBReport: Sendable {
    /// One finding of the completeness checks.
    public struct Finding: Sendable {
        public let check: String
        public let personnummer: PersonalIdentityNumber?
        public let detail: String
    }

    /// The file as it is downloaded or written: the report, or a draft's rows (`;`, UTF-8 with BOM).
    public func fileBytes(isDraft: Bool) -> [UInt8] {
        CSVWriting.bytes(isDraft ? draftRows : rows)
    }

    public let period: Period
    public let people: Int
    public let rows: [[String]]
    public let findings: [Finding]
    /// The codes, blocks and columns written as our own because the mapping has no entry for them
    /// (`registration_reason: OKAND`): while any is left, the file is only a draft.
    public let unmapped: [String]
    /// The internal id of each person in the file, by the personnummer's 12 digits (the web links
    /// each finding and each line of a diff to the person's Personkort).
    public let personIDs: [String: Int64]

    /// The check that counts unmapped codes, blocks and columns.
    public static let unmappedCheck = "kod utan översättning i SCB-mappningen"
    /// The check that counts blocks without SCB's value.
    public static let unmappedBlockCheck = "block utan kod i SCB-mappningen"
    /// The check that counts columns without a name.
    public static let unnamedColumnCheck = "kolumn utan namn i SCB-mappningen"

    /// Whether the file can only be a draft: something lacks a mapping.
    public var isDraftOnly: Bool { !unmapped.isEmpty }

    /// The rows of a draft: a first line saying DRAFT, then the report.
    public var draftRows: [[String]] {
        [["DRAFT", "UTKAST \(period) - får inte lämnas till SCB: \(unmapped.count) koder eller kolumner saknar översättning"]] + rows
    }

    /// A draft's file name: `-DRAFT` before the extension (`scb.csv` → `scb-DRAFT.csv`).
    public static func draftPath(_ path: String) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return path + "-DRAFT" }
        return String(path[..<dot]) + "-DRAFT" + String(path[dot...])
    }
}

extension Register {
    /// Builds the SCB report for a half-year: a complete snapshot, one record per person in KAA during
    /// the period, in SCB's five blocks, with the completeness checks SCB would otherwise bounce.
    public func scbReport(period: Period, mapping: SCBMapping) throws(RegisterError) -> SCBReport {
        guard !period.isMonth else { throw .invalidInput(field: "--period", message: "SCB:s rapport gäller ett halvår, t.ex. 2026-H2") }
        guard period.hasStarted(today: today) else { throw .invalidInput(field: "--period", message: "perioden \(period) har inte börjat") }
        let start = period.firstDay, end = period.judgementDay(today: today)
        try checkRole([.samordnare], for: "report.scb")
        let people = try read { try loadHistories() }
        var rows: [[String]] = [SCBMapping.canonicalColumns.map(mapping.column)]
        var findings: [SCBReport.Finding] = []
        var unmapped: Set<String> = []
        func code(_ value: String, _ list: CodeList) -> String {
            if let mapped = mapping.codes[list]?[value] { return mapped }
            unmapped.insert("\(list.rawValue): \(value)")
            return value
        }
        var unmappedBlocks: Set<String> = []
        func block(_ name: String) -> String {
            if let mapped = mapping.blocks[name] { return mapped }
            unmappedBlocks.insert(name)
            return name
        }
        func status(_ value: String) -> String {
            if let mapped = mapping.measureStatus[value] { return mapped }
            unmapped.insert("measure_status: \(value)")
            return value
        }
        var reported = 0
        for person in people.sorted(by: { $0.personnummer < $1.personnummer }) {
            let episodes = person.countingEpisodes.filter { $0.overlaps(from: start, through: end) }
            guard !episodes.isEmpty else { continue }
            reported += 1
            let pnr = person.personnummer.digits
            func row(_ name: String, _ date: CalendarDate, _ first: String, _ second: String = "") {
                rows.append([block(name), pnr, kommun, date.description, first, second])
            }
            for episode in episodes {
                row("registrering", episode.registeredOn, code(episode.registrationReason, .registrationReason))
                if episode.registrationReason == KnownCode.registrationUnknown {
                    findings.append(.init(check: "registreringsorsak saknas (OKAND)", personnummer: person.personnummer, detail: "inskrivning \(episode.id)"))
                }
                if episode.contacts.isEmpty {
                    findings.append(.init(check: "inget kontaktförsök alls", personnummer: person.personnummer, detail: "inskrivning \(episode.id) sedan \(episode.registeredOn)"))
                }
                if let end = episode.deregisteredOn, end < episode.registeredOn {
                    findings.append(.init(check: "avregistrering före registrering", personnummer: person.personnummer, detail: "inskrivning \(episode.id)"))
                }
                for contact in episode.contacts where contact.date >= start && contact.date <= end {
                    row("kontakt", contact.date, contact.occupation.map { code($0, .occupation) } ?? "", contact.isReached ? "J" : "N")
                }
                for measure in episode.measures {
                    if measure.type.isEmpty {
                        findings.append(.init(check: "åtgärd utan typ", personnummer: person.personnummer, detail: "åtgärd \(measure.id)"))
                    }
                    if let started = measure.startedOn, started >= start, started <= end {
                        row("atgard_start", started, code(measure.type, .measureType))
                    } else if measure.startedOn == nil, measure.decision == .declined || (measure.decision == nil && measure.endedOn == nil),
                              measure.offeredOn >= start, measure.offeredOn <= end {
                        // SCB's blocks have no "offered" block: an offer that has not started (declined, or
                        // still without a decision) goes in block 3 on its offer date, kod2 saying which.
                        let state = measure.decision == .declined ? MeasureDecision.declined.rawValue : SCBMapping.offeredUndecided
                        row("atgard_start", measure.offeredOn, code(measure.type, .measureType), status(state))
                        if measure.decision == nil {
                            findings.append(.init(check: "åtgärd erbjuden utan beslut", personnummer: person.personnummer, detail: "åtgärd \(measure.id) erbjuden \(measure.offeredOn)"))
                        }
                    }
                    if let ended = measure.endedOn, let reason = measure.endReason, ended >= start, ended <= end {
                        row("atgard_slut", ended, code(measure.type, .measureType), code(reason, .measureEndReason))
                    }
                }
                if let deregistered = episode.deregisteredOn, let reason = episode.deregistrationReason, deregistered >= start, deregistered <= end {
                    row("avregistrering", deregistered, code(reason, .deregistrationReason))
                }
            }
        }
        for item in unmapped.sorted() {
            findings.append(.init(check: SCBReport.unmappedCheck, personnummer: nil, detail: item))
        }
        var unnamed = unmappedBlocks.sorted().map { "blocks: \($0)" }
        for name in unmappedBlocks.sorted() {
            findings.append(.init(check: SCBReport.unmappedBlockCheck, personnummer: nil, detail: name))
        }
        for column in SCBMapping.canonicalColumns where mapping.columns[column] == nil {
            findings.append(.init(check: SCBReport.unnamedColumnCheck, personnummer: nil, detail: column))
            unnamed.append("columns: \(column)")
        }
        try write { try auditReads("report.scb", personIDs: people.filter { $0.countingEpisodes.contains { $0.overlaps(from: start, through: end) } }.map(\.personID), context: .report) }
        let ids = Dictionary(people.map { ($0.personnummer.digits, $0.personID) }, uniquingKeysWith: { first, _ in first })
        return SCBReport(period: period, people: reported, rows: rows, findings: findings, unmapped: unmapped.sorted() + unnamed, personIDs: ids)
    }
}

/// One SCB file downloaded from the web (migration 0018): when, by whom, its digest and size.
public struct SCBSubmission: Sendable, Equatable {
    public let id: Int64
    public let period: Period
    /// When, as stored (UTC).
    public let downloadedAt: String
    /// The login of who downloaded it.
    public let staff: String
    /// SHA-256 of the file's bytes, 64 hex digits.
    public let digest: String
    /// The file's rows, its header line included.
    public let rowCount: Int
    /// Whether it was a draft (never to be submitted; never the base of a diff).
    public let isDraft: Bool
}

/// What changed in the SCB file since the previous submission for the same period, by person line:
/// a row with the same block, person and date but other codes is changed; the others are added or
/// removed.
public struct SCBDiff: Sendable {
    /// One line of the diff.
    public struct Line: Sendable, Equatable {
        /// The person's internal id (nil if they have since been purged).
        public let personID: Int64?
        /// The row before (nil when added).
        public let before: [String]?
        /// The row now (nil when removed).
        public let after: [String]?
    }

    /// The submission compared with.
    public let previous: SCBSubmission
    public let added: [Line]
    public let removed: [Line]
    public let changed: [Line]

    /// Whether the file is the same as the previous submission's.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// The diff of `new` against `old` (data rows only: the header line is left out by the caller).
    static func lines(old: [(personID: Int64?, row: [String])], new: [(personID: Int64?, row: [String])])
        -> (added: [Line], removed: [Line], changed: [Line]) {
        // Identical rows cancel out, as many times as they occur on both sides.
        var oldCounts: [[String]: Int] = [:]
        for item in old { oldCounts[item.row, default: 0] += 1 }
        var newCounts: [[String]: Int] = [:]
        for item in new { newCounts[item.row, default: 0] += 1 }
        func leftOver(_ items: [(personID: Int64?, row: [String])], _ other: [[String]: Int]) -> [(personID: Int64?, row: [String])] {
            var cancel = other
            return items.filter { item in
                guard let n = cancel[item.row], n > 0 else { return true }
                cancel[item.row] = n - 1
                return false
            }
        }
        let oldLeft = leftOver(old, newCounts), newLeft = leftOver(new, oldCounts)
        // The rest pair up by block, person and date (in file order): a pair is a changed row.
        func key(_ row: [String]) -> [String] { Array(row.prefix(4)) }
        var waiting: [[String]: [(personID: Int64?, row: [String])]] = [:]
        for item in oldLeft { waiting[key(item.row), default: []].append(item) }
        var paired: [[String]: Int] = [:]
        var added: [Line] = [], changed: [Line] = []
        for item in newLeft {
            let k = key(item.row), used = paired[k] ?? 0
            if let candidates = waiting[k], used < candidates.count {
                paired[k] = used + 1
                changed.append(Line(personID: item.personID ?? candidates[used].personID, before: candidates[used].row, after: item.row))
            } else {
                added.append(Line(personID: item.personID, before: nil, after: item.row))
            }
        }
        let removed = oldLeft.filter { item in
            let k = key(item.row)
            guard let used = paired[k], used > 0 else { return true }
            paired[k] = used - 1
            return false
        }.map { Line(personID: $0.personID, before: $0.row, after: nil) }
        return (added, removed, changed)
    }
}

extension Register {
    /// The field separator of a stored SCB line (U+001F, which no field holds).
    static let scbFieldSeparator = "\u{1F}"

    /// Records the download of `report` (a draft or the file itself) and returns its bytes, exactly
    /// as recorded: the digest is of these bytes. Refuses a non-draft while a check finds anything
    /// or a code lacks a mapping, as `kaa report scb --strict` would.
    public func downloadSCBFile(_ report: SCBReport, isDraft: Bool) throws(RegisterError) -> (submission: SCBSubmission, bytes: [UInt8]) {
        try checkRole([.samordnare], for: "report.scb.download")
        if !isDraft {
            guard report.findings.isEmpty else {
                throw .invalidInput(field: "utkast", message: "kontrollerna hittade \(report.findings.count) saker som SCB kan underkänna; rätta dem, eller hämta ett utkast")
            }
            guard !report.isDraftOnly else {
                throw .invalidInput(field: "utkast", message: "\(report.unmapped.count) koder, block eller kolumner saknar översättning till SCB:s; bara ett utkast kan hämtas")
            }
        }
        let rows = isDraft ? report.draftRows : report.rows
        let bytes = report.fileBytes(isDraft: isDraft)
        let digest = Crypto.sha256Hex(bytes)
        let at = clock.now
        let id: Int64 = try write { () throws in
            try database.execute("INSERT INTO scb_submission (period, downloaded_at, staff, digest, row_count, is_draft) VALUES (?, ?, ?, ?, ?, ?)",
                                 [.text(report.period.description), .text(at), .text(staff), .text(digest), .integer(Int64(rows.count)), SQLValue(isDraft)])
            let id = database.lastInsertRowID
            let insert = try database.cachedStatement("INSERT INTO scb_submission_line (submission_id, line, person_id, fields) VALUES (?, ?, ?, ?)")
            for (line, row) in rows.enumerated() {
                let person = row.count > 1 ? report.personIDs[row[1]] : nil
                try insert.run([.integer(id), .integer(Int64(line)), SQLValue(person), .text(row.joined(separator: Self.scbFieldSeparator))])
            }
            try audit("report.scb.download", detail: "submission=\(id) period=\(report.period) rows=\(rows.count) draft=\(isDraft ? 1 : 0) sha256=\(digest)")
            return id
        }
        return (SCBSubmission(id: id, period: report.period, downloadedAt: at, staff: staff, digest: digest, rowCount: rows.count, isDraft: isDraft), bytes)
    }

    /// The recorded downloads of a period, newest first.
    public func scbSubmissions(period: Period) throws(RegisterError) -> [SCBSubmission] {
        try checkRole([.samordnare], for: "report.scb.submissions")
        return try read {
            try database.query("SELECT id, downloaded_at, staff, digest, row_count, is_draft FROM scb_submission WHERE period = ? ORDER BY id DESC",
                               [.text(period.description)]).map { row in
                SCBSubmission(id: try row.int(0), period: period, downloadedAt: try row.text(1), staff: try row.text(2), digest: try row.text(3),
                              rowCount: Int(try row.int(4)), isDraft: try row.bool(5))
            }
        }
    }

    /// The current file of `report` against the latest submission (not a draft) of its period; nil
    /// when there is none. An audited read of the people whose lines changed.
    public func scbDiff(_ report: SCBReport) throws(RegisterError) -> SCBDiff? {
        guard let previous = try scbSubmissions(period: report.period).first(where: { !$0.isDraft }) else { return nil }
        return try readAudited { () throws in
            let old = try database.query("SELECT person_id, fields FROM scb_submission_line WHERE submission_id = ? AND line > 0 ORDER BY line",
                                         [.integer(previous.id)]).map { row in
                (personID: try row.optionalInt(0), row: try row.text(1).components(separatedBy: Self.scbFieldSeparator))
            }
            let new = report.rows.dropFirst().map { row in (personID: row.count > 1 ? report.personIDs[row[1]] : nil, row: row) }
            let lines = SCBDiff.lines(old: old, new: Array(new))
            let people = (lines.added + lines.removed + lines.changed).compactMap(\.personID)
            try auditReads("report.scb.diff", personIDs: people, context: .report, detail: "submission=\(previous.id)")
            return SCBDiff(previous: previous, added: lines.added, removed: lines.removed, changed: lines.changed)
        }
    }
}
