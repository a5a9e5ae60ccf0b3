import Foundation
import KAACore

/// The kommun's own follow-up of a period against the period before (`kaa report period` and the
/// web's Rapporter): exact counts from the register, no personal data. The data-quality lists that
/// name people are a separate, audited read (`Register.periodDataQuality`).
public struct PeriodReport: Sendable {
    /// One key figure: a count or a share, in this period and the one before.
    public struct Figure: Sendable {
        public let label: String
        public let current: Double?
        public let previous: Double?
        public let isShare: Bool

        public init(label: String, current: Double?, previous: Double?, isShare: Bool) {
            self.label = label
            self.current = current
            self.previous = previous
            self.isShare = isShare
        }

        /// The value as Swedish text (`16,3 %`, `12`, `–`).
        public static func show(_ value: Double?, _ isShare: Bool) -> String {
            SwedishFormat.figure(value, isShare: isShare)
        }

        /// The change from the previous period: `+3`, `-1,5 procentenheter`, `–` without both.
        public var change: String {
            guard let current, let previous else { return "–" }
            if isShare {
                return String(format: "%+.1f procentenheter", (current - previous) * 100).replacingOccurrences(of: ".", with: ",")
            }
            return String(format: "%+d", Int(current - previous))
        }
    }

    /// One row of counts: a label with its count in this period and the one before.
    public struct Count: Sendable, Equatable {
        public let label: String
        public let current: Int
        public let previous: Int
    }

    /// One line of the comparison with the region: the kommun's exact value, the region's protected one.
    public struct RegionLine: Sendable {
        public let label: String
        public let own: Double?
        public let region: Double?
        public let isShare: Bool
    }

    public let kommun: String
    public let period: Period
    /// The period compared with: the month before, or the half-year before.
    public let before: Period
    /// Whether the period's figures are locked (frozen).
    public let isFrozen: Bool
    public let figures: [Figure]
    /// `first_contact_days`: how many of those registered in the period were first reached within each band.
    public let firstContactBands: [Count]
    /// The median days from registration to the first reached contact (of those reached; nil if none).
    public let medianFirstContactDays: (current: Double?, previous: Double?)
    /// De-registered by reason.
    public let deregisteredByReason: [Count]
    /// Hand-overs at 20 or earlier de-registration, with consent and by receiver.
    public let handovers: [Count]

    /// "låst" or "preliminär".
    public var state: String { isFrozen ? "låst" : "preliminär" }

    /// The period before `period`: the month before a month, the half-year before a half-year.
    public static func previous(of period: Period) -> Period {
        period.isMonth ? Period.month(of: period.firstDay.adding(days: -1)) : period.previousHalf
    }

    /// The people total of `table` in `cells`, or its cells whose first dimension is `code`.
    public static func count(_ cells: [Cell], _ table: CellTable, _ code: String? = nil) -> Double {
        Double(cells.filter { $0.table == table && (code == nil || $0.dims.pairs.first?.value == code) }.reduce(0) { $0 + $1.n })
    }

    /// The key figures from the two periods' cells.
    public static func figures(_ current: [Cell], _ previous: [Cell]) -> [Figure] {
        func ratio(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b : nil }
        func within30(_ cells: [Cell]) -> Double? {
            ratio(count(cells, .firstContactDays, FirstContactBand.days0to7.rawValue) + count(cells, .firstContactDays, FirstContactBand.days8to30.rawValue),
                  count(cells, .firstContactDays))
        }
        return [
            Figure(label: "I aktivitetsansvaret", current: count(current, .inKAA), previous: count(previous, .inKAA), isShare: false),
            Figure(label: "Nya", current: count(current, .new), previous: count(previous, .new), isShare: false),
            Figure(label: "Nådda", current: count(current, .contacted), previous: count(previous, .contacted), isShare: false),
            Figure(label: "Andel nådda", current: ratio(count(current, .contacted), count(current, .inKAA)),
                   previous: ratio(count(previous, .contacted), count(previous, .inKAA)), isShare: true),
            Figure(label: "Andel nådda inom 30 dagar", current: within30(current), previous: within30(previous), isShare: true),
            Figure(label: "Pågående åtgärder (per typ)", current: count(current, .inMeasure), previous: count(previous, .inMeasure), isShare: false),
            Figure(label: "Tackade nej till åtgärd", current: count(current, .declined), previous: count(previous, .declined), isShare: false),
            Figure(label: "Avregistrerade", current: count(current, .deregistered), previous: count(previous, .deregistered), isShare: false),
        ]
    }

    /// The lines `kaa compare` shows: the kommun's exact figures beside the region's protected ones.
    public static func regionLines(own: [Cell], region: RegionFigures) -> [RegionLine] {
        func ownTotal(_ table: CellTable) -> Double { count(own, table) }
        func regionTotal(_ table: CellTable) -> Double? { region.total(table).map(Double.init) }
        func ratio(_ a: Double?, _ b: Double?) -> Double? {
            guard let a, let b, b > 0 else { return nil }
            return a / b
        }
        return [
            RegionLine(label: "I aktivitetsansvaret", own: ownTotal(.inKAA), region: regionTotal(.inKAA), isShare: false),
            RegionLine(label: "Folkbokförda 16–19 år", own: ownTotal(.population), region: regionTotal(.population), isShare: false),
            RegionLine(label: "Andel 16–19 år i KAA", own: ratio(ownTotal(.inKAA), ownTotal(.population)),
                       region: ratio(regionTotal(.inKAA), regionTotal(.population)), isShare: true),
            RegionLine(label: "Nya", own: ownTotal(.new), region: regionTotal(.new), isShare: false),
            RegionLine(label: "Nådda", own: ownTotal(.contacted), region: regionTotal(.contacted), isShare: false),
            RegionLine(label: "Andel nådda", own: ratio(ownTotal(.contacted), ownTotal(.inKAA)),
                       region: ratio(regionTotal(.contacted), regionTotal(.inKAA)), isShare: true),
            RegionLine(label: "Pågående åtgärder", own: ownTotal(.inMeasure), region: regionTotal(.inMeasure), isShare: false),
            RegionLine(label: "Andel med åtgärd", own: ratio(ownTotal(.inMeasure), ownTotal(.inKAA)),
                       region: ratio(regionTotal(.inMeasure), regionTotal(.inKAA)), isShare: true),
            RegionLine(label: "Avregistrerade", own: ownTotal(.deregistered), region: regionTotal(.deregistered), isShare: false),
        ]
    }

    /// The Swedish words for a `first_contact_days` band.
    public static func bandLabel(_ band: FirstContactBand) -> String {
        switch band {
        case .days0to7: "0–7 dagar"
        case .days8to30: "8–30 dagar"
        case .days31to90: "31–90 dagar"
        case .days91plus: "91 dagar eller mer"
        case .none: "inte nådd än"
        }
    }

    /// The median of `values` (the mean of the middle two for an even count); nil for none.
    public static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// The data-quality lines of a period: who lacks what, named, each linking to the person to fix.
public struct PeriodDataQuality: Sendable {
    /// One person on a line.
    public struct Person: Sendable, Equatable {
        public let personID: Int64
        public let personnummer: PersonalIdentityNumber
        public let name: String
        public let isProtected: Bool
        /// What is missing, in Swedish (`inskrivning 2026-09-01`, `senaste kontaktförsök 2026-08-02`).
        public let detail: String
    }

    /// One line: what it counts and the people on it (all of them the viewer reaches).
    public struct Line: Sendable {
        /// A stable key for the page's anchors (`orsak-saknas`, `annan-atgard`, `ingen-kontakt-30`).
        public let key: String
        public let label: String
        public let people: [Person]
    }

    public let period: Period
    /// The day the lines are judged on: the period's last day, or today while it runs.
    public let judgementDay: CalendarDate
    public let lines: [Line]

    /// The thresholds of the no-contact lines, in days.
    public static let noContactDays = [30, 60, 90]
    /// The measure type that says "some other measure".
    public static let otherMeasure = "ANNAN"
}

extension Register {
    /// The period report for `period` against the period before.
    public func periodReport(for period: Period) throws(RegisterError) -> PeriodReport {
        let before = PeriodReport.previous(of: period)
        let current = try cells(for: period)
        let previous = try cells(for: before)
        let reasons = CodeCatalog.builtIn.codes(in: .deregistrationReason).filter { $0.code != KnownCode.felregistrerad }
        let byReason = reasons.map { reason in
            PeriodReport.Count(label: reason.label, current: Int(PeriodReport.count(current, .deregistered, reason.code)),
                               previous: Int(PeriodReport.count(previous, .deregistered, reason.code)))
        }
        let bands = FirstContactBand.allCases.map { band in
            PeriodReport.Count(label: PeriodReport.bandLabel(band), current: Int(PeriodReport.count(current, .firstContactDays, band.rawValue)),
                               previous: Int(PeriodReport.count(previous, .firstContactDays, band.rawValue)))
        }
        let counts = (try handoverCounts(in: period), try handoverCounts(in: before))
        let receivers = CodeCatalog.builtIn.codes(in: .handoverReceiver).map { receiver in
            PeriodReport.Count(label: "  till \(receiver.label.prefix(1).lowercased() + receiver.label.dropFirst())",
                               current: counts.0.byReceiver.first { $0.code == receiver.code }?.count ?? 0,
                               previous: counts.1.byReceiver.first { $0.code == receiver.code }?.count ?? 0)
        }
        let handovers = [PeriodReport.Count(label: "Utslussade", current: counts.0.total, previous: counts.1.total),
                         PeriodReport.Count(label: "  varav med samtycke att dela uppgifter", current: counts.0.withConsent, previous: counts.1.withConsent)]
            + receivers
        let (median, withMeasure) = try read { () throws in
            let people = try loadHistories(reachingFrom: before.firstDay)
            return ((PeriodReport.median(firstContactDays(people, in: period)), PeriodReport.median(firstContactDays(people, in: before))),
                    (shareWithMeasure(people, in: period), shareWithMeasure(people, in: before)))
        }
        var figures = PeriodReport.figures(current, previous)
        // After the measures per type: the people with one, each once (a person in two counts once here).
        let after = (figures.firstIndex { $0.label.hasPrefix("Pågående åtgärder") } ?? figures.count - 1) + 1
        figures.insert(PeriodReport.Figure(label: "Andel med åtgärd", current: withMeasure.0, previous: withMeasure.1, isShare: true), at: after)
        return PeriodReport(kommun: kommun, period: period, before: before, isFrozen: period.isFrozen(today: today),
                            figures: figures, firstContactBands: bands,
                            medianFirstContactDays: median, deregisteredByReason: byReason, handovers: handovers)
    }

    /// Days from registration to the first reached contact of everyone registered in `period` and
    /// reached in it, counted as `first_contact_days` counts them (the latest such episode decides).
    func firstContactDays(_ people: [PersonHistory], in period: Period) -> [Int] {
        let start = period.firstDay, end = period.judgementDay(today: today)
        return people.compactMap { person in
            guard let registered = person.countingEpisodes.last(where: { $0.registeredOn >= start && $0.registeredOn <= end }) else { return nil }
            return registered.contacts.filter { $0.isReached && $0.date >= registered.registeredOn && $0.date <= end }
                .map(\.date).min().map { registered.registeredOn.days(until: $0) }
        }
    }

    /// Of everyone in KAA during `period`, the share with a measure running in it (started by its
    /// end and not ended before its start), each person once; nil with nobody in KAA.
    func shareWithMeasure(_ people: [PersonHistory], in period: Period) -> Double? {
        let start = period.firstDay, end = period.judgementDay(today: today)
        var inKAA = 0, withMeasure = 0
        for person in people {
            let episodes = person.countingEpisodes.filter { $0.overlaps(from: start, through: end) }
            guard !episodes.isEmpty else { continue }
            inKAA += 1
            if episodes.contains(where: { $0.measures.contains { measure in
                measure.startedOn.map { $0 <= end } ?? false && (measure.endedOn.map { $0 >= start } ?? true)
            } }) {
                withMeasure += 1
            }
        }
        return inKAA > 0 ? Double(withMeasure) / Double(inKAA) : nil
    }

    /// The region's protected figures of `period` beside the kommun's exact ones (`kaa compare`);
    /// nil when no region figures for the period have been fetched by a sync.
    public func regionComparison(for period: Period) throws(RegisterError) -> (region: RegionFigures, lines: [PeriodReport.RegionLine])? {
        guard let region = try regionFigures(period) else { return nil }
        return (region, PeriodReport.regionLines(own: try cells(for: period), region: region))
    }

    /// The data-quality lines of `period`, naming the people the viewer reaches: registration reason
    /// missing, measures of type "annan", and people in KAA with no contact attempt for 30, 60 and
    /// 90 days on the judgement day. An audited read of everyone named.
    public func periodDataQuality(for period: Period) throws(RegisterError) -> PeriodDataQuality {
        guard period.hasStarted(today: today) else {
            throw .invalidInput(field: "period", message: "perioden \(period) har inte börjat (i dag är \(today))")
        }
        let start = period.firstDay, end = period.judgementDay(today: today)
        return try readAudited { () throws in
            let people = try loadHistories(reachingFrom: start)
            let reached = Set(try reachable(people.map(\.personID)))
            var missingReason: [(Int64, PersonalIdentityNumber, String)] = []
            var otherMeasure: [(Int64, PersonalIdentityNumber, String)] = []
            var silent: [Int: [(Int64, PersonalIdentityNumber, String)]] = [:]
            for person in people where reached.contains(person.personID) {
                let episodes = person.countingEpisodes.filter { $0.overlaps(from: start, through: end) }
                for episode in episodes where episode.registrationReason == KnownCode.registrationUnknown {
                    missingReason.append((person.personID, person.personnummer, "inskrivning \(episode.registeredOn)"))
                }
                let others = episodes.flatMap(\.measures).filter { $0.type == PeriodDataQuality.otherMeasure && $0.offeredOn <= end }
                if let first = others.first {
                    otherMeasure.append((person.personID, person.personnummer, "erbjuden \(first.offeredOn)" + (others.count > 1 ? " (och \(others.count - 1) till)" : "")))
                }
                // In KAA on the judgement day: the no-contact lines count from the latest attempt (or the registration).
                guard let open = episodes.last(where: { $0.registeredOn <= end && ($0.deregisteredOn.map { $0 > end } ?? true) }) else { continue }
                let lastAttempt = open.contacts.filter { $0.date <= end }.map(\.date).max()
                let since = lastAttempt ?? open.registeredOn
                let days = since.days(until: end)
                let detail = lastAttempt.map { "senaste kontaktförsök \($0) (\(days) dagar)" } ?? "inget kontaktförsök sedan inskrivningen \(open.registeredOn) (\(days) dagar)"
                for threshold in PeriodDataQuality.noContactDays where days >= threshold {
                    silent[threshold, default: []].append((person.personID, person.personnummer, detail))
                }
            }
            let all = missingReason + otherMeasure + silent.values.flatMap { $0 }
            let names = try personNames(all.map(\.0))
            func named(_ items: [(Int64, PersonalIdentityNumber, String)]) -> [PeriodDataQuality.Person] {
                items.map { PeriodDataQuality.Person(personID: $0.0, personnummer: $0.1, name: names[$0.0]?.name ?? "",
                                                     isProtected: names[$0.0]?.isProtected ?? false, detail: $0.2) }
            }
            let lines = [PeriodDataQuality.Line(key: "orsak-saknas", label: "Registreringsorsak saknas (OKAND)", people: named(missingReason)),
                         PeriodDataQuality.Line(key: "annan-atgard", label: "Åtgärd av typen \"annan\"", people: named(otherMeasure))]
                + PeriodDataQuality.noContactDays.map { threshold in
                    PeriodDataQuality.Line(key: "ingen-kontakt-\(threshold)", label: "Inget kontaktförsök på \(threshold) dagar eller mer",
                                           people: named(silent[threshold] ?? []))
                }
            let shown = Array(Set(all.map(\.0))).sorted()
            try auditReads("report.period", personIDs: shown, context: .worklist, detail: "period=\(period)")
            return PeriodDataQuality(period: period, judgementDay: end, lines: lines)
        }
    }
}
