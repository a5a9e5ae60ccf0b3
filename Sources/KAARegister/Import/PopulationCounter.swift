import KAACore

/// Counts the `population` cells of one folkbokföring extract as its rows stream past: people
/// aged 16–19 on the extract's date, by sex and age, with the month's and half-year's period keys.
struct PopulationCounter {
    let extractOn: CalendarDate
    private let periodKey: CellCalculator.PeriodKey
    private let month: Period
    private let half: Period
    private struct Key: Hashable {
        let isMonth: Bool
        let sex: Sex
        let age: Int
    }
    private var cells: [Key: (n: Int, ck: UInt32)] = [:]
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
        for (isMonth, period) in [(true, month), (false, half)] {
            cells[Key(isMonth: isMonth, sex: pnr.sex, age: age), default: (0, 0)].n += 1
            cells[Key(isMonth: isMonth, sex: pnr.sex, age: age), default: (0, 0)].ck &+= periodKey(pnr, period)
        }
    }

    /// The cells, in no particular order.
    var rows: [(kind: String, sex: String, age: Int, n: Int, ck: UInt32)] {
        cells.map { key, value in (key.isMonth ? "month" : "half", key.sex.rawValue, key.age, value.n, value.ck) }
    }
}
