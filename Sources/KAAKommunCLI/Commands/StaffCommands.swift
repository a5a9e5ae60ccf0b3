import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// The two lines a new or reset account is handed; scripts read exactly these from stdout.
private func printCredentials(_ credentials: StaffCredentials, _ context: KommunContext) {
    context.output.line("password: \(credentials.password)")
    context.output.line("totp: \(credentials.provisioningURI)")
}

extension ValueKind where Value == String {
    /// A staff login: 2–64 of `a-z 0-9 . _ -`.
    static var staffLogin: ValueKind<String> {
        ValueKind(placeholder: "login") { text, _ in
            do {
                try Register.checkLogin(text)
            } catch {
                throw InvalidValue("ska vara 2–64 tecken: a–z, 0–9, punkt, understreck eller bindestreck")
            }
            return text
        }
    }

    /// An existing account's login, which for an account of the kommun's IdP may also hold `@` and be up to 128 long.
    static var existingStaffLogin: ValueKind<String> {
        ValueKind(placeholder: "login") { text, _ in
            do {
                try Register.checkLogin(text, existing: true)
            } catch {
                throw InvalidValue("ska vara 2–128 tecken: a–z, 0–9, punkt, understreck, bindestreck eller @")
            }
            return text
        }
    }
}

/// `kaa staff add LOGIN --role ROLE --name NAMN`.
enum StaffAddCommand: KommunCommand {
    static let login = Arg.positional("LOGIN", .staffLogin, "Inloggningsnamn (a–z, 0–9, punkt, understreck, bindestreck; 2–64 tecken).")
    static let role = Arg.required("--role", ValueKind<StaffRole>.oneOf(StaffRole.self, placeholder: "roll", noun: "roll"),
                                   "handlaggare, samordnare, granskare eller admin.")
    static let name = Arg.required("--name", .text, "Personens fullständiga namn.")
    static let spec = CommandSpec(
        "staff add", "Lägg till ett personalkonto för webbgränssnittet.", arguments: [login, role, name],
        discussion: """
            Skriver ut två rader: ett engångslösenord (byts vid första inloggningen) och en otpauth://-adress för
            tvåstegsverifieringen (TOTP) att läsa in i en autentiseringsapp. Lämna dem till personen på ett säkert sätt;
            de visas bara nu. Tillägget loggas, utan lösenord och nyckel.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        printCredentials(try register.addStaff(login: arguments[login], name: arguments[name], role: arguments[role]), context)
    }
}

/// `kaa staff list [--json]`.
enum StaffListCommand: KommunCommand {
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec("staff list", "Visa personalkontona.", arguments: [json])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let accounts = try context.openRegister().listStaff()
        if arguments[json] {
            try context.console.json(object: accounts.map { account -> [String: Any] in
                ["login": account.login, "name": account.name, "role": account.role.rawValue, "must_change_password": account.mustChangePassword,
                 "disabled": account.isDisabled, "locked_until": account.lockedUntil ?? NSNull(), "caseload": account.caseloadCount,
                 "source": account.signsInWithIdP ? "idp" : "local", "last_login_at": account.lastLoginAt ?? NSNull()]
            })
            return
        }
        if accounts.isEmpty { context.output.line("Inga personalkonton.") }
        for account in accounts {
            var notes: [String] = []
            if account.isDisabled { notes.append("avstängt") }
            if let until = account.lockedUntil { notes.append("låst till \(until)") }
            if account.mustChangePassword { notes.append("engångslösenord") }
            if account.signsInWithIdP { notes.append("via kommunens IdP") }
            let suffix = notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"
            context.output.line("\(account.login)\t\(account.role.rawValue)\t\(account.name)\t\(account.caseloadCount) personer\(suffix)")
        }
    }
}

/// `kaa staff disable LOGIN`.
enum StaffDisableCommand: KommunCommand {
    static let login = Arg.positional("LOGIN", .existingStaffLogin, "Kontots inloggningsnamn.")
    static let spec = CommandSpec("staff disable", "Stäng av ett personalkonto (det tas aldrig bort; loggen nämner det).", arguments: [login],
                                  discussion: "Personerna i kontots ärendelista blir utan handläggare och visas som ej tilldelade.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        try context.openRegister().disableStaff(login: arguments[login])
        context.console.errorOutput.line("Kontot \(arguments[login]) är avstängt.")
    }
}

/// `kaa staff rename LOGIN NYTT`.
enum StaffRenameCommand: KommunCommand {
    static let login = Arg.positional("LOGIN", .existingStaffLogin, "Kontots nuvarande inloggningsnamn.")
    static let new = Arg.positional("NYTT", .existingStaffLogin, "Det nya inloggningsnamnet.")
    static let spec = CommandSpec(
        "staff rename", "Byt inloggningsnamn på ett konto (t.ex. så att en IdP-inloggning med samma namn kan göras).", arguments: [login, new],
        discussion: """
            Behövs när en inloggning via kommunens IdP nekas för att namnet redan finns: ett lokalt konto från före IdP:n
            (Felkod: local-conflict) eller en tidigare anställds konto med samma adress (Felkod: idp-conflict). Byt namn på
            det gamla kontot; loggen behåller det under sitt nya namn. Kontots sessioner avslutas. Bytet loggas.
            """)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        try context.openRegister().renameStaff(from: arguments[login], to: arguments[new])
        context.console.errorOutput.line("Kontot \(arguments[login]) heter nu \(arguments[new]).")
    }
}

/// `kaa staff reset LOGIN`.
enum StaffResetCommand: KommunCommand {
    static let login = Arg.positional("LOGIN", .existingStaffLogin, "Kontots inloggningsnamn.")
    static let spec = CommandSpec(
        "staff reset", "Ge ett konto nytt engångslösenord och ny TOTP-nyckel (häver även en låsning).", arguments: [login],
        discussion: "Skriver ut samma två rader som 'kaa staff add'. Det gamla lösenordet och den gamla nyckeln slutar gälla.")

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        printCredentials(try context.openRegister().resetStaff(login: arguments[login]), context)
    }
}

/// `kaa caseload assign PNR --staff LOGIN`.
enum CaseloadAssignCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let staff = Arg.required("--staff", .existingStaffLogin, "Handläggarens inloggningsnamn.")
    static let spec = CommandSpec("caseload assign", "Tilldela en person en handläggare (ersätter en tidigare).", arguments: [pnr, staff])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        try register.assignCaseload(arguments[pnr], to: arguments[staff])
        context.console.errorOutput.line("\(try register.subject(of: arguments[pnr])) har nu handläggaren \(arguments[staff]).")
    }
}

/// `kaa caseload unassign PNR`.
enum CaseloadUnassignCommand: KommunCommand {
    static let pnr = Arg.positional("PNR", .personnummer, "Personnummer eller samordningsnummer.")
    static let spec = CommandSpec("caseload unassign", "Ta bort en persons handläggare.", arguments: [pnr])

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        try register.unassignCaseload(arguments[pnr])
        context.console.errorOutput.line("\(try register.subject(of: arguments[pnr])) har ingen handläggare.")
    }
}
