import Foundation
import KAACLIKit
import KAACore
import KAARegister

/// The arguments and checks that make removals and file writes safe (issue 13 "safe hands").
enum SafetyArguments {
    static let yes = Arg.flag("--yes", "Bekräfta en borttagning som tar mer än den post som anges (t.ex. personen själv).")
    static let force = Arg.flag("--force", "Skriv över filen om den redan finns.")

    /// Confirms `plan` when it takes more than the record named: `--yes`, or "ja" typed on a terminal.
    /// Nil means not confirmed; the register then refuses (exit 64) and nothing changes.
    static func confirmation(of plan: RemovalPlan, yes: Bool, context: KommunContext) -> RemovalPlan? {
        guard plan.takesMoreThanTheRecord else { return nil }
        if yes { return plan }
        return context.console.confirm(plan.description + " Skriv ja för att ta bort: ") ? plan : nil
    }

    /// Refuses to overwrite an existing file (or a link, even a dangling one) unless `--force` is given.
    /// Exit 64, like a missing argument: the data are fine, the command lacks the flag that allows it.
    static func checkWritable(_ path: String, force: Bool, argument: String) throws {
        var info = stat()
        guard !force, lstat(path, &info) == 0 else { return }
        throw CommandLineError.usage("\(argument): \(path) finns redan; lägg till --force för att skriva över den")
    }
}

/// Swedish confirmations of what a command changed, naming the person (issue 13): each starts with
/// the record's kind and id (`Kontakt 31 registrerad för …`), so a script reads the id as the second word.
enum ChangeMessage {
    /// A code's Swedish label, from the code as typed (any case; the register accepted it).
    static func label(_ text: String, _ list: CodeList, _ register: Register) -> String {
        register.catalog.label(register.catalog.canonical(text, in: list) ?? text, in: list)
    }

    /// The canonical code as typed (`telefon` → `TELEFON`).
    static func code(_ text: String, _ list: CodeList, _ register: Register) -> String {
        register.catalog.canonical(text, in: list) ?? text
    }
}
