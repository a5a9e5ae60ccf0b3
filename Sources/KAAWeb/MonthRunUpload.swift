import Foundation
import KAACore
import KAACrypto
import KAAHTTP
import KAARegister
import KAASystem

/// The body of a month run's upload (`POST /manadskorning`, multipart/form-data), written to the
/// run's folder as it arrives: never held whole in memory. The CSRF field must come first (the
/// form puts it there), so that not one byte of a file is kept for a forged form; then the date
/// and the files: one `folkbokforing`, any number of `inskrivning`. Anything else is refused.
///
/// The session, its role and the request's Origin were checked on the head (`MonthRunPage.admit`).
final class MonthRunUpload: HTTPFormReceiver {
    let app: WebApp
    let session: WebSession
    let run: MonthRun
    let limit: Int64

    private var sawCSRF = false
    private var csrf: [UInt8] = []
    private var dateText: [UInt8] = []
    private var total: Int64 = 0
    private var files: [UploadedFile] = []
    /// The file being written: its descriptor, digest and where the next piece goes.
    private var current: (descriptor: FileDescriptor, digest: SHA256Stream, field: String)?
    private var currentField: (name: String, filename: String?, hadBytes: Bool)?
    private var parts = 0
    /// The last byte written to the current file (10 when none yet).
    private var lastByte: UInt8 = 10
    private var isDone = false

    /// The most files one run takes (one extract and up to nine enrolment lists).
    static let maxFiles = 10
    /// The most bytes a text field may have.
    static let maxFieldBytes = 256
    /// The most parts a form may have (the token, the date, the files, empty file inputs).
    static let maxParts = 32
    /// What a part's headers are counted as against the size limit.
    static let partOverhead: Int64 = 256

    init(app: WebApp, session: WebSession, run: MonthRun, limit: Int64) {
        self.app = app
        self.session = session
        self.run = run
        self.limit = limit
    }

    func receive(field: String, filename: String?, contentType: String?, offset: UInt64, bytes: UnsafeRawBufferPointer) -> HTTPResponse? {
        total += Int64(bytes.count)
        if total > limit {
            return refuse(413, "Filerna är för stora", "Filerna får tillsammans vara högst \(SwedishFormat.integer(Int(limit / (1 << 20)))) MB. Ingenting har sparats.")
        }
        // libmicrohttpd starts each part's value at offset 0; a part with no bytes may come as one
        // empty piece, so a new field name or file name starts a new part too.
        let isNewPart = offset == 0 && (currentField?.name != field || currentField?.filename != filename || currentField?.hadBytes == true)
        if isNewPart {
            currentField = (field, filename, false)
            parts += 1
            // Every part costs its headers too: endless empty parts are refused like a too large body.
            total += Self.partOverhead
            guard parts <= Self.maxParts else {
                return refuse(400, "Felaktigt formulär", "Formuläret har för många delar.")
            }
        }
        if bytes.count > 0 { currentField?.hadBytes = true }
        if !sawCSRF {
            // The first field must be the CSRF token; it is checked, whole, before any other field is kept.
            if field == "csrf", filename == nil {
                csrf.append(contentsOf: bytes)
                guard csrf.count <= Self.maxFieldBytes else { return refuse(400, "Felaktigt formulär", "Fältet csrf är för långt.") }
                return nil
            }
            sawCSRF = true
            guard !csrf.isEmpty, Crypto.constantTimeEquals(csrf, Array(session.csrf.utf8)) else {
                app.log("event=csrf_refused path=/manadskorning login=\(session.viewer.login)")
                return refuse(403, "Formuläret kunde inte tas emot", "Formuläret kom inte från en sida i den här sessionen. Läs in sidan igen och försök på nytt.")
            }
        }
        switch field {
        case "datum":
            guard filename == nil else { return refuse(400, "Felaktigt formulär", "Fältet datum ska vara ett datum, inte en fil.") }
            dateText.append(contentsOf: bytes)
            guard dateText.count <= Self.maxFieldBytes else { return refuse(400, "Felaktigt formulär", "Fältet datum är för långt.") }
            return nil
        case "folkbokforing", "inskrivning":
            guard let filename else { return refuse(400, "Felaktigt formulär", "Fältet \(field) ska vara en fil.") }
            if isNewPart {
                closeCurrent()
                // A file input left empty is sent as a part with no name and no bytes: nothing chosen.
                if filename.isEmpty, bytes.isEmpty { return nil }
                guard files.count < Self.maxFiles else {
                    return refuse(400, "För många filer", "En månadskörning tar högst \(Self.maxFiles) filer.")
                }
                if field == "folkbokforing", files.contains(where: { $0.kind == .folkbokforing }) {
                    return refuse(400, "För många uttag", "Välj ett enda folkbokföringsuttag.")
                }
                let path = "\(run.directory)/\(files.count + 1).csv"
                let descriptor: FileDescriptor
                do {
                    descriptor = try FileDescriptor.createNew(path)
                } catch {
                    return diskFailure(error)
                }
                guard let digest = try? SHA256Stream() else {
                    return refuse(500, "Något gick fel", "Servern kunde inte räkna filens kontrollsumma. Ingenting har sparats.")
                }
                current = (descriptor, digest, field)
                files.append(UploadedFile(kind: field == "folkbokforing" ? .folkbokforing : .inskrivning, name: Self.displayName(filename),
                                          path: path, bytes: 0, lines: 0, sha256: ""))
            }
            guard let current, let index = files.indices.last else { return nil }
            do {
                try current.descriptor.write(bytes, at: Int(files[index].bytes))
            } catch {
                return diskFailure(error)
            }
            current.digest.update(bytes)
            files[index].bytes += Int64(bytes.count)
            files[index].lines += bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            if let last = bytes.last { lastByte = last }
            app.monthRuns.update(run.id, now: app.now()) { $0.files = self.files }
            return nil
        default:
            return refuse(400, "Felaktigt formulär", "Formuläret har ett fält som månadskörningen inte känner till.")
        }
    }

    func finish(_ head: HTTPRequest) -> HTTPResponse {
        isDone = true
        closeCurrent()
        guard !csrf.isEmpty, Crypto.constantTimeEquals(csrf, Array(session.csrf.utf8)) else {
            abandonFiles()
            return app.finish(app.errorResponse(.forgedRequest, session: session), dynamic: true)
        }
        var errors: [String: String] = [:]
        let typed = String(decoding: dateText, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        let date = CalendarDate(iso: typed)
        if date == nil { errors["datum"] = typed.isEmpty ? "Ange körningens datum." : "Ange datumet som ÅÅÅÅ-MM-DD." }
        if let extract = files.first(where: { $0.kind == .folkbokforing }) {
            if extract.bytes == 0 { errors["folkbokforing"] = "Filen \(extract.name) är tom." }
        } else {
            errors["folkbokforing"] = "Välj folkbokföringsuttaget."
        }
        if let empty = files.first(where: { $0.kind == .inskrivning && $0.bytes == 0 }) {
            errors["inskrivning"] = "Filen \(empty.name) är tom."
        }
        guard errors.isEmpty, let date else {
            abandonFiles()
            let runs = (try? app.pool.with { (register: Register) throws(WebError) -> [MonthRunSummary] in
                do throws(RegisterError) { return try register.monthRuns() } catch { throw .register(error) }
            }) ?? []
            return app.render(.page(MonthRunPage.uploadForm(csrf: session.csrf, runs: runs, date: typed, errors: errors, status: 400,
                                                            active: nil, viewer: session.viewer)), session: session)
        }
        let files = self.files
        app.monthRuns.update(run.id, now: app.now()) { run in
            run.files = files
            run.date = date
            run.phase = .reading(nil)
        }
        MonthRunJobs.preview(run.id, app: app)
        return app.redirect("/manadskorning/\(run.id)")
    }

    func abandon() {
        guard !isDone else { return }
        isDone = true
        abandonFiles()
    }

    // MARK: - Helpers

    private func closeCurrent() {
        guard let open = current, let index = files.indices.last else { return }
        current = nil
        // A last line without its newline is a line too.
        if files[index].bytes > 0, lastByte != 10 { files[index].lines += 1 }
        lastByte = 10
        // No fsync: the files live only until the run ends, and a crash removes them anyway.
        files[index].sha256 = open.digest.finishHex()
    }

    private func abandonFiles() {
        current = nil
        app.monthRuns.finish(run.id, .cancelled)
    }

    private func refuse(_ status: Int, _ title: String, _ text: String) -> HTTPResponse {
        isDone = true
        abandonFiles()
        return app.finish(app.errorPage(status, title, text, session: session), dynamic: true)
    }

    private func diskFailure(_ error: SystemError) -> HTTPResponse {
        app.log("event=upload_failed error=\(WebApp.loggable(error.description))")
        return refuse(507, "Filerna kunde inte sparas", "Servern kunde inte spara filerna (disken kan vara full). Ingenting har sparats.")
    }

    /// The browser's file name as shown on the pages: its last path component, without control
    /// characters, at most 100 characters (never used in a path on this server).
    static func displayName(_ filename: String) -> String {
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.properties.generalCategory != .control && $0.properties.generalCategory != .format }
            .map(Character.init).prefix(100))
        return clean.isEmpty ? "fil utan namn" : clean
    }
}
