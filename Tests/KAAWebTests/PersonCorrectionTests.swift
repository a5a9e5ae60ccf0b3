import Foundation
import KAACore
import KAAHTTP
import KAARegister
import KAATestFixtures
import Testing
@testable import KAAWeb

/// Correcting and removing a person's records (issue 15 "correct or remove with a confirmation and
/// a reason"): the confirmation page first, nothing removed without `confirm=ja`, the reason in
/// the audit row, ids of another person's records not found.
@Suite struct PersonCorrectionTests {
    /// Anna (hanna's) with a contact, an occupation fact and a measure with a follow-up; Bo (hugo's) with a contact.
    static func setUp() throws -> (WebHarness, anna: Int64, contact: Int64, occupation: Int64, measure: Int64, episode: Int64, boContact: Int64) {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let contact = try harness.register.addContact(PersonTests.anna, on: TestDates.date("2026-11-02"), channel: "TELEFON", isReached: true)
        let occupation = try harness.register.setOccupation(PersonTests.anna, on: TestDates.date("2026-11-03"), code: "ARBETE")
        let measure = try harness.register.addMeasure(PersonTests.anna, NewMeasure(type: "SYV", offeredOn: TestDates.date("2026-10-01")))
        try harness.register.addFollowUp(measure: measure, on: TestDates.date("2026-10-20"), next: nil, note: nil)
        let boContact = try harness.register.addContact(PersonTests.bo, on: TestDates.date("2026-11-02"), channel: "SMS", isReached: false)
        let episode = try #require(try harness.history(PersonTests.anna).openEpisode?.id)
        return (harness, anna, contact, occupation, measure, episode, boContact)
    }

    @Test func aContactIsRemovedOnlyAfterTheConfirmationWithAReasonThatTheLogKeeps() throws {
        let (harness, anna, contact, _, _, _, _) = try Self.setUp()
        let client = try harness.loggedIn("hanna")
        let path = "/personer/\(anna)/kontakter/\(contact)/ta-bort"
        let confirmation = client.get(path)
        #expect(confirmation.status == 200)
        #expect(confirmation.text.contains("Tas bort: kontaktförsöket 2026-11-02 (Telefon, nådd)"))
        #expect(confirmation.text.contains("name=\"reason\"") && confirmation.text.contains(">Ta bort</button>"))
        #expect(try harness.audits("show").contains { $0.personID == anna && $0.detail == "form=contact.remove" && $0.context == .person })
        let version = try harness.version(anna)
        // Without confirm: the confirmation again, nothing removed.
        let unconfirmed = client.post(path, [("reason", "dubblett"), ("version", version)])
        #expect(unconfirmed.status == 200 && unconfirmed.text.contains("Tas bort:"))
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.count == 1)
        // Without a reason: refused next to the field.
        PersonTests.expectFieldError(client.post(path, [("confirm", "ja"), ("reason", ""), ("version", version)]), "reason")
        PersonTests.expectFieldError(client.post(path, [("confirm", "ja"), ("reason", String(repeating: "r", count: 201)), ("version", version)]), "reason")
        PersonTests.expectFieldError(client.post(path, [("confirm", "ja"), ("reason", "dubb\u{202E}lett"), ("version", version)]), "reason")
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.count == 1)
        let removed = client.post(path, [("confirm", "ja"), ("reason", "dubblett"), ("version", version)])
        #expect(removed.status == 303 && removed.header("Location") == "/personer/\(anna)?sparat=borttagen")
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.isEmpty == true)
        let row = try #require(try harness.audits("contact.remove").last)
        #expect(row.staff == "hanna" && row.changes?.contains("orsak: dubblett") == true)
        #expect(client.get("/personer/\(anna)").text.contains("Kontaktförsök borttaget"))
    }

    @Test func aMeasureWithFollowUpsSaysSoAndGoesWithThem() throws {
        let (harness, anna, _, _, measure, _, _) = try Self.setUp()
        let client = try harness.loggedIn("hanna")
        let path = "/personer/\(anna)/atgarder/\(measure)/ta-bort"
        #expect(client.get(path).text.contains("med 1 uppföljning"))
        let removed = client.post(path, [("confirm", "ja"), ("reason", "fel person"), ("version", try harness.version(anna))])
        #expect(removed.status == 303)
        #expect(try harness.history(PersonTests.anna).openEpisode?.measures.isEmpty == true)
        #expect(try harness.audits("measure.remove").last?.changes?.contains("orsak: fel_person") == true)
    }

    @Test func removingTheOnlyEpisodeRemovesThePersonAndLeadsToday() throws {
        let (harness, anna, _, _, _, episode, _) = try Self.setUp()
        let client = try harness.loggedIn("sara")
        let path = "/personer/\(anna)/inskrivningar/\(episode)/ta-bort"
        let page = client.get(path).text
        #expect(page.contains("personen själv med kontaktuppgifter"))
        #expect(page.contains("1 kontaktförsök") && page.contains("1 åtgärd"))
        let removed = client.post(path, [("confirm", "ja"), ("reason", "felregistrering"), ("version", try harness.version(anna))])
        #expect(removed.status == 303 && removed.header("Location") == "/")
        #expect(try harness.register.database.queryOne("SELECT count(*) FROM person WHERE id = ?", [.integer(anna)])?.int(0) == 0)
        #expect(try harness.audits("episode.remove").last?.changes?.contains("orsak: felregistrering") == true)
        #expect(client.get("/personer/\(anna)").status == 404)
    }

    @Test func aContactIsCorrectedAndTheCardShowsBeforeAndAfter() throws {
        let (harness, anna, contact, _, _, _, _) = try Self.setUp()
        let client = try harness.loggedIn("hanna")
        let path = "/personer/\(anna)/kontakter/\(contact)/rattelse"
        let form = client.get(path).text
        #expect(form.contains("<option value=\"TELEFON\" selected>") && form.contains("value=\"2026-11-02\""))
        PersonTests.expectFieldError(client.post(path, [("date", "2026-11-02"), ("channel", "SMS"), ("version", try harness.version(anna))]), "reason")
        PersonTests.expectFieldError(client.post(path, [("date", "2026-11-30"), ("channel", "SMS"), ("reason", "felregistrering"), ("version", try harness.version(anna))]), "date")
        PersonTests.expectFieldError(client.post(path, [("date", "2026-11-02"), ("channel", "DUVA"), ("reason", "felregistrering"), ("version", try harness.version(anna))]), "channel")
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.first?.channel == "TELEFON")
        let saved = client.post(path, [("date", "2026-11-02"), ("channel", "SMS"), ("reached", "on"), ("reason", "felregistrering"),
                                       ("version", try harness.version(anna))])
        #expect(saved.status == 303 && saved.header("Location") == "/personer/\(anna)?sparat=rattad")
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.first?.channel == "SMS")
        let card = client.get("/personer/\(anna)").text
        #expect(card.contains("kontaktsätt: Telefon → Sms") && card.contains("orsak"))
    }

    @Test func anOccupationAMeasureAndAnEpisodeAreCorrected() throws {
        let (harness, anna, _, occupation, measure, episode, _) = try Self.setUp()
        let client = try harness.loggedIn("sara")
        client.get("/personer/\(anna)/sysselsattningar/\(occupation)/rattelse")
        #expect(client.post("/personer/\(anna)/sysselsattningar/\(occupation)/rattelse",
                            [("date", "2026-11-03"), ("occupation", "PRAKTIK"), ("reason", "felregistrering"), ("version", try harness.version(anna))]).status == 303)
        #expect(try harness.history(PersonTests.anna).openEpisode?.occupationFacts.first?.occupation == "PRAKTIK")
        client.get("/personer/\(anna)/atgarder/\(measure)/rattelse")
        #expect(client.post("/personer/\(anna)/atgarder/\(measure)/rattelse",
                            [("type", "KOMVUX"), ("offered_on", "2026-10-01"), ("plan", "Ny plan"), ("reason", "felregistrering"),
                             ("version", try harness.version(anna))]).status == 303)
        let corrected = try #require(try harness.history(PersonTests.anna).openEpisode?.measures.first)
        #expect(corrected.type == "KOMVUX" && corrected.plan == "Ny plan")
        client.get("/personer/\(anna)/inskrivningar/\(episode)/rattelse")
        PersonTests.expectFieldError(client.post("/personer/\(anna)/inskrivningar/\(episode)/rattelse",
                                                 [("registered_on", "2026-09-01"), ("registration_reason", "NÅGOT"), ("reason", "felregistrering"),
                                                  ("version", try harness.version(anna))]), "registration_reason")
        #expect(client.post("/personer/\(anna)/inskrivningar/\(episode)/rattelse",
                            [("registered_on", "2026-09-01"), ("registration_reason", "AVBROTT_NP"), ("reason", "felregistrering"),
                             ("version", try harness.version(anna))]).status == 303)
        #expect(try harness.history(PersonTests.anna).openEpisode?.registrationReason == "AVBROTT_NP")
        #expect(try harness.audits("episode.correct").last?.changes?.contains("registration_reason: EJ_PABORJAT → AVBROTT_NP") == true)
    }

    @Test func anotherPersonsRecordOrAnUnknownOneIsNotFoundAndOutsideTheCaseloadForbidden() throws {
        let (harness, anna, _, _, _, _, boContact) = try Self.setUp()
        let hanna = try harness.loggedIn("hanna")
        let version = try harness.version(anna)
        let paths = ["kontakter", "sysselsattningar", "atgarder", "inskrivningar"].flatMap { kind in
            ["rattelse", "ta-bort"].map { "/personer/\(anna)/\(kind)/999999/\($0)" }
        } + ["rattelse", "ta-bort"].map { "/personer/\(anna)/kontakter/\(boContact)/\($0)" }
        for path in paths {
            #expect(hanna.get(path).status == 404, "\(path)")
            hanna.get("/personer/\(anna)")
            #expect(hanna.post(path, [("confirm", "ja"), ("reason", "annat"), ("version", version)]).status == 404, "\(path)")
        }
        let bo = try #require(try harness.register.database.queryOne("SELECT id FROM person WHERE personnummer = ?", [.text(PersonTests.bo.digits)])?.int(0))
        #expect(hanna.get("/personer/\(bo)/kontakter/\(boContact)/ta-bort").status == 403)
        hanna.get("/personer/\(anna)")
        #expect(hanna.post("/personer/\(bo)/kontakter/\(boContact)/ta-bort", [("confirm", "ja"), ("reason", "annat"), ("version", try harness.version(bo))]).status == 403)
        #expect(try harness.history(PersonTests.bo).openEpisode?.contacts.count == 1)
        #expect(try harness.version(anna) == version)
    }

    @Test func aStaleRemovalIsRefusedAndNothingIsRemoved() throws {
        let (harness, anna, contact, _, _, _, _) = try Self.setUp()
        let client = try harness.loggedIn("hanna")
        let path = "/personer/\(anna)/kontakter/\(contact)/ta-bort"
        client.get(path)
        let stale = try harness.version(anna)
        try harness.register.addContact(PersonTests.anna, on: TestDates.date("2026-11-19"), channel: "SMS", isReached: false)
        #expect(client.post(path, [("confirm", "ja"), ("reason", "dubblett"), ("version", stale)]).status == 409)
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.count == 2)
        #expect(try harness.audits("contact.remove").isEmpty)
    }

    @Test func aCorrectionPastTheContactsNextContactIsRefusedNextToTheDate() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        let contact = try harness.register.addContact(PersonTests.anna, on: TestDates.date("2026-11-02"), channel: "SMS", isReached: false,
                                                      nextContactOn: TestDates.date("2026-11-10"))
        let client = try harness.loggedIn("hanna")
        let path = "/personer/\(anna)/kontakter/\(contact)/rattelse"
        client.get(path)
        PersonTests.expectFieldError(client.post(path, [("date", "2026-11-15"), ("channel", "SMS"), ("reason", "fel datum"),
                                                        ("version", try harness.version(anna))]), "date")
        #expect(try harness.history(PersonTests.anna).openEpisode?.contacts.first?.date == TestDates.date("2026-11-02"))
    }

    @Test func aContactForSomeoneDeregisteredSaysWhyAtTheTop() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        try harness.register.deregister(PersonTests.anna, on: TestDates.date("2026-11-10"), reason: "BORJAT_STUDERA")
        let client = try harness.loggedIn("hanna")
        client.get("/personer/\(anna)")
        let response = client.post("/personer/\(anna)/kontakt", [("date", "2026-11-20"), ("channel", "SMS"), ("version", try harness.version(anna))])
        #expect(response.status == 400)
        #expect(response.text.contains("Kontakten är inte sparad.") && response.text.contains("ingen öppen inskrivning"))
        #expect(try harness.audits("contact.add").isEmpty)
    }

    @Test func aClosedEpisodeIsReopenedOrItsEndCorrected() throws {
        let harness = try WebHarness()
        let (anna, _) = try harness.twoPeople()
        try harness.register.deregister(PersonTests.anna, on: TestDates.date("2026-11-10"), reason: "FLYTTAT")
        let episode = try #require(try harness.history(PersonTests.anna).episodes.first?.id)
        let client = try harness.loggedIn("hanna")
        let path = "/personer/\(anna)/inskrivningar/\(episode)/rattelse"
        let form = client.get(path).text
        #expect(form.contains("<option value=\"FLYTTAT\" selected>") && form.contains("name=\"reopen\""))
        PersonTests.expectFieldError(client.post(path, [("registered_on", "2026-09-01"), ("registration_reason", "EJ_PABORJAT"),
                                                        ("deregistered_on", "2026-08-01"), ("deregistration_reason", "FLYTTAT"), ("reason", "felregistrering"),
                                                        ("version", try harness.version(anna))]), "deregistered_on")
        #expect(client.post(path, [("registered_on", "2026-09-01"), ("registration_reason", "EJ_PABORJAT"), ("deregistered_on", "2026-11-12"),
                                   ("deregistration_reason", "UTVANDRAT"), ("reason", "ny_uppgift"), ("version", try harness.version(anna))]).status == 303)
        var stored = try #require(try harness.history(PersonTests.anna).episodes.first)
        #expect(stored.deregisteredOn == TestDates.date("2026-11-12") && stored.deregistrationReason == "UTVANDRAT")
        #expect(client.post(path, [("registered_on", "2026-09-01"), ("registration_reason", "EJ_PABORJAT"), ("reopen", "on"), ("reason", "ny_uppgift"),
                                   ("version", try harness.version(anna))]).status == 303)
        stored = try #require(try harness.history(PersonTests.anna).episodes.first)
        #expect(stored.deregisteredOn == nil && stored.deregistrationReason == nil)
        #expect(try harness.audits("episode.correct").last?.changes?.contains("orsak: ny_uppgift") == true)
    }
}
