import KAACLIKit
import KAACore

/// The contact-detail options shared by `register` and `person update`.
enum ContactDetailArguments {
    static let firstName = Arg.option("--first-name", ValueKind.text.named("namn"), "Förnamn.")
    static let lastName = Arg.option("--last-name", ValueKind.text.named("namn"), "Efternamn.")
    static let address = Arg.option("--address", ValueKind.text.named("adress"), "Utdelningsadress (lagras inte vid skyddad identitet).")
    static let postalCode = Arg.option("--postal-code", ValueKind.text.named("nr"), "Postnummer.")
    static let city = Arg.option("--city", ValueKind.text.named("ort"), "Postort.")
    static let phone = Arg.option("--phone", ValueKind.text.named("nr"), "Telefon.")
    static let email = Arg.option("--email", ValueKind.text.named("adress"), "E-post.")
    static let protected = Arg.flag("--protected", "Skyddad folkbokföring eller sekretessmarkering: ingen adress lagras.")
    static let notProtected = Arg.flag("--not-protected", "Ta bort markeringen om skyddad identitet.")

    /// The options `register` takes.
    static let forRegistration: [any ArgumentDeclaring] = [firstName, lastName, address, postalCode, city, phone, email, protected]

    /// The details given; `notProtected` is only declared by `person update`.
    static func details(_ arguments: ParsedArguments, canUnprotect: Bool) -> ContactDetails {
        var details = ContactDetails(firstName: arguments[firstName], lastName: arguments[lastName], address: arguments[address],
                                     postalCode: arguments[postalCode], city: arguments[city], phone: arguments[phone], email: arguments[email])
        if arguments[protected] { details.isProtected = true }
        if canUnprotect, arguments[notProtected] { details.isProtected = false }
        return details
    }
}
