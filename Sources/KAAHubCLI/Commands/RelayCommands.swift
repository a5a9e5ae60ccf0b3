import Foundation
import KAACLIKit
import KAACore
import KAAHub

/// A relay's name: 1–40 characters of a–z, 0–9 and `-` (e.g. `uppsala`, `lan-03`).
private let relayName = ValueKind<String>(placeholder: "namn") { text, _ in
    guard Hub.isValidRelayName(text) else { throw InvalidValue("'\(text)' duger inte som reläets namn: 1–40 tecken av a–z, 0–9 och bindestreck") }
    return text
}

/// A comma-separated list of existing kommun codes, each once.
private let kommunList = ValueKind<[String]>(placeholder: "K1,K2,...") { text, _ in
    let codes = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !codes.isEmpty, codes.count <= 400 else { throw InvalidValue("ange 1–400 kommunkoder åtskilda av kommatecken") }
    var seen = Set<String>()
    for code in codes {
        guard Kommuner.all[code] != nil else {
            throw InvalidValue(code.isEmpty ? "en tom kommunkod i listan (två kommatecken i rad?)" : "okänd kommunkod '\(String(code.prefix(12)))' (fyra siffror, t.ex. 0380)")
        }
        guard seen.insert(code).inserted else { throw InvalidValue("kommunkoden \(code) står två gånger") }
    }
    return codes
}

/// `kaa-hub relay add NAME --kommuner K1,K2,...` (on the upper hub).
enum RelayAddCommand: HubCommand {
    static let name = Arg.positional("NAMN", relayName, "Reläets namn, t.ex. uppsala (a–z, 0–9, bindestreck).")
    static let kommuner = Arg.required("--kommuner", kommunList, "Kommunerna som den regionala hubben vidarebefordrar, t.ex. 0305,0319,0330.")
    static let spec = CommandSpec(
        "relay add", "Låt en regional hubb vidarebefordra sina kommuners antal hit; skriver reläets token (den enda raden på stdout).",
        arguments: [name, kommuner],
        discussion: """
            Körs på den övre hubben (t.ex. Östra Mellansveriges). Varje kommun i listan får en plats här som bara reläet
            får skriva till: en kommun skickar aldrig både direkt och genom ett relä, och ingen kommun har två reläer.
            Token visas bara nu och sparas bara som hash; lägg den i den regionala hubbens tokenfil för 'kaa-hub forward'.
            """)

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let hub = try context.openHub()
        context.output.line(try hub.addRelay(name: arguments[name], kommuner: arguments[kommuner], actor: context.console.user))
    }
}

/// `kaa-hub relay list [--json]`.
enum RelayListCommand: HubCommand {
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec("relay list", "Visa reläerna med deras kommuner, senaste kontakt och avvisade förfrågningar.", arguments: [json])

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let relays = try context.openHub().relays()
        if arguments[json] {
            try context.console.json(object: relays.map { relay -> [String: Any] in
                ["name": relay.name, "kommuner": relay.kommuner, "revoked": relay.isRevoked, "token_issued_at": relay.tokenIssuedAt ?? NSNull(),
                 "last_contact_at": relay.lastContactAt ?? NSNull(), "rejects": relay.rejects, "protection": relay.protection ?? NSNull()]
            })
            return
        }
        let rows = relays.map { [$0.name + ($0.isRevoked ? " [spärrad]" : ""), $0.kommuner.joined(separator: ","), $0.tokenIssuedAt ?? "–",
                                 $0.lastContactAt ?? "–", String($0.rejects)] }
        context.output.write(Table.render(header: ["RELÄ", "KOMMUNER", "TOKEN UTFÄRDAD", "SENASTE KONTAKT", "AVVISADE"], rows: rows))
    }
}

/// `kaa-hub relay rotate NAME`.
enum RelayRotateCommand: HubCommand {
    static let name = Arg.positional("NAMN", relayName, "Reläets namn.")
    static let spec = CommandSpec("relay rotate", "Ge ett relä en ny token; den gamla slutar gälla direkt.", arguments: [name])

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        context.output.line(try context.openHub().rotateRelay(name: arguments[name], actor: context.console.user))
    }
}

/// `kaa-hub relay revoke NAME`.
enum RelayRevokeCommand: HubCommand {
    static let name = Arg.positional("NAMN", relayName, "Reläets namn.")
    static let spec = CommandSpec(
        "relay revoke", "Spärra ett reläs token tills det får en ny med 'relay rotate'.", arguments: [name],
        discussion: "Kommunernas siffror finns kvar och kommunerna hör fortfarande till reläet.")

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        try context.openHub().revokeRelay(name: arguments[name], actor: context.console.user)
        context.output.line("Reläet \(arguments[name]) är spärrat.")
    }
}
