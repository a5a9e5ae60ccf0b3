import KAACLIKit
import KAACore

/// `kaa personnummer NUMMER...`: validates and normalises numbers.
enum PersonnummerCommand: KommunCommand {
    /// Each number as it reads: the command's job is to say which are invalid, so a bad one is not a parse error.
    static let numbers = Arg.positionals("NUMMER", ValueKind<Result<PersonalIdentityNumber, PersonalIdentityNumberError>>(placeholder: "nummer") { text, environment in
        let today = try environment.today()
        return Result { () throws(PersonalIdentityNumberError) in try PersonalIdentityNumber(text, today: today) }
    }, "10 eller 12 siffror, med eller utan '-' eller '+'.")
    static let spec = CommandSpec(
        "personnummer", "Kontrollera och normalisera personnummer och samordningsnummer.", arguments: [numbers],
        discussion: "Skriver en rad per giltigt nummer: <12 siffror>\\t<K|M>\\t<födelsedatum>\\t<personnummer|samordningsnummer>.\n"
            + "Varje ogiltigt nummer ger en felrad på stderr; slutkoden är då 65.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        var anyInvalid = false
        for result in arguments[numbers] {
            switch result {
            case let .success(pnr):
                context.output.line("\(pnr.digits)\t\(pnr.sex.rawValue)\t\(pnr.birthDate)\t\(pnr.kind.rawValue)")
            case let .failure(error):
                context.errorOutput.line("Fel: \(error.description)")
                anyInvalid = true
            }
        }
        if anyInvalid { throw CommandLineError.reported }
    }
}
