import KAACore
import KAATestFixtures
import Testing

/// Parses `text` fed in chunks of `chunk` bytes, returning fields as strings with their lines.
func parse(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ";"), chunk: Int = 3, encoding: ImportEncoding = .utf8) throws -> [(Int, [String])] {
    var parser = CSVParser(delimiter: delimiter)
    var records: [(Int, [String])] = []
    let emit: (CSVRecord) -> Void = { records.append(($0.line, $0.fields.map { encoding.decode($0) })) }
    var index = 0
    while index < bytes.count {
        let end = min(index + chunk, bytes.count)
        try Array(bytes[index..<end]).withUnsafeBufferPointer { try parser.feed($0, emit) }
        index = end
    }
    try parser.finish(emit)
    return records
}

@Suite struct CSVParserTests {
    @Test func parsesQuotedFieldsWithDelimitersQuotesAndNewlines() throws {
        let text = "a;b;c\r\n\"x;y\";\"say \"\"hi\"\"\";\"two\nlines\"\r\nlast;;\n\n\n"
        let records = try parse(Array(text.utf8))
        #expect(records.count == 3)
        #expect(records[0].1 == ["a", "b", "c"])
        #expect(records[1].0 == 2)
        #expect(records[1].1 == ["x;y", "say \"hi\"", "two\nlines"])
        #expect(records[2].0 == 4, "the quoted newline makes the next record start on line 4")
        #expect(records[2].1 == ["last", "", ""])
    }

    @Test(arguments: [1, 2, 7, 1000])
    func chunkBoundariesDoNotMatter(chunk: Int) throws {
        let text = "h1,h2\r\n\"a,\"\"b\"\"\",c\r\nd,e"
        let records = try parse(Array(text.utf8), delimiter: UInt8(ascii: ","), chunk: chunk)
        #expect(records.map(\.1) == [["h1", "h2"], ["a,\"b\"", "c"], ["d", "e"]])
    }

    /// Generated files: unquoted, empty and quoted fields (with delimiters, doubled quotes and line
    /// breaks inside) in random mixes, fed in random chunk sizes, read back field for field with the
    /// byte range of every record.
    @Test(arguments: [1, 2, 3, 4, 5])
    func generatedFilesReadBackExactly(seed: UInt64) throws {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let pieces = ["a", "Åsa", "12", " x ", "ö-ä", "long text here", "é"]
        var expected: [[String]] = []
        var text = ""
        var starts: [Int] = []
        var ends: [Int] = []
        for _ in 0..<200 {
            let width = 1 + next(6)
            var fields: [String] = []
            var written: [String] = []
            for _ in 0..<width {
                switch next(5) {
                case 0:
                    fields.append("")
                    written.append("")
                case 1:
                    let value = pieces[next(pieces.count)] + [";", "\"", "\n", "\r\n", "x"][next(5)] + pieces[next(pieces.count)]
                    fields.append(value.replacingOccurrences(of: "\r\n", with: "\n"))
                    written.append("\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
                default:
                    let value = pieces[next(pieces.count)]
                    fields.append(value)
                    written.append(value)
                }
            }
            if fields == [""] { continue } // an empty line is no record
            expected.append(fields)
            starts.append(text.utf8.count)
            text += written.joined(separator: ";")
            ends.append(text.utf8.count)
            text += next(2) == 0 ? "\n" : "\r\n"
        }
        let bytes = Array(text.utf8)
        var parser = CSVParser(delimiter: UInt8(ascii: ";"))
        var records: [CSVRecord] = []
        var index = 0
        while index < bytes.count {
            let end = min(index + 1 + next(40), bytes.count)
            try Array(bytes[index..<end]).withUnsafeBufferPointer { try parser.feed($0) { records.append($0) } }
            index = end
        }
        try parser.finish { records.append($0) }
        #expect(records.count == expected.count)
        for (record, (fields, (start, end))) in zip(records, zip(expected, zip(starts, ends))) {
            #expect(record.fields.map { String(decoding: $0, as: UTF8.self) } == fields)
            #expect(record.start == start && record.end == end)
        }
    }

    @Test func detectsTheDelimiterFromTheHeader() {
        #expect(CSVParser.detectDelimiter(headerLine: Array("a;b;c".utf8)) == UInt8(ascii: ";"))
        #expect(CSVParser.detectDelimiter(headerLine: Array("a,b,c".utf8)) == UInt8(ascii: ","))
        #expect(CSVParser.detectDelimiter(headerLine: Array("\"a,1\";b;c".utf8)) == UInt8(ascii: ";"))
    }

    @Test func refusesAnUnterminatedQuoteAndStrayQuotes() {
        #expect(throws: CSVSyntaxError.self) { try parse(Array("a;b\n\"open;x\n".utf8)) }
        #expect(throws: CSVSyntaxError.self) { try parse(Array("a;b\nx\"y;z\n".utf8)) }
        #expect(throws: CSVSyntaxError.self) { try parse(Array("a;b\n\"x\"y;z\n".utf8)) }
    }

    @Test func decidesTheEncodingFromTheWholeFile() {
        func detect(_ bytes: [UInt8]) -> ImportEncoding {
            var detector = TextEncodingDetector()
            for start in stride(from: 0, to: bytes.count, by: 2) {
                Array(bytes[start..<min(start + 2, bytes.count)]).withUnsafeBufferPointer { detector.feed($0) }
            }
            return detector.encoding
        }
        let utf8 = Array("Åsa Öberg".utf8)
        #expect(detect(utf8) == .utf8)
        // The first rows are ASCII; a Windows-1252 "ö" (0xF6) only comes at the end.
        let late = Array(String(repeating: "plain ascii\n", count: 1000).utf8) + [0x4C, 0xF6, 0x76, 0x0A]
        #expect(detect(late) == .windows1252)
        #expect(detect([0xC3]) == .windows1252, "a truncated sequence is not UTF-8")
        #expect(detect([0xED, 0xA0, 0x80]) == .windows1252, "a surrogate is not UTF-8")
        #expect(ImportEncoding.windows1252.decode([0xC5, 0x73, 0x61, 0x20, 0x80][...]) == "Åsa €")
    }

    @Test func normalisesHeaderNames() {
        #expect(HeaderName.normalise("Förnamn") == "fornamn")
        #expect(HeaderName.normalise(" E-post ") == "epost")
        #expect(HeaderName.normalise("PERSONNUMMER") == "personnummer")
        #expect(HeaderName.normalise("Utdelnings_adress") == "utdelningsadress")
    }
}

@Suite struct IdentificationRuleTests {
    let d = TestDates.date
    func fact(_ programme: Programme, _ status: EnrolmentStatus, _ day: String = "2026-08-15") -> EnrolmentFact {
        EnrolmentFact(programme: programme, status: status, date: d(day))
    }

    @Test(arguments: [
        (Programme.grundskola, EnrolmentStatus.studerar, "studying"), (.nationellt, .studerar, "studying"), (.introduktion, .studerar, "studying"),
        (.anpassad, .studerar, "studying"), (.ib, .studerar, "studying"), (.komvuxGymnasial, .studerar, "studying"), (.utland, .studerar, "studying"),
        (.nationellt, .examen, "completed"), (.anpassad, .bevisAnpassad, "completed"), (.ib, .examen, "completed"),
        (.nationellt, .avbrott, "AVBROTT_NP"), (.ib, .avbrott, "AVBROTT_NP"), (.introduktion, .avbrott, "AVBROTT_IM"),
        (.nationellt, .studiebevis, "STUDIEBEVIS"), (.introduktion, .examen, "OKAND"), (.grundskola, .examen, "EJ_PABORJAT"),
        (.folkhogskola, .studerar, "OKAND"), (.grundskola, .avbrott, "OKAND"),
    ])
    func classifiesEveryProgrammeAndStatus(_ programme: Programme, _ status: EnrolmentStatus, _ expected: String) {
        let result = TargetGroupStatus.classify(birthDate: d("2008-05-05"), enrolment: fact(programme, status), on: d("2026-11-01"))
        switch result {
        case .studying: #expect(expected == "studying")
        case .completed: #expect(expected == "completed")
        case let .inKAA(reason, _): #expect(reason == expected)
        default: Issue.record("unexpected \(result)")
        }
    }

    @Test func folkhogskolaTellsTheOccupation() {
        let result = TargetGroupStatus.classify(birthDate: d("2008-05-05"), enrolment: fact(.folkhogskola, .studerar), on: d("2026-11-01"))
        #expect(result == .inKAA(reason: "OKAND", occupation: "STUDIER_FOLKHOGSKOLA"))
    }

    @Test func noEnrolmentMeansNotStarted() {
        #expect(TargetGroupStatus.classify(birthDate: d("2008-05-05"), enrolment: nil, on: d("2026-11-01")) == .inKAA(reason: "EJ_PABORJAT", occupation: nil))
    }

    @Test func ageBoundaries() {
        // Born 31 December 2010 and 1 January 2010 both turn 16 in 2026; born 1 January 2011 turns 16 in 2027.
        #expect(TargetGroupStatus.classify(birthDate: d("2010-12-31"), enrolment: nil, on: d("2026-06-30")) == .tooYoung)
        #expect(TargetGroupStatus.classify(birthDate: d("2010-12-31"), enrolment: nil, on: d("2026-07-01")) != .tooYoung)
        #expect(TargetGroupStatus.classify(birthDate: d("2011-01-01"), enrolment: nil, on: d("2026-07-01")) == .tooYoung)
        // Turns 20 on D: out, dated the birthday; the day before: in.
        #expect(TargetGroupStatus.classify(birthDate: d("2006-11-01"), enrolment: nil, on: d("2026-11-01")) == .turned20(on: d("2026-11-01")))
        #expect(TargetGroupStatus.classify(birthDate: d("2006-11-02"), enrolment: nil, on: d("2026-11-01")) == .inKAA(reason: "EJ_PABORJAT", occupation: nil))
    }

    @Test func deregistrationDatesNeverPrecedeTheEpisodeOrItsRecords() {
        let state = RegisterState(open: (id: 1, registeredOn: d("2026-09-01"), latestRecord: d("2026-10-10")))
        let studying = TargetGroupStatus.studying(fact(.nationellt, .studerar, "2026-08-20"))
        #expect(IdentificationRules.decide(status: studying, state: state, enrolment: nil, date: d("2026-11-01"), firstOpenDay: d("2026-01-01"))
            == .deregister(reason: "BORJAT_STUDERA", on: d("2026-10-10")))
        let moved = IdentificationRules.missingFromExtract(state: state, date: d("2026-11-01"), firstOpenDay: d("2026-01-01"))
        #expect(moved == .deregister(reason: "FLYTTAT", on: d("2026-11-01")))
    }

    @Test func aCoordinatorsDecisionIsNotUndone() {
        let inKAA = TargetGroupStatus.inKAA(reason: "AVBROTT_NP", occupation: nil)
        let wrong = RegisterState(lastClosed: (d("2026-09-01"), "FELREGISTRERAD"))
        guard case .review = IdentificationRules.decide(status: inKAA, state: wrong, enrolment: nil, date: d("2026-11-01"), firstOpenDay: d("2026-01-01")) else {
            Issue.record("FELREGISTRERAD must go to review")
            return
        }
        let started = RegisterState(lastClosed: (d("2026-09-01"), "BORJAT_STUDERA"))
        let oldRow = fact(.nationellt, .avbrott, "2026-08-01")
        guard case .review = IdentificationRules.decide(status: inKAA, state: started, enrolment: oldRow, date: d("2026-11-01"), firstOpenDay: d("2026-01-01")) else {
            Issue.record("an older row must not undo a de-registration")
            return
        }
        let newRow = fact(.nationellt, .avbrott, "2026-10-01")
        #expect(IdentificationRules.decide(status: inKAA, state: started, enrolment: newRow, date: d("2026-11-01"), firstOpenDay: d("2026-01-01"))
            == .register(reason: "AVBROTT_NP", occupation: nil))
    }
}

