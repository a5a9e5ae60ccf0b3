/// Computes the cells of catalogue v1 (design §6) for one period from person histories.
///
/// Pure: the period key (HMAC of the cell-key secret) is injected, so this module does no I/O and
/// no cryptography. `population` is not computed here: it comes from stored extract counts.
public struct CellCalculator: Sendable {
    /// The key of one person in one period: the first 32 bits of HMAC-SHA256(secret, pnr ‖ period).
    public typealias PeriodKey = @Sendable (PersonalIdentityNumber, Period) -> UInt32

    private let periodKey: PeriodKey

    public init(periodKey: @escaping PeriodKey) {
        self.periodKey = periodKey
    }

    /// Every cell with `n > 0` of `period`, judged on its last day (or `today` while it runs).
    public func cells(for period: Period, people: [PersonHistory], today: CalendarDate) -> [Cell] {
        cells(for: [period], people: people, today: today)[0]
    }

    /// The cells of several periods in one pass over the people (what a night needs: each person's
    /// episodes are sorted once, not once per period). One list per period, in the order given.
    public func cells(for periods: [Period], people: [PersonHistory], today: CalendarDate) -> [[Cell]] {
        var accumulators = periods.map { CellAccumulator(period: $0) }
        let spans = periods.map { (start: $0.firstDay, end: $0.judgementDay(today: today)) }
        guard let earliest = spans.map(\.start).min(), let latest = spans.map(\.end).max() else { return [] }
        for index in people.indices {
            // Every table needs an episode that reaches into the period (everything logged lies
            // inside its episode, up to the de-registration day); most people of a long history
            // have none, so skip them before allocating anything.
            guard people[index].episodes.contains(where: { $0.registeredOn <= latest && ($0.deregisteredOn.map { $0 >= earliest } ?? true) }) else { continue }
            let episodes = people[index].countingEpisodes
            guard !episodes.isEmpty else { continue }
            for (slot, span) in spans.enumerated() where span.start <= span.end {
                accumulate(people[index].personnummer, episodes, period: periods[slot], start: span.start, end: span.end, into: &accumulators[slot])
            }
        }
        return accumulators.map(\.cells)
    }

    /// Adds up cells computed over disjoint groups of people (n and ck are sums), per table, period
    /// and dims, in listing order: how counts over parts of a register become the register's.
    public static func merge(_ parts: [[Cell]]) -> [Cell] {
        var order: [CellKey] = []
        var totals: [CellKey: (n: Int, ck: UInt32)] = [:]
        for cell in parts.joined() {
            let key = cell.key
            if let total = totals[key] {
                totals[key] = (total.n + cell.n, total.ck &+ cell.ck)
            } else {
                totals[key] = (cell.n, cell.ck)
                order.append(key)
            }
        }
        return order.compactMap { key in totals[key].map { Cell(table: key.table, period: key.period, dims: key.dims, n: $0.n, ck: $0.ck) } }
            .sorted(by: Cell.listingOrder)
    }

    private func accumulate(_ personnummer: PersonalIdentityNumber, _ episodes: [EpisodeHistory], period: Period,
                            start: CalendarDate, end: CalendarDate, into cells: inout CellAccumulator) {
        guard episodes.contains(where: { $0.registeredOn <= end && ($0.deregisteredOn.map { $0 >= start } ?? true) }) else { return }
        let sex = personnummer.sex.rawValue
        var cachedKey: UInt32?
        func key() -> UInt32 {
            if let cachedKey { return cachedKey }
            let value = periodKey(personnummer, period)
            cachedKey = value
            return value
        }

        // in_kaa and in_kaa_reason: the latest episode overlapping the period decides.
        if let latest = episodes.last(where: { $0.overlaps(from: start, through: end) }) {
            let lastDayInKAA = latest.deregisteredOn.map { $0.adding(days: -1) } ?? end
            let age = min(max(personnummer.birthDate.age(on: min(end, lastDayInKAA)), 16), 19)
            cells.addAgeSex(.inKAA, age: age, sex: sex, key: key())
            cells.add(.inKAAReason, "reason", latest.registrationReason, key: key())
        }

        // new: the first episode in this register started in the period.
        if let first = episodes.first, first.registeredOn >= start, first.registeredOn <= end {
            cells.add(.new, "sex", sex, key: key())
        }

        // contacted: reached at least once in the period.
        if episodes.contains(where: { $0.contacts.contains { $0.isReached && $0.date >= start && $0.date <= end } }) {
            cells.add(.contacted, "sex", sex, key: key())
        }

        // first_contact_days: registered in the period; the latest such episode decides.
        if let registered = episodes.last(where: { $0.registeredOn >= start && $0.registeredOn <= end }) {
            let firstReached = registered.contacts
                .filter { $0.isReached && $0.date >= registered.registeredOn && $0.date <= end }
                .map(\.date).min()
            let band = firstReached.map { FirstContactBand(days: registered.registeredOn.days(until: $0)) } ?? .none
            cells.add(.firstContactDays, "band", band.rawValue, key: key())
        }

        // in_measure: one cell per type running in the period.
        var types = Set<String>()
        var declined = false
        for episode in episodes {
            for measure in episode.measures {
                if let started = measure.startedOn, started <= end, measure.endedOn.map({ $0 >= start }) ?? true {
                    types.insert(measure.type)
                }
            }
            if let firstOffer = episode.measures.min(by: { ($0.offeredOn, $0.id) < ($1.offeredOn, $1.id) }),
               firstOffer.decision == .declined, firstOffer.offeredOn >= start, firstOffer.offeredOn <= end {
                declined = true
            }
        }
        for type in types.sorted() {
            cells.add(.inMeasure, "measure", type, key: key())
        }
        if declined {
            cells.add(.declined, "sex", sex, key: key())
        }

        // deregistered: the latest de-registration in the period decides.
        if let left = episodes
            .filter({ ($0.deregisteredOn.map { $0 >= start && $0 <= end }) ?? false })
            .max(by: { ($0.deregisteredOn ?? start, $0.id) < ($1.deregisteredOn ?? start, $1.id) }),
           let reason = left.deregistrationReason {
            cells.add(.deregistered, "reason", reason, key: key())
        }

        // occupation_end: in KAA on the judgement day; the latest occupation fact on or before it.
        if episodes.contains(where: { $0.covers(end) }) {
            let occupation = Self.latestOccupation(in: episodes, onOrBefore: end) ?? KnownCode.occupationUnknown
            cells.add(.occupationEnd, "occupation", occupation, key: key())
        }
    }

    /// The latest occupation learned on or before `date`, from occupation facts, contacts and
    /// measure ends. On the same date an explicit occupation fact wins over a measure end, which wins
    /// over a contact; then the later entry.
    public static func latestOccupation(in episodes: [EpisodeHistory], onOrBefore date: CalendarDate) -> String? {
        var best: (date: CalendarDate, rank: Int, id: Int64, code: String)?
        func consider(_ candidate: (date: CalendarDate, rank: Int, id: Int64, code: String)) {
            guard candidate.date <= date else { return }
            if let current = best, (current.date, current.rank, current.id) >= (candidate.date, candidate.rank, candidate.id) { return }
            best = candidate
        }
        for episode in episodes {
            for contact in episode.contacts {
                if let code = contact.occupation { consider((contact.date, 0, contact.id, code)) }
            }
            for measure in episode.measures {
                if let ended = measure.endedOn, let code = measure.occupationAfter { consider((ended, 1, measure.id, code)) }
            }
            for fact in episode.occupationFacts {
                consider((fact.date, 2, fact.id, fact.occupation))
            }
        }
        return best?.code
    }
}

/// Sums people into cells: `n` counts, `ck` adds keys modulo 2^32.
///
/// Cells live in arrays; a small key (table, value, age) finds a cell's slot with one hash of a
/// short string, and a cell's `Dims` is built once, when the cell first appears.
struct CellAccumulator {
    let period: Period
    private struct Key: Hashable {
        let table: CellTable
        let value: String
        let age: Int
    }
    private var slots: [Key: Int] = [:]
    private var dims: [(table: CellTable, dims: Dims)] = []
    private var n: [Int] = []
    private var ck: [UInt32] = []

    init(period: Period) {
        self.period = period
    }

    /// Counts a person into a one-dimension cell (`sex`, `reason`, `band`, `measure`, `occupation`);
    /// `name` is the table's one dimension.
    mutating func add(_ table: CellTable, _ name: String, _ value: String, key: UInt32) {
        add(Key(table: table, value: value, age: -1), key: key) { Dims([name: value]) }
    }

    /// Counts a person into an `age` × `sex` cell.
    mutating func addAgeSex(_ table: CellTable, age: Int, sex: String, key: UInt32) {
        add(Key(table: table, value: sex, age: age), key: key) { Dims(["age": String(age), "sex": sex]) }
    }

    private mutating func add(_ slotKey: Key, key: UInt32, makeDims: () -> Dims) {
        if let slot = slots[slotKey] {
            n[slot] += 1
            ck[slot] &+= key
        } else {
            slots[slotKey] = dims.count
            dims.append((slotKey.table, makeDims()))
            n.append(1)
            ck.append(key)
        }
    }

    var cells: [Cell] {
        dims.indices.map { Cell(table: dims[$0].table, period: period, dims: dims[$0].dims, n: n[$0], ck: ck[$0]) }
            .sorted(by: Cell.listingOrder)
    }
}
