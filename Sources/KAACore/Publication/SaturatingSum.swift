/// Sums that stop at `Int.max` instead of trapping.
///
/// The hub adds counts sent by kommuner; the hub bounds every count it accepts, but a read path
/// must not be one bad row away from a crash (a trap there took down every restart and every
/// other kommun's region fetch), so every sum of counts goes through here.
public enum SaturatingSum {
    /// `a + b`, or `Int.max` / `Int.min` where the true sum lies beyond them.
    public static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? Int.max : Int.min
    }

    /// The saturating sum of `values`.
    public static func total(_ values: some Sequence<Int>) -> Int {
        values.reduce(0, add)
    }
}
