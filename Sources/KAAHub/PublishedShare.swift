/// The share of 16–19-year-olds in KAA for a kommun (nil: the region, or with `county` a län),
/// from published figures only, or why there is none.
public struct PublishedShare: Sendable, Equatable {
    /// Why a share is not shown.
    public enum Absence: String, Sendable {
        /// No population figure for the period (no folkbokföring extract, or the kommun has not
        /// reported at all; for the region or a län: some reporting kommun of it sent no population).
        case notReported = "not_reported"
        /// The published population is below the hub's `shareMinimumDenominator`: a percentage
        /// of a handful of people would mostly show the noise.
        case smallDenominator = "small_denominator"
    }

    public let kommun: String?
    /// In KAA ÷ population, both published figures; nil when `reason` is set.
    public let share: Double?
    /// Why `share` is nil.
    public let reason: Absence?
    /// The län of a county-level share; nil for a kommun's or the region's.
    public var county: String? = nil
}
