import KAACLIKit
import KAACore
import KAARegister

/// The reminder shown wherever the plan's free text is written or read (SFS 2006:39 § 4).
let sensitiveDataReminder = "Påminnelse: skriv inga känsliga personuppgifter (t.ex. hälsa eller etnicitet) i planen – bara åtgärdens innehåll, mål och tider."

/// The decision flags `measure add` and `measure correct` share.
enum MeasureDecisionArguments {
    static let accepted = Arg.flag("--accepted", "Personen tackade ja.")
    static let declined = Arg.flag("--declined", "Personen tackade nej.")

    /// The decision given, if any (the flags are declared exclusive).
    static func decision(_ arguments: ParsedArguments) -> MeasureDecision? {
        arguments[accepted] ? .accepted : (arguments[declined] ? .declined : nil)
    }
}
