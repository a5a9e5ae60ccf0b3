import KAACLIKit
import KAACore
import KAAHub

/// The hub's configuration file (`config/hub.example.json`): every key optional, flags override.
struct HubSettings {
    var db: String?
    var listen: String?
    /// Where `/metrics` is served, apart from the public listener (default 127.0.0.1:9464).
    var metricsListen: String?
    var tlsCert: String?
    var tlsKey: String?
    var maxBodyBytes = 4 << 20
    /// The largest count a kommun's cell may hold; a batch with more is refused with 400.
    var maxCellCount = Hub.defaultMaxCellCount
    /// A request that applies a batch waits on its thread until its group's commit is durable, so the
    /// pool is as large as the largest group (64): a whole group can wait while the next is read.
    /// (4 threads made groups of at most 4; 290 uploads then took 0.45 s instead of 0.30 s.)
    var threads: UInt32 = 64
    var connectionLimit: UInt32 = 512
    /// Connections from one IP address at most, so that one client cannot take them all.
    var perIPConnectionLimit: UInt32 = 64
    var timeoutSeconds: UInt32 = 30
    /// Seconds a request's line and headers may take, however steadily they trickle in.
    var headerTimeoutSeconds: UInt32 = 10
    /// Request-body bytes held at once over all connections; past it a new upload gets 503.
    var maxBufferedBodyBytes = 128 << 20
    /// The Cell Key Method's parameters: the largest noise D and its variance V.
    var noiseMaximum = 2
    var noiseVariance = 1.0
    /// Shares (in KAA ÷ population) are shown only where the published population is at least this.
    var shareMinimumDenominator = Hub.defaultShareMinimumDenominator
    /// The region's name on the dashboard; without it, the län of the enrolled kommuner.
    var regionName: String?
    /// The kommuner the hub accepts: those of the län in `lan` and those in `kommuner` (neither: every kommun).
    var scope = HubScope.everyKommun
    /// The noise table made from noiseMaximum and noiseVariance (checked at load); nil: no file, the default table.
    var perturbation: PerturbationTable?

    static let keys: Set<String> = ["db", "listen", "metricsListen", "tlsCert", "tlsKey", "maxBodyBytes", "maxCellCount", "threads", "connectionLimit", "perIPConnectionLimit", "timeoutSeconds",
                                    "headerTimeoutSeconds", "maxBufferedBodyBytes",
                                    "noiseMaximum", "noiseVariance", "shareMinimumDenominator", "regionName", "lan", "kommuner"]

    /// The settings in `path`, or the defaults when there is no file.
    static func load(_ path: String?) throws -> HubSettings {
        var settings = HubSettings()
        guard let path else { return settings }
        let file = try ConfigFile(path: path)
        try file.checkKeys(keys)
        settings.db = try file.text("db")
        settings.listen = try file.text("listen")
        settings.metricsListen = try file.text("metricsListen")
        settings.tlsCert = try file.text("tlsCert")
        settings.tlsKey = try file.text("tlsKey")
        if let value = try file.integer("maxBodyBytes", 1024...(1 << 30)) { settings.maxBodyBytes = value }
        if let value = try file.integer("maxCellCount", 1...1_000_000_000) { settings.maxCellCount = value }
        if let value = try file.integer("threads", 1...256) { settings.threads = UInt32(value) }
        if let value = try file.integer("connectionLimit", 1...100_000) { settings.connectionLimit = UInt32(value) }
        if let value = try file.integer("perIPConnectionLimit", 0...100_000) { settings.perIPConnectionLimit = UInt32(value) }
        if let value = try file.integer("timeoutSeconds", 1...3600) { settings.timeoutSeconds = UInt32(value) }
        if let value = try file.integer("headerTimeoutSeconds", 0...3600) { settings.headerTimeoutSeconds = UInt32(value) }
        if let value = try file.integer("maxBufferedBodyBytes", 1024...(1 << 40)) { settings.maxBufferedBodyBytes = value }
        if let value = try file.integer("noiseMaximum", 1...10) { settings.noiseMaximum = value }
        if let value = try file.number("noiseVariance", 0.01...50) { settings.noiseVariance = value }
        if let value = try file.integer("shareMinimumDenominator", 1...1_000_000) { settings.shareMinimumDenominator = value }
        settings.regionName = try file.text("regionName")
        if let name = settings.regionName, name.isEmpty || name.count > 80 || name.contains(where: { $0.isNewline || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            throw CommandLineError.badValue(argument: "--config", message: "\(path): regionName must be 1–80 characters on one line")
        }
        settings.scope = try scope(file)
        let table: PerturbationTable
        do {
            table = try PerturbationTable(maximumNoise: settings.noiseMaximum, variance: settings.noiseVariance)
        } catch {
            throw CommandLineError.badValue(argument: "--config", message: "\(path): noiseMaximum/noiseVariance: \(error.message)")
        }
        // The full grid publishes true zeros: a table under which a published value tells 0 from
        // 1–2 people would undo that (design §8).
        guard table.keepsSmallCountsAmbiguous else {
            throw CommandLineError.badValue(argument: "--config", message: "\(path): noiseMaximum/noiseVariance: with D = \(settings.noiseMaximum) "
                + "a published figure can tell no one from one or two people; D must be at least 2")
        }
        settings.perturbation = table
        return settings
    }

    /// `lan` and `kommuner`: known codes, each once, neither list empty, no kommun whose län is listed too.
    static func scope(_ file: ConfigFile) throws -> HubScope {
        func refuse(_ key: String, _ message: String) -> CommandLineError {
            .badValue(argument: "--config", message: "\(file.path): \"\(key)\" \(message)")
        }
        // A hostile value (a control character, a long text) is shown escaped and cut.
        func shown(_ code: String) -> String { String(reflecting: String(code.prefix(12))) }
        let counties = try file.texts("lan"), kommuner = try file.texts("kommuner")
        for (key, list) in [("lan", counties), ("kommuner", kommuner)] {
            guard let list else { continue }
            guard !list.isEmpty else { throw refuse(key, "är tom; ta bort nyckeln för att ta emot alla kommuner") }
            if let twice = Dictionary(grouping: list, by: { $0 }).filter({ $0.value.count > 1 }).keys.sorted().first {
                throw refuse(key, "nämner \(shown(twice)) två gånger")
            }
        }
        for code in counties ?? [] where !(code.count == 2 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber) && Kommuner.counties[code] != nil) {
            throw refuse("lan", "har \(shown(code)), som inte är en länskod (två siffror, t.ex. \"03\" för Uppsala län)")
        }
        for code in kommuner ?? [] {
            guard code.count == 4, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber), let known = Kommuner.all[code] else {
                throw refuse("kommuner", "har \(shown(code)), som inte är en kommunkod (fyra siffror, t.ex. \"0380\")")
            }
            if counties?.contains(known.county) == true {
                throw refuse("kommuner", "har \(code), som redan ingår i län \(known.county) under \"lan\"")
            }
        }
        return HubScope(counties: Set(counties ?? []), kommuner: Set(kommuner ?? []))
    }
}
