import Foundation

/// The Cell Key Method's perturbation table (design §8): for each count `n`, a distribution of
/// noise over `-D…D`.
///
/// Method: for `n ≥ 1` the distribution is the maximum-entropy distribution on the allowed noise
/// values `{k : -D ≤ k ≤ D, n + k ≥ 0}` with mean 0 and variance `V`. Maximum entropy under
/// constraints on E[k] and E[k²] has the form `p(k) ∝ exp(a·k + b·k²)`; `a` and `b` are found with a
/// damped Newton iteration on the two moment equations. For `n = 0` the noise is always 0. Every
/// `n ≥ D` allows the same values, so one row serves them all.
public struct PerturbationTable: Sendable, Equatable {
    /// The largest absolute noise.
    public let maximumNoise: Int
    /// The noise variance.
    public let variance: Double
    /// `rows[n]` for `n = 1…D` (index 0 unused): the probabilities of noise `-D…D`.
    public let rows: [[Double]]

    /// Builds the table; throws when no distribution with these moments exists.
    public init(maximumNoise: Int = 2, variance: Double = 1) throws(PerturbationError) {
        guard (1...10).contains(maximumNoise) else { throw PerturbationError("D must be 1–10, not \(maximumNoise)") }
        guard variance > 0 else { throw PerturbationError("V must be positive") }
        self.maximumNoise = maximumNoise
        self.variance = variance
        var rows: [[Double]] = [Array(repeating: 0, count: 2 * maximumNoise + 1)]
        for n in 1...maximumNoise {
            let support = (-maximumNoise...maximumNoise).filter { n + $0 >= 0 }
            let probabilities = try Self.maximumEntropy(support: support, variance: variance, n: n)
            var row = Array(repeating: 0.0, count: 2 * maximumNoise + 1)
            for (k, p) in zip(support, probabilities) { row[k + maximumNoise] = p }
            rows.append(row)
        }
        self.rows = rows
    }

    /// The probabilities of noise `-D…D` for a count `n`.
    public func distribution(for n: Int) -> [Double] {
        guard n > 0 else {
            var zero = Array(repeating: 0.0, count: 2 * maximumNoise + 1)
            zero[maximumNoise] = 1
            return zero
        }
        return rows[min(n, maximumNoise)]
    }

    /// The noise for a count `n` and a cell key in [0, 1): the value whose cumulative probability
    /// first exceeds the key. The same `n` and key always give the same noise.
    public func noise(n: Int, cellKey: Double) -> Int {
        guard n > 0 else { return 0 }
        var cumulative = 0.0
        let row = distribution(for: n)
        for (index, p) in row.enumerated() where p > 0 {
            cumulative += p
            if cellKey < cumulative { return index - maximumNoise }
        }
        // Rounding may leave the last cumulative a hair below 1: the largest allowed value.
        return (row.lastIndex { $0 > 0 } ?? maximumNoise) - maximumNoise
    }

    /// The published value of a count with the sum of its contributors' period keys.
    /// Saturates rather than trapping at the edge of `Int` (the hub bounds counts far below it).
    public func publish(n: Int, ck: UInt32) -> Int {
        SaturatingSum.add(n, noise(n: n, cellKey: Double(ck) / 4_294_967_296))
    }

    /// The exact counts that can be published as `value`: every `n` whose noise row allows
    /// `value - n` (none for a negative value).
    public func counts(publishing value: Int) -> [Int] {
        guard value >= 0 else { return [] }
        return (max(0, value - maximumNoise)...SaturatingSum.add(value, maximumNoise)).filter { n in
            distribution(for: n)[value - n + maximumNoise] > 0
        }
    }

    /// Whether no published value tells an empty group from one of one or two people (design §8):
    /// every value that 0, 1 or 2 can be published as can also come from a count on the other
    /// side (a published 0 also from 1 or 2; a value from 1 or 2 also from 0 or from 3 and more).
    /// True for every table with `D ≥ 2`; with `D = 1` a published 1 could only be 1 or 2 people.
    public var keepsSmallCountsAmbiguous: Bool {
        (0...(2 + maximumNoise)).allSatisfy { value in
            let counts = Set(counts(publishing: value))
            guard !counts.isDisjoint(with: [0, 1, 2]) else { return true }
            return !counts.isSubset(of: [0]) && !counts.isSubset(of: [1, 2])
        }
    }

    private static func maximumEntropy(support: [Int], variance: Double, n: Int) throws(PerturbationError) -> [Double] {
        let ks = support.map(Double.init)
        func probabilities(_ a: Double, _ b: Double) -> [Double] {
            let exponents = ks.map { a * $0 + b * $0 * $0 }
            let top = exponents.max() ?? 0
            let weights = exponents.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            return weights.map { $0 / total }
        }
        func moments(_ p: [Double]) -> [Double] {
            (1...4).map { power in zip(p, ks).reduce(0) { $0 + $1.0 * pow($1.1, Double(power)) } }
        }
        func residual(_ a: Double, _ b: Double) -> (Double, Double) {
            let m = moments(probabilities(a, b))
            return (m[0], m[1] - variance)
        }
        var a = 0.0, b = 0.0
        for _ in 0..<500 {
            let (r1, r2) = residual(a, b)
            let error = abs(r1) + abs(r2)
            if error < 1e-13 { return probabilities(a, b) }
            let m = moments(probabilities(a, b))
            // Jacobian of (E[k], E[k²]) by (a, b): the covariances of (k, k²).
            let j11 = m[1] - m[0] * m[0], j12 = m[2] - m[0] * m[1], j22 = m[3] - m[1] * m[1]
            let determinant = j11 * j22 - j12 * j12
            guard determinant.isFinite, abs(determinant) > 1e-300 else { break }
            let da = (j22 * r1 - j12 * r2) / determinant
            let db = (j11 * r2 - j12 * r1) / determinant
            var step = 1.0
            while step > 1e-9 {
                let (n1, n2) = residual(a - step * da, b - step * db)
                if abs(n1) + abs(n2) < error { break }
                step /= 2
            }
            a -= step * da
            b -= step * db
        }
        throw PerturbationError("no noise distribution on \(support.first ?? 0)…\(support.last ?? 0) has mean 0 and variance \(variance) (count \(n)); choose a smaller V or a larger D")
    }
}

/// Parameters for which no table exists.
public struct PerturbationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
