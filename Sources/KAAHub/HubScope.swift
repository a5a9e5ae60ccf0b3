import KAACore

/// The kommuner a hub accepts (`lan` and `kommuner` in its config): those of the listed län and
/// the single kommuner listed, or, with neither, every kommun.
public struct HubScope: Sendable, Equatable {
    /// The län (two-digit county codes) whose every kommun is accepted.
    public let counties: Set<String>
    /// Single kommuner accepted besides those of `counties`.
    public let kommuner: Set<String>

    /// Every kommun (no `lan` and no `kommuner` in the config: today's behaviour).
    public static let everyKommun = HubScope(counties: [], kommuner: [])

    /// A scope of the kommuner of `counties` and the `kommuner`; both empty: every kommun.
    public init(counties: Set<String>, kommuner: Set<String>) {
        self.counties = counties
        self.kommuner = kommuner
    }

    /// Whether the hub accepts `kommun`.
    public func accepts(_ kommun: String) -> Bool {
        if counties.isEmpty && kommuner.isEmpty { return true }
        if kommuner.contains(kommun) { return true }
        guard let county = Kommuner.all[kommun]?.county else { return false }
        return counties.contains(county)
    }

    /// Every län the scope names, whole or through a single kommun (empty for `everyKommun`).
    public var namedCounties: Set<String> {
        counties.union(kommuner.compactMap { Kommuner.all[$0]?.county })
    }

    /// The scope in words for a refusal: `län 03, 04 och kommunerna 0180`.
    var description: String {
        guard self != .everyKommun else { return "alla kommuner" }
        var parts: [String] = []
        if !counties.isEmpty { parts.append("län " + counties.sorted().joined(separator: ", ")) }
        if !kommuner.isEmpty { parts.append("kommunerna " + kommuner.sorted().joined(separator: ", ")) }
        return parts.joined(separator: " och ")
    }
}
