import Foundation
import KAACore

/// Skatteverket's official test personnummer (CC0), from `seeds/testpersonnummer.txt`.
public enum TestPeople {
    /// The package root (two levels above this file's folder).
    public static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// Every official test number, 12 digits.
    public static let all: [String] = {
        let path = packageRoot + "/seeds/testpersonnummer.txt"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            preconditionFailure("cannot read \(path)")
        }
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { $0.count == 12 }
    }()

    /// Every official test number, parsed once, by birth year in file order.
    private static let byYear: [Int: [PersonalIdentityNumber]] = {
        Dictionary(grouping: all.compactMap { try? PersonalIdentityNumber($0, today: TestDates.today) }, by: \.birthDate.year)
    }()

    /// Test numbers of people born in `year`, of the given sex if asked, in file order.
    public static func born(in year: Int, sex: Sex? = nil) -> [PersonalIdentityNumber] {
        (byYear[year] ?? []).filter { sex == nil || $0.sex == sex }
    }

    /// The `index`-th test person born in `year` (of `sex` if given).
    public static func person(born year: Int, sex: Sex? = nil, _ index: Int = 0) -> PersonalIdentityNumber {
        let people = born(in: year, sex: sex)
        precondition(index < people.count, "not enough test people born in \(year)")
        return people[index]
    }

    /// The first test person with exactly this birth date, if the list has one.
    public static func person(bornOn date: CalendarDate, sex: Sex? = nil) -> PersonalIdentityNumber? {
        (byYear[date.year] ?? []).first { $0.birthDate == date && (sex == nil || $0.sex == sex) }
    }

    /// A path inside `Tests/Fixtures`.
    public static func fixture(_ name: String) -> String {
        packageRoot + "/Tests/Fixtures/" + name
    }
}

/// Builds a number `YYMMDDNNN` + its Luhn check digit, for edge cases the test list lacks.
public func withCheckDigit(_ nine: String) -> String {
    var sum = 0
    for (index, character) in nine.enumerated() {
        let digit = Int(String(character)) ?? 0
        let weighted = index % 2 == 0 ? digit * 2 : digit
        sum += weighted > 9 ? weighted - 9 : weighted
    }
    return nine + String((10 - sum % 10) % 10)
}
