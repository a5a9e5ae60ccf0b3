import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

/// A part of a multipart upload as the transport hands it over: name, file name, bytes.
struct UploadPart {
    let field: String
    let filename: String?
    let bytes: [UInt8]

    static func text(_ field: String, _ value: String) -> UploadPart { UploadPart(field: field, filename: nil, bytes: Array(value.utf8)) }
    static func file(_ field: String, _ name: String, _ text: String) -> UploadPart { UploadPart(field: field, filename: name, bytes: Array(text.utf8)) }
}

extension WebClient {
    /// An upload to the month run, fed to the app's form receiver in pieces of `chunk` bytes as
    /// libmicrohttpd's post processor would; `cutAfter` stops after that many bytes and abandons
    /// (the client went away). Returns the answer (nil when abandoned).
    func upload(_ parts: [UploadPart], csrfFirst: Bool = true, origin: String? = WebHarness.origin, declaredLength: Int? = nil,
                chunk: Int = 7, cutAfter: Int? = nil) -> HTTPResponse? {
        var all = parts
        if csrfFirst, let csrf { all.insert(.text("csrf", csrf), at: 0) }
        var headers = ["Host": WebHarness.host, "Content-Type": "multipart/form-data; boundary=x",
                       "Content-Length": String(declaredLength ?? all.reduce(0) { $0 + $1.bytes.count + 100 })]
        if !cookies.isEmpty { headers["Cookie"] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if let origin { headers["Origin"] = origin }
        let head = HTTPRequest(method: "POST", path: "/manadskorning", headers: headers)
        switch app.bodyHandling(for: head) {
        case .buffered: return HTTPResponse(status: 0)
        case let .refused(response): return response
        case let .streamedForm(receiver):
            var sent = 0
            for part in all {
                var offset = 0
                repeat {
                    let piece = Array(part.bytes[offset..<min(part.bytes.count, offset + chunk)])
                    if let cut = cutAfter, sent >= cut { receiver.abandon(); return nil }
                    let refusal = piece.withUnsafeBytes { bytes in
                        receiver.receive(field: part.field, filename: part.filename, contentType: nil, offset: UInt64(offset), bytes: bytes)
                    }
                    if let refusal { receiver.abandon(); return refusal }
                    offset += piece.count
                    sent += piece.count
                } while offset < part.bytes.count
            }
            return receiver.finish(head)
        }
    }
}

@Suite(.serialized) struct MonthRunPageTests {
    static let date = "2026-11-02"

    /// A harness whose app keeps uploads in a folder of the test's.
    /// The folder outlives the harness's register (both are the test's).
    let folder = TemporaryDirectory()

    func harness(maxUpload: Int64? = nil) throws -> (WebHarness, String) {
        var settings = WebSettings()
        settings.uploadDirectory = folder.file("uploads")
        if let maxUpload { settings.maxUploadBytes = maxUpload }
        return (try WebHarness(settings: settings), folder.file("uploads"))
    }

    static func extract(_ people: [PersonalIdentityNumber], extra: [String] = []) -> String {
        (["personnummer;förnamn;efternamn;utdelningsadress;postnummer;postort;telefon;skyddad"]
            + people.enumerated().map { index, pnr in "\(pnr.digits);Förnamn\(index);Efternamn\(index);Storgatan \(index);75100;Uppsala;;N" }
            + extra).joined(separator: "\n") + "\n"
    }

    static func enrolment(_ rows: [(PersonalIdentityNumber, String)]) -> String {
        (["personnummer;skola;huvudman;utbildning;status;datum"] + rows.map { "\($0.0.digits);Skola;Kommunen;NP;\($0.1);2024-08-20" })
            .joined(separator: "\n") + "\n"
    }

    /// Follows a run's page until its work is done (the page no longer reloads itself).
    static func settle(_ client: WebClient, _ path: String) throws -> HTTPResponse {
        for _ in 0..<500 {
            let page = client.get(path)
            if page.header("Refresh") == nil { return page }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw HarnessError("\(path) never finished")
    }

    /// The preview's digest in its commit form.
    static func digest(_ preview: HTTPResponse) throws -> String {
        try #require(preview.text.range(of: "name=\"lista\" value=\"").map { String(preview.text[$0.upperBound...].prefix(64)) })
    }

    /// Three people of an extract uploaded by `sara` and previewed: the run's page and its preview.
    static func previewed(_ sara: WebClient, _ people: [PersonalIdentityNumber] = (0..<3).map { TestPeople.person(born: 2008, $0) })
        throws -> (location: String, preview: HTTPResponse) {
        sara.get("/manadskorning")
        let answer = try #require(sara.upload([.text("datum", date), .file("folkbokforing", "u.csv", extract(people))]))
        let location = try #require(answer.header("Location"))
        return (location, try settle(sara, location))
    }

    static func entries(_ folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    }

    static func count(_ harness: WebHarness, _ sql: String) throws -> Int64 {
        try harness.register.database.queryOne(sql)?.int(0) ?? -1
    }

    @Test func aMonthRunIsUploadedPreviewedByNameAndCommittedWhole() throws {
        let (harness, folder) = try harness()
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = (0..<6).map { TestPeople.person(born: 2008, $0) }
        let answer = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "C:\\Users\\sara\\uttag nov.csv", Self.extract(people)),
                                               .file("inskrivning", "skola.csv", Self.enrolment([(people[0], "STUDERAR")]))]))
        #expect(answer.status == 303, "\(answer.status) \(answer.text)")
        let location = try #require(answer.header("Location"))
        #expect(location.hasPrefix("/manadskorning/"))
        // Only the run's folder is there, holding the two files while the preview is open.
        let preview = try Self.settle(sara, location)
        #expect(preview.status == 200)
        #expect(preview.text.contains("Förhandsgranskning 2026-11-02"), "\(preview.text)")
        #expect(preview.text.contains("uttag nov.csv") && !preview.text.contains("Users"), "the browser's path is not shown")
        #expect(preview.text.contains("Förnamn1 Efternamn1") && preview.text.contains("Förnamn5 Efternamn5"))
        #expect(!preview.text.contains("Förnamn0 Efternamn0"), "the one who studies does not enter")
        #expect(try Self.count(harness, "SELECT count(*) FROM episode") == 0, "the preview writes nothing")
        #expect(Self.entries(folder).count == 1)
        #expect(try Self.count(harness, "SELECT count(*) FROM audit_log WHERE action = 'month_run.preview'") >= 1)
        // The CSV of the whole preview.
        let csv = sara.get(location + "/forhandsgranskning")
        #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true && csv.text.contains("Kommer in"))
        // Commit.
        let digest = try Self.digest(preview)
        let commit = sara.post(location + "/genomfor", [("lista", digest)])
        #expect(commit.status == 303, "\(commit.text)")
        let done = try Self.settle(sara, location)
        #expect(done.text.contains("Månadskörningen är genomförd"), "\(done.text)")
        #expect(try Self.count(harness, "SELECT count(*) FROM episode") == 5)
        #expect(try Self.count(harness, "SELECT count(*) FROM month_run") == 1)
        #expect(try Self.count(harness, "SELECT count(*) FROM month_run_entry WHERE kind = 'in'") == 5)
        #expect(Self.entries(folder).isEmpty, "the files are deleted after the commit")
        // The kept report.
        let runID = try Self.count(harness, "SELECT id FROM month_run")
        let report = sara.get("/manadskorning/rapport/\(runID)")
        #expect(report.status == 200 && report.text.contains("Förnamn3 Efternamn3") && report.text.contains("uttag nov.csv"))
        let reportCSV = sara.get("/manadskorning/rapport/\(runID)/csv")
        #expect(reportCSV.text.contains("Förnamn3") && reportCSV.text.contains("Kom in"))
        #expect(sara.get("/manadskorning").text.contains("/manadskorning/rapport/\(runID)"))
        // Committing again does nothing more.
        #expect(sara.post(location + "/genomfor", [("lista", digest)]).status == 409)
        #expect(try Self.count(harness, "SELECT count(*) FROM month_run") == 1)
    }

    @Test func badRowsAreShownWithFileAndLineAndNothingIsWritten() throws {
        let (harness, folder) = try harness()
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = (0..<3).map { TestPeople.person(born: 2008, $0) }
        let answer = try #require(sara.upload([.text("datum", Self.date),
                                               .file("folkbokforing", "uttag.csv", Self.extract(people, extra: ["19990101-0000;X;Y;;;;;N"]))]))
        let page = try Self.settle(sara, try #require(answer.header("Location")))
        #expect(page.text.contains("Månadskörningen kunde inte göras"), "\(page.text)")
        #expect(page.text.contains("uttag.csv") && page.text.contains(">5<"), "file and line of the bad row: \(page.text)")
        #expect(try Self.count(harness, "SELECT count(*) FROM episode") == 0)
        #expect(Self.entries(folder).isEmpty)
        // The slot is free again.
        sara.get("/manadskorning")
        #expect(sara.upload([.text("datum", Self.date), .file("folkbokforing", "uttag.csv", Self.extract(people))])?.status == 303)
    }

    @Test func emptyMissingAndForgedUploadsAreRefusedAndLeaveNothing() throws {
        let (harness, folder) = try harness(maxUpload: 4096)
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = [TestPeople.person(born: 2008, 0)]
        // An empty file: the form again, with the field's error.
        let empty = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "tom.csv", "")]))
        #expect(empty.status == 400 && empty.text.contains("Filen tom.csv är tom") && empty.text.contains("aria-invalid"), "\(empty.text)")
        // No extract chosen (the browser sends an empty part without a name).
        let none = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "", "")]))
        #expect(none.status == 400 && none.text.contains("Välj folkbokföringsuttaget"))
        // A bad date.
        let date = try #require(sara.upload([.text("datum", "31/12"), .file("folkbokforing", "u.csv", Self.extract(people))]))
        #expect(date.status == 400 && date.text.contains("ÅÅÅÅ-MM-DD"))
        // Over the limit, declared: refused before any byte; and while streaming.
        let declared = try #require(sara.upload([.file("folkbokforing", "u.csv", "x")], declaredLength: 10_000))
        #expect(declared.status == 413)
        let streamed = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", String(repeating: "x", count: 5000))],
                                                declaredLength: 100))
        #expect(streamed.status == 413 && streamed.text.contains("högst"))
        // The token missing, wrong, or not first: refused before a byte of the file is kept.
        let missing = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))], csrfFirst: false))
        #expect(missing.status == 403)
        let wrong = try #require(sara.upload([.text("csrf", "forged"), .file("folkbokforing", "u.csv", Self.extract(people))], csrfFirst: false))
        #expect(wrong.status == 403)
        // A foreign Origin, a handläggare, no session.
        #expect(sara.upload([.file("folkbokforing", "u.csv", Self.extract(people))], origin: "https://evil.example")?.status == 403)
        let hanna = try harness.loggedIn("hanna")
        hanna.get("/")
        #expect(hanna.upload([.file("folkbokforing", "u.csv", Self.extract(people))])?.status == 403)
        #expect(harness.client().upload([.file("folkbokforing", "u.csv", Self.extract(people))], csrfFirst: false)?.status == 403)
        // Unknown fields and a second extract.
        #expect(sara.upload([.text("konstigt", "1")])?.status == 400)
        #expect(sara.upload([.file("folkbokforing", "a.csv", "a\n"), .file("folkbokforing", "b.csv", "b\n")])?.status == 400)
        #expect(sara.upload([.text("folkbokforing", "inte en fil")])?.status == 400)
        #expect(Self.entries(folder).isEmpty, "\(Self.entries(folder))")
        #expect(try Self.count(harness, "SELECT count(*) FROM episode") == 0)
    }

    @Test func anInterruptedUploadLeavesNothingAndFreesTheSlot() throws {
        let (harness, folder) = try harness()
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = (0..<20).map { TestPeople.person(born: 2008, $0) }
        let cut = sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))], cutAfter: 300)
        #expect(cut == nil)
        #expect(Self.entries(folder).isEmpty)
        #expect(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))])?.status == 303)
    }

    @Test func twoSamordnareCannotRunAMonthAtOnce() throws {
        let (harness, folder) = try harness()
        let credentials = try harness.register.addStaff(login: "siv", name: "Siv Samordnare", role: .samordnare)
        try harness.register.setInitialPassword(login: "siv", new: WebHarness.password)
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = (0..<3).map { TestPeople.person(born: 2008, $0) }
        let first = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))]))
        #expect(first.status == 303)
        _ = try Self.settle(sara, try #require(first.header("Location")))
        let siv = harness.client()
        let login = try siv.login("siv", password: WebHarness.password,
                                  otp: try OneTimeCodeBridge.totp(credentials.totpSecret, Int64(harness.clock.now.timeIntervalSince1970)))
        #expect(login.status == 303)
        siv.get("/manadskorning")
        #expect(siv.get("/manadskorning").text.contains("Sara Samordnare har en månadskörning igång"))
        let second = try #require(siv.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))]))
        #expect(second.status == 409 && second.text.contains("Sara Samordnare"), "\(second.text)")
        // Siv cannot see or commit Sara's run.
        #expect(siv.get(try #require(first.header("Location"))).status == 403)
        #expect(Self.entries(folder).count == 1)
        // Sara cancels: files gone, Siv may start.
        #expect(sara.post(try #require(first.header("Location")) + "/avbryt", []).status == 303)
        #expect(Self.entries(folder).isEmpty)
        siv.get("/manadskorning")
        #expect(siv.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))])?.status == 303)
    }

    @Test func aCommitAfterTheRegisterChangedWritesNothingAndPreviewsAgain() throws {
        let (harness, _) = try harness()
        let sara = try harness.loggedIn("sara")
        let people = (0..<3).map { TestPeople.person(born: 2008, $0) }
        let (location, preview) = try Self.previewed(sara, people)
        let digest = try Self.digest(preview)
        // Someone registers one of them at the shell meanwhile.
        try harness.register.register(people[1], on: TestDates.date("2026-10-01"), reason: "EJ_PABORJAT", details: ContactDetails(firstName: "Ny", lastName: "Person"))
        let before = try Self.count(harness, "SELECT count(*) FROM episode")
        #expect(sara.post(location + "/genomfor", [("lista", digest)]).status == 303)
        let again = try Self.settle(sara, location)
        #expect(again.text.contains("har ändrats sedan förhandsgranskningen"), "\(again.text)")
        #expect(try Self.count(harness, "SELECT count(*) FROM episode") == before)
        #expect(try Self.count(harness, "SELECT count(*) FROM month_run") == 0)
        // A forged digest is refused outright.
        #expect(sara.post(location + "/genomfor", [("lista", String(repeating: "0", count: 64))]).status == 409)
    }

    @Test func aChoiceTakesTheFilesDetailInTheSameCommit() throws {
        let (harness, _) = try harness()
        let person = TestPeople.person(born: 2008, 0)
        try harness.register.register(person, on: TestDates.date("2026-10-01"), reason: "EJ_PABORJAT",
                                      details: ContactDetails(firstName: "Förnamn0", lastName: "Efternamn0", phone: "070-111 11 11"))
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let extract = "personnummer;förnamn;efternamn;utdelningsadress;postnummer;postort;telefon;skyddad\n"
            + "\(person.digits);Förnamn0;Efternamn0;Storgatan 1;75100;Uppsala;070-222 22 22;N\n"
        let answer = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", extract)]))
        let location = try #require(answer.header("Location"))
        let preview = try Self.settle(sara, location)
        let digest = try Self.digest(preview)
        let field = try #require(preview.text.range(of: "name=\"val-").map { String(preview.text[$0.upperBound...].prefix(32)) })
        #expect(preview.text.contains("Ta filens uppgift"))
        // Hostile choices: an unknown key, an unknown value.
        #expect(sara.post(location + "/genomfor", [("lista", digest), ("val-\(String(repeating: "a", count: 32))", "andra")]).status == 400)
        #expect(sara.post(location + "/genomfor", [("lista", digest), ("val-\(field)", "radera")]).status == 400)
        #expect(sara.post(location + "/genomfor", [("lista", digest), ("val-\(field)", "andra")]).status == 303)
        _ = try Self.settle(sara, location)
        #expect(try harness.register.show(person).details.phone == "+46702222222")
        #expect(try Self.count(harness, "SELECT count(*) FROM review_item WHERE decision = 'ANDRA'") == 1)
        #expect(try Self.count(harness, "SELECT count(*) FROM month_run_entry WHERE kind = 'val'") == 1)
    }

    @Test func aCommitThatFailsMidwayWritesNothing() throws {
        let (harness, folder) = try harness()
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = (0..<4).map { TestPeople.person(born: 2008, $0) }
        let answer = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))]))
        let location = try #require(answer.header("Location"))
        let preview = try Self.settle(sara, location)
        let digest = try Self.digest(preview)
        // The report is kept last: failing there undoes the whole run.
        try harness.register.database.execute(script: "CREATE TRIGGER fail_midway BEFORE INSERT ON month_run BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;")
        #expect(sara.post(location + "/genomfor", [("lista", digest)]).status == 303)
        let failed = try Self.settle(sara, location)
        #expect(failed.text.contains("ingenting har sparats"), "\(failed.text)")
        #expect(try Self.count(harness, "SELECT count(*) FROM person") == 0)
        #expect(try Self.count(harness, "SELECT count(*) FROM population_extract") == 0)
        #expect(try Self.count(harness, "SELECT count(*) FROM audit_log WHERE action IN ('identify', 'month_run.commit', 'register')") == 0)
        #expect(try Self.count(harness, "SELECT count(*) FROM episode") == 0)
        #expect(try Self.count(harness, "SELECT count(*) FROM month_run_entry") == 0)
        #expect(Self.entries(folder).isEmpty)
    }

    @Test func uploadsLeftByAStoppedServerAreDeletedAtStart() throws {
        let folder = TemporaryDirectory()
        let uploads = folder.file("uploads")
        try FileManager.default.createDirectory(atPath: uploads + "/7", withIntermediateDirectories: true)
        try Data("personnummer\n".utf8).write(to: URL(fileURLWithPath: uploads + "/7/1.csv"))
        var settings = WebSettings()
        settings.uploadDirectory = uploads
        let harness = try WebHarness(settings: settings)
        _ = harness
        #expect(Self.entries(uploads).isEmpty)
    }

    @Test func theProgressPageReloadsItselfUnlessTurnedOff() throws {
        let (harness, _) = try harness()
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = (0..<3).map { TestPeople.person(born: 2008, $0) }
        let answer = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))]))
        let location = try #require(answer.header("Location"))
        // Once the preview is made, put the run back in its reading phase to look at that page.
        _ = try Self.settle(sara, location)
        let id = try #require(Int64(location.split(separator: "/").last ?? ""))
        harness.app.monthRuns.update(id) { $0.phase = .reading(IdentifyProgress(phase: .reading, file: "u.csv", count: 10_000)) }
        let page = sara.get(location)
        #expect(page.header("Refresh") == "2" && page.text.contains("Sluta uppdatera sidan automatiskt") && page.text.contains("<progress"))
        #expect(!page.text.contains("http-equiv"), "no meta refresh (axe: meta-refresh)")
        let still = sara.get(location, query: ["uppdatera": "nej"])
        #expect(still.header("Refresh") == nil && still.text.contains("Uppdatera sidan"))
    }

    @Test func aSecondCommitOrACancelDuringTheCommitChangesNothing() throws {
        let (harness, _) = try harness()
        let sara = try harness.loggedIn("sara")
        let people = (0..<3).map { TestPeople.person(born: 2008, $0) }
        let (location, preview) = try Self.previewed(sara, people)
        let digest = try Self.digest(preview)
        let id = try #require(Int64(location.split(separator: "/").last ?? ""))
        // Only the first of two commits starts, and a commit cannot be cancelled.
        #expect(harness.app.monthRuns.beginCommit(id, digest: digest, now: harness.clock.now))
        #expect(!harness.app.monthRuns.beginCommit(id, digest: digest, now: harness.clock.now))
        #expect(sara.post(location + "/genomfor", [("lista", digest)]).status == 409)
        #expect(!harness.app.monthRuns.cancel(id))
        #expect(sara.post(location + "/avbryt", []).status == 409)
        // A final phase is not overwritten by a late job.
        harness.app.monthRuns.finish(id, .committed(7))
        harness.app.monthRuns.finish(id, .failed(MonthRunFailure(message: "sent")))
        guard case .committed(7) = harness.app.monthRuns.run(id)?.phase else {
            Issue.record("the committed run was overwritten")
            return
        }
        #expect(try Self.count(harness, "SELECT count(*) FROM month_run") == 0)
    }

    @Test func aRunLeftBehindIsSweptWithItsFiles() throws {
        let (harness, folder) = try harness()
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = (0..<3).map { TestPeople.person(born: 2008, $0) }
        let answer = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people))]))
        _ = try Self.settle(sara, try #require(answer.header("Location")))
        #expect(Self.entries(folder).count == 1)
        harness.app.monthRuns.sweep(now: harness.clock.now.addingTimeInterval(60))
        #expect(Self.entries(folder).count == 1, "a run in use is kept")
        harness.app.monthRuns.sweep(now: harness.clock.now.addingTimeInterval(MonthRuns.abandonAfter + 60))
        #expect(Self.entries(folder).isEmpty, "the files of a run left behind are deleted")
        #expect(harness.app.monthRuns.active == nil)
    }

    @Test func anEmptyFileIsNotMergedWithTheNextOne() throws {
        let (harness, folder) = try harness()
        let sara = try harness.loggedIn("sara")
        sara.get("/manadskorning")
        let people = [TestPeople.person(born: 2008, 0)]
        let answer = try #require(sara.upload([.text("datum", Self.date), .file("folkbokforing", "u.csv", Self.extract(people)),
                                               .file("inskrivning", "tom.csv", ""), .file("inskrivning", "b.csv", Self.enrolment([(people[0], "STUDERAR")]))]))
        #expect(answer.status == 400 && answer.text.contains("Filen tom.csv är tom"), "\(answer.text)")
        // Endless empty parts are refused.
        let many = (0..<40).map { _ in UploadPart.file("inskrivning", "", "") }
        #expect(sara.upload([.text("datum", Self.date)] + many)?.status == 400)
        #expect(Self.entries(folder).isEmpty)
    }

    @Test func fileNamesFromTheBrowserAreOnlyShown() {
        #expect(MonthRunUpload.displayName("C:\\Users\\x\\uttag.csv") == "uttag.csv")
        #expect(MonthRunUpload.displayName("../../etc/passwd") == "passwd")
        #expect(MonthRunUpload.displayName("a\u{0}b\u{202E}c.csv") == "abc.csv")
        #expect(MonthRunUpload.displayName("") == "fil utan namn")
        #expect(MonthRunUpload.displayName(String(repeating: "å", count: 500)).count == 100)
    }
}
