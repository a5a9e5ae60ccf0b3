extension CalendarDate {
    /// The age in whole years on `date` of someone born on `self`.
    ///
    /// Someone born on 29 February turns a year older on 1 March in other years (design §5).
    public func age(on date: CalendarDate) -> Int {
        let birth = components
        let now = date.components
        var age = now.year - birth.year
        if (now.month, now.day) < (birth.month, birth.day) { age -= 1 }
        return age
    }

    /// The date on which someone born on `self` turns `years` (29 February → 1 March in other years).
    public func birthday(turning years: Int) -> CalendarDate {
        let birth = components
        let year = birth.year + years
        if let date = CalendarDate(year: year, month: birth.month, day: birth.day) {
            return date
        }
        // Only 29 February of a non-leap year lands here.
        return CalendarDate(year: year, month: 3, day: 1) ?? self
    }
}

/// The KAA age rule (Skollagen 29:9): in scope from 1 July of the year one turns 16 until the day
/// before the 20th birthday.
public enum KAAAgeRule {
    /// The first day a person born on `birthDate` can be in KAA.
    public static func firstDay(birthDate: CalendarDate) -> CalendarDate {
        CalendarDate(year: birthDate.year + 16, month: 7, day: 1) ?? birthDate
    }

    /// The 20th birthday: the first day a person is no longer in KAA.
    public static func endDay(birthDate: CalendarDate) -> CalendarDate {
        birthDate.birthday(turning: 20)
    }

    /// The day an episode still open on the 20th birthday is closed `FYLLT_20` by the register
    /// itself, or nil when it is not due (not yet 20 on `today`, or a record of the episode dated
    /// after that day, which a coordinator must look at first).
    ///
    /// The day is the 20th birthday, or the first open day when the birthday lies in a frozen period
    /// (the frozen figures counted the person in KAA until then, and a write may not change them).
    public static func automaticClose(of episode: EpisodeHistory, birthDate: CalendarDate, today: CalendarDate,
                                      firstOpenDay: CalendarDate) -> CalendarDate? {
        guard episode.deregisteredOn == nil else { return nil }
        let birthday = endDay(birthDate: birthDate)
        guard birthday <= today else { return nil }
        let day = max(birthday, firstOpenDay, episode.registeredOn)
        guard day <= today, episode.latestRecordDate.map({ $0 <= day }) ?? true else { return nil }
        return day
    }

    /// Whether someone born on `birthDate` is within the age rule on `date`.
    public static func isWithin(birthDate: CalendarDate, on date: CalendarDate) -> Bool {
        date >= firstDay(birthDate: birthDate) && date < endDay(birthDate: birthDate)
    }
}

extension CalendarDate {
    /// The same day `count` months later (earlier when negative), clamped to the month's last day.
    public func adding(months count: Int) -> CalendarDate {
        let (year, month, day) = components
        let total = year * 12 + (month - 1) + count
        let newYear = total / 12, newMonth = total % 12 + 1
        return CalendarDate(year: newYear, month: newMonth, day: min(day, CalendarDate.daysIn(month: newMonth, year: newYear))) ?? self
    }
}
