import KAACLIKit
import KAACore
import KAARegister

/// `kaa purge [--dry-run]`: gallring.
enum PurgeCommand: KommunCommand {
    static let dryRun = Arg.flag("--dry-run", "Visa vad som skulle raderas utan att radera.")
    static let spec = CommandSpec(
        "purge", "Gallra: radera personuppgifter som inte längre behövs.", arguments: [dryRun],
        discussion: """
            Raderar alla uppgifter om personer vars senaste period avslutades för mer än gallringsfristen sedan
            (konfigurationen retentionMonths, standard 12 månader) och som helt ligger i låsta perioder, så att
            ingen statistik ändras. Raderar också rader i granskningsloggen som är äldre än auditRetentionMonths
            (standard 24). Allt i en transaktion; raderade data skrivs över och loggfilen (WAL) töms. Ta en
            säkerhetskopia först om kommunens arkivregler kräver det.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let report = try register.purge(dryRun: arguments[dryRun])
        let out = context.output
        if report.isDryRun {
            out.line("Provkörning: detta skulle gallras (inskrivningar avslutade före \(report.cutoff)):")
            out.write(Table.render(header: ["PERSONNUMMER", "NAMN", "SENASTE INSKRIVNING SLUTADE"],
                                   rows: report.people.map { [$0.personnummer.formatted, $0.name, $0.lastEpisodeEnded.description] }))
            out.line("\(report.people.count) personer, \(report.episodes) inskrivningar, \(report.auditRows) rader i granskningsloggen. Ingenting har raderats.")
        } else {
            out.line("Gallrat: \(report.people.count) personer, \(report.episodes) inskrivningar, \(report.auditRows) rader i granskningsloggen "
                + "(inskrivningar avslutade före \(report.cutoff)).")
            if !report.isLogEmptied {
                out.line("Obs: loggfilen (WAL) kunde inte tömmas nu eftersom registret läses (kaa web?); de raderade uppgifterna finns kvar "
                    + "i den tills den töms. kaa web tömmer den så snart pågående läsningar är klara; utan kaa web: kör kaa purge igen "
                    + "när ingen använder registret.")
            }
        }
    }
}
