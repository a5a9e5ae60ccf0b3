internal import CXlsxWriter
import Foundation

/// An Excel workbook written with libxlsxwriter (Debian's `libxlsxwriter-dev`): owns the C handle
/// from `init` to `finish()`, checks every return code once, and hands back the file's bytes.
///
/// libxlsxwriter 1.1.4 writes only to a file, so the workbook goes to a folder of its own under the
/// system's temporary directory, read back and removed by `finish()` (or `deinit`, on a failure).
final class XLSXWorkbook {
    /// How a cell looks; each style is one format made once per workbook.
    enum Style: CaseIterable {
        case plain, header, title, wrapped
        /// A number shown with one decimal (shares in per cent).
        case oneDecimal
    }

    private var handle: UnsafeMutablePointer<lxw_workbook>?
    /// The folder of its own the file is written in (removed by `finish()` or `deinit`).
    let folder: URL
    private let file: URL
    private var formats: [Style: UnsafeMutablePointer<lxw_format>] = [:]

    /// A new workbook whose document properties carry `title` and, as its creation time, `created`
    /// (seconds since 1970; a fixed value makes the same figures give the same bytes).
    init(title: String, created: Int) throws(HubError) {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kaa-xlsx-\(UUID().uuidString)", isDirectory: true)
        file = folder.appendingPathComponent("publication.xlsx")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .other("Excel-filen kunde inte skrivas: ingen tillfällig mapp (\(error.localizedDescription))")
        }
        handle = file.path.withCString { workbook_new($0) }
        guard let handle else { throw .other("Excel-filen kunde inte skrivas: libxlsxwriter kunde inte skapa arbetsboken") }
        for style in Style.allCases {
            guard let format = workbook_add_format(handle) else { throw .other("Excel-filen kunde inte skrivas: inget format") }
            switch style {
            case .plain: break
            case .header: format_set_bold(format)
            case .title:
                format_set_bold(format)
                format_set_font_size(format, 14)
            case .wrapped: format_set_text_wrap(format)
            case .oneDecimal: format_set_num_format(format, "0.0")
            }
            formats[style] = format
        }
        // libxlsxwriter copies the strings before workbook_set_properties returns.
        let result = title.withCString { title in
            "KAA Register".withCString { author in
                var properties = lxw_doc_properties()
                properties.title = UnsafeMutablePointer(mutating: title)
                properties.author = UnsafeMutablePointer(mutating: author)
                properties.created = time_t(created)
                return workbook_set_properties(handle, &properties)
            }
        }
        try check(result, "dokumentegenskaper")
    }

    deinit {
        if let handle { lxw_workbook_free(handle) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Adds a sheet named `name` (at most 31 characters, none of `[]:*?/\`).
    func addSheet(_ name: String) throws(HubError) -> XLSXSheet {
        guard let handle else { throw .other("Excel-filen är redan avslutad") }
        try check(name.withCString { workbook_validate_sheet_name(handle, $0) }, "bladnamnet '\(name)'")
        guard let sheet = name.withCString({ workbook_add_worksheet(handle, $0) }) else {
            throw .other("Excel-filen kunde inte skrivas: bladet '\(name)' kunde inte läggas till")
        }
        return XLSXSheet(sheet: sheet, workbook: self)
    }

    /// Writes the file and returns its bytes; the workbook cannot be used afterwards.
    func finish() throws(HubError) -> [UInt8] {
        guard let handle else { throw .other("Excel-filen är redan avslutad") }
        // workbook_close frees the workbook whatever it returns.
        self.handle = nil
        try check(workbook_close(handle), "filen")
        do {
            let bytes = [UInt8](try Data(contentsOf: file))
            try? FileManager.default.removeItem(at: folder)
            return bytes
        } catch {
            throw .other("Excel-filen kunde inte läsas tillbaka: \(error.localizedDescription)")
        }
    }

    /// Whether cells may still be written (`finish()` frees every sheet with the workbook).
    fileprivate var isOpen: Bool { handle != nil }

    fileprivate func format(_ style: Style) -> UnsafeMutablePointer<lxw_format>? {
        style == .plain ? nil : formats[style]
    }
}

/// One sheet of an `XLSXWorkbook` (its handle belongs to the workbook, which outlives it here).
final class XLSXSheet {
    private let sheet: UnsafeMutablePointer<lxw_worksheet>
    private let workbook: XLSXWorkbook

    fileprivate init(sheet: UnsafeMutablePointer<lxw_worksheet>, workbook: XLSXWorkbook) {
        self.sheet = sheet
        self.workbook = workbook
    }

    /// A text cell: Excel keeps it as written (`0305` stays `0305`).
    func write(_ text: String, row: Int, column: Int, style: XLSXWorkbook.Style = .plain) throws(HubError) {
        let (row, column) = try position(row, column)
        try check(text.withCString { worksheet_write_string(sheet, row, column, $0, workbook.format(style)) }, "cellen \(row + 1):\(column + 1)")
    }

    /// A number cell.
    func write(_ number: Double, row: Int, column: Int, style: XLSXWorkbook.Style = .plain) throws(HubError) {
        let (row, column) = try position(row, column)
        try check(worksheet_write_number(sheet, row, column, number, workbook.format(style)), "cellen \(row + 1):\(column + 1)")
    }

    /// Sets the width (in characters) of columns `columns`.
    func setWidth(_ width: Double, columns: ClosedRange<Int>, style: XLSXWorkbook.Style = .plain) throws(HubError) {
        let (_, first) = try position(0, columns.lowerBound)
        let (_, last) = try position(0, columns.upperBound)
        try check(worksheet_set_column(sheet, first, last, width, workbook.format(style)), "kolumnbredden")
    }

    /// Keeps the first `rows` rows in view while scrolling.
    func freezeRows(_ rows: Int) throws(HubError) {
        let (row, _) = try position(rows, 0)
        worksheet_freeze_panes(sheet, row, 0)
    }

    /// Filter buttons on the header row `row` over `columns`, down to `lastRow`.
    func autofilter(row: Int, lastRow: Int, columns: ClosedRange<Int>) throws(HubError) {
        let (first, firstColumn) = try position(row, columns.lowerBound)
        let (last, lastColumn) = try position(max(row, lastRow), columns.upperBound)
        try check(worksheet_autofilter(sheet, first, firstColumn, last, lastColumn), "filtret")
    }

    /// Tells Excel that digits written as text in `range` (`"B2:B300"`) are meant to be text.
    func allowNumbersAsText(_ range: String) throws(HubError) {
        try check(range.withCString { worksheet_ignore_errors(sheet, UInt8(LXW_IGNORE_NUMBER_STORED_AS_TEXT.rawValue), $0) }, "cellerna \(range)")
    }

    /// Excel's limits: 1 048 576 rows, 16 384 columns.
    private func position(_ row: Int, _ column: Int) throws(HubError) -> (lxw_row_t, lxw_col_t) {
        guard workbook.isOpen else { throw .other("Excel-filen är redan avslutad") }
        guard (0..<1_048_576).contains(row), (0..<16_384).contains(column) else {
            throw .other("Excel-filen kunde inte skrivas: rad \(row + 1), kolumn \(column + 1) ligger utanför bladet")
        }
        return (lxw_row_t(row), lxw_col_t(column))
    }
}

/// The one translation of libxlsxwriter's return codes into `HubError`.
private func check(_ result: lxw_error, _ what: String) throws(HubError) {
    guard result != LXW_NO_ERROR else { return }
    let message = lxw_strerror(result).map { String(cString: $0) } ?? "fel \(result.rawValue)"
    throw .other("Excel-filen kunde inte skrivas (\(what)): \(message)")
}
