import Foundation
import KAACore
import KAARegister
import KAASQLite
import KAATestFixtures
import Testing

/// Failures of the system (not of the input) are reported as such: exit 1 at the command line.
@Suite struct RegisterSystemFailureTests {
    @Test func aSpillThatCannotBeCreatedIsASystemFailureNotBadData() throws {
        let fixture = RegisterFixture()
        var configuration = RegisterConfiguration()
        // A real mkstemp failure (ENOENT): the folder for the spill is not there.
        configuration.temporaryDirectory = fixture.directory.file("no/such/folder")
        _ = try fixture.create()
        let register = try Register.open(at: fixture.path, clock: FixedDateClock(today: TestDates.today), staff: "x", configuration: configuration)
        let path = fixture.directory.file("fb.csv")
        try CSVFixture.write(path, header: CSVFixture.folkbokforingHeader, rows: [CSVFixture.person(TestPeople.person(born: 2008).digits)])
        do {
            _ = try register.identify(on: TestDates.today, folkbokforing: path, enrolment: [], dryRun: false)
            Issue.record("identify succeeded without a spill file")
        } catch {
            #expect(!error.isBadInput, "an I/O failure is the system's, exit 1: \(error)")
            #expect("\(error)".contains("mkstemp") && "\(error)".contains(String(cString: strerror(ENOENT))), "\(error)")
        }
        #expect(try count(register, "SELECT count(*) FROM person") == 0)
    }
}

@Suite struct RegisterCreateExclusiveTests {
    @Test func createNeverTakesOverOrRemovesAFileSomeoneElseMade() throws {
        let fixture = RegisterFixture()
        try Data("another program's file".utf8).write(to: URL(fileURLWithPath: fixture.path))
        #expect(throws: RegisterError.self) { try fixture.create() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path)) == Data("another program's file".utf8))
    }

    @Test func createDoesNotFollowALinkPlantedAtThePath() throws {
        let fixture = RegisterFixture()
        let target = fixture.directory.file("elsewhere.sqlite")
        try FileManager.default.createSymbolicLink(atPath: fixture.path, withDestinationPath: target)
        #expect {
            try fixture.create()
        } throws: { error in
            guard let error = error as? RegisterError, case .alreadyInitialised = error else { return false }
            return true
        }
        #expect(!FileManager.default.fileExists(atPath: target), "nothing was created through the link")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: fixture.path)) == target, "the link is left as it was")
    }
}

@Suite struct HistoryFrozenPeriodTests {
    @Test(arguments: [
        ("2026-02-10", "2026-03-01", "2026-02-10"), // starts in the frozen month
        ("2026-01-20", "2026-02-05", "2026-02-05"), // ends in it
    ])
    func aMeasureStartingOrEndingInAFrozenPeriodIsRefused(_ start: String, _ end: String, _ frozenDay: String) throws {
        let fixture = RegisterFixture()
        let register = try fixture.create()
        try register.database.execute("INSERT INTO frozen_period (period, frozen_on, catalogue_version) VALUES ('2026-02', '2026-11-01', 1)")
        let pnr = TestPeople.person(born: 2008, 3).digits
        let episodes = fixture.directory.file("episodes.csv"), measures = fixture.directory.file("measures.csv")
        try CSVFixture.write(episodes, header: ["personnummer", "registrerad", "registreringsorsak"], rows: [[pnr, "2026-01-10", "OKAND"]])
        try CSVFixture.write(measures, header: ["personnummer", "typ", "erbjuden", "beslut", "start", "slut", "avslutsorsak"],
                             rows: [[pnr, "SYV", "2026-01-15", "ACCEPTERAD", start, end, "GENOMFORD"]])
        #expect {
            try register.importHistory(episodes: episodes, contacts: nil, measures: measures, mapping: CodeMapping(), dryRun: false)
        } throws: { error in
            guard let error = error as? RegisterError, case let .importProblems(problems) = error else { return false }
            return problems.contains { $0.file == measures && $0.line == 2 && $0.message.contains(frozenDay) && $0.message.contains("fastställda") }
        }
        #expect(try count(register, "SELECT count(*) FROM person") == 0)
    }
}
