import Foundation
import KAATestFixtures
import KAACLITestKit
import Testing

/// A failure of the system, not of the input, exits 1 with the OS's reason (design §9: 65 is "bad data").
@Suite struct SystemFailureExitTests {
    @Test func identifyExitsOneWhenItsSpillFileCannotBeMade() throws {
        let fixture = CLIFixture()
        let config = fixture.directory.file("kaa.json")
        // A real mkstemp failure: the configured folder for the spill does not exist.
        try Data("{\"temporaryDirectory\": \"\(fixture.directory.file("no/such/folder"))\"}".utf8).write(to: URL(fileURLWithPath: config))
        try CSVFixture.write(fixture.directory.file("fb.csv"), header: CSVFixture.folkbokforingHeader,
                             rows: [CSVFixture.person(TestPeople.person(born: 2008).digits)])
        let result = fixture.kaa.run(["--config", config, "identify", "--date", "2026-11-02", "--folkbokforing", fixture.directory.file("fb.csv")])
        expectExit(result, 1)
        #expect(result.stderr.contains("mkstemp") && result.stderr.contains(String(cString: strerror(ENOENT))), "\(result)")
    }

    @Test func aTemporaryDirectoryThatIsNoAbsolutePathIsRefused() throws {
        let fixture = CLIFixture()
        let config = fixture.directory.file("kaa.json")
        try Data("{\"temporaryDirectory\": \"tmp\"}".utf8).write(to: URL(fileURLWithPath: config))
        let result = fixture.kaa.run(["--config", config, "list"])
        expectExit(result, 65)
        #expect(result.stderr.contains("temporaryDirectory"), "\(result)")
    }
}
