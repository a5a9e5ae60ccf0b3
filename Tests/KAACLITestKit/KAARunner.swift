import KAACLIKit
import KAACore
import KAAHubCLI
import KAAKommunCLI
import KAARegister
import KAATestFixtures

/// What one in-process `kaa` or `kaa-hub` run produced.
public struct KAAResult: CustomStringConvertible {
    /// The exit code.
    public let exitCode: Int32
    /// Everything written to stdout.
    public let stdout: String
    /// Everything written to stderr.
    public let stderr: String

    /// A result from its parts.
    public init(exitCode: Int32, stdout: String, stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The exit code and both outputs, for failure messages.
    public var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs `kaa` commands in-process against one register file, on a fixed date.
public struct KAARunner {
    /// The register's file.
    public let databasePath: String
    /// The register's "today".
    public var today: CalendarDate
    /// Who runs the commands (audit rows name them).
    public var staff: String
    /// The environment the commands see.
    public var environment: [String: String]
    /// What the person at the "terminal" types when asked to confirm; nil: not a terminal.
    public var answer: String?

    /// A runner for the register at `databasePath`.
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
        let typed = answer
        let console = Console(output: output, errorOutput: errors, environment: environment, user: staff,
                              answer: typed.map { line in { prompt in errors.write(prompt); return line } })
        let code = KAACommandLine.main(arguments: arguments, context: KommunContext(console: console, clock: FixedDateClock(today: today)))
        return KAAResult(exitCode: code, stdout: output.text, stderr: errors.text)
    }

    /// Runs and returns stdout with the trailing newline removed.
    public func output(_ arguments: [String]) -> String {
        var text = run(arguments).stdout
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// Runs `kaa-hub` in-process: `--db database` first when given, with `environment`.
public func runHub(_ arguments: [String], database: String? = nil, environment: [String: String] = [:]) -> KAAResult {
    let output = CapturedOutput(), errors = CapturedOutput()
    let console = Console(output: output, errorOutput: errors, environment: environment, user: "operator")
    let code = KAAHubCommandLine.main(arguments: (database.map { ["--db", $0] } ?? []) + arguments, context: HubContext(console: console))
    return KAAResult(exitCode: code, stdout: output.text, stderr: errors.text)
}
