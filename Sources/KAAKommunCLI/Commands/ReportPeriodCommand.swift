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

    /// A key figure (shared with the web's Rapporter: `PeriodReport` in KAARegister).
    typealias Figure = PeriodReport.Figure

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let period = arguments[period]
        if let path = arguments[html] { try SafetyArguments.checkWritable(path, force: arguments[SafetyArguments.force], argument: "--html") }
        let register = try context.openRegister()
        let report = try register.periodReport(for: period)
        let before = report.before
        let figures = report.figures
        let byReason = report.deregisteredByReason.map { ($0.label, Double($0.current), Double($0.previous)) }
        let handoverRows = report.handovers.map { ($0.label, Double($0.current), Double($0.previous)) }
        let state = report.state
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
        PeriodReport.count(cells, table, code)
    }

    static func show(_ value: Double?, _ isShare: Bool) -> String {
        SwedishFormat.figure(value, isShare: isShare)
    }

    static func change(_ figure: Figure) -> String {
        figure.change
    }
}
