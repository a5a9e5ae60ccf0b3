import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

@Suite struct RegisterAndDeregisterCommandTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    @Test func registersAndPrintsTheEpisodeId() {
        let result = kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "AVBROTT_NP", "--first-name", "Anna", "--last-name", "Test"])
        expectExit(result, 0)
        #expect(result.stdout == "Inskrivning 1 registrerad för Anna Test (20080101-2386), inskriven 2026-09-01 (Avbrutit nationellt program).\n")
        #expect(kaa.output(["list", "--json"]).contains("\"registration_reason\" : \"AVBROTT_NP\""))
    }

    @Test(arguments: [
        (["--date", "2026-09-01", "--reason", "NOPE"], "--reason"),
        (["--date", "2026-12-01", "--reason", "OKAND"], "efter dagens datum"),
        (["--date", "2025-12-31", "--reason", "OKAND"], "låst period"),
        (["--date", "2026-9-1", "--reason", "OKAND"], "ogiltigt datum"),
        (["--date", "2026-02-30", "--reason", "OKAND"], "ogiltigt datum"),
    ])
    func refusesBadInputWithExit65AndChangesNothing(_ options: [String], _ message: String) throws {
        let result = kaa.run(["register", anna] + options)
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
        #expect(kaa.output(["list", "--all", "--json"]) == "[\n\n]")
    }

    // 200801012387: the test number 200801012386 with a wrong check digit, invalid on purpose.
    @Test func refusesAnInvalidPersonnummer() {
        let result = kaa.run(["register", "200801012387", "--date", "2026-09-01", "--reason", "OKAND"])
        expectExit(result, 65)
        #expect(result.stderr.contains("kontrollsiffra"))
    }

    @Test func refusesSomeoneOutsideTheAgeRule() {
        // Born 2011: not in scope until 1 July 2027.
        let young = TestPeople.person(born: 2011).digits
        let result = kaa.run(["register", young, "--date", "2026-09-01", "--reason", "OKAND"])
        expectExit(result, 65)
        #expect(result.stderr.contains("omfattas inte"))
        let old = TestPeople.person(born: 2005).digits
        expectExit(kaa.run(["register", old, "--date", "2026-09-01", "--reason", "OKAND"]), 65)
    }

    @Test func refusesASecondOpenEpisode() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND"]), 0)
        let result = kaa.run(["register", anna, "--date", "2026-09-02", "--reason", "OKAND"])
        expectExit(result, 65)
        #expect(result.stderr.contains("redan en öppen inskrivning"))
    }

    @Test func deregistersAndRefusesWhatCannotBe() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND"]), 0)
        expectExit(kaa.run(["deregister", anna, "--date", "2026-08-01", "--reason", "FLYTTAT"]), 65)
        expectExit(kaa.run(["deregister", anna, "--date", "2026-10-01", "--reason", "NOPE"]), 65)
        expectExit(kaa.run(["deregister", anna, "--date", "2026-10-01", "--reason", "FLYTTAT"]), 0)
        let again = kaa.run(["deregister", anna, "--date", "2026-10-02", "--reason", "FLYTTAT"])
        expectExit(again, 65)
        #expect(again.stderr.contains("ingen öppen inskrivning"))
        expectExit(kaa.run(["deregister", bertil, "--date", "2026-10-02", "--reason", "FLYTTAT"]), 65)
    }

    @Test func updatesContactDetailsAndClearsEmptyOnes() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND", "--phone", "070-0000000"]), 0)
        expectExit(kaa.run(["person", "update", anna, "--first-name", "Alva", "--address", "Gatan 2", "--postal-code", "75320",
                            "--city", "Uppsala", "--phone", ""]), 0)
        let show = kaa.output(["show", anna])
        #expect(show.contains("Namn: Alva"))
        #expect(show.contains("Adress: Gatan 2, 75320 Uppsala"))
        #expect(show.contains("Telefon: –"))
        expectExit(kaa.run(["person", "update", bertil, "--first-name", "X"]), 65)
        expectExit(kaa.run(["person", "update", anna, "--first-name", String(repeating: "x", count: 201)]), 65)
    }

    @Test func aProtectedIdentityIsMarkedInEveryView() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND", "--first-name", "Skyddad", "--protected"]), 0)
        expectExit(kaa.run(["person", "update", anna, "--address", "Gatan 1"]), 65)
        #expect(kaa.output(["show", anna]).contains("SKYDDAD IDENTITET"))
        #expect(kaa.output(["list"]).contains("[skyddad identitet]"))
        #expect(kaa.output(["worklist", "ej-nadda"]).contains("[skyddad identitet]"))
        #expect(kaa.output(["show", anna, "--json"]).contains("\"protected\" : true"))
    }
}

@Suite struct ContactAndOccupationCommandTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    init() {
        let result = fixture.kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "AVBROTT_NP"])
        precondition(result.exitCode == 0, "\(result)")
    }

    @Test func addsContactsAndPrintsTheirIds() {
        #expect(kaa.output(["contact", "add", anna, "--date", "2026-09-02", "--channel", "SMS"]) == "Kontakt 1 registrerad för 20080101-2386, inte nådd, SMS.")
        #expect(kaa.output(["contact", "add", anna, "--date", "2026-09-03", "--channel", "TELEFON", "--reached", "--occupation", "ARBETE"])
                == "Kontakt 2 registrerad för 20080101-2386, nådd, TELEFON, sysselsättning: Arbete.")
        let show = kaa.output(["show", anna])
        #expect(show.contains("#1 2026-09-02 Sms: inte nådd"))
        #expect(show.contains("#2 2026-09-03 Telefon: nådd, sysselsättning: Arbete"))
    }

    @Test(arguments: [
        (["--date", "2026-09-02", "--channel", "FAX"], "--channel"),
        (["--date", "2026-08-31", "--channel", "SMS"], "före inskrivningens registreringsdatum"),
        (["--date", "2026-11-24", "--channel", "SMS"], "efter dagens datum"),
        (["--date", "2026-09-02", "--channel", "SMS", "--occupation", "ARBETE"], "--reached"),
        (["--date", "2026-09-02", "--channel", "SMS", "--reached", "--occupation", "SJUK"], "--occupation"),
    ])
    func refusesBadContacts(_ options: [String], _ message: String) {
        let result = kaa.run(["contact", "add", anna] + options)
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
        #expect(!kaa.output(["show", anna]).contains("#1"))
    }

    @Test func refusesAContactOnAClosedEpisode() {
        expectExit(kaa.run(["deregister", anna, "--date", "2026-10-01", "--reason", "FLYTTAT"]), 0)
        let result = kaa.run(["contact", "add", anna, "--date", "2026-10-02", "--channel", "SMS"])
        expectExit(result, 65)
        #expect(result.stderr.contains("ingen öppen inskrivning"))
    }

    @Test func correctsAndRemovesContacts() {
        expectExit(kaa.run(["contact", "add", anna, "--date", "2026-09-02", "--channel", "SMS"]), 0)
        expectExit(kaa.run(["contact", "correct", "1", "--reached", "--occupation", "PRAKTIK", "--date", "2026-09-04"]), 0)
        #expect(kaa.output(["show", anna]).contains("#1 2026-09-04 Sms: nådd, sysselsättning: Praktik"))
        expectExit(kaa.run(["contact", "correct", "1", "--date", "2026-08-01"]), 65)
        expectExit(kaa.run(["contact", "correct", "1", "--reached", "--not-reached"]), 64)
        expectExit(kaa.run(["contact", "correct", "99", "--reached"]), 65)
        expectExit(kaa.run(["contact", "correct", "x", "--reached"]), 65)
        expectExit(kaa.run(["contact", "remove", "1"]), 0)
        expectExit(kaa.run(["contact", "remove", "1"]), 65)
        #expect(kaa.output(["show", anna]).contains("Kontaktförsök: inga"))
        let actions = kaa.output(["audit", "--person", anna])
        #expect(actions.contains("contact.correct") && actions.contains("contact.remove"))
    }

    @Test func setsCorrectsAndRemovesOccupation() {
        #expect(kaa.output(["occupation", "set", anna, "--date", "2026-10-01", "--code", "PRAKTIK"]) == "Sysselsättning 1 registrerad för 20080101-2386: Praktik från 2026-10-01.")
        expectExit(kaa.run(["occupation", "set", anna, "--date", "2026-10-01", "--code", "SJUK"]), 65)
        expectExit(kaa.run(["occupation", "correct", "1", "--code", "ARBETE"]), 0)
        #expect(kaa.output(["show", anna]).contains("#1 från 2026-10-01: Arbete"))
        expectExit(kaa.run(["occupation", "correct", "1", "--date", "2026-12-01"]), 65)
        expectExit(kaa.run(["occupation", "remove", "1"]), 0)
        expectExit(kaa.run(["occupation", "remove", "1"]), 65)
    }
}

@Suite struct MeasureCommandTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    init() {
        let result = fixture.kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "AVBROTT_NP"])
        precondition(result.exitCode == 0, "\(result)")
    }

    @Test func offersStartsAndEndsAMeasure() {
        let added = kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-10", "--start", "2026-09-15",
                             "--plan", "Träffa SYV varje vecka", "--responsible", "Kommunens SYV", "--follow-up", "2026-10-15"])
        expectExit(added, 0)
        #expect(added.stdout == "Åtgärd 1 registrerad för 20080101-2386: Studie- och yrkesvägledning, erbjuden 2026-09-10, start 2026-09-15.\n")
        #expect(added.stderr.contains("känsliga personuppgifter"), "the plan's reminder is shown")
        expectExit(kaa.run(["measure", "end", "1", "--date", "2026-10-20", "--reason", "GENOMFORD", "--occupation-after", "STUDIER_KOMVUX_GRUND"]), 0)
        let show = kaa.output(["show", anna])
        #expect(show.contains("#1 Studie- och yrkesvägledning, erbjuden 2026-09-10, accepterad, start 2026-09-15, avslutad 2026-10-20 (Genomförd), därefter: Studier på komvux"))
        #expect(show.contains("Plan: Träffa SYV varje vecka"))
        let again = kaa.run(["measure", "end", "1", "--date", "2026-10-21", "--reason", "GENOMFORD"])
        expectExit(again, 65)
        #expect(again.stderr.contains("avslutades redan"))
    }

    @Test(arguments: [
        (["--type", "KURS", "--offered", "2026-09-10"], "--type"),
        (["--type", "SYV", "--offered", "2026-08-01"], "före inskrivningens registreringsdatum"),
        (["--type", "SYV", "--offered", "2026-09-10", "--declined", "--start", "2026-09-12"], "avböjd"),
        (["--type", "SYV", "--offered", "2026-09-10", "--start", "2026-09-09"], "före erbjudandet"),
        (["--type", "SYV", "--offered", "2026-09-10", "--follow-up", "2026-09-01"], "--follow-up"),
        (["--type", "SYV", "--offered", "2026-09-10", "--start", "soon"], "--start"),
    ])
    func refusesBadMeasures(_ options: [String], _ message: String) {
        let result = kaa.run(["measure", "add", anna] + options)
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
        #expect(kaa.output(["show", anna]).contains("Åtgärder: inga"))
    }

    @Test func refusesBadEnds() {
        expectExit(kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-10", "--start", "2026-09-15"]), 0)
        expectExit(kaa.run(["measure", "end", "1", "--date", "2026-09-14", "--reason", "GENOMFORD"]), 65)
        expectExit(kaa.run(["measure", "end", "1", "--date", "2026-09-20", "--reason", "KLAR"]), 65)
        expectExit(kaa.run(["measure", "end", "1", "--date", "2026-09-20"]), 64)
        expectExit(kaa.run(["measure", "end", "7", "--date", "2026-09-20", "--reason", "GENOMFORD"]), 65)
    }

    @Test func correctsAndRemovesMeasures() {
        expectExit(kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-10"]), 0)
        expectExit(kaa.run(["measure", "correct", "1", "--declined"]), 0)
        #expect(kaa.output(["show", anna]).contains("avböjd"))
        expectExit(kaa.run(["measure", "correct", "1", "--start", "2026-09-12"]), 65)
        expectExit(kaa.run(["measure", "correct", "1", "--accepted", "--start", "2026-09-12", "--follow-up", "2026-11-01"]), 0)
        expectExit(kaa.run(["measure", "correct", "1", "--undecided", "--accepted"]), 64)
        #expect(kaa.output(["worklist", "uppfoljning"]).contains("uppföljning 2026-11-01"))
        expectExit(kaa.run(["measure", "remove", "1"]), 0)
        expectExit(kaa.run(["measure", "remove", "1"]), 65)
    }
}

@Suite struct EpisodeCorrectionCommandTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    @Test func correctsReopensAndRemovesEpisodes() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND"]), 0)
        expectExit(kaa.run(["contact", "add", anna, "--date", "2026-09-05", "--channel", "SMS"]), 0)
        expectExit(kaa.run(["episode", "correct", "1", "--reason", "STUDIEBEVIS", "--registered", "2026-08-20"]), 0)
        #expect(kaa.output(["show", anna]).contains("inskriven 2026-08-20 (Studiebevis utan examen)"))
        let tooLate = kaa.run(["episode", "correct", "1", "--registered", "2026-09-10"])
        expectExit(tooLate, 65)
        #expect(tooLate.stderr.contains("kontakt 1"), "a contact would fall outside: \(tooLate)")
        expectExit(kaa.run(["episode", "correct", "1", "--deregistered", "2026-10-01"]), 65)
        expectExit(kaa.run(["episode", "correct", "1", "--deregistered", "2026-10-01", "--deregistration-reason", "FELREGISTRERAD"]), 0)
        #expect(kaa.output(["list"]).contains("0 inskrivningar"))
        expectExit(kaa.run(["episode", "correct", "1", "--reopen"]), 0)
        #expect(kaa.output(["list"]).contains("1 inskrivning"))
        // The episode is Anna's only one and has a contact: removing it takes her too, so it needs --yes.
        expectExit(kaa.run(["episode", "remove", "1"]), 64)
        expectExit(kaa.run(["episode", "remove", "1", "--yes"]), 0)
        expectExit(kaa.run(["show", anna]), 65)
        expectExit(kaa.run(["episode", "remove", "1"]), 65)
        #expect(kaa.output(["audit"]).contains("person_removed=1"))
    }
}
