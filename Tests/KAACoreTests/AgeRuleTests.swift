import KAACore
import KAATestFixtures
import Testing

@Suite struct AgeRuleTests {
    let d = TestDates.date

    @Test func countsWholeYears() {
        let birth = d("2008-05-10")
        #expect(birth.age(on: d("2026-05-09")) == 17)
        #expect(birth.age(on: d("2026-05-10")) == 18)
    }

    @Test func leapDayBirthdayFallsOnFirstMarchInOtherYears() {
        let birth = d("2008-02-29")
        #expect(birth.age(on: d("2026-02-28")) == 17)
        #expect(birth.age(on: d("2026-03-01")) == 18)
        #expect(birth.age(on: d("2028-02-29")) == 20)
        #expect(birth.birthday(turning: 20) == d("2028-02-29"))
        #expect(birth.birthday(turning: 19) == d("2027-03-01"))
    }

    @Test func coversFromFirstJulyOfTheYearOneTurnsSixteen() {
        // Born 31 December 2010 and 1 January 2010: both turn 16 in 2026, both in scope on 1 July 2026.
        #expect(KAAAgeRule.isWithin(birthDate: d("2010-12-31"), on: d("2026-07-01")))
        #expect(!KAAAgeRule.isWithin(birthDate: d("2010-12-31"), on: d("2026-06-30")))
        #expect(KAAAgeRule.isWithin(birthDate: d("2010-01-01"), on: d("2026-07-01")))
        // Born 1 January 2011 turns 16 in 2027: not in scope until 1 July 2027.
        #expect(!KAAAgeRule.isWithin(birthDate: d("2011-01-01"), on: d("2026-12-31")))
        #expect(KAAAgeRule.isWithin(birthDate: d("2011-01-01"), on: d("2027-07-01")))
    }

    @Test func endsOnTheTwentiethBirthday() {
        let birth = d("2006-11-23")
        #expect(KAAAgeRule.isWithin(birthDate: birth, on: d("2026-11-22")))
        #expect(!KAAAgeRule.isWithin(birthDate: birth, on: d("2026-11-23")))
        #expect(KAAAgeRule.endDay(birthDate: birth) == d("2026-11-23"))
    }

    @Test func leapDayPersonLeavesOnTheTwentiethBirthdayOrFirstMarch() {
        // A 20th birthday of someone born on 29 February is a leap day, except across 2100.
        #expect(KAAAgeRule.endDay(birthDate: d("2008-02-29")) == d("2028-02-29"))
        #expect(KAAAgeRule.isWithin(birthDate: d("2008-02-29"), on: d("2028-02-28")))
        #expect(KAAAgeRule.endDay(birthDate: d("2080-02-29")) == d("2100-03-01"))
        #expect(KAAAgeRule.isWithin(birthDate: d("2080-02-29"), on: d("2100-02-28")))
        #expect(!KAAAgeRule.isWithin(birthDate: d("2080-02-29"), on: d("2100-03-01")))
    }
}

@Suite struct CalendarDateTests {
    @Test(arguments: ["2026-11-23", "2024-02-29", "1970-01-01", "1899-12-31", "2100-03-01"])
    func roundTripsIsoText(_ text: String) throws {
        let date = try #require(CalendarDate(iso: text))
        #expect(date.description == text)
        #expect(CalendarDate(dayNumber: date.dayNumber) == date)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-00-10", "26-11-23", "2026/11/23", "2026-11-23 ", "", "2026-1-23"])
    func rejectsInvalidText(_ text: String) {
        #expect(CalendarDate(iso: text) == nil)
    }

    @Test func countsDays() {
        #expect(TestDates.date("2026-01-01").days(until: TestDates.date("2026-12-31")) == 364)
        #expect(TestDates.date("2024-02-28").adding(days: 1) == TestDates.date("2024-02-29"))
        #expect(CalendarDate(iso: "1970-01-01")?.dayNumber == 0)
    }
}
