import Foundation
import KAACLIKit
import KAAHub

/// `kaa-hub site list [--json]`.
enum SiteListCommand: HubCommand {
    static let json = Arg.flag("--json", "Skriv ut som JSON.")
    static let spec = CommandSpec("site list", "Visa anslutna kommuner med generation, senaste batch och senaste kontakt.", arguments: [json])

    static func run(_ arguments: ParsedArguments, _ context: HubContext) throws {
        let sites = try context.openHub().sites()
        if arguments[json] {
            try context.console.json(object: sites.map { site -> [String: Any] in
                ["kommun": site.kommun, "name": site.name, "revoked": site.isRevoked, "generation": site.generation ?? NSNull(),
                 "last_seq": site.lastSeq, "last_batch_at": site.lastBatchAt ?? NSNull(), "last_contact_at": site.lastContactAt ?? NSNull(), "rejects": site.rejects,
                 "relay": site.relay ?? NSNull()]
            })
            return
        }
        let rows = sites.map { [$0.kommun, $0.name + ($0.isRevoked ? " [spärrad]" : "") + ($0.relay.map { " [relä \($0)]" } ?? ""), $0.generation.map { String($0.prefix(8)) } ?? "–",
                                String($0.lastSeq), $0.lastBatchAt ?? "–", $0.lastContactAt ?? "–", String($0.rejects)] }
        context.output.write(Table.render(header: ["KOMMUN", "NAMN", "GENERATION", "SEQ", "SENASTE BATCH", "SENASTE KONTAKT", "AVVISADE"], rows: rows))
    }
}
