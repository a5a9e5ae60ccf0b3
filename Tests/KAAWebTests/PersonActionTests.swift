import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

/// The actions on a person (issue 15 "Actions"): each form's happy path writes what it says, bad
/// and hostile input is refused next to its field with nothing written, a stale form is refused
/// with 409, and need-to-know, CSRF and unknown ids hold on every route.
@Suite struct PersonActionTests {
    /// A harness with Anna (hanna's) holding one measure; returns the ids.
    static func withMeasure() throws -> (WebHarness, anna: Int64, bo: Int64, measure: Int64, boMeasure: Int64) {
        let harness = try WebHarness()
        let (anna, bo) = try harness.twoPeople()
        let measure = try harness.register.addMeasure(PersonTests.anna, NewMeasure(type: "SYV", offeredOn: TestDates.date("2026-10-01")))
        let boMeasure = try harness.register.addMeasure(PersonTests.bo, NewMeasure(type: "PRAKTIK", offeredOn: TestDates.date("2026-10-01")))
        return (harness, anna, bo, measure, boMeasure)
    }

    // MARK: - Contact

    @Test func aContactIsSavedWithItsNextContactAndTheCardConfirmsIt() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)")
        let saved = client.post("/personer/\(anna)/kontakt", [("date", "2026-11-20"), ("channel", "TELEFON"), ("reached", "on"),
                                                              ("occupation", "ARBETE"), ("next_contact", "2026-12-10"),
                                                              ("version", try harness.version(anna))])
        #expect(saved.status == 303)
        #expect(saved.header("Location") == "/personer/\(anna)?sparat=kontakt")
        PersonTests.expectNoPersonnummer(saved)
        let contact = try #require(try harness.history(PersonTests.anna).openEpisode?.contacts.first)
        #expect(contact.date == TestDates.date("2026-11-20"))
        #expect(contact.channel == "TELEFON" && contact.isReached && contact.occupation == "ARBETE")
        #expect(contact.nextContactOn == TestDates.date("2026-12-10"))
        #expect(try harness.audits("contact.add").last?.staff == "hanna")
        let card = client.get("/personer/\(anna)", query: ["sparat": "kontakt"]).text
        #expect(card.contains("Kontakten är sparad."))
        #expect(card.contains("2026-12-10"))
    }

    @Test(arguments: [
        ("date", "2026-13-01", "date"), ("date", "igår", "date"), ("date", "", "date"), ("date", "2026-11-24", "date"),
        ("date", "2020-01-01", "date"), ("date", "2026-08-31", "date"), ("date", String(repeating: "9", count: 5000), "date"),
        ("channel", "BREVDUVA", "channel"), ("channel", "", "channel"), ("channel", "TELE\u{1B}[2JFON", "channel"),
        ("channel", String(repeating: "A", count: 500), "channel"), ("occupation", "ARBETE", "occupation"),
        ("next_contact", "2026-11-19", "next_contact"), ("next_contact", "2028-01-01", "next_contact"), ("next_contact", "x", "next_contact"),
    ])
    func aBadContactIsRefusedNextToItsFieldAndNothingIsWritten(field: String, value: String, errorField: String) throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)")
        // Occupation without "reached" is the register's rule; the other cases break one field of a good form.
        var fields: [String: String] = ["date": "2026-11-20", "channel": "TELEFON", "next_contact": ""]
        fields[field] = value
        let response = client.post("/personer/\(anna)/kontakt", fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                                   + [("version", try harness.version(anna))])
        PersonTests.expectFieldError(response, errorField)
        #expect(response.text.contains("Ingenting är sparat"))
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.isEmpty == true)
        #expect(try harness.audits("contact.add").isEmpty)
    }

    @Test func aContactFromAStaleCardIsRefusedWith409AndNothingIsWritten() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)")
        let old = try harness.version(anna)
        // Someone else saves in between.
        try harness.register.addContact(PersonTests.anna, on: TestDates.date("2026-11-19"), channel: "SMS", isReached: false)
        let response = client.post("/personer/\(anna)/kontakt", [("date", "2026-11-20"), ("channel", "TELEFON"), ("version", old)])
        #expect(response.status == 409)
        #expect(response.text.contains("Någon annan har ändrat uppgifterna"))
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.count == 1)
    }

    @Test(arguments: ["", "abc", "-1", "99999999999999999999"])
    func aContactWithoutAVersionIsABadRequest(version: String) throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)")
        let response = client.post("/personer/\(anna)/kontakt", [("date", "2026-11-20"), ("channel", "TELEFON")] + (version.isEmpty ? [] : [("version", version)]))
        #expect(response.status == 400)
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.isEmpty == true)
    }

    // MARK: - Need-to-know, CSRF and ids on every write

    /// Every action's POST with a good form for the measure `measure` of person `person`.
    static func posts(person: Int64, measure: Int64, version: String) -> [(String, [(String, String)])] {
        let base = "/personer/\(person)"
        return [
            ("\(base)/kontakt", [("date", "2026-11-20"), ("channel", "TELEFON")]),
            ("\(base)/sysselsattning", [("date", "2026-11-20"), ("occupation", "ARBETE")]),
            ("\(base)/atgarder/ny", [("type", "PRAKTIK"), ("offered_on", "2026-11-20")]),
            ("\(base)/atgarder/\(measure)/beslut", [("decision", "accepted"), ("date", "2026-11-20")]),
            ("\(base)/atgarder/\(measure)/start", [("date", "2026-11-20")]),
            ("\(base)/atgarder/\(measure)/uppfoljning", [("date", "2026-11-20")]),
            ("\(base)/atgarder/\(measure)/avsluta", [("date", "2026-11-20"), ("reason", "GENOMFORD")]),
            ("\(base)/atgarder/\(measure)/rattelse", [("type", "KOMVUX"), ("offered_on", "2026-10-01"), ("reason", "felregistrering")]),
            ("\(base)/atgarder/\(measure)/ta-bort", [("confirm", "ja"), ("reason", "dubblett")]),
            ("\(base)/avregistrera", [("date", "2026-11-20"), ("reason", "BORJAT_STUDERA")]),
        ].map { ($0.0, $0.1 + [("version", version)]) }
    }

    @Test func aHandlaggareCannotWriteToSomeoneOutsideTheirCaseloadAndEachRefusalIsAudited() throws {
        let (harness, _, bo, _, boMeasure) = try Self.withMeasure()
        let client = try harness.loggedIn("hanna")
        client.get("/")
        let before = try harness.audits("denied").count
        let version = try harness.version(bo)
        for (path, fields) in Self.posts(person: bo, measure: boMeasure, version: version) {
            let response = client.post(path, fields)
            #expect(response.status == 403, "\(path)")
            #expect(client.get(path).status == 403 || path.hasSuffix("/kontakt"), "GET \(path)")
        }
        #expect(try harness.version(bo) == version)
        #expect(try harness.audits("denied").count > before + 9)
        #expect(try harness.audits("denied").filter { $0.personID == bo }.allSatisfy { $0.staff == "hanna" })
    }

    @Test(arguments: ["greta", "adam"])
    func aGranskareOrAnAdminCannotWriteAtAll(login: String) throws {
        let (harness, anna, _, measure, _) = try Self.withMeasure()
        let client = try harness.loggedIn(login)
        client.get("/")
        let version = try harness.version(anna)
        for (path, fields) in Self.posts(person: anna, measure: measure, version: version) {
            #expect(client.post(path, fields).status == 403, "\(path)")
        }
        #expect(client.post("/personer/ny", [("personnummer", PersonTests.cleo.digits), ("date", "2026-11-20"), ("reason", "OKAND")]).status == 403)
        #expect(try harness.version(anna) == version)
    }

    @Test func withoutTheCSRFTokenNothingIsWritten() throws {
        let (harness, anna, _, measure, _) = try Self.withMeasure()
        let client = try harness.loggedIn("sara")
        client.get("/personer/\(anna)")
        let version = try harness.version(anna)
        for (path, fields) in Self.posts(person: anna, measure: measure, version: version) {
            #expect(client.post(path, fields, csrf: "inte-rätt").status == 403, "\(path)")
            #expect(client.post(path, fields, origin: "http://evil.example").status == 403, "\(path)")
        }
        #expect(try harness.version(anna) == version)
    }

    @Test func everyActionOnAnUnknownPersonIsNotFound() throws {
        let (harness, _, _, measure, _) = try Self.withMeasure()
        let client = try harness.loggedIn("sara")
        client.get("/")
        for (path, fields) in Self.posts(person: 999_999, measure: measure, version: "1") {
            #expect(client.post(path, fields).status == 404, "POST \(path)")
            if !path.hasSuffix("/kontakt") { #expect(client.get(path).status == 404, "GET \(path)") }
        }
        #expect(client.post("/personer/999999/handlaggare", [("staff", "hugo"), ("version", "1")]).status == 404)
    }

    @Test func aPostWithoutAnyCSRFFieldWritesNothing() throws {
        let (harness, anna, _, measure, _) = try Self.withMeasure()
        let client = try harness.loggedIn("sara")
        // The session's cookie, but no page's token.
        let bare = harness.client()
        bare.cookies = client.cookies
        let version = try harness.version(anna)
        for (path, fields) in Self.posts(person: anna, measure: measure, version: version) {
            // The refusal page has the logout form, whose token the client would pick up: forget it each time.
            bare.csrf = nil
            #expect(bare.post(path, fields).status == 403, "\(path)")
        }
        bare.csrf = nil
        #expect(bare.post("/personer/ny", [("personnummer", PersonTests.cleo.digits), ("date", "2026-11-20"), ("reason", "OKAND")]).status == 403)
        #expect(try harness.version(anna) == version)
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM person")?.int(0) == 2)
    }

    @Test func theConfirmationShowsOnlyKnownMessagesAndReflectsNothing() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        let hostile = client.get("/personer/\(anna)", query: ["sparat": "<script>alert(1)</script>"])
        #expect(hostile.status == 200)
        #expect(!hostile.text.contains("alert(1)"))
        #expect(!hostile.text.contains("message ok"))
    }

    @Test func aNotSavedContactReRendersTheCardWithTheEnteredValues() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)")
        let version = try harness.version(anna)
        let response = client.post("/personer/\(anna)/kontakt", [("date", "2026-11-20"), ("channel", "HEMBESOK"), ("occupation", "ARBETE"), ("version", version)])
        PersonTests.expectFieldError(response, "occupation")
        #expect(response.text.contains("Kontakten är inte sparad."))
        #expect(response.text.contains("<option value=\"HEMBESOK\" selected>"))
        #expect(response.text.contains("name=\"version\" value=\"\(version)\""))
        #expect(response.text.contains("<h1>Anna Andersson</h1>"))
    }

    @Test func aMeasureOfAnotherPersonOrAnUnknownOneIsNotFound() throws {
        let (harness, anna, _, _, boMeasure) = try Self.withMeasure()
        let client = try harness.loggedIn("sara")
        client.get("/")
        let version = try harness.version(anna)
        for suffix in ["beslut", "start", "uppfoljning", "avsluta", "rattelse", "ta-bort"] {
            for measure in [boMeasure, 999_999] {
                let path = "/personer/\(anna)/atgarder/\(measure)/\(suffix)"
                #expect(client.get(path).status == 404, "GET \(path)")
                let fields = Self.posts(person: anna, measure: measure, version: version).first { $0.0 == path }?.1 ?? [("version", version)]
                #expect(client.post(path, fields).status == 404, "POST \(path)")
            }
        }
        #expect(client.get("/personer/999999/sysselsattning").status == 404)
        #expect(client.post("/personer/999999/kontakt", [("date", "2026-11-20"), ("channel", "TELEFON"), ("version", "1")]).status == 404)
        let boHistory = try harness.history(PersonTests.bo)
        #expect(boHistory.openEpisode?.measures.first?.decision == nil)
    }

    @Test func everyStaleFormIsRefusedWith409AndNothingIsWritten() throws {
        let (harness, anna, _, measure, _) = try Self.withMeasure()
        let client = try harness.loggedIn("sara")
        client.get("/personer/\(anna)")
        let stale = try harness.version(anna)
        try harness.register.addContact(PersonTests.anna, on: TestDates.date("2026-11-19"), channel: "SMS", isReached: false)
        let now = try harness.version(anna)
        for (path, fields) in Self.posts(person: anna, measure: measure, version: stale) {
            let response = client.post(path, fields)
            #expect(response.status == 409, "\(path)")
        }
        #expect(try harness.version(anna) == now)
    }

    // MARK: - Occupation and measures

    @Test func everyFormPageShowsTodayAsTheDefaultAndItsButton() throws {
        let (harness, anna, _, measure, _) = try Self.withMeasure()
        let client = try harness.loggedIn("hanna")
        let pages: [(String, String, String)] = [
            ("/personer/\(anna)/sysselsattning", "Spara sysselsättningen", "date"),
            ("/personer/\(anna)/atgarder/ny", "Erbjud åtgärden", "offered_on"),
            ("/personer/\(anna)/atgarder/\(measure)/beslut", "Spara beslutet", "date"),
            ("/personer/\(anna)/atgarder/\(measure)/start", "Registrera start", "date"),
            ("/personer/\(anna)/atgarder/\(measure)/uppfoljning", "Spara uppföljningen", "date"),
            ("/personer/\(anna)/atgarder/\(measure)/avsluta", "Avsluta åtgärden", "date"),
            ("/personer/\(anna)/avregistrera", "Avregistrera", "date"),
            ("/personer/ny", "Registrera", "date"),
        ]
        for (path, button, dateField) in pages {
            let page = client.get(path)
            #expect(page.status == 200, "\(path)")
            #expect(page.text.contains(">\(button)</button>"), "\(path)")
            #expect(page.text.contains("name=\"\(dateField)\" id=\"f-\(dateField)\" value=\"\(TestDates.today)\""), "\(path)")
            #expect(page.text.contains("<html lang=\"sv\">"))
        }
        #expect(client.get("/personer/\(anna)/atgarder/ny").text.contains(PersonForms.sensitiveReminder))
        // Each form's read is audited with its context, as the one who asked.
        let forms = try harness.audits("show").filter { $0.personID == anna }.compactMap(\.detail)
        for form in ["occupation.set", "measure.add", "measure.decide", "measure.start", "measure.follow_up", "measure.end", "deregister"] {
            #expect(forms.contains("form=\(form)"), "\(form)")
        }
    }

    @Test func theBrowserFlowNeverPutsAPersonnummerInAURL() throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("hanna")
        var responses: [HTTPResponse] = [client.get("/personer/ny")]
        let registered = client.post("/personer/ny", [("personnummer", PersonTests.cleo.digits), ("date", "2026-11-02"), ("reason", "EJ_PABORJAT"),
                                                      ("first_name", "Cleo"), ("last_name", "Ceder")])
        responses.append(registered)
        let card = try #require(registered.header("Location")?.split(separator: "?").first.map(String.init))
        responses.append(client.get(card))
        let id = try #require(Int64(card.split(separator: "/").last.map(String.init) ?? ""))
        responses.append(client.post("\(card)/kontakt", [("date", "2026-11-20"), ("channel", "TELEFON"), ("reached", "on"), ("version", try harness.version(id))]))
        responses.append(client.get("\(card)/atgarder/ny"))
        responses.append(client.post("\(card)/atgarder/ny", [("type", "PRAKTIK"), ("offered_on", "2026-11-20"), ("version", try harness.version(id))]))
        let measure = try #require(try harness.history(PersonTests.cleo).openEpisode?.measures.first?.id)
        responses.append(client.get("\(card)/atgarder/\(measure)/start"))
        responses.append(client.post("\(card)/atgarder/\(measure)/start", [("date", "2026-11-21"), ("version", try harness.version(id))]))
        responses.append(client.get("\(card)/avregistrera"))
        responses.append(client.post("\(card)/avregistrera", [("date", "2026-11-22"), ("reason", "BORJAT_STUDERA"), ("version", try harness.version(id))]))
        #expect(responses.filter { $0.status == 303 }.count == 5)
        for response in responses { PersonTests.expectNoPersonnummer(response) }
        let episode = try #require(try harness.history(PersonTests.cleo).episodes.first)
        #expect(episode.deregistrationReason == "BORJAT_STUDERA" && episode.measures.first?.startedOn == TestDates.date("2026-11-21"))
        #expect(episode.measures.first?.endReason == KnownCode.measureEndAtDeregistration)
    }

    @Test func anOccupationIsSavedAndABadCodeIsRefused() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)/sysselsattning")
        let bad = client.post("/personer/\(anna)/sysselsattning", [("date", "2026-11-20"), ("occupation", "STUDIER_KOMVUX"), ("version", try harness.version(anna))])
        PersonTests.expectFieldError(bad, "occupation")
        #expect(bad.text.contains("value=\"2026-11-20\""))
        let saved = client.post("/personer/\(anna)/sysselsattning", [("date", "2026-11-20"), ("occupation", "ARBETE"), ("version", try harness.version(anna))])
        #expect(saved.status == 303 && saved.header("Location") == "/personer/\(anna)?sparat=sysselsattning")
        #expect(try harness.history(PersonTests.anna).openEpisode?.occupationFacts.map(\.occupation) == ["ARBETE"])
    }

    @Test func aMeasureIsOfferedDecidedStartedFollowedUpAndEnded() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)/atgarder/ny")
        let offered = client.post("/personer/\(anna)/atgarder/ny", [
            ("type", "PRAKTIK"), ("offered_on", "2026-11-02"), ("responsible", "Arbetsmarknadsenheten"), ("plan", "Praktik fyra veckor.\nMål: arbete."),
            ("planned_start", "2026-12-07"), ("follow_up", "2026-11-30"), ("version", try harness.version(anna)),
        ])
        #expect(offered.status == 303 && offered.header("Location") == "/personer/\(anna)?sparat=atgard")
        var measure = try #require(try harness.history(PersonTests.anna).openEpisode?.measures.first)
        #expect(measure.type == "PRAKTIK" && measure.responsible == "Arbetsmarknadsenheten" && measure.plan == "Praktik fyra veckor.\nMål: arbete.")
        #expect(measure.plannedStartOn == TestDates.date("2026-12-07") && measure.followUpOn == TestDates.date("2026-11-30"))
        let base = "/personer/\(anna)/atgarder/\(measure.id)"
        #expect(client.get("/personer/\(anna)").text.contains("\(base)/beslut\">Beslut</a>"))

        client.get("\(base)/beslut")
        #expect(client.post("\(base)/beslut", [("decision", "accepted"), ("date", "2026-11-03"), ("version", try harness.version(anna))]).status == 303)
        #expect(try harness.audits("measure.decide").last?.changes?.contains("beslutsdatum: 2026-11-03") == true)
        client.get("\(base)/start")
        #expect(client.post("\(base)/start", [("date", "2026-11-09"), ("version", try harness.version(anna))]).status == 303)
        client.get("\(base)/uppfoljning")
        #expect(client.post("\(base)/uppfoljning", [("date", "2026-11-20"), ("next", "2026-12-04"), ("note", "Trivs"),
                                                    ("version", try harness.version(anna))]).status == 303)
        measure = try #require(try harness.history(PersonTests.anna).openEpisode?.measures.first)
        #expect(measure.decision == .accepted && measure.startedOn == TestDates.date("2026-11-09"))
        #expect(measure.followUps.map(\.note) == ["Trivs"] && measure.nextFollowUpOn == TestDates.date("2026-12-04"))
        client.get("\(base)/avsluta")
        let ended = client.post("\(base)/avsluta", [("date", "2026-11-22"), ("reason", "GENOMFORD"), ("occupation_after", "ARBETE"),
                                                    ("version", try harness.version(anna))])
        #expect(ended.status == 303 && ended.header("Location") == "/personer/\(anna)?sparat=avslutad")
        measure = try #require(try harness.history(PersonTests.anna).openEpisode?.measures.first)
        #expect(measure.endedOn == TestDates.date("2026-11-22") && measure.endReason == "GENOMFORD" && measure.occupationAfter == "ARBETE")
        let card = client.get("/personer/\(anna)").text
        #expect(card.contains("Åtgärd avslutad") && card.contains("Beslut om åtgärd") && card.contains("Åtgärd påbörjad"))
    }

    @Test(arguments: [
        ("type", "RYMDRESA", "type"), ("type", "", "type"), ("offered_on", "2026-11-24", "offered_on"), ("offered_on", "2026-02-30", "offered_on"),
        ("offered_on", "2026-08-01", "offered_on"), ("responsible", String(repeating: "x", count: 201), "responsible"),
        ("responsible", "Anna\u{202E}evil", "responsible"), ("responsible", "rad ett\nrad två", "responsible"),
        ("plan", String(repeating: "p", count: 2001), "plan"), ("plan", "plan\u{0007}", "plan"), ("planned_start", "2026-10-01", "planned_start"),
        ("planned_start", "2031-01-01", "planned_start"), ("follow_up", "2026-10-30", "follow_up"), ("follow_up", "30/11", "follow_up"),
    ])
    func aBadOfferIsRefusedNextToItsFieldAndNothingIsWritten(field: String, value: String, errorField: String) throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)/atgarder/ny")
        var fields = ["type": "PRAKTIK", "offered_on": "2026-11-02"]
        fields[field] = value
        let response = client.post("/personer/\(anna)/atgarder/ny", fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                                   + [("version", try harness.version(anna))])
        PersonTests.expectFieldError(response, errorField)
        #expect(try harness.history(PersonTests.anna).openEpisode?.measures.isEmpty == true)
    }

    @Test(arguments: [
        ("beslut", [("decision", "maybe"), ("date", "2026-11-20")], "decision"), ("beslut", [("decision", "accepted"), ("date", "2026-09-30")], "date"),
        ("beslut", [("decision", ""), ("date", "2026-11-20")], "decision"), ("beslut", [("decision", "accepted"), ("date", "2027-01-01")], "date"),
        ("start", [("date", "2026-09-30")], "date"), ("start", [("date", "")], "date"), ("start", [("date", "2026-11-30")], "date"),
        ("uppfoljning", [("date", "2026-11-20"), ("next", "2026-11-19")], "next"), ("uppfoljning", [("date", "2026-11-20"), ("note", "a\nb")], "note"),
        ("uppfoljning", [("date", "2026-11-20"), ("note", String(repeating: "n", count: 2001))], "note"),
        ("avsluta", [("date", "2026-11-20"), ("reason", "TRÖTT")], "reason"), ("avsluta", [("date", "2026-09-02"), ("reason", "GENOMFORD")], "date"),
        ("avsluta", [("date", "2026-11-20"), ("reason", "GENOMFORD"), ("occupation_after", "MÅNEN")], "occupation_after"),
    ] as [(String, [(String, String)], String)])
    func aBadMeasureStepIsRefusedNextToItsFieldAndNothingIsWritten(step: String, fields: [(String, String)], errorField: String) throws {
        let (harness, anna, _, measure, _) = try Self.withMeasure()
        let client = try harness.loggedIn("hanna")
        let path = "/personer/\(anna)/atgarder/\(measure)/\(step)"
        client.get(path)
        let version = try harness.version(anna)
        PersonTests.expectFieldError(client.post(path, fields + [("version", version)]), errorField)
        #expect(try harness.version(anna) == version)
    }

    // MARK: - De-registration

    @Test func deregistrationClosesTheEpisodeAndTheTwentiethBirthdayIsPrefilled() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)/avregistrera")
        let bad = client.post("/personer/\(anna)/avregistrera", [("date", "2026-11-20"), ("reason", "FYLLT_20"), ("version", try harness.version(anna))])
        PersonTests.expectFieldError(bad, "reason")
        let done = client.post("/personer/\(anna)/avregistrera", [("date", "2026-11-20"), ("reason", "BORJAT_STUDERA"), ("version", try harness.version(anna))])
        #expect(done.status == 303 && done.header("Location") == "/personer/\(anna)?sparat=avregistrerad")
        let episode = try #require(try harness.history(PersonTests.anna).episodes.first)
        #expect(episode.deregisteredOn == TestDates.date("2026-11-20") && episode.deregistrationReason == "BORJAT_STUDERA")

        // Someone who has turned 20 gets FYLLT_20 and the birthday pre-filled.
        let twenty = try #require(TestPeople.person(bornOn: TestDates.date("2006-09-02")))
        let dana = try harness.person(twenty, first: "Dana", last: "Dahl", caseload: "hanna")
        let form = client.get("/personer/\(dana)/avregistrera").text
        #expect(form.contains("name=\"date\" id=\"f-date\" value=\"2026-09-02\""))
        #expect(form.contains("<option value=\"FYLLT_20\" selected>"))
    }

    // MARK: - Registration

    @Test func aHandlaggareRegistersSomeoneNewIntoTheirOwnCaseload() throws {
        let harness = try WebHarness()
        _ = try harness.twoPeople()
        let client = try harness.loggedIn("hanna")
        client.get("/personer/ny")
        let response = client.post("/personer/ny", [("personnummer", PersonTests.cleo.formatted), ("date", "2026-11-02"), ("reason", "AVBROTT_NP"),
                                                    ("first_name", "Cleo"), ("last_name", "Ceder"), ("phone", "070-765 43 21")])
        #expect(response.status == 303)
        PersonTests.expectNoPersonnummer(response)
        let location = try #require(response.header("Location"))
        let id = try #require(try harness.register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(PersonTests.cleo.digits)])?.int(0))
        #expect(location == "/personer/\(id)?sparat=registrerad")
        #expect(try harness.register.caseworker(of: PersonTests.cleo) == "hanna")
        #expect(try harness.history(PersonTests.cleo).openEpisode?.registrationReason == "AVBROTT_NP")
        #expect(client.get("/personer/\(id)").status == 200)
    }

    @Test(arguments: [
        ("personnummer", "200801", "personnummer"), ("personnummer", TestPeople.person(born: 2000, 0).digits, "date"), ("personnummer", "", "personnummer"), ("personnummer", "abc", "personnummer"),
        ("personnummer", String(repeating: "1", count: 30), "personnummer"), ("date", "2026-11-24", "date"), ("date", "2020-01-01", "date"),
        ("reason", "TRÅKIGT", "reason"), ("first_name", "Cleo\u{1B}]0;x", "first_name"), ("first_name", String(repeating: "C", count: 201), "first_name"),
        ("phone", "ring mig", "phone"), ("email", "inte en adress", "email"),
    ])
    func aBadRegistrationIsRefusedNextToItsFieldAndNobodyIsAdded(field: String, value: String, errorField: String) throws {
        let harness = try WebHarness()
        let client = try harness.loggedIn("sara")
        client.get("/personer/ny")
        var fields = ["personnummer": PersonTests.cleo.digits, "date": "2026-11-02", "reason": "AVBROTT_NP", "first_name": "Cleo"]
        fields[field] = value
        let response = client.post("/personer/ny", fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        PersonTests.expectFieldError(response, errorField)
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM person")?.int(0) == 0)
    }

    @Test func registeringSomeoneTheRegisterHoldsOutsideTheCaseloadIsRefusedAndAudited() throws {
        let harness = try WebHarness()
        let (_, bo) = try harness.twoPeople()
        try harness.register.deregister(PersonTests.bo, on: TestDates.date("2026-10-01"), reason: "BORJAT_STUDERA")
        let version = try harness.version(bo)
        let client = try harness.loggedIn("hanna")
        client.get("/personer/ny")
        let response = client.post("/personer/ny", [("personnummer", PersonTests.bo.digits), ("date", "2026-11-02"), ("reason", "AVBROTT_NP")])
        #expect(response.status == 403)
        #expect(try harness.audits("denied").contains { $0.personID == bo && $0.staff == "hanna" })
        #expect(try harness.version(bo) == version)
    }

    // MARK: - Caseload

    @Test func aSamordnareAssignsAndUnassignsAndAHandlaggareCannot() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let sara = try harness.loggedIn("sara")
        sara.get("/personer/\(anna)")
        let unknown = sara.post("/personer/\(anna)/handlaggare", [("staff", "ingen-sadan"), ("version", try harness.version(anna))])
        PersonTests.expectFieldError(unknown, "staff")
        let notCaseworker = sara.post("/personer/\(anna)/handlaggare", [("staff", "greta"), ("version", try harness.version(anna))])
        PersonTests.expectFieldError(notCaseworker, "staff")
        #expect(try harness.register.caseworker(of: PersonTests.anna) == "hanna")
        let moved = sara.post("/personer/\(anna)/handlaggare", [("staff", "hugo"), ("version", try harness.version(anna))])
        #expect(moved.status == 303 && moved.header("Location") == "/personer/\(anna)?sparat=handlaggare")
        #expect(try harness.register.caseworker(of: PersonTests.anna) == "hugo")
        #expect(sara.post("/personer/\(anna)/handlaggare", [("staff", ""), ("version", try harness.version(anna))]).status == 303)
        #expect(try harness.register.caseworker(of: PersonTests.anna) == nil)

        try harness.register.assignCaseload(PersonTests.anna, to: "hanna")
        let hanna = try harness.loggedIn("hanna")
        hanna.get("/personer/\(anna)")
        #expect(hanna.post("/personer/\(anna)/handlaggare", [("staff", "hanna"), ("version", try harness.version(anna))]).status == 403)
        #expect(try harness.audits("denied").contains { $0.staff == "hanna" && ($0.detail ?? "").contains("handlaggare") })
    }

    // MARK: - A failure midway

    @Test(arguments: ["contact.add", "measure.add", "deregister", "caseload_assign", "measure.remove", "contact.remove"])
    func aFailureMidwayLeavesNothingHalfDone(failingAction: String) throws {
        let (harness, anna, _, measure, _) = try Self.withMeasure()
        let contact = try harness.register.addContact(PersonTests.anna, on: TestDates.date("2026-11-02"), channel: "SMS", isReached: false)
        // The write's last statement (its audit row) fails: everything before it in the request must go too.
        try harness.register.database.execute("""
            CREATE TRIGGER fail_midway BEFORE INSERT ON audit_log WHEN NEW.action = '\(failingAction)' BEGIN SELECT RAISE(ABORT, 'test'); END
            """)
        let version = try harness.version(anna)
        let before = try harness.register.database.query("""
            SELECT (SELECT count(*) FROM contact), (SELECT count(*) FROM measure), (SELECT count(*) FROM episode WHERE deregistered_on IS NULL),
                   (SELECT count(*) FROM caseload), (SELECT count(*) FROM person)
            """).first.map { row in try (0..<5).map { try row.int($0) } }
        let sara = try harness.loggedIn("sara")
        sara.get("/personer/\(anna)")
        let requests: [String: (String, [(String, String)])] = [
            "contact.add": ("/personer/\(anna)/kontakt", [("date", "2026-11-20"), ("channel", "TELEFON")]),
            "measure.add": ("/personer/\(anna)/atgarder/ny", [("type", "PRAKTIK"), ("offered_on", "2026-11-20")]),
            "deregister": ("/personer/\(anna)/avregistrera", [("date", "2026-11-20"), ("reason", "BORJAT_STUDERA")]),
            "caseload_assign": ("/personer/\(anna)/handlaggare", [("staff", "hugo")]),
            "measure.remove": ("/personer/\(anna)/atgarder/\(measure)/ta-bort", [("confirm", "ja"), ("reason", "felregistrering")]),
            "contact.remove": ("/personer/\(anna)/kontakter/\(contact)/ta-bort", [("confirm", "ja"), ("reason", "felregistrering")]),
        ]
        let (path, fields) = try #require(requests[failingAction])
        let response = sara.post(path, fields + [("version", version)])
        #expect(response.status == 500)
        #expect(response.text.contains("ingenting halvfärdigt har sparats"))
        let after = try harness.register.database.query("""
            SELECT (SELECT count(*) FROM contact), (SELECT count(*) FROM measure), (SELECT count(*) FROM episode WHERE deregistered_on IS NULL),
                   (SELECT count(*) FROM caseload), (SELECT count(*) FROM person)
            """).first.map { row in try (0..<5).map { try row.int($0) } }
        #expect(after == before)
        #expect(try harness.version(anna) == version)
        #expect(try harness.register.caseworker(of: PersonTests.anna) == "hanna")
    }

    @Test func aRegistrationWhoseCaseloadAssignmentFailsLeavesNobodyBehind() throws {
        let harness = try WebHarness()
        try harness.register.database.execute("CREATE TRIGGER fail_caseload BEFORE INSERT ON caseload BEGIN SELECT RAISE(ABORT, 'test'); END")
        let client = try harness.loggedIn("hanna")
        client.get("/personer/ny")
        let response = client.post("/personer/ny", [("personnummer", PersonTests.cleo.digits), ("date", "2026-11-02"), ("reason", "AVBROTT_NP")])
        #expect(response.status == 500)
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM person")?.int(0) == 0)
        #expect(try harness.audits("register").isEmpty)
    }
}
