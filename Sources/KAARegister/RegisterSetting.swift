import KAACore

/// A setting an admin may change in the register (Inställningar, `kaa settings set`), over the
/// config file's value. The raw values are the config file's keys (`retentionMonths`), so one name
/// means the same thing in the file, on the page, on the command line and in the audit log.
public enum RegisterSettingKey: String, CaseIterable, Sendable {
    case retentionMonths
    case auditRetentionMonths
    case sessionIdleMinutes
    case sessionAbsoluteHours
    case argon2MemoryKiB
    case argon2Iterations
    case argon2Parallelism
    case scbMapping

    /// The Swedish name a page or an error message gives it.
    public var label: String {
        switch self {
        case .retentionMonths: "Gallringsfrist för personuppgifter"
        case .auditRetentionMonths: "Gallringsfrist för granskningsloggen"
        case .sessionIdleMinutes: "Utloggning efter inaktivitet"
        case .sessionAbsoluteHours: "Längsta sessionstid"
        case .argon2MemoryKiB: "Argon2id minne"
        case .argon2Iterations: "Argon2id varv"
        case .argon2Parallelism: "Argon2id parallellitet"
        case .scbMapping: "SCB-mappning"
        }
    }

    /// The unit of a number (`månader`); nil for the mapping.
    public var unit: String? {
        switch self {
        case .retentionMonths, .auditRetentionMonths: "månader"
        case .sessionIdleMinutes: "minuter"
        case .sessionAbsoluteHours: "timmar"
        case .argon2MemoryKiB: "KiB"
        case .argon2Iterations: "varv"
        case .argon2Parallelism: "trådar"
        case .scbMapping: nil
        }
    }

    /// The values a change may set (nil: not a number). Narrower than the config file's where the
    /// issue says so; never below OWASP's Argon2id minimum (19 MiB, t=2, p=1).
    public var range: ClosedRange<Int>? {
        switch self {
        // Personal data is kept only while needed (design §3); the purge never takes anyone from an
        // open period, so a short frist cannot change a figure. Five years at most.
        case .retentionMonths: 1...60
        // The log answers a subject access request and the granskare's monthly review: a year at least.
        case .auditRetentionMonths: 12...120
        case .sessionIdleMinutes: 5...120
        case .sessionAbsoluteHours: 1...24
        // 1 GiB per hash at most: a login burst of a few sessions must not exhaust the server.
        case .argon2MemoryKiB: 19_456...1_048_576
        case .argon2Iterations: 2...20
        case .argon2Parallelism: 1...16
        case .scbMapping: nil
        }
    }

    /// What changes when the setting does, for the page.
    public var explanation: String {
        switch self {
        case .retentionMonths: "Hur länge efter att den sista inskrivningen avslutades personens uppgifter finns kvar innan gallring raderar dem. Gäller från nästa gallring (förhandsvisningen visar den nya listan)."
        case .auditRetentionMonths: "Hur länge rader i granskningsloggen sparas innan gallring får ta bort dem. Gäller från nästa gallring."
        case .sessionIdleMinutes: "En inloggning som inte används så här länge avslutas. Gäller från nästa sidvisning, även för den som redan är inloggad."
        case .sessionAbsoluteHours: "En inloggning avslutas så här lång tid efter inloggningen, hur den än används. Gäller från nästa sidvisning."
        case .argon2MemoryKiB: "Minne per lösenordshash. Gäller nästa lösenord som sätts; befintliga lösenord fungerar som förut."
        case .argon2Iterations: "Antal varv över minnet per lösenordshash. Gäller nästa lösenord som sätts."
        case .argon2Parallelism: "Antal parallella spår per lösenordshash. Gäller nästa lösenord som sätts."
        case .scbMapping: "Översättningen till SCB:s kolumner och koder som SCB-rapporten använder, som JSON (samma format som config/scb-mapping.example.json och kaa report scb --mapping)."
        }
    }

    /// The value in `configuration` (the config file's, else the default); nil for the mapping,
    /// which has no config key.
    func value(in configuration: RegisterConfiguration) -> Int? {
        switch self {
        case .retentionMonths: configuration.retentionMonths
        case .auditRetentionMonths: configuration.auditRetentionMonths
        case .sessionIdleMinutes: configuration.sessionIdleMinutes
        case .sessionAbsoluteHours: configuration.sessionAbsoluteHours
        case .argon2MemoryKiB: configuration.argon2MemoryKiB
        case .argon2Iterations: configuration.argon2Iterations
        case .argon2Parallelism: configuration.argon2Parallelism
        case .scbMapping: nil
        }
    }
}

/// One setting as it is in force: its value and where that comes from.
public struct RegisterSetting: Sendable, Equatable {
    /// Where a value comes from.
    public enum Source: Sendable, Equatable {
        /// The built-in default.
        case standard
        /// The register's config file.
        case configFile
        /// Changed in the register (Inställningar or `kaa settings set`): when (UTC) and by whom.
        case changed(at: String, by: String)
    }

    public let key: RegisterSettingKey
    /// The value as text (a number, or the mapping's JSON; empty: no mapping stored).
    public let value: String
    public let source: Source
    /// The value without the register's change (the config file's or the default).
    public let baseValue: String

    /// A setting's value and its source.
    public init(key: RegisterSettingKey, value: String, source: Source, baseValue: String) {
        self.key = key
        self.value = value
        self.source = source
        self.baseValue = baseValue
    }

    /// The value as a number (nil for the mapping).
    public var number: Int? { Int(value) }

    /// Whether the value lies in the range a change may set (a config file may hold one outside).
    public var isInRange: Bool {
        guard let range = key.range else { return true }
        return number.map(range.contains) ?? false
    }
}

/// Every setting in force, read once.
public struct EffectiveSettings: Sendable {
    /// One entry per key, in `RegisterSettingKey.allCases` order.
    public let entries: [RegisterSetting]

    /// The entry of `key`.
    public subscript(key: RegisterSettingKey) -> RegisterSetting {
        entries.first { $0.key == key } ?? RegisterSetting(key: key, value: "", source: .standard, baseValue: "")
    }

    /// A number's value in force.
    public func number(_ key: RegisterSettingKey) -> Int { self[key].number ?? 0 }

    public var retentionMonths: Int { number(.retentionMonths) }
    public var auditRetentionMonths: Int { number(.auditRetentionMonths) }
    public var sessionIdleMinutes: Int { number(.sessionIdleMinutes) }
    public var sessionAbsoluteHours: Int { number(.sessionAbsoluteHours) }
    public var argon2MemoryKiB: Int { number(.argon2MemoryKiB) }
    public var argon2Iterations: Int { number(.argon2Iterations) }
    public var argon2Parallelism: Int { number(.argon2Parallelism) }
    /// The stored SCB mapping's JSON, nil when none is stored.
    public var scbMappingJSON: String? {
        let entry = self[.scbMapping]
        return entry.value.isEmpty ? nil : entry.value
    }
}

/// What a change would do beyond the value itself, shown before a risky change is confirmed.
public struct SettingImpact: Sendable, Equatable {
    /// People the next gallring would delete with the current value, and with the new one.
    public var peopleNow = 0, peopleAfter = 0
    /// Audit rows the next gallring would delete now, and with the new value.
    public var auditRowsNow = 0, auditRowsAfter = 0

    /// What a change would do.
    public init(peopleNow: Int = 0, peopleAfter: Int = 0, auditRowsNow: Int = 0, auditRowsAfter: Int = 0) {
        self.peopleNow = peopleNow
        self.peopleAfter = peopleAfter
        self.auditRowsNow = auditRowsNow
        self.auditRowsAfter = auditRowsAfter
    }

    /// Whether the change makes the next gallring delete more: it needs a confirmation.
    public var needsConfirmation: Bool { peopleAfter > peopleNow || auditRowsAfter > auditRowsNow }
}
