import KAACLIKit
import KAACore
import KAARegister

/// `kaa measure follow-up ID --date D [--next D] [--note TEXT]`.
enum MeasureFollowUpCommand: KommunCommand {
    static let id = Arg.positional("ID", .recordID, "Åtgärdens id.")
    static let date = Arg.required("--date", .date, "Dagen uppföljningen gjordes.")
    static let next = Arg.option("--next", .date, "Nästa uppföljning (får ligga efter i dag).")
    static let note = Arg.option("--note", .text, "Kort anteckning (ingen känslig information).")
    static let spec = CommandSpec(
        "measure follow-up", "Registrera en gjord uppföljning av en åtgärd och nästa tidpunkt.", arguments: [id, date, next, note],
        discussion: "Varje uppföljning sparas (SFS 2006:39: tidpunkter för uppföljning och utvärdering); arbetslistan\n"
            + "uppfoljning visar sedan nästa datum. " + sensitiveDataReminder)

    static func run(_ arguments: ParsedArguments, _ context: KommunContext) throws {
        let register = try context.openRegister()
        let followUp = try register.addFollowUp(measure: arguments[id], on: arguments[date], next: arguments[next], note: arguments[note])
        if arguments[note] != nil { context.errorOutput.line(sensitiveDataReminder) }
        context.output.line("Uppföljning \(followUp) registrerad för \(try register.subject(ofRecord: .measure, id: arguments[id])): åtgärd \(arguments[id]) "
            + "följd upp \(arguments[date]), " + (arguments[next].map { "nästa \($0)." } ?? "ingen ny tidpunkt."))
    }
}
