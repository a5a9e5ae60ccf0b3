import KAACLIKit
import KAACore
import Testing

/// A fixed "today" for the kinds that need one.
final class FixedToday: ArgumentEnvironment {
    func today() throws -> CalendarDate {
        guard let date = CalendarDate(iso: "2026-11-23") else { throw InvalidValue("no date") }
        return date
    }
}

/// A command declaring one of each kind of argument.
enum Sample {
    static let id = Arg.positional("ID", .recordID, "Ett id.")
    static let date = Arg.required("--date", .date, "Ett datum.")
    static let period = Arg.option("--period", .period, "En period.")
    static let days = Arg.option("--days", .count, default: 30, "Dagar.")
    static let files = Arg.repeated("--file", .path, "Filer.")
    static let yes = Arg.flag("--yes", "Ja.")
    static let no = Arg.flag("--no", "Nej.")
    static let spec = CommandSpec("sample", "Ett exempel.", arguments: [id, date, period, days, files, yes, no], exclusive: [[yes, no]])

    static func parse(_ words: [String]) throws -> ParsedArguments {
        try ParsedArguments.parse(words, spec: spec, environment: FixedToday())
    }
}

@Suite struct ArgumentParsingTests {
    @Test func valuesAreReadAsTheirDeclaredTypes() throws {
        let arguments = try Sample.parse(["7", "--date=2026-11-02", "--period", "2026-H2", "--file", "a.csv", "--file", "b.csv", "--yes"])
        #expect(arguments[Sample.id] == 7)
        #expect(arguments[Sample.date] == CalendarDate(iso: "2026-11-02"))
        #expect(arguments[Sample.period] == Period("2026-H2"))
        #expect(arguments[Sample.days] == 30, "the default when left out")
        #expect(arguments[Sample.files] == ["a.csv", "b.csv"])
        #expect(arguments[Sample.yes] && !arguments[Sample.no])
    }

    @Test func optionsLeftOutReadAsNilOrEmpty() throws {
        let arguments = try Sample.parse(["1", "--date", "2026-11-02"])
        #expect(arguments[Sample.period] == nil)
        #expect(arguments[Sample.files].isEmpty)
    }

    @Test(arguments: [
        (["--date", "2026-11-02"], "argumentet ID saknas"),
        (["1"], "alternativet '--date' krävs"),
        (["1", "2", "--date", "2026-11-02"], "oväntat argument '2'"),
        (["1", "--date", "2026-11-02", "--date", "2026-11-03"], "'--date' angavs mer än en gång"),
        (["1", "--date"], "värde saknas för '--date'"),
        (["1", "--date", "2026-11-02", "--yes=1"], "'--yes' tar inget värde"),
        (["1", "--date", "2026-11-02", "--yes", "--no"], "'--yes' och '--no' kan inte kombineras"),
        (["1", "--date", "2026-11-02", "--colour", "red"], "okänt alternativ '--colour'"),
    ])
    func usageMistakesAreUsageErrors(_ words: [String], _ message: String) {
        #expect(throws: CommandLineError.usage(message)) { try Sample.parse(words) }
    }

    @Test(arguments: [
        (["0", "--date", "2026-11-02"], "ID"),
        (["x", "--date", "2026-11-02"], "ID"),
        (["1", "--date", "2026-02-30"], "--date"),
        (["1", "--date", "2026-11-02", "--period", "2026-H3"], "--period"),
        (["1", "--date", "2026-11-02", "--days", "-1"], "--days"),
        (["1", "--date", "2026-11-02", "--file", ""], "--file"),
    ])
    func badValuesNameTheirArgument(_ words: [String], _ argument: String) throws {
        do {
            _ = try Sample.parse(words)
            Issue.record("\(words) was accepted")
        } catch let error as CommandLineError {
            guard case let .badValue(name, _) = error else { Issue.record("\(error) is not a bad value"); return }
            #expect(name == argument)
            #expect(error.exitCode == ExitCode.dataError)
        }
    }

    @Test func aDoubleDashEndsTheOptionsAndNegativeNumbersArePositionals() throws {
        let spec = CommandSpec("words", "Ord.", arguments: [Arg.positionals("ORD", .text, "Orden."), Sample.yes])
        let arguments = try ParsedArguments.parse(["--yes", "-5", "--", "--no"], spec: spec, environment: FixedToday())
        #expect(arguments[Arg.positionals("ORD", .text, "Orden.")] == ["-5", "--no"])
    }

    @Test func helpSkipsEveryOtherCheck() throws {
        #expect(try Sample.parse(["--help"]).wantsHelp)
        #expect(try Sample.parse(["--yes", "--no", "-h"]).wantsHelp)
    }

    @Test func helpAndUsageComeFromTheDeclarations() {
        #expect(Sample.spec.usage(program: "kaa") == "kaa sample ID --date <datum> [<alternativ>]")
        let help = Sample.spec.help(program: "kaa")
        #expect(help.contains("  --date <datum>            Ett datum. (Krävs.)"))
        #expect(help.contains("  --file <fil>              Filer. (Får anges flera gånger.)"))
        #expect(help.contains("Kan inte kombineras: --yes, --no."))
        #expect(help.hasPrefix("ÖVERSIKT: Ett exempel.\n\nANVÄNDNING: kaa sample ID --date <datum> [<alternativ>]\n"))
    }

    @Test(arguments: ["2026-11-02\u{0}", String(repeating: "9", count: 10_000), "'; DROP TABLE person; --", "2026-11-02\n"])
    func hostileTextIsABadValueNotACrash(_ text: String) {
        #expect(throws: CommandLineError.self) { try Sample.parse(["1", "--date", text]) }
        #expect(throws: CommandLineError.self) { try Sample.parse([text, "--date", "2026-11-02"]) }
    }

    @Test func kommunAndPersonnummerKindsCheckTheirValues() throws {
        let kommun = Arg.positional("KOD", .kommun, "Kommun.")
        let pnr = Arg.option("--person", .personnummer, "Person.")
        let spec = CommandSpec("k", "K.", arguments: [kommun, pnr])
        let parsed = try ParsedArguments.parse(["0380", "--person", "20080101-2386"], spec: spec, environment: FixedToday())
        #expect(parsed[kommun] == "0380")
        #expect(parsed[pnr]?.digits == "200801012386")
        #expect(throws: CommandLineError.self) { try ParsedArguments.parse(["9999"], spec: spec, environment: FixedToday()) }
        // 200801012387 is the official test number 200801012386 with a wrong check digit: invalid on purpose.
        #expect(throws: CommandLineError.self) { try ParsedArguments.parse(["0380", "--person", "200801012387"], spec: spec, environment: FixedToday()) }
    }

    @Test func listenAddressesTakeIPv6InBrackets() {
        #expect(ListenAddress("[::1]:8443") == ListenAddress(host: "::1", port: 8443))
        #expect(ListenAddress("127.0.0.1:0") == ListenAddress(host: "127.0.0.1", port: 0))
        #expect(ListenAddress("localhost") == nil)
        #expect(ListenAddress(":80") == nil)
        #expect(ListenAddress("h:70000") == nil)
    }
}
