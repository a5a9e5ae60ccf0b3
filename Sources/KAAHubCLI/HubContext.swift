import Foundation
import KAACLIKit
import KAACore
import KAAHub

/// What every `kaa-hub` command gets: the console, the hub database's path and the settings.
public final class HubContext: ProgramContext {
    /// Where to write, the environment, the user.
    public let console: Console
    /// `--db`, when given.
    var databaseOption: String?
    /// `--config`, else `$KAA_HUB_CONFIG`.
    var configurationPath: String?
    private var loadedSettings: HubSettings?

    /// A context reading `KAA_HUB_DB` and `KAA_HUB_CONFIG` from the console's environment.
    public init(console: Console) {
        self.console = console
        self.configurationPath = console.variable("KAA_HUB_CONFIG")
    }

    /// The configuration file's settings (the defaults without one), read once.
    func settings() throws -> HubSettings {
        if let loadedSettings { return loadedSettings }
        let settings = try HubSettings.load(configurationPath)
        loadedSettings = settings
        return settings
    }

    /// The hub database: `--db`, else `$KAA_HUB_DB`, else the configuration's `db`, else `./kaa-hub.sqlite`.
    func databasePath() throws -> String {
        try databaseOption ?? console.variable("KAA_HUB_DB") ?? settings().db ?? "kaa-hub.sqlite"
    }

    /// Today's date in UTC (the hub has no personnummer to judge by it).
    public func today() throws -> CalendarDate {
        guard let date = CalendarDate(iso: String(Hub.utcNow().prefix(10))) else { throw CommandLineError.failed("dagens datum kunde inte läsas") }
        return date
    }

    /// Opens the hub database. Only `serve` and `init` create one (`create`); every other command
    /// refuses a path where there is none, so that a mistyped path never makes an empty second hub.
    /// Every command opens it with the configuration's noise table, so that what one command
    /// publishes (`region`) or forwards (`forward`) is what `serve` publishes.
    func openHub(create: Bool = false, maxBodyBytes: Int = 4 << 20, maxCellCount: Int = Hub.defaultMaxCellCount) throws -> Hub {
        let path = try databasePath()
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw HubError.notFound("hubbens databas \(path) finns inte; ange rätt fil med --db, KAA_HUB_DB eller \"db\" i konfigurationen "
                + "(en ny skapas bara av 'kaa-hub init' eller 'kaa-hub serve')")
        }
        // The publication settings come from the configuration for every command alike.
        let publishing = try settings()
        return try Hub(path: path, maxBodyBytes: maxBodyBytes, maxCellCount: maxCellCount, perturbation: publishing.perturbation,
                       shareMinimumDenominator: publishing.shareMinimumDenominator, regionName: publishing.regionName,
                       scope: publishing.scope)
    }
}
