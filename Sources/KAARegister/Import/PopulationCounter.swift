import KAACore

/// Counts the `population` cells of one folkbokföring extract as its rows stream past: people
/// aged 16–19 on the extract's date, by sex and age, with the month's and half-year's period keys.
struct PopulationCounter {
    let extractOn: CalendarDate
    private let periodKey: CellCalculator.PeriodKey
    private let month: Period
    private let half: Period
    /// One slot per (month or half-year, sex, age 16–19).
    private var cells = [(n: Int, ck: UInt32)](repeating: (0, 0), count: 16)
    /// People counted.
    private(set) var total = 0

    init(extractOn: CalendarDate, periodKey: @escaping CellCalculator.PeriodKey) {
        self.extractOn = extractOn
        self.periodKey = periodKey
        month = Period.month(of: extractOn)
        half = Period.half(of: extractOn)
    }

    /// Counts one person (call once per person).
    mutating func add(_ pnr: PersonalIdentityNumber) {
        let age = pnr.birthDate.age(on: extractOn)
        guard (16...19).contains(age) else { return }
        total += 1
        for (kind, period) in [(0, month), (1, half)] {
            let slot = Self.slot(kind: kind, sex: pnr.sex, age: age)
            cells[slot].n += 1
            cells[slot].ck &+= periodKey(pnr, period)
        }
    }

    private static func slot(kind: Int, sex: Sex, age: Int) -> Int {
        kind * 8 + (sex == .female ? 0 : 4) + (age - 16)
    }

    /// The cells with at least one person, in no particular order.
    var rows: [(kind: String, sex: String, age: Int, n: Int, ck: UInt32)] {
        [0, 1].flatMap { kind in
            Sex.allCases.flatMap { sex in
                (16...19).compactMap { age in
                    let cell = cells[Self.slot(kind: kind, sex: sex, age: age)]
                    return cell.n > 0 ? (kind == 0 ? "month" : "half", sex.rawValue, age, cell.n, cell.ck) : nil
                }
            }
        }
    }
}
