import KAACore
import KAARegister

/// The contact-detail options shared by `register` and `person update`.
enum ContactDetailOptions {
    static let specs: [OptionSpec] = [
        .value("--first-name", "namn", "Förnamn."), .value("--last-name", "namn", "Efternamn."),
        .value("--address", "adress", "Utdelningsadress (lagras inte vid skyddad identitet)."),
        .value("--postal-code", "nr", "Postnummer."), .value("--city", "ort", "Postort."),
        .value("--phone", "nr", "Telefon."), .value("--email", "adress", "E-post."),
        .flag("--protected", "Skyddad folkbokföring eller sekretessmarkering: ingen adress lagras."),
    ]

    static func details(_ arguments: ParsedArguments) -> ContactDetails {
        var details = ContactDetails(firstName: arguments.value("--first-name"), lastName: arguments.value("--last-name"),
                                     address: arguments.value("--address"), postalCode: arguments.value("--postal-code"),
                                     city: arguments.value("--city"), phone: arguments.value("--phone"), email: arguments.value("--email"))
        if arguments.flag("--protected") { details.isProtected = true }
        if arguments.flag("--not-protected") { details.isProtected = false }
        return details
    }
}

/// `kaa register PNR --date D --reason CODE`.
enum RegisterCommand: KAACommand {
    static let spec = CommandSpec(
        path: "register", abstract: "Registrera en person i aktivitetsansvaret (ny period).",
        positionals: [PositionalSpec(name: "PNR", help: "Personnummer eller samordningsnummer.")],
        options: [.value("--date", "datum", "Registreringsdatum (ÅÅÅÅ-MM-DD)."),
                  .value("--reason", "kod", "Registreringsorsak (se 'kaa codes registration_reason').")] + ContactDetailOptions.specs,
        discussion: "Skriver periodens id.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let date = try context.requiredDate(arguments, "--date")
        let reason = try arguments.required("--reason")
        let register = try context.openRegister()
        let pnr = try context.personnummer(arguments.positionals[0])
        let id = try register.register(pnr, on: date, reason: reason, details: ContactDetailOptions.details(arguments))
        context.output.line(String(id))
    }
}

/// `kaa deregister PNR --date D --reason CODE`.
enum DeregisterCommand: KAACommand {
    static let spec = CommandSpec(
        path: "deregister", abstract: "Avregistrera en person (avsluta den öppna perioden).",
        positionals: [PositionalSpec(name: "PNR", help: "Personnummer eller samordningsnummer.")],
        options: [.value("--date", "datum", "Avregistreringsdatum: första dagen utanför aktivitetsansvaret."),
                  .value("--reason", "kod", "Avregistreringsorsak (se 'kaa codes deregistration_reason').")],
        discussion: "Åtgärder som inte är avslutade avslutas samma dag med orsaken AVREGISTRERAD.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let date = try context.requiredDate(arguments, "--date")
        let reason = try arguments.required("--reason")
        let register = try context.openRegister()
        try register.deregister(try context.personnummer(arguments.positionals[0]), on: date, reason: reason)
        context.output.line("Avregistrerad \(date) (\(register.catalog.label(reason, in: .deregistrationReason))).")
    }
}

/// `kaa person update PNR [...]`: contact details and protected identity.
enum PersonUpdateCommand: KAACommand {
    static let spec = CommandSpec(
        path: "person update", abstract: "Rätta en persons kontaktuppgifter eller skyddade identitet.",
        positionals: [PositionalSpec(name: "PNR", help: "Personnummer eller samordningsnummer.")],
        options: ContactDetailOptions.specs + [.flag("--not-protected", "Ta bort markeringen om skyddad identitet.")],
        discussion: "Ett tomt värde (--phone '') tar bort uppgiften.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let register = try context.openRegister()
        try register.updatePerson(try context.personnummer(arguments.positionals[0]), details: ContactDetailOptions.details(arguments))
        context.output.line("Uppgifterna är ändrade.")
    }
}

/// `kaa episode correct ID [...]`.
enum EpisodeCorrectCommand: KAACommand {
    static let spec = CommandSpec(
        path: "episode correct", abstract: "Rätta en period (registrering eller avregistrering).",
        positionals: [PositionalSpec(name: "ID", help: "Periodens id (se 'kaa show').")],
        options: [.value("--registered", "datum", "Nytt registreringsdatum."), .value("--reason", "kod", "Ny registreringsorsak."),
                  .value("--deregistered", "datum", "Nytt avregistreringsdatum."),
                  .value("--deregistration-reason", "kod", "Ny avregistreringsorsak."),
                  .flag("--reopen", "Öppna perioden igen (tar bort avregistreringen).")],
        discussion: "Datum i låsta perioder kan inte rättas. Rättelsen loggas.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        let correction = EpisodeCorrection(
            registeredOn: try context.date(arguments, "--registered"), registrationReason: arguments.value("--reason"),
            deregisteredOn: try context.date(arguments, "--deregistered"), deregistrationReason: arguments.value("--deregistration-reason"),
            reopen: arguments.flag("--reopen"))
        let register = try context.openRegister()
        try register.correctEpisode(id, correction)
        context.output.line("Period \(id) rättad.")
    }
}

/// `kaa episode remove ID`.
enum EpisodeRemoveCommand: KAACommand {
    static let spec = CommandSpec(
        path: "episode remove", abstract: "Ta bort en felaktig period med dess kontakter och åtgärder.",
        positionals: [PositionalSpec(name: "ID", help: "Periodens id (se 'kaa show').")],
        discussion: "En person utan kvarvarande period tas bort helt. För en period som aldrig borde funnits är\n"
            + "'kaa episode correct ID --deregistered D --deregistration-reason FELREGISTRERAD' ofta bättre: historiken finns kvar.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws {
        let id = try context.identifier(arguments.positionals[0], what: "ID")
        try context.openRegister().removeEpisode(id)
        context.output.line("Period \(id) borttagen.")
    }
}
