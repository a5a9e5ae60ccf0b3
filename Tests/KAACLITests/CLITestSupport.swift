import Foundation
import KAACore
import KAATestFixtures
import KAACLITestKit
import Testing

/// A register initialised through `kaa init`, with a runner bound to it.
struct CLIFixture {
    let directory = TemporaryDirectory()
    let kaa: KAARunner

    init(today: CalendarDate = TestDates.today, initialise: Bool = true) {
        kaa = KAARunner(databasePath: directory.file("kaa.sqlite"), today: today)
        if initialise {
            let result = kaa.run(["init", "--kommun", "0380"])
            precondition(result.exitCode == 0, "init failed: \(result)")
        }
    }

    /// The same register on another day.
    func on(_ date: String) -> KAARunner {
        var runner = kaa
        runner.today = TestDates.date(date)
        return runner
    }
}

/// Expects `result` to have exited with `code`, showing the output when not.
func expectExit(_ result: KAAResult, _ code: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.exitCode == code, "\(result)", sourceLocation: sourceLocation)
}

let anna = TestPeople.person(bornOn: TestDates.date("2008-01-01"), sex: .female)?.digits ?? ""
let bertil = TestPeople.person(bornOn: TestDates.date("2009-01-01"), sex: .male)?.digits ?? ""
let cecilia = TestPeople.person(bornOn: TestDates.date("2007-12-31"), sex: .female)?.digits ?? ""
let david = TestPeople.person(born: 2008, sex: .male, 3).digits

/// Writes a token file as the nightly job's user must keep it: readable by the owner only
/// (`kaa sync` refuses one that others can read).
func writeTokenFile(_ token: String, to path: String) throws {
    try Data(token.utf8).write(to: URL(fileURLWithPath: path))
    #expect(chmod(path, 0o600) == 0)
}
