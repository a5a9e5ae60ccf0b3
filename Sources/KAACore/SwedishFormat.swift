import Foundation

/// Numbers as Swedish readers expect them: a decimal comma, "–" for a figure that does not exist.
public enum SwedishFormat {
    /// A share (0.163) as a percentage with one decimal: `16,3 %`.
    public static func percent(_ share: Double?) -> String {
        share.map { String(format: "%.1f %%", $0 * 100).replacingOccurrences(of: ".", with: ",") } ?? "–"
    }

    /// A count as a whole number, or a share as a percentage.
    public static func figure(_ value: Double?, isShare: Bool) -> String {
        guard let value else { return "–" }
        return isShare ? percent(value) : String(Int(value))
    }
}
