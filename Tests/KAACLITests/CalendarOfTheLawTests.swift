import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// Someone whose 20th birthday lies between 2026-09-01 and today (2026-11-23), both in open periods.
let turningTwenty: PersonalIdentityNumber = {
    let first = TestDates.date("2006-09-02"), last = TestDates.date("2006-11-20")
    guard let pnr = TestPeople.born(in: 2006).first(where: { $0.birthDate >= first && $0.birthDate <= last }) else {
        preconditionFailure("no test person born 2006-09-02 … 2006-11-20")
    }
    return pnr
}()

@Suite struct TurningTwentyTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }
    var birthday: CalendarDate { KAAAgeRule.endDay(birthDate: turningTwenty.birthDate) }

    init() {
        let september = fixture.on("2026-09-01")
        for arguments in [["register", turningTwenty.digits, "--date", "2026-09-01", "--reason", "AVBROTT_NP", "--first-name", "Måns"],
                          ["measure", "add", turningTwenty.digits, "--type", "SYV", "--offered", "2026-09-01", "--start", "2026-09-01"]] {
            let result = september.run(arguments)
            precondition(result.exitCode == 0, "\(result)")
        }
    }

    @Test func anyCommandClosesAnEpisodeOpenOnTheTwentiethBirthdayAsTheSystem() throws {
        #expect(!kaa.output(["worklist", "ingen-kontakt", "--json"]).contains(turningTwenty.digits), "nobody over 20 on a worklist")
        let listed = kaa.output(["list", "--all", "--json"])
        #expect(listed.contains("\"deregistered_on\" : \"\(birthday)\""), "\(listed)")
        #expect(listed.contains("\"deregistration_reason\" : \"FYLLT_20\""))
        #expect(kaa.output(["show", turningTwenty.digits]).contains("avslutad \(birthday) (Avslutad vid avregistrering)"), "the running measure ends too")
        let audit = kaa.output(["audit", "--staff", "system"])
        #expect(audit.contains("reason=FYLLT_20") && audit.contains("automatic=1"), "\(audit)")
        // Once, not at every opening.
        _ = kaa.run(["list"])
        #expect(kaa.output(["audit", "--staff", "system", "--json"]).components(separatedBy: "automatic=1").count == 2)
    }

    @Test func aDryRunOfTheNightWritesNothingYetShowsTheClose() throws {
        let before = try DatabaseDump.dump(kaa.databasePath)
        let dry = kaa.run(["sync", "--dry-run"])
        expectExit(dry, 0)
        #expect(dry.stdout.contains("reason=FYLLT_20"), "the dry run computes as if closed: \(dry.stdout)")
        #expect(try DatabaseDump.dump(kaa.databasePath) == before, "sync --dry-run writes nothing, not even the close at 20")
        _ = kaa.run(["list"])
        #expect(try DatabaseDump.dump(kaa.databasePath) != before, "an ordinary opening writes it")
    }

    @Test func aFailingCloseLeavesEveryEpisodeOpen() throws {
        // A second person due, whose close a trigger makes fail midway: neither is closed (all or nothing).
        let other = try #require(TestPeople.born(in: 2006).last { $0.birthDate >= TestDates.date("2006-09-02") && $0.birthDate <= TestDates.date("2006-11-20") && $0 != turningTwenty })
        expectExit(fixture.on("2026-09-01").run(["register", other.digits, "--date", "2026-09-01", "--reason", "OKAND"]), 0)
        let db = try KAASQLiteAccess.open(kaa.databasePath)
        try db.execute(script: """
            CREATE TRIGGER fail_second_close BEFORE UPDATE OF deregistered_on ON episode
            WHEN (SELECT count(*) FROM episode WHERE deregistered_on IS NOT NULL) >= 1
            BEGIN SELECT RAISE(ABORT, 'disk full'); END;
            """)
        let before = try DatabaseDump.dump(kaa.databasePath)
        expectExit(kaa.run(["list"]), 1)
        #expect(try DatabaseDump.dump(kaa.databasePath) == before)
        try db.execute(script: "DROP TRIGGER fail_second_close")
        expectExit(kaa.run(["list"]), 0)
        #expect(try DatabaseDump.dump(kaa.databasePath) != before)
    }

    @Test func deregisteringFyllt20BeforeTheBirthdayIsRefusedWithTheBirthday() {
        let young = TestPeople.person(born: 2008, sex: .male, 4)
        expectExit(kaa.run(["register", young.digits, "--date", "2026-09-01", "--reason", "OKAND"]), 0)
        let early = kaa.run(["deregister", young.digits, "--date", "2026-11-01", "--reason", "FYLLT_20"])
        expectExit(early, 65)
        #expect(early.stderr.contains("fyller 20 år \(KAAAgeRule.endDay(birthDate: young.birthDate))"), "\(early)")
        let corrected = kaa.run(["episode", "correct", "2", "--deregistered", "2026-11-01", "--deregistration-reason", "fyllt_20"])
        expectExit(corrected, 65)
        #expect(kaa.output(["list", "--json"]).contains(young.digits), "nothing changed")
    }
}

@Suite struct PlannedStartAndFollowUpTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    init() {
        let result = fixture.kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "AVBROTT_NP", "--first-name", "Anna", "--last-name", "Åkesson"])
        precondition(result.exitCode == 0, "\(result)")
    }

    @Test func aMeasureMayBeAgreedToStartAfterTodayButNotStartThen() {
        let added = kaa.run(["measure", "add", anna, "--type", "komvux", "--offered", "2026-11-20", "--accepted", "--planned-start", "2027-01-12"])
        expectExit(added, 0)
        #expect(added.stdout == "Åtgärd 1 registrerad för Anna Åkesson (20080101-2386): Studier på komvux, erbjuden 2026-11-20, planerad start 2027-01-12.\n")
        #expect(kaa.output(["show", anna]).contains("planerad start 2027-01-12"))
        #expect(kaa.output(["show", anna, "--json"]).contains("\"planned_start_on\" : \"2027-01-12\""))
        let started = kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-11-20", "--start", "2026-12-01"])
        expectExit(started, 65)
        #expect(started.stderr.contains("efter dagens datum"), "a start is a fact")
        expectExit(kaa.run(["measure", "correct", "1", "--planned-start", "2027-02-01"]), 0)
        #expect(kaa.output(["show", anna]).contains("planerad start 2027-02-01"))
    }

    @Test(arguments: [
        (["--planned-start", "2026-11-19"], "före erbjudandet"),
        (["--planned-start", "2040-01-01"], "fyra år"),
        (["--planned-start", "2027-13-01"], "ogiltigt datum"),
        (["--planned-start", "'; DROP TABLE measure; --"], "ogiltigt datum"),
    ])
    func refusesBadPlannedStarts(_ options: [String], _ message: String) {
        let result = kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-11-20"] + options)
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
        #expect(kaa.output(["show", anna]).contains("Åtgärder: inga"))
    }

    @Test func theWorklistShowsPlannedStartsThatPassedWithoutAStart() {
        let october = fixture.on("2026-10-01")
        expectExit(october.run(["measure", "add", anna, "--type", "PRAKTIK", "--offered", "2026-10-01", "--planned-start", "2026-11-02"]), 0)
        expectExit(october.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-10-01", "--planned-start", "2026-12-01"]), 0)
        let list = kaa.run(["worklist", "planerad-start"])
        expectExit(list, 0)
        #expect(list.stdout.contains("Planerad start har passerat"))
        #expect(list.stdout.contains("åtgärd 1 (Praktik) skulle starta 2026-11-02"), "\(list.stdout)")
        #expect(!list.stdout.contains("åtgärd 2"), "its planned start has not come")
        expectExit(kaa.run(["measure", "correct", "1", "--start", "2026-11-05", "--accepted"]), 0)
        #expect(!kaa.output(["worklist", "planerad-start"]).contains("åtgärd 1"))
    }

    @Test func followUpsAreKeptAndTheNextOneIsDue() {
        let october = fixture.on("2026-10-01")
        expectExit(october.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-10-01", "--start", "2026-10-01", "--follow-up", "2026-10-15"]), 0)
        #expect(kaa.output(["worklist", "uppfoljning"]).contains("uppföljning 2026-10-15"))
        let first = kaa.run(["measure", "follow-up", "1", "--date", "2026-10-16", "--next", "2026-11-10", "--note", "Går bra"])
        expectExit(first, 0)
        #expect(first.stdout == "Uppföljning 1 registrerad för Anna Åkesson (20080101-2386): åtgärd 1 följd upp 2026-10-16, nästa 2026-11-10.\n")
        expectExit(kaa.run(["measure", "follow-up", "1", "--date", "2026-11-12", "--next", "2026-12-15"]), 0)
        let show = kaa.output(["show", anna])
        #expect(show.contains("Uppföljd 2026-10-16, nästa 2026-11-10: Går bra"))
        #expect(show.contains("Uppföljd 2026-11-12, nästa 2026-12-15"))
        #expect(show.contains("första uppföljning 2026-10-15"), "--follow-up stays the first date due")
        #expect(!kaa.output(["worklist", "uppfoljning"]).contains("åtgärd 1"), "next due 2026-12-15, after today")
        let json = kaa.output(["show", anna, "--json"])
        #expect(json.contains("\"note\" : \"Går bra\"") && json.contains("\"next_follow_up_on\" : \"2026-12-15\""), "disclosed as held (art. 15)")
        #expect(kaa.output(["audit", "--person", anna]).contains("measure.follow_up"))
    }

    @Test(arguments: [
        (["--date", "2026-11-24"], "efter dagens datum"),
        (["--date", "2026-09-30"], "före erbjudandet"),
        (["--date", "2026-10-10", "--next", "2026-10-10"], "ska ligga efter"),
        (["--date", "2026-10-10", "--note", String(repeating: "x", count: 2001)], "högst 2000"),
        (["--date", "2026-10-10", "--note", "rad ett\nrad två\u{1B}[2J"], "en rad"),
        (["--date", "2025-06-01"], "låst period"),
    ])
    func refusesBadFollowUpsAndChangesNothing(_ options: [String], _ message: String) {
        expectExit(fixture.on("2026-10-01").run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-10-01"]), 0)
        let result = kaa.run(["measure", "follow-up", "1"] + options)
        expectExit(result, 65)
        #expect(result.stderr.contains(message), "\(result)")
        #expect(!kaa.output(["show", anna]).contains("Uppföljd"))
        expectExit(kaa.run(["measure", "follow-up", "99", "--date", "2026-10-10"]), 65)
    }
}

@Suite struct LateDeregistrationTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    init() {
        let result = fixture.on("2026-11-01").run(["register", anna, "--date", "2026-11-01", "--reason", "AVBROTT_NP"])
        precondition(result.exitCode == 0, "\(result)")
    }

    @Test func theContactThatBroughtTheNewsMayComeAfterTheEnd() {
        // Learned on 19 November that she started studying on 9 November.
        let learned = fixture.on("2026-11-19")
        expectExit(learned.run(["deregister", anna, "--date", "2026-11-09", "--reason", "BORJAT_STUDERA"]), 0)
        let plain = learned.run(["contact", "add", anna, "--date", "2026-11-19", "--channel", "TELEFON", "--reached"])
        expectExit(plain, 65)
        let news = learned.run(["contact", "add", anna, "--date", "2026-11-19", "--channel", "telefon", "--reached", "--reports-deregistration"])
        expectExit(news, 0)
        #expect(news.stdout == "Kontakt 1 registrerad för 20080101-2386, nådd, TELEFON, meddelade avregistreringen.\n")
        #expect(kaa.output(["show", anna]).contains("#1 2026-11-19 Telefon: nådd (meddelade avregistreringen, efter inskrivningens slut)"))
        let second = learned.run(["contact", "add", anna, "--date", "2026-11-19", "--channel", "SMS", "--reports-deregistration"])
        expectExit(second, 65)
        #expect(second.stderr.contains("redan"))
    }

    @Test func theContactMayAlsoComeFirstAndTheEarlierEndAfter() {
        let learned = fixture.on("2026-11-19")
        expectExit(learned.run(["contact", "add", anna, "--date", "2026-11-19", "--channel", "TELEFON", "--reached", "--reports-deregistration"]), 0)
        expectExit(learned.run(["deregister", anna, "--date", "2026-11-09", "--reason", "BORJAT_STUDERA"]), 0)
        #expect(kaa.output(["show", anna]).contains("efter inskrivningens slut"))
    }

    @Test func aReportingContactBeforeTheRegistrationOrForSomeoneUnknownIsRefused() {
        expectExit(kaa.run(["contact", "add", anna, "--date", "2026-10-01", "--channel", "SMS", "--reports-deregistration"]), 65)
        expectExit(kaa.run(["contact", "add", bertil, "--date", "2026-11-19", "--channel", "SMS", "--reports-deregistration"]), 65)
        #expect(kaa.output(["show", anna]).contains("Kontaktförsök: inga"))
    }
}

@Suite struct InskrivningWordingAndCodeTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    @Test func codesAreAcceptedInAnyCaseAndWithSwedishLetters() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "avbrott_np"]), 0)
        expectExit(kaa.run(["contact", "add", anna, "--date", "2026-09-02", "--channel", "hembesök", "--reached", "--occupation", "arbetssökande"]), 0)
        expectExit(kaa.run(["occupation", "set", anna, "--date", "2026-09-03", "--code", "Föräldraledig"]), 0)
        expectExit(kaa.run(["measure", "add", anna, "--type", "förberedande", "--offered", "2026-09-04"]), 0)
        #expect(kaa.run(["worklist", "ej-nådda"]).exitCode == 0)
        #expect(kaa.run(["worklist", "INGEN_ÅTGÄRD"]).exitCode == 0)
        let json = kaa.output(["show", anna, "--json"])
        for code in ["AVBROTT_NP", "HEMBESOK", "ARBETSSOKANDE", "FORALDRALEDIG", "FORBEREDANDE"] {
            #expect(json.contains("\"\(code)\""), "stored as the canonical code \(code)")
        }
    }

    @Test(arguments: ["", "AVBROTT", "AVBROTT_NP ", "AVBR\u{0}OTT_NP", String(repeating: "A", count: 10_000), "AVBROTT_NP\n--reason OKAND", "ΑVBROTT_NP"])
    func refusesHostileCodes(_ code: String) {
        let result = kaa.run(["register", anna, "--date", "2026-09-01", "--reason", code])
        expectExit(result, 65)
        #expect(result.stderr.count < 1_000, "the message does not echo a huge value")
        #expect(!result.stderr.contains("\u{0}") && !result.stderr.dropLast().contains("\n--reason"))
        #expect(kaa.output(["list", "--all", "--json"]) == "[\n\n]")
    }

    @Test func peopleReadInskrivningAndLabels() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "AVBROTT_NP", "--first-name", "Måns", "--last-name", "Åkesson"]), 0)
        let show = kaa.output(["show", anna])
        #expect(show.contains("Inskrivning 1: inskriven 2026-09-01 (Avbrutit nationellt program), pågår"))
        let list = kaa.output(["list"])
        #expect(list.contains("INSKRIVNING") && list.contains("Avbrutit nationellt program") && list.contains("1 inskrivning"))
        #expect(!list.contains("AVBROTT_NP") && !list.contains("PERIOD"))
        expectExit(kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-02", "--follow-up", "2026-10-01"]), 0)
        #expect(kaa.output(["worklist", "uppfoljning"]).contains("(Studie- och yrkesvägledning)"))
        #expect(kaa.output(["episode", "correct", "1", "--reason", "AVBROTT_IM"]) == "Inskrivning 1 rättad för Måns Åkesson (20080101-2386).")
        #expect(kaa.runRaw(["help", "episode", "correct"]).stdout.contains("Inskrivningens id"))
        #expect(kaa.runRaw(["help", "stats"]).stdout.contains("period"), "SCB's and the hub's periods stay perioder")
    }

    @Test func everyChangeNamesThePerson() {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND", "--first-name", "Måns", "--last-name", "Åkesson"]), 0)
        let who = "Måns Åkesson (20080101-2386)"
        for (arguments, start) in [
            (["contact", "add", anna, "--date", "2026-09-02", "--channel", "TELEFON", "--reached"], "Kontakt 1 registrerad för \(who), nådd, TELEFON."),
            (["contact", "correct", "1", "--channel", "SMS"], "Kontakt 1 rättad för \(who)."),
            (["occupation", "set", anna, "--date", "2026-09-03", "--code", "ARBETE"], "Sysselsättning 1 registrerad för \(who): Arbete från 2026-09-03."),
            (["occupation", "correct", "1", "--code", "PRAKTIK"], "Sysselsättning 1 rättad för \(who)."),
            (["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-04"], "Åtgärd 1 registrerad för \(who): Studie- och yrkesvägledning, erbjuden 2026-09-04."),
            (["measure", "end", "1", "--date", "2026-09-05", "--reason", "genomford"], "Åtgärd 1 avslutad för \(who) 2026-09-05 (Genomförd)."),
            (["person", "update", anna, "--phone", "070-1234567"], "Kontaktuppgifterna för \(who) är ändrade."),
            (["contact", "remove", "1"], "Kontakt 1 borttagen för \(who)."),
            (["occupation", "remove", "1"], "Sysselsättning 1 borttagen för \(who)."),
            (["deregister", anna, "--date", "2026-09-10", "--reason", "FLYTTAT"], "Inskrivningen för \(who) avslutad: avregistrerad 2026-09-10 (Har flyttat från kommunen)."),
        ] {
            let result = kaa.run(arguments)
            expectExit(result, 0)
            #expect(result.stdout == start + "\n", "\(arguments)")
        }
    }
}

@Suite struct PlannedStartHistoryTests {
    let fixture = CLIFixture()
    var kaa: KAARunner { fixture.kaa }

    @Test func anExportKeepsThePlannedStartAndTheNextFollowUpDue() throws {
        expectExit(kaa.run(["register", anna, "--date", "2026-09-01", "--reason", "OKAND"]), 0)
        expectExit(kaa.run(["measure", "add", anna, "--type", "SYV", "--offered", "2026-09-02", "--planned-start", "2027-01-11", "--follow-up", "2026-10-01"]), 0)
        expectExit(kaa.run(["measure", "follow-up", "1", "--date", "2026-10-02", "--next", "2026-12-01"]), 0)
        let folder = fixture.directory.file("export")
        expectExit(kaa.run(["export", "history", "--out", folder]), 0)
        let measures = try String(contentsOfFile: folder + "/measures.csv", encoding: .utf8)
        #expect(measures.contains("planerad_start") && measures.contains("2026-12-01;2027-01-11"), "\(measures)")
        let copy = KAARunner(databasePath: fixture.directory.file("copy.sqlite"))
        expectExit(copy.run(["init", "--kommun", "0380"]), 0)
        expectExit(copy.run(["import", "history", "--episodes", folder + "/episodes.csv", "--measures", folder + "/measures.csv"]), 0)
        #expect(copy.output(["show", anna]).contains("planerad start 2027-01-11"))
    }

    @Test func anImportRefusesAPlannedStartBeforeTheOffer() throws {
        let episodes = fixture.directory.file("e.csv"), measures = fixture.directory.file("m.csv")
        try Data("personnummer;registrerad;registreringsorsak\n\(anna);2026-09-01;OKAND\n".utf8).write(to: URL(fileURLWithPath: episodes))
        try Data("personnummer;typ;erbjuden;planerad_start\n\(anna);SYV;2026-09-02;2026-09-01\n".utf8).write(to: URL(fileURLWithPath: measures))
        let result = kaa.run(["import", "history", "--episodes", episodes, "--measures", measures])
        expectExit(result, 65)
        #expect(result.stderr.contains("planerad_start"))
        #expect(kaa.output(["list", "--all", "--json"]) == "[\n\n]")
    }
}
