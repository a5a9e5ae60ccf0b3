import Foundation

/// The program's manual pages, made from the same specs as its help (`kaa help --man KATALOG`):
/// the program's own page and one per command family (the commands sharing a first word).
extension CommandLineTool {
    /// One manual page: its file name (`kaa-staff.1`) and its roff text.
    public typealias ManualPage = (name: String, text: String)

    /// Every page, the program's own first; `date` (`ÅÅÅÅ-MM-DD`) goes into each `.TH` line.
    public func manualPages(date: String) -> [ManualPage] {
        [(program + ".1", programPage(date: date))] + families.map { family in
            (pageName(family.word) + ".1", familyPage(family, date: date))
        }
    }

    /// The commands grouped by their first word, in the order help lists them.
    var families: [(word: String, commands: [CommandSpec])] {
        var order: [String] = []
        var members: [String: [CommandSpec]] = [:]
        for command in commands {
            let word = String(command.spec.path.split(separator: " ").first ?? "")
            if members[word] == nil { order.append(word) }
            members[word, default: []].append(command.spec)
        }
        return order.map { ($0, members[$0] ?? []) }
    }

    func pageName(_ word: String) -> String { program + "-" + word }

    private func header(_ name: String, date: String) -> String {
        ".\\\" Genererad av '\(program) help \\-\\-man' (bash scripts/commands-doc.sh): redigera inte, generera om.\n"
            + ".TH \(Roff.escape(name.uppercased())) 1 \(Roff.escape(date)) \"kaa\\-register\" \"KAA\\-registret\"\n"
    }

    private func programPage(date: String) -> String {
        var page = header(program, date: date)
        page += ".SH NAMN\n\(Roff.escape(program)) \\- \(Roff.escape(abstract))\n"
        page += ".SH SYNOPSIS\n" + Roff.bold(program) + globals.options.map { " [" + Roff.bold($0.name) + " " + Roff.italic($0.placeholder ?? "värde") + "]" }.joined()
            + " " + Roff.italic("kommando") + " [" + Roff.italic("argument") + "]\n.br\n"
            + Roff.bold(program) + " " + Roff.bold("help") + " [" + Roff.italic("kommando") + "]\n.br\n"
            + Roff.bold(program) + " " + Roff.bold("--version") + "\n"
        page += ".SH BESKRIVNING\n" + Roff.paragraphs(abstract)
            + Roff.paragraphs("Varje kommando har sin egen hjälp ('\(program) help <kommando>' eller '\(program) <kommando> --help', på stdout); "
                + "kommandona beskrivs utförligt i sidorna under SE ÄVEN, en per kommandofamilj.")
        page += ".SH ALTERNATIV\n"
        for option in globals.options {
            page += ".TP\n" + Roff.bold(option.name) + " " + Roff.italic(option.placeholder ?? "värde") + "\n" + Roff.escape(option.help) + "\n"
        }
        page += ".TP\n" + Roff.bold("-h") + ", " + Roff.bold("--help") + "\n" + Roff.escape("Visa hjälpen på stdout.") + "\n"
        page += ".TP\n" + Roff.bold("--version") + "\n" + Roff.escape("Skriv ut '\(program) VERSION' på stdout; bara som ensamt argument, före allt annat (kräver inget register och ingen konfiguration).") + "\n"
        page += ".SH KOMMANDON\n"
        for family in families {
            for spec in family.commands {
                page += ".TP\n" + Roff.bold(spec.path) + "\n" + Roff.escape(spec.abstract) + " Se " + Roff.bold(pageName(family.word)) + "(1).\n"
            }
        }
        page += ".TP\n" + Roff.bold("help") + " [" + Roff.italic("kommando") + "]\n"
            + Roff.escape("Visa hjälpen för ett kommando. 'help --reference' skriver all hjälp som Markdown, 'help --man KATALOG' de här manualsidorna "
                + "och 'help --bash-completion' kompletteringen för bash.") + "\n"
        if !environment.isEmpty {
            page += ".SH MILJÖ\n".roffHeading
            for variable in environment {
                let parts = variable.name.split(separator: "=", maxSplits: 1).map(String.init)
                let label = Roff.bold(parts[0]) + (parts.count > 1 ? "=" + Roff.italic(parts[1]) : "")
                page += ".TP\n" + label + "\n" + Roff.escape(variable.help) + "\n"
            }
        }
        page += ".SH SLUTSTATUS\n"
        for exit in exitCodes {
            page += ".TP\n" + Roff.bold(String(exit.code)) + "\n" + Roff.escape(exit.meaning.prefix(1).uppercased() + exit.meaning.dropFirst() + ".") + "\n"
        }
        if !files.isEmpty {
            page += ".SH FILER\n"
            for file in files {
                page += ".TP\n" + Roff.italic(file.path) + "\n" + Roff.escape(file.help) + "\n"
            }
        }
        let related = families.map { pageName($0.word) + "(1)" } + seeAlso
        page += ".SH SE ÄVEN\n".roffHeading + Self.references(related)
        return page
    }

    private func familyPage(_ family: (word: String, commands: [CommandSpec]), date: String) -> String {
        let name = pageName(family.word)
        var page = header(name, date: date)
        let single = family.commands.count == 1 && family.commands[0].path == family.word
        let summary = single ? family.commands[0].abstract
            : "underkommandona till '\(program) \(family.word)': " + family.commands.map { String($0.path.dropFirst(family.word.count + 1)) }.joined(separator: ", ")
        page += ".SH NAMN\n\(Roff.escape(name)) \\- \(Roff.escape(summary))\n"
        page += ".SH SYNOPSIS\n" + family.commands.map(synopsis).joined(separator: ".br\n")
        page += ".SH BESKRIVNING\n"
        if single {
            page += commandBody(family.commands[0])
        } else {
            page += Roff.paragraphs("Underkommandona till '\(program) \(family.word)'. Globala alternativ (" + globals.options.map(\.name).joined(separator: ", ")
                + ") står före kommandot; se \(program)(1).")
            for spec in family.commands {
                page += ".SS \"\(Roff.escape(program + " " + spec.path))\"\n" + commandBody(spec)
            }
        }
        page += ".SH SE ÄVEN\n".roffHeading + Self.references(["\(program)(1)"])
        return page
    }

    /// `kaa [globala alternativ] staff add PNR --login <login> [alternativ]`, in the fonts man pages use.
    private func synopsis(_ spec: CommandSpec) -> String {
        var line = Roff.bold(program) + " [" + Roff.italic("globala alternativ") + "] " + Roff.bold(spec.path)
        for positional in spec.positionals {
            var text = Roff.italic(positional.name)
            if positional.isRepeated { text += "..." }
            if !positional.isRequired { text = "[" + text + "]" }
            line += " " + text
        }
        for option in spec.options where option.isRequired {
            line += " " + Roff.bold(option.name) + " " + Roff.italic(option.placeholder ?? "värde")
        }
        if spec.options.contains(where: { !$0.isRequired }) { line += " [" + Roff.italic("alternativ") + "]" }
        return line + "\n"
    }

    /// What a command does, its arguments and options, then its discussion.
    private func commandBody(_ spec: CommandSpec) -> String {
        var body = Roff.paragraphs(spec.abstract)
        for positional in spec.positionals {
            body += ".TP\n" + Roff.italic(positional.name) + (positional.isRepeated ? "..." : "") + "\n" + Roff.escape(positional.help) + "\n"
        }
        for option in spec.options {
            var help = option.help
            if option.isRequired { help += " (Krävs.)" }
            if option.isRepeated { help += " (Får anges flera gånger.)" }
            body += ".TP\n" + Roff.bold(option.name) + (option.placeholder.map { " " + Roff.italic($0) } ?? "") + "\n" + Roff.escape(help) + "\n"
        }
        body += ".TP\n" + Roff.bold("-h") + ", " + Roff.bold("--help") + "\n" + Roff.escape("Visa kommandots hjälp.") + "\n"
        for group in spec.exclusiveGroups {
            body += Roff.paragraphs("Kan inte kombineras: " + group.joined(separator: ", ") + ".")
        }
        if let discussion = spec.discussion { body += Roff.paragraphs(discussion) }
        return body
    }

    /// `kaa(1), kaa-hub(1)` with each page name in bold.
    private static func references(_ pages: [String]) -> String {
        pages.map { page in
            guard let open = page.firstIndex(of: "(") else { return Roff.bold(page) }
            return Roff.bold(String(page[..<open])) + Roff.escape(String(page[open...]))
        }.joined(separator: ",\n") + "\n"
    }
}

extension String {
    /// A `.SH` line whose title has non-ASCII letters, escaped (the macro name itself stays as it is).
    fileprivate var roffHeading: String {
        let title = dropFirst(4).trimmingCharacters(in: .newlines)
        return ".SH " + Roff.escape(title) + "\n"
    }
}
