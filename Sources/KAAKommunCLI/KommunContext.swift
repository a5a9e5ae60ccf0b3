import KAACLIKit
import KAACore
import KAARegister

/// What every `kaa` command gets: the console, the register's path and configuration, the clock.
public final class KommunContext: ProgramContext {
    /// Where to write, the environment, the user.
    public let console: Console
    private let clockOverride: (any RegisterClock)?
    /// `--db`, else `$KAA_DB`, else `./kaa.sqlite`.
    var databasePath: String
    /// `--config`, else `$KAA_CONFIG`; nil means the built-in defaults.
    var configurationPath: String?
    private var announcedFixedDate = false

    /// A context; `clock` defaults to the system clock in the kommun's time zone (or `KAA_TODAY`).
    public init(console: Console, clock: (any RegisterClock)? = nil) {
        self.console = console
        self.clockOverride = clock
        self.databasePath = console.variable("KAA_DB") ?? "kaa.sqlite"
        self.configurationPath = console.variable("KAA_CONFIG")
    }

    /// Who is running the command; audit rows name them.
    var staff: String { console.user }

    /// The configuration from `--config` / `KAA_CONFIG`, or the defaults.
    func configuration() throws(RegisterError) -> RegisterConfiguration {
        guard let configurationPath else { return RegisterConfiguration() }
        return try RegisterConfiguration.load(path: configurationPath)
    }

    /// The clock: `KAA_TODAY` when set (said once on stderr), else the kommun's time zone.
    func clock() throws -> any RegisterClock {
        if let clockOverride { return clockOverride }
        if let fixed = console.variable("KAA_TODAY") {
            guard let date = CalendarDate(iso: fixed) else {
                throw CommandLineError.usage("KAA_TODAY ska vara ett datum ÅÅÅÅ-MM-DD, inte '\(fixed)'")
            }
            if !announcedFixedDate {
                errorOutput.line("kaa: KAA_TODAY=\(date) används som dagens datum")
                announcedFixedDate = true
            }
            return FixedDateClock(today: date)
        }
        let zone = try configuration().timeZone
        guard let clock = SystemClock(timeZoneIdentifier: zone) else {
            throw RegisterError.invalidConfiguration("okänd tidszon \(zone)")
        }
        return clock
    }

    /// Today in the kommun's time zone (what a personnummer's century is judged by).
    public func today() throws -> CalendarDate {
        try clock().today
    }

    /// Opens the register at `--db`; `writesAutomaticCloses: false` only for runs that promise to
    /// write nothing (`sync --dry-run`), which then read the closes at 20 as if written.
    func openRegister(writesAutomaticCloses: Bool = true) throws -> Register {
        try Register.open(at: databasePath, clock: clock(), staff: staff, configuration: configuration(),
                          writesAutomaticCloses: writesAutomaticCloses)
    }
}
