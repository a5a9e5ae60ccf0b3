import KAACLIKit
import KAACore
import KAARegister

/// `kaa episode correct ID [...]`.
enum EpisodeCorrectCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Inskrivningens id (se 'kaa show').")
    static let registered = Arg.option("--registered", .date, "Nytt registreringsdatum.")
    static let reason = Arg.option("--reason", .code, "Ny registreringsorsak.")
    static let deregistered = Arg.option("--deregistered", .date, "Nytt avregistreringsdatum.")
    static let deregistrationReason = Arg.option("--deregistration-reason", .code, "Ny avregistreringsorsak.")
    static let reopen = Arg.flag("--reopen", "Öppna inskrivningen igen (tar bort avregistreringen).")
    static let spec = CommandSpec("episode correct", "Rätta en inskrivning (registrering eller avregistrering).",
                                  arguments: [id, registered, reason, deregistered, deregistrationReason, reopen],
                                  exclusive: [[reopen, deregistered], [reopen, deregistrationReason]],
                                  discussion: "Datum i låsta perioder kan inte rättas. Rättelsen loggas.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let correction = EpisodeCorrection(registeredOn: arguments[registered], registrationReason: arguments[reason],
                                           deregisteredOn: arguments[deregistered], deregistrationReason: arguments[deregistrationReason],
                                           reopen: arguments[reopen])
        let register = try context.openRegister()
        try register.correctEpisode(arguments[id], correction)
        context.output.line("Inskrivning \(arguments[id]) rättad för \(try register.subject(ofRecord: .episode, id: arguments[id])).")
    }
}
