import KAACore

/// Counts the `population` cells of one folkbokföring extract as its rows stream past: people
/// aged 16–19 on the extract's date, by sex and age, with the month's and half-year's period keys.
struct PopulationCounter {
    let extractOn: CalendarDate
    private let periodKey: CellCalculator.PeriodKey
    private let month: Period
    private let half: Period
    private var cells: [String: (kind: String, sex: String, age: Int, n: Int, ck: UInt32)] = [:]
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
        for (kind, period) in [("month", month), ("half", half)] {
            let key = "\(kind)|\(pnr.sex.rawValue)|\(age)"
            let current = cells[key] ?? (kind, pnr.sex.rawValue, age, 0, 0)
            cells[key] = (kind, pnr.sex.rawValue, age, current.n + 1, current.ck &+ periodKey(pnr, period))
        }
    }

    /// The cells, in no particular order.
    var rows: [(kind: String, sex: String, age: Int, n: Int, ck: UInt32)] { Array(cells.values) }
}
