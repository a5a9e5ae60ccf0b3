import Foundation
import KAACore
import KAAHTTP
@testable import KAAHub
import KAAProtocol
import KAATestFixtures
import Testing

/// The analysts' downloads of issue #17: the CSV and the Excel file, with the same columns, Swedish
/// labels and numbers as the JSON.
@Suite struct PublicationDownloadTests {
    /// The header of both downloads' count rows (the Excel sheet's value column is "Antal").
    static let columns = ["Period", "Kommunkod", "Kommun", "Tabellkod", "Tabell", "Kön", "Ålder", "Orsak", "Åtgärd", "Sysselsättning", "Tid till första kontakt"]

    /// The CSV's lines, fields split on `;` (the fixture has no quoted fields).
    func csvLines(_ response: HTTPResponse) -> [[String]] {
        String(decoding: response.body.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            .map { $0.components(separatedBy: ";") }
    }

    @Test func theCSVHasOneLabelledColumnPerDimensionAndKeepsItsConventions() throws {
        let (fixture, _) = try publishedFixture()
        let response = get(fixture, "/v1/published.csv", query: ["period": "2026-11"])
        #expect(response.status == 200)
        #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with BOM")
        let text = String(decoding: response.body.dropFirst(3), as: UTF8.self)
        #expect(text.hasSuffix("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
        let lines = csvLines(response)
        #expect(lines[0] == Self.columns + ["Värde", "Preliminär"])
        #expect(lines.allSatisfy { $0.count == lines[0].count }, "every line has every column")
        let body = try json(get(fixture, "/v1/published", query: ["period": "2026-11"]))
        let cells = try #require(body["cells"] as? [[String: Any]])
        func csvValue(_ kommun: String, _ table: String, _ labels: [String: String]) -> [String] {
            // The table's dimension columns hold the labels; every other dimension column is empty.
            lines.filter { line in
                line[1] == kommun && line[3] == table && (5..<11).allSatisfy { line[$0] == (labels[Self.columns[$0]] ?? "") }
            }.map { $0[11] }
        }
        func jsonValue(_ kommun: String?, _ table: String, _ dims: [String: String]) -> String? {
            (cells.first { ($0["kommun"] as? String) == kommun && $0["table"] as? String == table && ($0["dims"] as? [String: String]) == dims }?["value"] as? Int).map { "\($0)" }
        }
        // Codes become their Swedish labels, each in its own column; a total says Totalt.
        #expect(csvValue("0380", "in_kaa", ["Kön": "Kvinna", "Ålder": "17"]) == [try #require(jsonValue("0380", "in_kaa", ["sex": "K", "age": "17"]))])
        #expect(csvValue("0380", "in_kaa", ["Kön": "Man", "Ålder": "18"]) == [try #require(jsonValue("0380", "in_kaa", ["sex": "M", "age": "18"]))])
        #expect(csvValue("0380", "in_kaa", ["Kön": "Totalt", "Ålder": "Totalt"]) == [try #require(jsonValue("0380", "in_kaa", [:]))])
        #expect(csvValue("0380", "in_kaa_reason", ["Orsak": "Avbrutit nationellt program"]) == [try #require(jsonValue("0380", "in_kaa_reason", ["reason": "AVBROTT_NP"]))])
        #expect(csvValue("0380", "in_measure", ["Åtgärd": CodeCatalog.builtIn.label("SYV", in: .measureType)]).count == 1)
        #expect(lines.contains { $0[1] == "" && $0[2] == "Regionen" && $0[3] == "in_kaa" && $0[4] == "I aktivitetsansvaret" })
        #expect(!text.contains("sex=") && !text.contains("AVBROTT_NP"), "no encoded dims, no raw codes")
        // Every count of the JSON is a line of the CSV, and nothing else is (plus one line per share).
        let shares = try #require(body["shares"] as? [[String: Any]])
        #expect(lines.count == 1 + cells.count + shares.count)
        for share in shares {
            let kommun = share["kommun"] as? String ?? ""
            let line = try #require(lines.first { $0[1] == kommun && $0[3] == "andel_16_19_i_kaa_procent" })
            let sign = (share["reason"] as? String) == "small_denominator" ? "×" : ".."
            let expected = (share["share"] as? Double).flatMap(PublicationTable.tenthsOfPercent).map(PublicationTable.percentText) ?? sign
            #expect(line[11] == expected && line[12] == "ja")
            #expect(line[11].range(of: #"^\d+,\d$|^\.\.$|^×$"#, options: .regularExpression) != nil, "decimal comma: \(line[11])")
        }
    }

    @Test func aShareNotShownSaysWhyInBothDownloadsAsTheDashboardDoes() throws {
        // 0380's population is 40 published people, below a minimum of 1000: ×. 0381 sent no population: ..
        let publication = try GridFixture(shareMinimumDenominator: 1000, population: 40).publication()
        let lines = String(decoding: publication.csv.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
        let shares = lines.filter { $0.count > 3 && $0[3] == PublicationTable.shareTableCode }
        #expect(shares.first { $0[1] == "0380" }?.dropLast().last == "×")
        #expect(shares.first { $0[1] == "0381" }?.dropLast().last == "..")
        let table = PublicationTable(publication)
        #expect(table.shares.first { $0.kommun == "0380" }?.sign == "×" && table.shares.first { $0.kommun == "0381" }?.sign == "..")
    }

    @Test func rowsComeInReadingOrderNotInTheCodesSpelling() throws {
        let (fixture, _) = try publishedFixture()
        let lines = csvLines(get(fixture, "/v1/published.csv", query: ["period": "2026-11"])).dropFirst().filter { $0[3] != "andel_16_19_i_kaa_procent" }
        // The region first, then the kommuner by code.
        #expect(lines.map { $0[1] }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } } == ["", "0380", "0381"])
        // Tables in the catalogue's order, each total before its values.
        let tables = lines.filter { $0[1] == "0380" }.map { $0[3] }.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(tables == CellTable.allCases.map(\.rawValue).filter { tables.contains($0) }, "the catalogue's order")
        #expect(tables.first == "in_kaa" && tables.contains("population"))
        // The full grid (issue 17): every sex and age, zeros included, the total first.
        let inKAA = lines.filter { $0[1] == "0380" && $0[3] == "in_kaa" }.map { "\($0[5]) \($0[6])" }
        #expect(inKAA == ["Totalt Totalt"] + ["Kvinna", "Man"].flatMap { sex in (16...19).map { "\(sex) \($0)" } })
        // Code-list order, not alphabetical: the seed lists FYLLT_20 before BORJAT_STUDERA.
        let source = CellTable.deregistered.definition.dimensions["reason"]
        #expect(PublicationTable.order(of: "FYLLT_20", key: "reason", source: source, catalog: .builtIn)
            < PublicationTable.order(of: "BORJAT_STUDERA", key: "reason", source: source, catalog: .builtIn))
        #expect(PublicationTable.order(of: "91+", key: "band", source: nil, catalog: .builtIn) < PublicationTable.order(of: "none", key: "band", source: nil, catalog: .builtIn))
    }

    @Test func theFileNameNamesTheKommunAndTableFilters() throws {
        let (fixture, _) = try publishedFixture()
        func disposition(_ path: String, _ query: [String: String]) -> String? { get(fixture, path, query: query).headers["Content-Disposition"] }
        #expect(disposition("/v1/published.csv", ["period": "2026-11"]) == "attachment; filename=\"kaa-2026-11.csv\"")
        #expect(disposition("/v1/published.csv", ["period": "2026-11", "kommun": "0381"]) == "attachment; filename=\"kaa-2026-11-0381.csv\"")
        #expect(disposition("/v1/published.xlsx", ["period": "2026-H2", "kommun": "0380", "table": "in_kaa"]) == "attachment; filename=\"kaa-2026-H2-0380-in_kaa.xlsx\"")
        #expect(get(fixture, "/v1/published", query: ["period": "2026-11"]).headers["Content-Disposition"] == nil)
        // Filtered to one kommun: its lines and the region's, no other kommun's.
        let lines = csvLines(get(fixture, "/v1/published.csv", query: ["period": "2026-11", "kommun": "0381"]))
        #expect(Set(lines.dropFirst().map { $0[1] }) == ["", "0381"])
    }

    @Test(arguments: [(0.1225, 123), (49.0 / 400.0, 123), (0.0105, 11), (0.12249, 122), (1.0 / 3.0, 333), (2.0 / 3.0, 667),
                      (0, 0), (0.00049, 0), (0.0005, 1), (1.5, 1500), (0.99995, 1000), (1e-7, 0)])
    func sharesAreRoundedHalfUp(_ share: Double, _ tenths: Int) {
        #expect(PublicationTable.tenthsOfPercent(share) == tenths)
    }

    @Test func halfUpDiffersFromPrintfWhereItRoundsTheBinaryValue() {
        // %.1f rounds the binary number: 12.25 (exact) to even, 12.2; 23 of 80 people (28.75 %, held
        // as 28.749999…) down, 28.7. Half up gives 12,3 and 28,8.
        #expect(String(format: "%.1f", 0.1225 * 100) == "12.2")
        #expect(String(format: "%.1f", 23.0 / 80.0 * 100) == "28.7")
        #expect(PublicationTable.tenthsOfPercent(0.1225).map(PublicationTable.percentText) == "12,3")
        #expect(PublicationTable.tenthsOfPercent(23.0 / 80.0).map(PublicationTable.percentText) == "28,8")
        #expect(PublicationTable.tenthsOfPercent(51.0 / 80.0).map(PublicationTable.percentText) == "63,8")
        #expect(PublicationTable.tenthsOfPercent(1.0 / 16.0).map(PublicationTable.percentText) == "6,3")
        #expect(PublicationTable.percentText(1000) == "100,0" && PublicationTable.percentText(7) == "0,7")
        #expect(PublicationTable.tenthsOfPercent(.nan) == nil && PublicationTable.tenthsOfPercent(.infinity) == nil && PublicationTable.tenthsOfPercent(-0.1) == nil)
    }

    @Test func aNameWithTheSeparatorOrQuotesIsQuoted() {
        #expect(Publication.csvField("Håbo") == "Håbo")
        #expect(Publication.csvField("A;B") == "\"A;B\"")
        #expect(Publication.csvField("Sa \"x\"") == "\"Sa \"\"x\"\"\"")
        #expect(Publication.csvField("a\r\nb") == "\"a\r\nb\"")
        #expect(Publication.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"", "never a formula")
        #expect(Publication.csvField("@SUM(A1)") == "'@SUM(A1)" && Publication.csvField("12,3") == "12,3" && Publication.csvField("..") == "..")
    }

    @Test func aHostileKommunNameStaysTextInBothDownloads() throws {
        let (fixture, _) = try publishedFixture()
        let name = "=cmd|' /C calc'!A0;\"x\"\u{1}<b>&"
        let other = try Hub(path: fixture.directory.file("hub.sqlite"))
        try other.writing { try $0.execute("UPDATE site SET name = ? WHERE kommun = '0381'", [.text(name)]) }
        let csv = String(decoding: get(fixture, "/v1/published.csv", query: ["period": "2026-11"]).body, as: UTF8.self)
        #expect(csv.contains(";\"'=cmd|' /C calc'!A0;\"\"x\"\"\u{1}<b>&\";"), "quoted, neutralised, in one field")
        let book = try ExcelReader.read(get(fixture, "/v1/published.xlsx", query: ["period": "2026-11"]).body)
        let names = Set(try #require(book.cells["Antal"]).dropFirst().filter { $0[1].value == "0381" }.map { $0[2] })
        #expect(names.count == 1 && names.first?.type == "s", "a string cell, never a formula: \(names)")
        #expect(names.first?.value.hasPrefix("=cmd|' /C calc'!A0;\"x\"") == true, "\(names)")
    }

    @Test(arguments: ["/v1/published", "/v1/published.csv", "/v1/published.xlsx"])
    func everyFormatRefusesTheSameBadParameters(_ path: String) throws {
        let (fixture, _) = try publishedFixture()
        for query: [String: String] in [[:], ["period": "2026-13"], ["period": "2026-11", "kommun": "0305"], ["period": "2026-11", "kommun": "03800"],
                                        ["period": "2026-11", "table": "names"], ["period": "2026-11", "pnr": "19"], ["period": "1999-01"]] {
            #expect(get(fixture, path, query: query).status == 400, "\(path) \(query)")
        }
        let post = fixture.responder.respond(to: HTTPRequest(method: "POST", path: path, query: ["period": "2026-11"]))
        #expect(post.status == 405)
        #expect(get(fixture, path + "x", query: ["period": "2026-11"]).status == 404)
    }

    // MARK: - Excel

    @Test func theExcelFileReadsBackWithTheJSONsFiguresAndKommunkodAsText() throws {
        let (fixture, _) = try publishedFixture()
        let response = get(fixture, "/v1/published.xlsx", query: ["period": "2026-11"])
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        #expect(response.headers["Content-Disposition"] == "attachment; filename=\"kaa-2026-11.xlsx\"")
        #expect(Array(response.body.prefix(2)) == Array("PK".utf8), "a zip file")
        let book = try ExcelReader.read(response.body)
        #expect(book.sheets == ["Antal", "Andelar", "Om siffrorna"])
        let counts = try #require(book.cells["Antal"])
        #expect(counts[0].map(\.value) == Self.columns + ["Antal", "Preliminär"])
        let body = try json(get(fixture, "/v1/published", query: ["period": "2026-11"]))
        let cells = try #require(body["cells"] as? [[String: Any]])
        #expect(counts.count == 1 + cells.count, "one row per published count")
        let kommunRows = counts.dropFirst().filter { $0[1].value != "" }
        #expect(!kommunRows.isEmpty && kommunRows.allSatisfy { $0[1].type == "s" && KommunCode.isWellFormed($0[1].value) }, "Kommunkod is text: 0380 stays 0380")
        #expect(kommunRows.contains { $0[1].value == "0380" })
        // Each JSON count is in the sheet, as a number, in the row with its labels.
        let total = try #require(counts.first { $0[1].value == "0380" && $0[3].value == "in_kaa" && $0[5].value == "Totalt" && $0[6].value == "Totalt" })
        let expected = try #require(cells.first { ($0["kommun"] as? String) == "0380" && $0["table"] as? String == "in_kaa" && ($0["dims"] as? [String: String]) == [:] }?["value"] as? Int)
        #expect(total[11].type == "n" && total[11].value == "\(expected)")
        let woman17 = try #require(counts.first { $0[1].value == "" && $0[3].value == "in_kaa" && $0[5].value == "Kvinna" && $0[6].value == "17" })
        let region17 = try #require(cells.first { $0["kommun"] is NSNull && $0["table"] as? String == "in_kaa" && ($0["dims"] as? [String: String]) == ["sex": "K", "age": "17"] }?["value"] as? Int)
        #expect(woman17[6].type == "n" && woman17[6].value == "17", "an age is a number")
        #expect(woman17[11].value == "\(region17)" && woman17[12].value == "ja")
        let sheetValues = counts.dropFirst().map { "\($0[1].value)|\($0[3].value)|\($0[11].value)" }.sorted()
        let jsonValues = cells.map { "\($0["kommun"] as? String ?? "")|\($0["table"] as? String ?? "")|\($0["value"] as? Int ?? -1)" }.sorted()
        #expect(sheetValues == jsonValues)
        // Shares as numbers with one decimal, the CSV's numbers.
        let shares = try #require(book.cells["Andelar"])
        let csv = csvLines(get(fixture, "/v1/published.csv", query: ["period": "2026-11"])).filter { $0[3] == "andel_16_19_i_kaa_procent" }
        #expect(shares.count == 1 + csv.count)
        for line in csv {
            let row = try #require(shares.first { $0[1].value == line[1] })
            #expect(row[3].value.replacingOccurrences(of: ".", with: ",") == line[11] || (row[3].value == ".." && line[11] == ".."))
        }
        // The explanation: period, preliminary, the method with its D, the signs.
        let about = try #require(book.cells["Om siffrorna"]).flatMap { $0.map(\.value) }.joined(separator: "\n")
        for phrase in ["2026-11", "november 2026", "Preliminära siffror", "cell-nyckelmetoden", "±\(fixture.hub.perturbation.maximumNoise)",
                       "Teckenförklaring", "..", "Ett publicerat 0 kan stå för 0, 1 eller upp till 2 personer", "2 av 2 kommuner"] {
            #expect(about.contains(phrase), "\(phrase)")
        }
    }

    @Test func theExcelFileFilteredToAKommunHoldsItAndTheRegionOnly() throws {
        let (fixture, _) = try publishedFixture()
        let response = get(fixture, "/v1/published.xlsx", query: ["period": "2026-11", "kommun": "0381", "table": "in_kaa"])
        #expect(response.status == 200)
        let book = try ExcelReader.read(response.body)
        let counts = try #require(book.cells["Antal"]).dropFirst()
        #expect(!counts.isEmpty && Set(counts.map { $0[1].value }) == ["", "0381"] && Set(counts.map { $0[3].value }) == ["in_kaa"])
        let about = try #require(book.cells["Om siffrorna"]).flatMap { $0.map(\.value) }.joined(separator: "\n")
        #expect(about.contains("kommun 0381") && about.contains("(in_kaa)"))
        // A frozen period is not preliminary.
        let old = try ExcelReader.read(get(fixture, "/v1/published.xlsx", query: ["period": "2025-03"]).body)
        let oldAbout = try #require(old.cells["Om siffrorna"]).flatMap { $0.map(\.value) }.joined(separator: "\n")
        #expect(oldAbout.contains("Slutliga siffror") && !oldAbout.contains("Preliminära"))
        #expect(try #require(old.cells["Antal"]).count == 1, "an empty period: the header only")
    }

    @Test func theSameFiguresOnTheSameDayGiveTheSameBytes() throws {
        let (fixture, _) = try publishedFixture()
        let publication = try fixture.hub.publication(period: .month(year: 2026, month: 11), today: TestDates.today)
        func make() throws -> [UInt8] {
            try PublicationFormat.xlsx.render(publication, perturbation: fixture.hub.perturbation, kommun: nil, table: nil, day: TestDates.today)
        }
        #expect(try make() == make())
    }

    @Test func libxlsxwriterErrorsBecomeOneHubErrorNamingWhatFailed() throws {
        let workbook = try XLSXWorkbook(title: "t", created: 0)
        #expect { _ = try workbook.addSheet("a/b") } throws: { "\($0)".contains("bladnamnet 'a/b'") }
        #expect { _ = try workbook.addSheet(String(repeating: "x", count: 32)) } throws: { "\($0)".contains("Excel-filen kunde inte skrivas") }
        let sheet = try workbook.addSheet("ok")
        #expect { try sheet.write("x", row: 1_048_576, column: 0) } throws: { "\($0)".contains("utanför bladet") }
        #expect { try sheet.write(String(repeating: "x", count: 40_000), row: 0, column: 0) } throws: { "\($0)".contains("cellen 1:1") }
        try sheet.write("0305", row: 0, column: 0)
        let bytes = try workbook.finish()
        #expect(Array(bytes.prefix(2)) == Array("PK".utf8))
        #expect { try sheet.write("late", row: 0, column: 0) } throws: { "\($0)".contains("redan avslutad") }
        #expect { _ = try workbook.finish() } throws: { "\($0)".contains("redan avslutad") }
        #expect(!FileManager.default.fileExists(atPath: workbook.folder.path), "the temporary file is gone once read")
        // A workbook given up half-way leaves nothing behind either.
        var abandoned: XLSXWorkbook? = try XLSXWorkbook(title: "t", created: 0)
        let folder = try #require(abandoned?.folder.path)
        #expect(FileManager.default.fileExists(atPath: folder))
        _ = try abandoned?.addSheet("x")
        abandoned = nil
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}

/// Reads an `.xlsx` file back with a real client: Debian's Python with openpyxl (`python3-openpyxl`,
/// installed by the test command), giving every sheet's cells as (value, openpyxl data type).
enum ExcelReader {
    struct Cell: Hashable {
        let value: String
        /// openpyxl's type: `s` text, `n` number.
        let type: String
    }

    struct Book {
        let sheets: [String]
        let cells: [String: [[Cell]]]
    }

    static let script = """
        import json, sys, openpyxl
        book = openpyxl.load_workbook(sys.argv[1])
        def text(v):
            if v is None: return ""
            if isinstance(v, float) and v.is_integer(): return str(int(v))
            return str(v)
        out = {"sheets": book.sheetnames, "cells": {}}
        for sheet in book.worksheets:
            out["cells"][sheet.title] = [[[text(c.value), c.data_type] for c in row] for row in sheet.iter_rows()]
        print(json.dumps(out))
        """

    static func read(_ bytes: [UInt8]) throws -> Book {
        let directory = TemporaryDirectory()
        let path = directory.file("book.xlsx")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openpyxl could not read the file: \(String(decoding: problem, as: UTF8.self))")
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let sheets = try #require(object["sheets"] as? [String])
        let raw = try #require(object["cells"] as? [String: [[[String]]]])
        return Book(sheets: sheets, cells: raw.mapValues { rows in rows.map { row in row.map { Cell(value: $0.first ?? "", type: $0.last ?? "") } } })
    }
}
