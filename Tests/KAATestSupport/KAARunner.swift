import KAACLI
import KAACore
import KAARegister

/// What one in-process `kaa` run produced.
public struct KAAResult: CustomStringConvertible {
    public let exitCode: Int32
    public let stdout: String
    public let stderr: String

    public init(exitCode: Int32, stdout: String, stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    public var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs `kaa` commands in-process against one register file, on a fixed date.
public struct KAARunner {
    public let databasePath: String
    public var today: CalendarDate
    public var staff: String
    public var environment: [String: String]

    public init(databasePath: String, today: CalendarDate = TestDates.today, staff: String = "handlaggare1", environment: [String: String] = [:]) {
        self.databasePath = databasePath
        self.today = today
        self.staff = staff
        self.environment = environment
    }

    /// Runs `kaa --db <path> <arguments>`.
    @discardableResult
    public func run(_ arguments: [String]) -> KAAResult {
        runRaw(["--db", databasePath] + arguments)
    }

    /// Runs `kaa <arguments>` with no `--db` added.
    public func runRaw(_ arguments: [String]) -> KAAResult {
        let output = CapturedOutput()
        let errors = CapturedOutput()
        let context = CommandContext(output: output, errorOutput: errors, environment: environment, staff: staff,
                                     clock: FixedDateClock(today: today))
        let code = KAACommandLine.main(arguments: arguments, context: context)
        return KAAResult(exitCode: code, stdout: output.text, stderr: errors.text)
    }

    /// Runs and returns stdout with the trailing newline removed.
    public func output(_ arguments: [String]) -> String {
        var text = run(arguments).stdout
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// Dates the tests share.
public enum TestDates {
    /// The design's reference day: open periods are 2026-H1, 2026-H2 and 2026-01 … 2026-11.
    public static let today = date("2026-11-23")

    /// A date from ISO text (a test's own literal).
    public static func date(_ text: String) -> CalendarDate {
        guard let date = CalendarDate(iso: text) else { preconditionFailure("bad test date \(text)") }
        return date
    }
}
