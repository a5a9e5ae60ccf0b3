import KAACore
import KAATestFixtures
import Testing

@Suite struct PeriodTests {
    let today = TestDates.today

    @Test func parsesMonthsAndHalfYears() throws {
        #expect(Period("2026-11") == .month(year: 2026, month: 11))
        #expect(Period("2026-H2") == .half(year: 2026, half: 2))
        for bad in ["2026-13", "2026-H3", "2026-00", "2026-1", "26-11", "2026-h2", "2026-11-01", ""] {
            #expect(Period(bad) == nil, "\(bad)")
        }
        let february = try #require(Period("2024-02"))
        #expect(february.lastDay == TestDates.date("2024-02-29"))
        #expect(try #require(Period("2026-H1")).lastDay == TestDates.date("2026-06-30"))
    }

    @Test func openPeriodsOnTheDesignsReferenceDay() throws {
        // design §5: on 2026-11-23 the open periods are 2026-H1, 2026-H2 and 2026-01 … 2026-11.
        for text in ["2026-H1", "2026-H2", "2026-01", "2026-06", "2026-11"] {
            #expect(try #require(Period(text)).isFrozen(today: today) == false, "\(text)")
        }
        for text in ["2025-H2", "2025-12", "2025-07", "2025-H1"] {
            #expect(try #require(Period(text)).isFrozen(today: today), "\(text)")
        }
        #expect(Period.firstOpenDay(today: today) == TestDates.date("2026-01-01"))
    }

    @Test func aPeriodFreezesTheDayAfterTheNextHalfYearEnds() throws {
        let h1 = try #require(Period("2026-H1"))
        #expect(!h1.isFrozen(today: TestDates.date("2026-12-31")))
        #expect(h1.isFrozen(today: TestDates.date("2027-01-01")))
        #expect(Period.firstOpenDay(today: TestDates.date("2027-01-01")) == TestDates.date("2026-07-01"))
    }

    @Test func judgesTheRunningPeriodOnToday() throws {
        #expect(try #require(Period("2026-11")).judgementDay(today: today) == today)
        #expect(try #require(Period("2026-10")).judgementDay(today: today) == TestDates.date("2026-10-31"))
    }

    @Test func listsEveryStartedPeriod() {
        let periods = Period.all(from: TestDates.date("2026-05-15"), through: TestDates.date("2026-07-02"))
        #expect(periods.map(\.description) == ["2026-H1", "2026-05", "2026-06", "2026-07", "2026-H2"])
    }

    @Test(arguments: ["2026-11", "2026-01", "1999-12", "2026-H1", "2026-H2"])
    func writesTheSameBytesAsItsText(text: String) throws {
        let period = try #require(Period(text))
        var buffer = [UInt8](repeating: 0, count: 7)
        buffer.withUnsafeMutableBytes { period.writeUTF8(to: $0) }
        #expect(String(decoding: buffer, as: UTF8.self) == text)
    }
}
