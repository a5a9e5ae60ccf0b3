import Foundation
import KAACore
import KAARegister

/// What every command gets: outputs, environment, global options, and who is running it.
public final class CommandContext {
    let output: any TextOutput
    let errorOutput: any TextOutput
    let environment: [String: String]
    let staff: String
    private let clockOverride: (any RegisterClock)?
    var databasePath: String
    var configurationPath: String?
    private var announcedFixedDate = false

    /// A context; `staff` defaults to the OS user, `clock` to the system clock (or `KAA_TODAY`).
    public init(output: any TextOutput, errorOutput: any TextOutput, environment: [String: String],
                staff: String? = nil, clock: (any RegisterClock)? = nil) {
        self.output = output
        self.errorOutput = errorOutput
        self.environment = environment
        self.staff = staff ?? Self.operatingSystemUser()
        self.clockOverride = clock
        self.databasePath = environment["KAA_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "kaa.sqlite"
        self.configurationPath = environment["KAA_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The configuration from `--config` / `KAA_CONFIG`, or the defaults.
    func configuration() throws(RegisterError) -> RegisterConfiguration {
        guard let configurationPath else { return RegisterConfiguration() }
        return try RegisterConfiguration.load(path: configurationPath)
    }

    /// The clock: `KAA_TODAY` when set (said on stderr), else the kommun's time zone.
    func clock() throws -> any RegisterClock {
        if let clockOverride { return clockOverride }
        if let fixed = environment["KAA_TODAY"], !fixed.isEmpty {
            guard let date = CalendarDate(iso: fixed) else {
                throw CLIError.usage("KAA_TODAY must be a date YYYY-MM-DD, not '\(fixed)'")
            }
            if !announcedFixedDate {
                errorOutput.line("kaa: KAA_TODAY=\(date) används som dagens datum")
                announcedFixedDate = true
            }
            return FixedDateClock(today: date)
        }
        let zone = try configuration().timeZone
        guard let clock = SystemClock(timeZoneIdentifier: zone) else {
            throw CLIError.register(.invalidConfiguration("okänd tidszon \(zone)"))
        }
        return clock
    }

    /// Opens the register at `--db`.
    func openRegister() throws -> Register {
        try Register.open(at: databasePath, clock: clock(), staff: staff, configuration: configuration())
    }

    /// Parses a date option, naming it when malformed.
    func date(_ arguments: ParsedArguments, _ option: String) throws -> CalendarDate? {
        guard let text = arguments.value(option) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            throw CLIError.badValue(option: option, message: "ogiltigt datum '\(text)'; ange ÅÅÅÅ-MM-DD, t.ex. 2026-11-23")
        }
        return date
    }

    /// A required `--period`: a month (2026-11) or a half-year (2026-H2).
    func requiredPeriod(_ arguments: ParsedArguments) throws -> Period {
        let text = try arguments.required("--period")
        guard let period = Period(text) else {
            throw CLIError.badValue(option: "--period", message: "ogiltig period '\(text)'; ange en månad (2026-11) eller ett halvår (2026-H2)")
        }
        return period
    }

    /// A required date option.
    func requiredDate(_ arguments: ParsedArguments, _ option: String) throws -> CalendarDate {
        guard let date = try date(arguments, option) else { throw CLIError.usage("missing required option '\(option)'") }
        return date
    }

    /// A whole-number option.
    func integer(_ arguments: ParsedArguments, _ option: String) throws -> Int? {
        guard let text = arguments.value(option) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw CLIError.badValue(option: option, message: "ska vara ett heltal ≥ 0, inte '\(text)'")
        }
        return value
    }

    /// A record id (positional).
    func identifier(_ text: String, what: String) throws -> Int64 {
        guard let value = Int64(text), value > 0 else {
            throw CLIError.badValue(option: what, message: "ska vara ett id (ett positivt heltal), inte '\(text)'")
        }
        return value
    }

    /// A personnummer argument, validated with the register's "today".
    func personnummer(_ text: String) throws -> PersonalIdentityNumber {
        do {
            return try PersonalIdentityNumber(text, today: clock().today)
        } catch let error as PersonalIdentityNumberError {
            throw CLIError.badValue(option: "PNR", message: error.description)
        }
    }

    /// Writes `value` as JSON with sorted keys.
    func json(_ value: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        output.line(String(decoding: data, as: UTF8.self))
    }

    static func operatingSystemUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "uid-\(geteuid())"
    }
}
