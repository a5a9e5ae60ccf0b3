import Dispatch
import Synchronization
import KAACore
import KAACrypto
import KAASQLite

extension Register {
    /// The exact cells of `period` (design §6): stored cells once it is frozen, computed while open.
    public func cells(for period: Period) throws(RegisterError) -> [Cell] {
        guard period.hasStarted(today: today) else {
            throw .invalidInput(field: "--period", message: "perioden \(period) har inte börjat (i dag är \(today))")
        }
        if period.isFrozen(today: today) {
            try freezeDuePeriods()
            return try read { try storedCells(period) }
        }
        return try read { try computeCells(period, people: loadHistories(reachingFrom: period.firstDay)) }
    }

    /// The cells of every open period that has started, oldest first (what a sync recomputes).
    public func openPeriodCells() throws(RegisterError) -> [Cell] {
        let today = self.today
        return try read {
            let periods = Period.all(from: Period.firstOpenDay(today: today), through: today).filter { !$0.isFrozen(today: today) }
            let people = try loadHistories(reachingFrom: periods.map(\.firstDay).min() ?? today)
            let computed = try Self.cellsOnTwoThreads(for: periods, people: people, today: today, secret: cellKeySecret, key: cellKey)
            return try zip(periods, computed).flatMap { period, cells in
                (cells + (try populationCells(period))).sorted(by: Cell.listingOrder)
            }
        }
    }

    /// Stores the cells of every period that has frozen since the last call; returns those periods.
    @discardableResult
    public func freezeDuePeriods() throws(RegisterError) -> [Period] {
        let today = self.today
        return try write {
            guard let due = try periodsDueToFreeze() else { return [] }
            for period in due.periods {
                try database.execute("INSERT INTO frozen_period (period, frozen_on, catalogue_version) VALUES (?, ?, ?)",
                                     [.text(period.description), SQLValue(today), .integer(Int64(CellTable.catalogueVersion))])
                for cell in try computeCells(period, people: due.people) {
                    try database.execute("INSERT INTO frozen_cell (period, table_name, dims, n, ck) VALUES (?, ?, ?, ?, ?)",
                                         [.text(period.description), .text(cell.table.rawValue), .text(cell.dims.encoded),
                                          .integer(Int64(cell.n)), .integer(Int64(cell.ck))])
                }
            }
            try audit("freeze", detail: "periods=\(due.periods.map(\.description).joined(separator: ","))")
            return due.periods
        }
    }

    /// The periods that have frozen but whose cells are not stored yet, with the histories their
    /// cells are computed from; nil when there are none. Reads only (inside the caller's transaction).
    func periodsDueToFreeze() throws -> (periods: [Period], people: [PersonHistory])? {
        let today = self.today
        guard let earliestText = try database.queryOne("""
            SELECT min(d) FROM (SELECT min(registered_on) AS d FROM episode UNION ALL SELECT min(extract_on) FROM population_extract)
            """)?.optionalText(0), let earliest = CalendarDate(iso: earliestText) else { return nil }
        let lastFrozenDay = Period.firstOpenDay(today: today).adding(days: -1)
        guard earliest <= lastFrozenDay else { return nil }
        let stored = Set(try database.query("SELECT period FROM frozen_period").map { try $0.text(0) })
        let due = Period.all(from: earliest, through: lastFrozenDay)
            .filter { $0.isFrozen(today: today) && !stored.contains($0.description) }
        guard !due.isEmpty else { return nil }
        return (due, try loadHistories(reachingFrom: due.map(\.firstDay).min() ?? earliest))
    }

    /// Stores the `population` cells of a folkbokföring extract dated `extractOn`: every person of
    /// the extract aged 16–19 that day, counted by sex and age. No person is stored.
    public func recordPopulation(extractOn: CalendarDate, people: [PersonalIdentityNumber]) throws(RegisterError) {
        try checkEventDate(extractOn, field: "--date")
        var counter = PopulationCounter(extractOn: extractOn, periodKey: Self.makePeriodKey(cellKey))
        for pnr in Set(people) { counter.add(pnr) }
        _ = try write { try storePopulation(counter) }
    }

    /// Replaces the stored population of the counter's extract date, unless it is already the same.
    @discardableResult
    func storePopulation(_ counter: PopulationCounter) throws -> Bool {
        let extract = SQLValue(counter.extractOn)
        let stored = try database.query("SELECT period_kind, sex, age, n, ck FROM population_cell WHERE extract_on = ?", [extract])
            .map { row in "\(try row.text(0))|\(try row.text(1))|\(try row.int(2))|\(try row.int(3))|\(try row.int(4))" }
        let exists = try database.queryOne("SELECT 1 FROM population_extract WHERE extract_on = ?", [extract]) != nil
        if exists, Set(stored) == Set(counter.rows.map { "\($0.kind)|\($0.sex)|\($0.age)|\($0.n)|\($0.ck)" }) {
            return false
        }
        try database.execute("DELETE FROM population_extract WHERE extract_on = ?", [extract])
        try database.execute("INSERT INTO population_extract (extract_on, imported_at) VALUES (?, ?)", [extract, .text(clock.now)])
        for cell in counter.rows {
            try database.execute("INSERT INTO population_cell (extract_on, period_kind, sex, age, n, ck) VALUES (?, ?, ?, ?, ?, ?)",
                                 [extract, .text(cell.kind), .text(cell.sex), .integer(Int64(cell.age)),
                                  .integer(Int64(cell.n)), .integer(Int64(cell.ck))])
        }
        return true
    }

    /// The period key of a person: the first 32 bits of HMAC-SHA256(secret, personnummer ‖ period).
    func periodKey(_ pnr: PersonalIdentityNumber, _ period: Period) -> UInt32 {
        Self.makePeriodKey(cellKey)(pnr, period)
    }

    /// The night's cells over two halves of the people at once (the calculator is pure; each half
    /// has its own prepared key, so the threads never wait for each other), added up per period.
    static func cellsOnTwoThreads(for periods: [Period], people: [PersonHistory], today: CalendarDate, secret: [UInt8],
                                  key: HMACSHA256Key) throws -> [[Cell]] {
        guard people.count >= 2_000 else {
            return CellCalculator(periodKey: makePeriodKey(key)).cells(for: periods, people: people, today: today)
        }
        let keys = [key, try HMACSHA256Key(key: secret)]
        let middle = people.count / 2
        let halves = [Array(people[..<middle]), Array(people[middle...])]
        let results = Mutex<[Int: [[Cell]]]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let cells = CellCalculator(periodKey: makePeriodKey(keys[index])).cells(for: periods, people: halves[index], today: today)
            results.withLock { $0[index] = cells }
        }
        let parts = results.withLock { $0 }
        return periods.indices.map { slot in CellCalculator.merge([parts[0]?[slot] ?? [], parts[1]?[slot] ?? []]) }
    }

    /// The period-key function for a prepared cell key: the MAC of the 12 digits followed by the
    /// period's text (`2026-11`, `2026-H2`), the message built on the stack.
    static func makePeriodKey(_ key: HMACSHA256Key) -> CellCalculator.PeriodKey {
        { pnr, period in
            var message: (UInt64, UInt64, UInt64) = (0, 0, 0)
            return withUnsafeMutableBytes(of: &message) { buffer in
                pnr.writeDigits(to: buffer)
                period.writeUTF8(to: UnsafeMutableRawBufferPointer(rebasing: buffer[12..<19]))
                return key.prefix32(UnsafeRawBufferPointer(rebasing: buffer[0..<19]))
            }
        }
    }

    func computeCells(_ period: Period, people: [PersonHistory]) throws -> [Cell] {
        let calculator = CellCalculator(periodKey: Self.makePeriodKey(cellKey))
        let cells = calculator.cells(for: period, people: people, today: today) + (try populationCells(period))
        return cells.sorted(by: Cell.listingOrder)
    }

    /// `population` of a period: the latest extract on or before its judgement day. A period with
    /// no extract of its own carries the latest earlier one forward, with that extract's keys.
    private func populationCells(_ period: Period) throws -> [Cell] {
        guard let extract = try database.queryOne(
            "SELECT max(extract_on) FROM population_extract WHERE extract_on <= ?", [SQLValue(period.judgementDay(today: today))])?.optionalText(0) else {
            return []
        }
        return try database.query("SELECT sex, age, n, ck FROM population_cell WHERE extract_on = ? AND period_kind = ?",
                                  [.text(extract), .text(period.isMonth ? "month" : "half")]).map { row in
            Cell(table: .population, period: period, dims: Dims(["sex": try row.text(0), "age": String(try row.int(1))]),
                 n: Int(try row.int(2)), ck: UInt32(truncatingIfNeeded: try row.int(3)))
        }
    }

    private func storedCells(_ period: Period) throws -> [Cell] {
        try database.query("SELECT table_name, dims, n, ck FROM frozen_cell WHERE period = ?", [.text(period.description)]).compactMap { row in
            guard let table = CellTable(rawValue: try row.text(0)), let dims = Dims(encoded: try row.text(1)) else {
                throw SQLiteError(.mismatch, message: "frozen_cell holds an unknown table or malformed dims for \(period)")
            }
            return Cell(table: table, period: period, dims: dims, n: Int(try row.int(2)), ck: UInt32(truncatingIfNeeded: try row.int(3)))
        }.sorted(by: Cell.listingOrder)
    }
}
