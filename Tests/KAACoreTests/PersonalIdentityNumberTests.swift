import Foundation
import KAACore
import KAATestFixtures
import Testing

/// A case from Tests/Fixtures/personnummer-meta/list.json (copied from shared/testdata).
struct MetaCase: Decodable, Sendable, CustomTestStringConvertible {
    let integer: Int
    let long_format: String
    let short_format: String
    let separated_format: String
    let separated_long: String
    let valid: Bool
    let type: String
    let isMale: Bool
    let isFemale: Bool

    var testDescription: String { separated_long }

    static func load(_ name: String) -> [MetaCase] {
        guard let data = FileManager.default.contents(atPath: TestPeople.fixture("personnummer-meta/\(name)")),
              let cases = try? JSONDecoder().decode([MetaCase].self, from: data) else { return [] }
        return cases
    }
}

struct StructuredCases: Decodable {
    struct Group: Decodable {
        struct Lists<T: Decodable>: Decodable {
            let valid: [T]
            let invalid: [T]
        }
        let integer: Lists<Int>
        let string: Lists<String>
    }
    let ssn: Group
    let con: Group

    static func load() throws -> StructuredCases {
        let data = try #require(FileManager.default.contents(atPath: TestPeople.fixture("personnummer-meta/structured.json")))
        return try JSONDecoder().decode(StructuredCases.self, from: data)
    }
}


@Suite struct PersonalIdentityNumberTests {
    let today = TestDates.today

    @Test(arguments: MetaCase.load("list.json"))
    func agreesWithMetaListOnValidityAndSex(_ meta: MetaCase) {
        for text in [meta.long_format, meta.short_format, meta.separated_format, meta.separated_long] {
            let parsed = try? PersonalIdentityNumber(text, today: today)
            #expect((parsed != nil) == meta.valid, "\(text)")
            if let parsed {
                #expect(parsed.sex == (meta.isMale ? .male : .female), "\(text)")
                #expect(parsed.kind == (meta.type == "con" ? .samordningsnummer : .personnummer), "\(text)")
            }
        }
    }

    @Test func metaListIsNotEmpty() {
        #expect(MetaCase.load("list.json").count == 12)
        #expect(MetaCase.load("interim.json").count == 12)
    }

    @Test func agreesWithStructuredCases() throws {
        let cases = try StructuredCases.load()
        for group in [cases.ssn, cases.con] {
            for text in group.string.valid {
                #expect((try? PersonalIdentityNumber(text, today: today)) != nil, "\(text) should be valid")
            }
            for text in group.string.invalid {
                #expect((try? PersonalIdentityNumber(text, today: today)) == nil, "\(text) should be invalid")
            }
            for number in group.integer.valid {
                #expect((try? PersonalIdentityNumber(String(number), today: today)) != nil, "\(number) should be valid")
            }
            for number in group.integer.invalid {
                #expect((try? PersonalIdentityNumber(String(number), today: today)) == nil, "\(number) should be invalid")
            }
        }
    }

    @Test(arguments: MetaCase.load("interim.json"))
    func rejectsInterimNumbers(_ meta: MetaCase) {
        for text in [meta.long_format, meta.short_format, meta.separated_format, meta.separated_long] {
            #expect(throws: PersonalIdentityNumberError.self) { try PersonalIdentityNumber(text, today: today) }
        }
        do {
            _ = try PersonalIdentityNumber(meta.separated_format, today: today)
            Issue.record("\(meta.separated_format) was accepted")
        } catch {
            #expect(error.reason == .interim)
        }
    }

    @Test func normalisesEveryFormatToTwelveDigits() throws {
        let official = "200801012386"
        for text in ["200801012386", "20080101-2386", "0801012386", "080101-2386"] {
            let pnr = try PersonalIdentityNumber(text, today: today)
            #expect(pnr.digits == official)
            #expect(pnr.birthDate == TestDates.date("2008-01-01"))
            #expect(pnr.sex == .female)
            #expect(pnr.formatted == "20080101-2386")
        }
    }

    // 191001029816 is an official test number; without "+" its ten digits read as someone born in 2010.
    @Test func plusSeparatorMeansHundredOrOlder() throws {
        let pnr = try PersonalIdentityNumber("100102+9816", today: today)
        #expect(pnr.digits == "191001029816")
        let young = try PersonalIdentityNumber("1001029816", today: today)
        #expect(young.birthDate == TestDates.date("2010-01-02"))
        #expect(young.digits == "20" + "1001029816")
        // A 12-digit number with "+" for someone under 100 contradicts itself.
        #expect(throws: PersonalIdentityNumberError.self) { try PersonalIdentityNumber("20" + "100102+9816", today: today) }
    }

    @Test func tenDigitsTakeTheMostRecentCenturyUnderHundred() throws {
        // Born 2026-11-23 (today): this century. Born 2026-11-24 (tomorrow): must be 1926.
        let bornToday = withCheckDigit("261123238")
        let bornTomorrow = withCheckDigit("261124238")
        #expect(try PersonalIdentityNumber(bornToday, today: today).birthDate == TestDates.date("2026-11-23"))
        #expect(try PersonalIdentityNumber(bornTomorrow, today: today).birthDate == TestDates.date("1926-11-24"))
        #expect(try PersonalIdentityNumber(String(bornTomorrow.prefix(6)) + "+" + String(bornTomorrow.suffix(4)), today: today).birthDate
            == TestDates.date("1826-11-24"))
    }

    @Test func acceptsTwentyNinthFebruaryOnlyInLeapYears() throws {
        let leap = try PersonalIdentityNumber("200802292383", today: today)
        #expect(leap.birthDate == TestDates.date("2008-02-29"))
        let notLeap = "2007" + withCheckDigit("070229238").dropFirst(2) // 2007-02-29 does not exist
        #expect(throws: PersonalIdentityNumberError.self) { try PersonalIdentityNumber(notLeap, today: today) }
    }

    @Test(arguments: [61, 75, 91])
    func acceptsSamordningsnummerDays61To91(day: Int) throws {
        let number = "20" + withCheckDigit("0801\(day)238")
        let pnr = try PersonalIdentityNumber(number, today: today)
        #expect(pnr.kind == .samordningsnummer)
        #expect(pnr.birthDate == TestDates.date("2008-01-\(day - 60 < 10 ? "0" : "")\(day - 60)"))
        #expect(pnr.digits == number)
    }

    @Test(arguments: [60, 92, 99, 32, 0])
    func rejectsImpossibleDays(day: Int) {
        let number = "20" + withCheckDigit("0801\(day < 10 ? "0" : "")\(day)238")
        #expect(throws: PersonalIdentityNumberError.self) { try PersonalIdentityNumber(number, today: today) }
    }

    // 200801012387: the official test number 200801012386 with a wrong check digit, invalid on purpose.
    @Test(arguments: ["", "abc", "2008010123860", "20080101_2386", "200801012387", "20081301-2386", "0801012386-", " 200801012386"])
    func rejectsMalformedInput(_ text: String) {
        #expect(throws: PersonalIdentityNumberError.self) { try PersonalIdentityNumber(text, today: today) }
    }

    @Test func errorMessageNamesTheInput() {
        // 200801012387: the official 200801012386 with a wrong check digit, invalid on purpose.
        do {
            _ = try PersonalIdentityNumber("200801012387", today: today)
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == .checkDigit)
            #expect(error.description.contains("200801012387"))
        }
    }

    @Test func aNumberKeptAsAnIntegerComesBackTheSame() throws {
        var checked = 0
        for text in TestPeople.all {
            guard let pnr = try? PersonalIdentityNumber(text, today: today) else { continue }
            let again = try PersonalIdentityNumber(number: pnr.number)
            #expect(again == pnr)
            #expect(again.digits == text && again.birthDate == pnr.birthDate && again.sex == pnr.sex && again.kind == pnr.kind)
            checked += 1
        }
        #expect(checked > 1000)
        let coordinated = try PersonalIdentityNumber("20" + withCheckDigit("080175238"), today: today)
        #expect(try PersonalIdentityNumber(number: coordinated.number) == coordinated)
        #expect(try PersonalIdentityNumber(number: coordinated.number).kind == .samordningsnummer)
    }

    /// Found by the fuzzer (Tests/FuzzCorpus/personnummer): a twelve-digit text whose century is
    /// 00–09 was accepted with a birth year below 1000, a number that `init(number:)` (the key
    /// identify keeps) refuses. Invalid on purpose: year 0808, a samordningsnummer day, a valid check digit.
    @Test(arguments: ["080808800080", "00" + withCheckDigit("080101238")])
    func aTwelveDigitNumberBeforeTheYear1000IsRefusedLikeItsInteger(_ text: String) {
        do {
            let pnr = try PersonalIdentityNumber(text, today: today)
            Issue.record("\(text) was accepted with birth year \(pnr.birthDate.year)")
        } catch {
            #expect(error.reason == .invalidDate)
        }
        #expect(throws: PersonalIdentityNumberError.self) { try PersonalIdentityNumber(number: Int64(text) ?? 0) }
    }

    @Test(arguments: [
        (Int64(200801012387), PersonalIdentityNumberError.Reason.checkDigit), // official 200801012386, wrong check digit on purpose
        (Int64(201509160006), .invalidSerial), // birth number 000, never issued
        (Int64("20" + withCheckDigit("081301238")) ?? 0, .invalidDate), // month 13, right check digit
        (Int64(20080101238), .wrongLength),
        (Int64(-200801012386), .wrongLength),
    ])
    func aKeptIntegerIsCheckedLikeText(number: Int64, reason: PersonalIdentityNumberError.Reason) {
        do {
            _ = try PersonalIdentityNumber(number: number)
            Issue.record("\(number) was accepted")
        } catch {
            #expect(error.reason == reason)
        }
    }
}
