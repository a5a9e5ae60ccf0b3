import Foundation
import KAACLIKit
import KAACore
import KAARegister
import KAASystem

/// `kaa report period --period P [--html FILE]`: the kommun's own follow-up.
enum ReportPeriodCommand: KommunCommand {
    static let period = Arg.required("--period", .period, "Månad (2026-11) eller halvår (2026-H2).")
    static let html = Arg.option("--html", .path, "Skriv också en fristående HTML-fil med diagram.")
    static let spec = CommandSpec(
        "report period", "Kommunens egen uppföljning för en period, jämfört med perioden före.", arguments: [period, html, SafetyArguments.force],
        discussion: "Exakta antal ur registret; inga personuppgifter.")

    struct Figure {
        let label: String
        let current: Double?
        let previous: Double?
        let isShare: Bool
    }

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let period = arguments[period]
        if let path = arguments[html] { try SafetyArguments.checkWritable(path, force: arguments[SafetyArguments.force], argument: "--html") }
        let register = try context.openRegister()
        let current = try register.cells(for: period)
        let before: Period = period.isMonth ? Period.month(of: period.firstDay.adding(days: -1)) : period.previousHalf
        let previous = try register.cells(for: before)
        let figures = Self.figures(current, previous)
        let reasons = CodeCatalog.builtIn.codes(in: .deregistrationReason).filter { $0.code != KnownCode.felregistrerad }
        let byReason = reasons.map { reason in
            (reason.label, Self.count(current, .deregistered, reason.code), Self.count(previous, .deregistered, reason.code))
        }
        let state = period.isFrozen(today: register.today) ? "låst" : "preliminär"
        let handovers = (try register.handoverCounts(in: period), try register.handoverCounts(in: before))
        let receivers = CodeCatalog.builtIn.codes(in: .handoverReceiver).map { receiver in
            (receiver.label, Double(handovers.0.byReceiver.first { $0.code == receiver.code }?.count ?? 0),
             Double(handovers.1.byReceiver.first { $0.code == receiver.code }?.count ?? 0))
        }
        let handoverRows: [(String, Double, Double)] = [("Utslussade", Double(handovers.0.total), Double(handovers.1.total)),
                                                        ("  varav med samtycke att dela uppgifter", Double(handovers.0.withConsent), Double(handovers.1.withConsent))]
            + receivers.map { ("  till \($0.0.prefix(1).lowercased() + $0.0.dropFirst())", $0.1, $0.2) }
        let out = context.output
        out.line("Uppföljning av aktivitetsansvaret, kommun \(register.kommun), \(period) (\(state)), jämfört med \(before):")
        out.write(Table.render(header: ["", String(describing: period), String(describing: before), "FÖRÄNDRING"],
                               rows: figures.map { [$0.label, show($0.current, $0.isShare), show($0.previous, $0.isShare), change($0)] }))
        out.line()
        out.line("Avregistrerade efter orsak:")
        out.write(Table.render(header: ["ORSAK", String(describing: period), String(describing: before)],
                               rows: byReason.map { [$0.0, String(Int($0.1)), String(Int($0.2))] }))
        out.line()
        out.line("Utslussning vid 20 år eller avregistrering:")
        out.write(Table.render(header: ["", String(describing: period), String(describing: before)],
                               rows: handoverRows.map { [$0.0, String(Int($0.1)), String(Int($0.2))] }))
        if let path = arguments[html] {
            let page = PeriodReportPage.document(kommun: register.kommun, period: period, before: before, state: state, figures: figures, reasons: byReason,
                                                 handovers: handoverRows).renderDocument()
            try PersonalDataFile.write([PrivateFiles.File(path: path, bytes: Array(page.utf8))])
            out.line()
            out.line("HTML-rapporten är skriven till \(path).")
        }
    }

    static func count(_ cells: [Cell], _ table: CellTable, _ code: String? = nil) -> Double {
        Double(cells.filter { $0.table == table && (code == nil || $0.dims.pairs.first?.value == code) }.reduce(0) { $0 + $1.n })
    }

    static func figures(_ current: [Cell], _ previous: [Cell]) -> [Figure] {
        func ratio(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b : nil }
        func within30(_ cells: [Cell]) -> Double? {
            ratio(count(cells, .firstContactDays, "0-7") + count(cells, .firstContactDays, "8-30"), count(cells, .firstContactDays))
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

    static func show(_ value: Double?, _ isShare: Bool) -> String {
        SwedishFormat.figure(value, isShare: isShare)
    }

    static func change(_ figure: Figure) -> String {
        guard let current = figure.current, let previous = figure.previous else { return "–" }
        if figure.isShare {
            return String(format: "%+.1f procentenheter", (current - previous) * 100).replacingOccurrences(of: ".", with: ",")
        }
        return String(format: "%+d", Int(current - previous))
    }
}
