import Foundation
import KAACore
import KAAOIDC
import KAASystem

/// The kommun side's configuration (`config/kaa.example.json`); every key optional, with defaults.
public struct RegisterConfiguration: Sendable, Equatable {
    /// The kommun's time zone: "today" is this zone's date.
    public var timeZone = "Europe/Stockholm"
    /// Months audit rows are kept before `purge` may remove them (and before the log allows a DELETE).
    public var auditRetentionMonths = 24
    /// Months after a person's last episode ended before `purge` deletes their personal data.
    public var retentionMonths = 12
    /// Days without a contact attempt before a person shows on the `ingen-kontakt` worklist.
    public var noContactDays = 30
    /// Days ahead that the `fyller-20` worklist looks.
    public var turning20Days = 60
    /// Where identification spills its hash buckets (nil: the system's temporary folder, `$TMPDIR`):
    /// a kommun whose /tmp is small points it at a larger disk.
    public var temporaryDirectory: String?
    /// `kaa identify` refuses an extract that would make more than this share (in %) of the open
    /// episodes leave for being absent from it, when that is also more than `departureLimitCount`
    /// people (an empty or truncated file), unless `--accept-departures` is given.
    public var departureLimitPercent = 25
    /// The number of people absent from an extract above which the share `departureLimitPercent` applies.
    public var departureLimitCount = 20
    /// Argon2id memory per password hash in KiB (OWASP's Password Storage Cheat Sheet: 19 MiB).
    public var argon2MemoryKiB = 19_456
    /// Argon2id passes over that memory (OWASP: 2).
    public var argon2Iterations = 2
    /// Argon2id lanes (OWASP: 1).
    public var argon2Parallelism = 1
    /// Failed logins in a row that lock a staff account.
    public var loginFailuresBeforeLock = 5
    /// Minutes a locked staff account stays locked.
    public var lockoutMinutes = 15
    /// The shortest password a staff member may choose.
    public var passwordMinimumLength = 12
    /// Minutes without a request after which a web session ends.
    public var sessionIdleMinutes = 30
    /// Hours after login after which a web session ends.
    public var sessionAbsoluteHours = 10
    /// Where `kaa web` listens when `--listen` is not given.
    public var webListen: String?
    /// The origin browsers reach the web UI at behind a proxy (`https://kaa.kommun.se`).
    public var webPublicOrigin: String?
    /// Threads (and register connections) of the web server.
    public var webThreads = 4
    /// Staff sign-in through the kommun's identity provider (issue 18), if configured.
    public var oidc: OIDCSettings?
    /// The proxies (addresses or CIDR blocks) whose `X-Forwarded-For` and `X-Forwarded-Proto` the
    /// web UI believes; from any other address those headers are ignored.
    public var trustedProxies: [NetworkRange] = []

    public init() {}

    static let keys: Set<String> = ["timeZone", "auditRetentionMonths", "retentionMonths", "noContactDays", "turning20Days", "temporaryDirectory",
                                    "departureLimitPercent", "departureLimitCount", "argon2MemoryKiB", "argon2Iterations", "argon2Parallelism",
                                    "loginFailuresBeforeLock", "lockoutMinutes", "passwordMinimumLength",
                                    "sessionIdleMinutes", "sessionAbsoluteHours", "webListen", "webPublicOrigin", "webThreads", "oidc", "trustedProxies"]

    /// Parses the JSON object in `data`; unknown keys and wrong types are errors naming the key.
    public init(json data: Data, source: String) throws(RegisterError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw .invalidConfiguration("\(source) är inte giltig JSON: \(error.localizedDescription)")
        }
        guard let values = object as? [String: Any] else {
            throw .invalidConfiguration("\(source) ska vara ett JSON-objekt")
        }
        for key in values.keys.sorted() where !Self.keys.contains(key) && !key.hasPrefix("_") && !Self.syncKeys.contains(key) {
            throw .invalidConfiguration("\(source): okänd nyckel \"\(key)\"")
        }
        if let value = values["timeZone"] {
            guard let zone = value as? String, TimeZone(identifier: zone) != nil else {
                throw .invalidConfiguration("\(source): \"timeZone\" ska vara en tidszon som \"Europe/Stockholm\"")
            }
            timeZone = zone
        }
        func positive(_ key: String, _ range: ClosedRange<Int>) throws(RegisterError) -> Int? {
            guard let value = values[key] else { return nil }
            guard let number = value as? Int, !JSONScalar.isBoolean(value), range.contains(number) else {
                throw .invalidConfiguration("\(source): \"\(key)\" ska vara ett heltal \(range.lowerBound)–\(range.upperBound)")
            }
            return number
        }
        if let value = try positive("auditRetentionMonths", 1...240) { auditRetentionMonths = value }
        if let value = try positive("retentionMonths", 1...240) { retentionMonths = value }
        if let value = try positive("noContactDays", 1...3650) { noContactDays = value }
        if let value = try positive("turning20Days", 1...3650) { turning20Days = value }
        if let value = try positive("departureLimitPercent", 1...100) { departureLimitPercent = value }
        if let value = try positive("departureLimitCount", 0...1_000_000) { departureLimitCount = value }
        // Below OWASP's minimum is refused: a weaker hash is not a setting a kommun should reach by accident.
        if let value = try positive("argon2MemoryKiB", 19_456...4_194_304) { argon2MemoryKiB = value }
        if let value = try positive("argon2Iterations", 2...100) { argon2Iterations = value }
        if let value = try positive("argon2Parallelism", 1...64) { argon2Parallelism = value }
        if let value = try positive("loginFailuresBeforeLock", 1...100) { loginFailuresBeforeLock = value }
        if let value = try positive("lockoutMinutes", 1...10_080) { lockoutMinutes = value }
        if let value = try positive("passwordMinimumLength", 8...128) { passwordMinimumLength = value }
        if let value = try positive("sessionIdleMinutes", 1...1440) { sessionIdleMinutes = value }
        if let value = try positive("sessionAbsoluteHours", 1...72) { sessionAbsoluteHours = value }
        if let value = try positive("webThreads", 1...64) { webThreads = value }
        if let value = values["webListen"] {
            guard let text = value as? String, text.contains(":"), text.utf8.count <= 100 else {
                throw .invalidConfiguration("\(source): \"webListen\" ska vara VÄRD:PORT, t.ex. \"127.0.0.1:8080\"")
            }
            webListen = text
        }
        if let value = values["webPublicOrigin"] {
            guard let text = value as? String, text.hasPrefix("https://") || text.hasPrefix("http://"), !text.hasSuffix("/"),
                  text.utf8.count <= 200, !text.contains(where: { $0.isWhitespace }),
                  text.dropFirst(text.hasPrefix("https://") ? 8 : 7).allSatisfy({ $0 != "/" && $0 != "?" && $0 != "#" }) else {
                throw .invalidConfiguration("\(source): \"webPublicOrigin\" ska vara ett ursprung som \"https://kaa.kommun.se\" (utan sökväg och snedstreck på slutet)")
            }
            webPublicOrigin = text
        }
        if let value = values["oidc"], !(value is NSNull) {
            do {
                oidc = try OIDCSettings(json: value, source: source, roleNames: Set(StaffRole.allCases.map(\.rawValue)))
            } catch {
                throw .invalidConfiguration(error.description)
            }
            if let origin = webPublicOrigin, let settings = oidc, settings.redirectOrigin != origin {
                throw .invalidConfiguration("\(source): \"oidc.redirectUri\" (\(settings.redirectURI)) ska ligga på webPublicOrigin (\(origin))")
            }
        }
        if let value = values["trustedProxies"] {
            guard let list = value as? [Any], list.count <= 100 else {
                throw .invalidConfiguration("\(source): \"trustedProxies\" ska vara en lista med adresser, t.ex. [\"127.0.0.1\", \"10.0.0.0/8\"]")
            }
            trustedProxies = try list.enumerated().map { index, entry throws(RegisterError) in
                guard let text = entry as? String, let range = NetworkRange(text) else {
                    throw .invalidConfiguration("\(source): \"trustedProxies\"[\(index)] ska vara en IP-adress eller ett nät som \"10.0.0.0/8\" (utan värdbitar)")
                }
                return range
            }
        }
        if let value = values["temporaryDirectory"] {
            guard let path = value as? String, path.hasPrefix("/") else {
                throw .invalidConfiguration("\(source): \"temporaryDirectory\" ska vara en absolut sökväg till en mapp")
            }
            temporaryDirectory = path
        }
    }

    /// Keys that belong to the sync client's part of the same file (read there).
    static let syncKeys: Set<String> = ["hub", "tokenFile", "caFile", "deadlineSeconds"]

    /// Loads `path`; a missing file is an error (only an absent `--config` means defaults).
    public static func load(path: String) throws(RegisterError) -> RegisterConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidConfiguration("kan inte läsa konfigurationsfilen \(path)")
        }
        return try RegisterConfiguration(json: data, source: path)
    }
}
