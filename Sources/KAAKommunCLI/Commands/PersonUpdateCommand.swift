import KAACLIKit
import KAACore
import KAARegister

/// `kaa person update PNR [...]`: contact details and protected identity.
enum PersonUpdateCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let spec = CommandSpec("person update", "Rätta en persons kontaktuppgifter eller skyddade identitet.",
                                  arguments: [pnr] + ContactDetailArguments.forRegistration + [ContactDetailArguments.notProtected],
                                  exclusive: [[ContactDetailArguments.protected, ContactDetailArguments.notProtected]],
                                  discussion: "Ett tomt värde (--phone '') tar bort uppgiften.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        try register.updatePerson(arguments[pnr], details: ContactDetailArguments.details(arguments, canUnprotect: true))
        context.output.line("Kontaktuppgifterna för \(try register.subject(of: arguments[pnr])) är ändrade.")
    }
}
