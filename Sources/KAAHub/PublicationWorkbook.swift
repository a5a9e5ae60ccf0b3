import KAACore

/// The Excel download of a publication (`/v1/published.xlsx`, design §8): the counts and the shares
/// on sheets of their own with the CSV's columns (`PublicationTable`), Kommunkod as text, numbers
/// as numbers, and a sheet that states the period, whether it is preliminary, how the figures are
/// protected and what the signs mean.
struct PublicationWorkbook {
    let table: PublicationTable
    /// The Cell Key Method's largest noise D and its variance V, for the explanation.
    let maximumNoise: Int
    let variance: Double
    /// What the download was narrowed to, stated on the explanation sheet.
    let kommun: String?
    let tableFilter: CellTable?
    /// The län asked for (`lan`).
    var county: String? = nil
    /// The day it was made (its document's creation date: the same figures on one day give the same bytes).
    let day: CalendarDate

    static let countsSheet = "Antal"
    static let sharesSheet = "Andelar"
    static let aboutSheet = "Om siffrorna"

    /// The `.xlsx` file's bytes.
    func bytes() throws(HubError) -> [UInt8] {
        let period = table.period
        let workbook = try XLSXWorkbook(title: "Kommunala aktivitetsansvaret \(period)", created: day.dayNumber * 86_400)
        try writeCounts(try workbook.addSheet(Self.countsSheet))
        try writeShares(try workbook.addSheet(Self.sharesSheet))
        try writeAbout(try workbook.addSheet(Self.aboutSheet))
        return try workbook.finish()
    }

    private var preliminary: String { table.isPreliminary ? "ja" : "nej" }

    private func writeCounts(_ sheet: XLSXSheet) throws(HubError) {
        let headers = ["Period"] + table.leadingHeaders + ["Tabellkod", "Tabell"] + table.dimensions.map(\.header) + ["Antal", "Preliminär"]
        try header(sheet, headers)
        let lead = table.leadingHeaders.count
        let valueColumn = 3 + lead + table.dimensions.count
        for (index, row) in table.rows.enumerated() {
            let line = index + 1
            try sheet.write("\(table.period)", row: line, column: 0)
            for (offset, text) in row.leading.enumerated() { try sheet.write(text, row: line, column: 1 + offset) }
            try sheet.write(row.table.rawValue, row: line, column: 1 + lead)
            try sheet.write(row.tableLabel, row: line, column: 2 + lead)
            for (offset, (dimension, label)) in zip(table.dimensions, row.labels).enumerated() where !label.isEmpty {
                // An age is a number an analyst may filter or sort by; every other label is text.
                if dimension.key == "age", let age = Int(label) {
                    try sheet.write(Double(age), row: line, column: 3 + lead + offset)
                } else {
                    try sheet.write(label, row: line, column: 3 + lead + offset)
                }
            }
            if let value = row.value {
                try sheet.write(Double(value), row: line, column: valueColumn)
            } else {
                try sheet.write(PublicationTable.notShown, row: line, column: valueColumn)
            }
            try sheet.write(preliminary, row: line, column: valueColumn + 1)
        }
        try finishTable(sheet, rows: table.rows.count, columns: headers.count)
        try setLeadingWidths(sheet)
        try sheet.setWidth(18, columns: (1 + lead)...(1 + lead))
        try sheet.setWidth(44, columns: (2 + lead)...(2 + lead))
        try sheet.setWidth(26, columns: (3 + lead)...(valueColumn - 1))
        try sheet.setWidth(10, columns: valueColumn...(valueColumn + 1))
    }

    private func writeShares(_ sheet: XLSXSheet) throws(HubError) {
        let headers = ["Period"] + table.leadingHeaders + [PublicationTable.shareLabel, "Preliminär"]
        try header(sheet, headers)
        let lead = table.leadingHeaders.count
        for (index, share) in table.shares.enumerated() {
            let line = index + 1
            try sheet.write("\(table.period)", row: line, column: 0)
            for (offset, text) in share.leading.enumerated() { try sheet.write(text, row: line, column: 1 + offset) }
            if let tenths = share.tenthsOfPercent {
                // The number the CSV shows (12,3), not a binary quotient Excel would round itself.
                try sheet.write(Double(tenths) / 10, row: line, column: 1 + lead, style: .oneDecimal)
            } else {
                try sheet.write(share.sign, row: line, column: 1 + lead)
            }
            try sheet.write(preliminary, row: line, column: 2 + lead)
        }
        try finishTable(sheet, rows: table.shares.count, columns: headers.count)
        try setLeadingWidths(sheet)
        try sheet.setWidth(48, columns: (1 + lead)...(1 + lead))
        try sheet.setWidth(10, columns: (2 + lead)...(2 + lead))
    }

    /// Period and the kommun's (and the level's and län's) columns: codes narrow, names wide.
    private func setLeadingWidths(_ sheet: XLSXSheet) throws(HubError) {
        if table.hasCountyLevel {
            try sheet.setWidth(9, columns: 0...2)
            try sheet.setWidth(22, columns: 3...3)
            try sheet.setWidth(9, columns: 4...4)
            try sheet.setWidth(22, columns: 5...5)
        } else {
            try sheet.setWidth(9, columns: 0...1)
            try sheet.setWidth(22, columns: 2...2)
        }
    }

    private func writeAbout(_ sheet: XLSXSheet) throws(HubError) {
        let d = maximumNoise
        let zero = d == 1 ? "0 eller 1 person" : "0, 1 eller upp till \(d) personer"
        let status = table.isPreliminary
            ? "Preliminära siffror: perioden är öppen och siffrorna kan ändras när kommunerna rapporterar."
            : "Slutliga siffror: perioden är låst och siffrorna ändras inte."
        var narrowed: [String] = []
        if let county { narrowed.append("\(Kommuner.counties[county] ?? county) (län \(county))") }
        if let kommun { narrowed.append("kommun \(kommun)") }
        if let tableFilter { narrowed.append("tabellen \(PublicationTable.label(tableFilter)) (\(tableFilter.rawValue))") }
        var lines: [(term: String, text: String, style: XLSXWorkbook.Style)] = [
            ("Kommunala aktivitetsansvaret, \(PublicationTable.label(table.period))", "", .title),
            ("Period", "\(table.period) (\(PublicationTable.label(table.period)))", .plain),
            ("Status", status, .plain),
            ("Rapporterat", "\(table.reporting) av \(table.enrolled) kommuner har rapporterat för perioden.", .plain),
            ("Urval", narrowed.isEmpty ? "Alla kommuner och tabeller." : "Bara \(narrowed.joined(separator: " och ")), och regionen.", .plain),
            ("", "", .plain),
            ("Bladen", "", .header),
            (Self.countsSheet, "Skyddade antal per kommun och för regionen: en rad per tabell och kombination av dimensioner. "
                + "\(PublicationTable.total) i en dimensionskolumn är tabellens summa över den dimensionen; en tom cell betyder "
                + "att tabellen inte har den dimensionen. Tabellkod är samma namn som i JSON-svaret (/v1/published).", .plain),
            (Self.sharesSheet, "Andelen av de folkbokförda 16–19-åringarna som var i aktivitetsansvaret, i procent med en decimal "
                + "(avrundad uppåt vid exakt hälften), räknad från de skyddade antalen.", .plain),
            ("", "", .plain),
            ("Skydd", "", .header),
            ("Metod", "Hubben tar inte emot några personuppgifter, bara antal per kommun. Alla antal är skyddade med "
                + "cell-nyckelmetoden (cell key method), samma metod som SCB använder för befolkningsstatistik: varje antal har "
                + "fått ett litet brus på högst ±\(d) (varians \(Self.decimal(variance)), i genomsnitt noll) som bestäms av vilka "
                + "personer som ingår. Samma grupp ger därför alltid samma tal, och summor och skillnader mellan tabeller "
                + "avslöjar inte enskilda personer. Inga exakta antal publiceras.", .plain),
            ("Summor", "Delsummor behöver inte gå jämnt upp med totalen: varje antal, också en total, har sitt eget brus.", .plain),
            ("I åtgärd", "Räknas per åtgärdstyp: den som har två sorters åtgärder räknas i båda, så tabellen har ingen total.", .plain),
            ("", "", .plain),
            ("Teckenförklaring", "", .header),
            (PublicationTable.notShown, "Uppgiften redovisas inte: kommunen har inte rapporterat för perioden.", .plain),
            (PublicationTable.smallDenominator, "Andelen visas inte: den publicerade nämnaren är för liten (under "
                + "\(table.shareMinimumDenominator) personer), så andelen skulle mest visa bruset.", .plain),
            ("0", "Ett publicerat 0 kan stå för \(zero): skyddet gör att noll och några få inte går att skilja åt.", .plain),
            (PublicationTable.total, "Tabellens summa över dimensionen i den kolumnen.", .plain),
        ]
        if table.hasCountyLevel {
            lines.insert(("Län", "Hubben har kommuner i flera län. Varje län har egna rader (Nivå \(PublicationTable.levelCounty)): summan av "
                + "länets rapporterande kommuner, skyddad med samma metod och samma brus, så att ett läns antal är detsamma som "
                + "regionens antal hos en hubb med bara länets kommuner.", .plain), at: 5)
        }
        for (row, line) in lines.enumerated() {
            if !line.term.isEmpty { try sheet.write(line.term, row: row, column: 0, style: line.style == .title ? .title : .header) }
            if !line.text.isEmpty { try sheet.write(line.text, row: row, column: 1, style: .wrapped) }
        }
        try sheet.setWidth(18, columns: 0...0)
        try sheet.setWidth(100, columns: 1...1, style: .wrapped)
    }

    private func header(_ sheet: XLSXSheet, _ headers: [String]) throws(HubError) {
        for (column, text) in headers.enumerated() { try sheet.write(text, row: 0, column: column, style: .header) }
    }

    /// The header row kept in view with filter buttons, and Kommunkod (column B; with a county
    /// level, Länskod and Kommunkod in columns C and E) allowed as text.
    private func finishTable(_ sheet: XLSXSheet, rows: Int, columns: Int) throws(HubError) {
        try sheet.freezeRows(1)
        try sheet.autofilter(row: 0, lastRow: rows, columns: 0...(columns - 1))
        try sheet.allowNumbersAsText(table.hasCountyLevel ? "A1:E\(rows + 1)" : "A1:B\(rows + 1)")
    }

    /// `1,5` for 1.5: a Swedish reader's decimal comma.
    private static func decimal(_ value: Double) -> String {
        let text = value == value.rounded() ? "\(Int(value))" : "\(value)"
        return text.replacingOccurrences(of: ".", with: ",")
    }
}
