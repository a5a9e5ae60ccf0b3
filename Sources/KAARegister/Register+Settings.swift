import Foundation
import KAACore
import KAACrypto
import KAASQLite

/// What `changeSetting` did.
public enum SettingChangeOutcome: Sendable, Equatable {
    /// The value was stored (one audit row with before → after).
    case changed
    /// The value is the one in force already; nothing was written.
    case unchanged
    /// The change makes the next gallring delete more; nothing was written until it is confirmed.
    case needsConfirmation(SettingImpact)
}

/// Inställningar (issue 16): settings stored in the register (migration 0020) over the config
/// file's values, read where they act on every use, so a running server follows a change at once:
/// session timeouts on the next request, Argon2id cost on the next password set, retention on the
/// next gallring. Every change is one transaction with its audit row (`settings.change`, before →
/// after); only an admin (or kommun IT at the shell) may change them.
extension Register {
    /// The largest SCB mapping stored (the example is 3 KB; a form carries at most 64 KiB).
    public static let maxSCBMappingBytes = 32 * 1024

    /// Every setting in force, with its source.
    public func effectiveSettings() throws(RegisterError) -> EffectiveSettings {
        do {
            return try readEffectiveSettings()
        } catch {
            throw .wrap(error)
        }
    }

    /// The settings in force, read with one statement (also inside a caller's transaction).
    func readEffectiveSettings() throws -> EffectiveSettings {
        var stored: [String: (value: String, at: String, by: String)] = [:]
        for row in try database.cachedStatement("SELECT key, value, changed_at, changed_by FROM register_setting").rows([]) {
            stored[try row.text(0)] = (try row.text(1), try row.text(2), try row.text(3))
        }
        let defaults = RegisterConfiguration()
        return EffectiveSettings(entries: RegisterSettingKey.allCases.map { key in
            let base = key.value(in: configuration).map(String.init) ?? ""
            let baseSource: RegisterSetting.Source = key.value(in: configuration) == key.value(in: defaults) ? .standard : .configFile
            // A stored value that no longer parses (edited by hand) is ignored rather than trusted.
            if let row = stored[key.rawValue], (try? Self.validated(key, row.value)) != nil {
                return RegisterSetting(key: key, value: row.value, source: .changed(at: row.at, by: row.by), baseValue: base)
            }
            return RegisterSetting(key: key, value: base, source: baseSource, baseValue: base)
        })
    }

    /// The session timeouts in force, in seconds: a stored change, else the server's own values
    /// (`kaa web` takes them from the same config file).
    public func sessionTimeouts(idleMinutes: Int, absoluteHours: Int) throws(RegisterError) -> (idleSeconds: Int, absoluteSeconds: Int) {
        let settings = try effectiveSettings()
        let idle = settings[.sessionIdleMinutes].source.isChanged ? settings.sessionIdleMinutes : idleMinutes
        let absolute = settings[.sessionAbsoluteHours].source.isChanged ? settings.sessionAbsoluteHours : absoluteHours
        return (idle * 60, absolute * 3600)
    }

    /// The SCB mapping stored in Inställningar, else `fallback` (the `--mapping` file, or none).
    public func scbMapping(default fallback: SCBMapping) throws(RegisterError) -> SCBMapping {
        guard let json = try effectiveSettings().scbMappingJSON else { return fallback }
        return try SCBMapping(json: Data(json.utf8), source: "SCB-mappningen i Inställningar")
    }

    /// What identifies a value in a form (a change made from a page that no longer shows the value
    /// in force is refused): SHA-256 hex of the text.
    public static func settingDigest(_ value: String) -> String {
        Crypto.sha256Hex(Array(value.utf8))
    }

    /// Checks `text` as a value of `key` and returns it as stored; errors name the field.
    public static func validated(_ key: RegisterSettingKey, _ text: String) throws(RegisterError) -> String {
        if let range = key.range {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let unit = key.unit.map { " \($0)" } ?? ""
            let expected = "ange ett heltal från \(range.lowerBound) till \(range.upperBound)\(unit)"
            guard !trimmed.isEmpty else { throw .invalidInput(field: key.label, message: "värdet saknas; \(expected)") }
            guard trimmed.utf8.count <= 9, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(trimmed) else {
                throw .invalidInput(field: key.label, message: "'\(shown(text))' är inget heltal; \(expected)")
            }
            guard range.contains(number) else {
                let why = key == .argon2MemoryKiB || key == .argon2Iterations || key == .argon2Parallelism
                    ? (number < range.lowerBound ? " (lägre än OWASP:s minimum)" : " (mer skulle kunna göra servern långsam eller slut på minne vid inloggning)")
                    : ""
                throw .invalidInput(field: key.label, message: "\(number) är utanför det tillåtna\(why); \(expected)")
            }
            return String(number)
        }
        // The SCB mapping: empty removes it; else the CLI's `--mapping` parser, errors naming the key.
        let json = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !json.isEmpty else { return "" }
        guard json.utf8.count <= maxSCBMappingBytes else {
            throw .invalidInput(field: key.label, message: "mappningen är \(json.utf8.count) byte; högst \(maxSCBMappingBytes) byte tas emot")
        }
        do {
            _ = try SCBMapping(json: Data(json.utf8), source: "mappningen")
        } catch {
            let message: String = if case let .invalidConfiguration(text) = error { text } else { error.description }
            throw .invalidInput(field: key.label, message: message)
        }
        return json
    }

    /// How many people and audit rows the next gallring would delete with the current retention
    /// and with `value` for `key` (zero both for a key that is not a retention). Counts only: no
    /// person is shown.
    public func settingImpact(_ key: RegisterSettingKey, value: String) throws(RegisterError) -> SettingImpact {
        guard key == .retentionMonths || key == .auditRetentionMonths, let months = Int(value) else { return SettingImpact() }
        let settings = try effectiveSettings()
        var impact = SettingImpact()
        do {
            try database.read {
                if key == .retentionMonths {
                    impact.peopleNow = try purgeCandidateCount(retentionMonths: settings.retentionMonths)
                    impact.peopleAfter = try purgeCandidateCount(retentionMonths: months)
                } else {
                    impact.auditRowsNow = try purgeAuditRowCount(months: settings.auditRetentionMonths)
                    impact.auditRowsAfter = try purgeAuditRowCount(months: months)
                }
            }
        } catch {
            throw .wrap(error)
        }
        return impact
    }

    /// Changes a setting (`text` checked as the page and the CLI check it). `expecting`: the digest
    /// of the value the form showed (a change from a stale page is refused); `confirmed`: the
    /// admin saw and accepted what the next gallring would then delete.
    public func changeSetting(_ key: RegisterSettingKey, to text: String, expecting: String? = nil,
                              confirmed: Bool = false) throws(RegisterError) -> SettingChangeOutcome {
        try checkRole([.admin], for: "settings.change")
        let value = try Self.validated(key, text)
        return try storeSetting(key, value: value, reset: false, expecting: expecting, confirmed: confirmed)
    }

    /// Removes the register's change of a setting: the config file's value (or the default) is in
    /// force again. Audited like a change.
    public func resetSetting(_ key: RegisterSettingKey, expecting: String? = nil, confirmed: Bool = false) throws(RegisterError) -> SettingChangeOutcome {
        try checkRole([.admin], for: "settings.reset")
        let current = try effectiveSettings()[key]
        guard current.source.isChanged else { return .unchanged }
        return try storeSetting(key, value: current.baseValue, reset: true, expecting: expecting, confirmed: confirmed)
    }

    private func storeSetting(_ key: RegisterSettingKey, value: String, reset: Bool, expecting: String?,
                              confirmed: Bool) throws(RegisterError) -> SettingChangeOutcome {
        let before = try effectiveSettings()[key]
        if let expecting, expecting != Self.settingDigest(before.value) {
            throw .staleView("\(key.label) har ändrats av någon annan sedan sidan visades; ingenting sparades. Se det nya värdet och försök igen.")
        }
        guard value != before.value || (reset && before.source.isChanged) else { return .unchanged }
        let impact = try settingImpact(key, value: value)
        if impact.needsConfirmation && !confirmed { return .needsConfirmation(impact) }
        let at = clock.now
        try write {
            // The same check in the write: two admins saving at once cannot both pass it.
            let inForce = try readEffectiveSettings()[key]
            guard inForce == before else {
                throw RegisterError.staleView("\(key.label) har ändrats av någon annan samtidigt; ingenting sparades. Se det nya värdet och försök igen.")
            }
            if reset {
                try database.execute("DELETE FROM register_setting WHERE key = ?", [.text(key.rawValue)])
            } else {
                try database.execute("""
                    INSERT INTO register_setting (key, value, changed_at, changed_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at, changed_by = excluded.changed_by
                    """, [.text(key.rawValue), .text(value), .text(at), .text(staff)])
            }
            if key == .auditRetentionMonths {
                // The audit log's delete trigger reads its retention from `setting` (migration 0001).
                try database.execute("""
                    INSERT INTO setting (key, value) VALUES ('audit_retention_months', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
                    """, [.text(value)])
            }
            var changes = AuditChanges()
            if key == .scbMapping {
                // The mapping is long: the log names it by digest (the page shows the text).
                changes.value(key.rawValue, before.value.isEmpty ? nil : "sha256:" + Self.settingDigest(before.value).prefix(16),
                              value.isEmpty ? nil : "sha256:" + Self.settingDigest(value).prefix(16))
            } else {
                changes.value(key.rawValue, before.value, value)
            }
            var detail = "key=\(key.rawValue)"
            if impact.needsConfirmation {
                detail += key == .retentionMonths ? " purge_people=\(impact.peopleNow)->\(impact.peopleAfter)"
                    : " purge_audit_rows=\(impact.auditRowsNow)->\(impact.auditRowsAfter)"
            }
            try audit(reset ? "settings.reset" : "settings.change", detail: detail, changes: changes)
        }
        return .changed
    }

    /// The audit retention in force: a stored change, else the config file's (for the delete
    /// trigger's `setting` row at opening).
    func auditRetentionInForce() throws -> Int {
        try readEffectiveSettings().auditRetentionMonths
    }
}

extension RegisterSetting.Source {
    /// Whether the value was changed in the register.
    public var isChanged: Bool {
        if case .changed = self { return true }
        return false
    }
}
