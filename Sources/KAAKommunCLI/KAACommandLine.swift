import KAACLIKit
import KAACore
import KAARegister
import KAASync

/// One `kaa` subcommand: its declared arguments and what it does with them.
protocol KommunCommand: CommandDefinition where Context == KommunContext {}

/// The `kaa` command line: global options, then a command (design §10, conventions).
public enum KAACommandLine {
    /// Every command, in the order `kaa help` lists them.
    static let commands: [any KommunCommand.Type] = [
        InitCommand.self, PersonnummerCommand.self, RegisterCommand.self, DeregisterCommand.self,
        ContactAddCommand.self, ContactCorrectCommand.self, ContactRemoveCommand.self,
        OccupationSetCommand.self, OccupationCorrectCommand.self, OccupationRemoveCommand.self,
        MeasureAddCommand.self, MeasureEndCommand.self, MeasureCorrectCommand.self, MeasureFollowUpCommand.self, MeasureRemoveCommand.self,
        EpisodeCorrectCommand.self, EpisodeRemoveCommand.self, PersonUpdateCommand.self,
        FindCommand.self, ShowCommand.self, ListCommand.self, WorklistCommand.self, LettersCommand.self, StatsCommand.self, AuditCommand.self,
        IdentifyCommand.self, ReviewListCommand.self, ReviewResolveCommand.self, SyncCommand.self, CompareCommand.self, PurgeCommand.self, ReportSCBCommand.self, ReportPeriodCommand.self,
        ImportHistoryCommand.self, ExportHistoryCommand.self, CodesCommand.self, BackupCommand.self,
        StaffAddCommand.self, StaffListCommand.self, StaffDisableCommand.self, StaffRenameCommand.self, StaffResetCommand.self, CaseloadAssignCommand.self, CaseloadUnassignCommand.self,
        SettingsListCommand.self, SettingsSetCommand.self, SettingsResetCommand.self, WebCommand.self,
    ]

    static let database = Arg.option("--db", .path, "Registrets SQLite-fil (standard: $KAA_DB, annars ./kaa.sqlite).")
    static let configuration = Arg.option("--config", .path, "Konfigurationsfil i JSON (standard: $KAA_CONFIG, annars inbyggda standardvärden).")

    /// The program: its global options, environment and commands.
    public static let tool = CommandLineTool<KommunContext>(
        program: "kaa", abstract: "KAA-registret: det kommunala aktivitetsansvaret (Skollagen 29 kap. 9 §).",
        globals: [database, configuration],
        environment: [("KAA_DB=fil", "Registrets fil när --db inte anges."), ("KAA_CONFIG=fil", "Konfigurationsfilen när --config inte anges."),
                      ("KAA_TODAY=ÅÅÅÅ-MM-DD", "Använd detta datum som dagens (för test, demo och omkörning)."),
                      ("KAA_SYNC_TOKEN=token", "Kommunens token för 'kaa sync' när varken --token-file eller \"tokenFile\" anges."),
                      ("CREDENTIALS_DIRECTORY=katalog", "Sätts av systemd (LoadCredential=): 'kaa web' läser OIDC-klienthemligheten ur filen oidc där.")],
        exitCodes: [(0, "klart"), (1, "fel"), (64, "fel användning"), (65, "felaktiga indata (meddelandet namnger fältet)"),
                    (75, "tillfälligt fel (hubben nåddes inte; försök igen senare)")],
        files: [("/etc/kaa/kaa.json", "Konfigurationen när programmet är installerat som Debianpaket (enheterna anger den med --config)."),
                ("/var/lib/kaa/register.sqlite", "Registret när programmet är installerat som Debianpaket (enheterna anger det med --db)."),
                ("/var/lib/kaa", "Tillståndskatalogen (systemds StateDirectory=): registret och de nattliga säkerhetskopiorna.")],
        seeAlso: ["kaa-hub(1)", "sqlite3(1)", "systemctl(1)"],
        commands: commands.map { Command($0) },
        applyGlobals: { arguments, context in
            if let path = arguments[database] { context.databasePath = path }
            if let path = arguments[configuration] { context.configurationPath = path }
        })

    /// Runs `kaa` with `arguments` (without the program name); returns the exit code.
    public static func main(arguments: [String], context: KommunContext) -> Int32 {
        tool.main(arguments: arguments, context: context)
    }
}

// The register's and the sync's errors reach exit codes here, once (design §10).
extension RegisterError: InputOrSystemError {
    /// 65 for the input's fault, 1 for the system's; 64 for a removal not confirmed (like a missing
    /// argument: the data are fine, the command lacks `--yes`).
    public var exitCode: Int32 {
        if case .needsConfirmation = self { return ExitCode.usage }
        return isBadInput ? ExitCode.dataError : ExitCode.failure
    }
}

extension SyncError: ExitCodeError {
    /// The message.
    public var message: String { description }
}
