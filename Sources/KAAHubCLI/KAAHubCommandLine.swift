import KAACLIKit
import KAACore
import KAAHTTPServer
import KAAHub

/// One `kaa-hub` subcommand.
protocol HubCommand: CommandDefinition where Context == HubContext {}

/// The `kaa-hub` command line: the regional server and its operator's commands.
public enum KAAHubCommandLine {
    /// Every command, in the order `kaa-hub help` lists them.
    static let commands: [any HubCommand.Type] = [
        InitCommand.self, ServeCommand.self, SiteAddCommand.self, SiteRotateCommand.self, SiteRevokeCommand.self, SiteListCommand.self,
        CellsCommand.self, RegionCommand.self, RelayAddCommand.self, RelayRotateCommand.self, RelayRevokeCommand.self, RelayListCommand.self,
        ForwardCommand.self,
    ]

    static let database = Arg.option("--db", .path, "Hubbens SQLite-fil (standard: $KAA_HUB_DB, annars \"db\" i konfigurationen, annars ./kaa-hub.sqlite).")
    static let configuration = Arg.option("--config", .path, "Konfigurationsfil i JSON (standard: $KAA_HUB_CONFIG).")

    /// The program: its global options, environment and commands.
    public static let tool = CommandLineTool<HubContext>(
        program: "kaa-hub", abstract: "KAA-hubben: tar emot kommunernas anonyma antal och publicerar skyddade regionala siffror.",
        globals: [database, configuration],
        environment: [("KAA_HUB_DB=fil", "Hubbens fil när --db inte anges."), ("KAA_HUB_CONFIG=fil", "Konfigurationsfilen när --config inte anges.")],
        exitCodes: [(0, "klart"), (1, "fel"), (64, "fel användning"), (65, "felaktiga indata (meddelandet namnger fältet)"),
                    (75, "tillfälligt: den övre hubben nåddes inte eller en annan körning pågår (forward; försök igen senare)")],
        files: [("/etc/kaa-hub/hub.json", "Konfigurationen när programmet är installerat som Debianpaket (enheten anger den med --config)."),
                ("/var/lib/kaa-hub/hub.sqlite", "Hubbens databas när programmet är installerat som Debianpaket.")],
        seeAlso: ["kaa(1)", "sqlite3(1)", "systemctl(1)"],
        commands: commands.map { Command($0) },
        applyGlobals: { arguments, context in
            if let path = arguments[database] { context.databaseOption = path }
            if let path = arguments[configuration] { context.configurationPath = path }
        })

    /// Runs `kaa-hub` with `arguments` (without the program name); returns the exit code.
    public static func main(arguments: [String], context: HubContext) -> Int32 {
        tool.main(arguments: arguments, context: context)
    }
}

// The hub's and its server's errors reach exit codes here, once (design §10).
extension HubError: InputOrSystemError {}
