import Foundation
import KAACore
import Testing

@Suite struct PerturbationTableTests {
    @Test(arguments: [(2, 1.0), (3, 1.5), (1, 0.4), (4, 2.5)])
    func everyRowHasTheRequiredProperties(_ d: Int, _ v: Double) throws {
        let table = try PerturbationTable(maximumNoise: d, variance: v)
        for n in 0...(d + 5) {
            let p = table.distribution(for: n)
            #expect(abs(p.reduce(0, +) - 1) < 1e-12, "n=\(n) sums to 1")
            #expect(p.allSatisfy { $0 >= 0 })
            let values = (-d...d).map(Double.init)
            let mean = zip(p, values).reduce(0) { $0 + $1.0 * $1.1 }
            let second = zip(p, values).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
            #expect(abs(mean) < 1e-10, "n=\(n) is unbiased")
            #expect(abs(second - (n == 0 ? 0 : v)) < 1e-10, "n=\(n) has variance V")
            for (index, probability) in p.enumerated() where probability > 0 {
                #expect(n + index - d >= 0, "never negative")
            }
            if n == 0 { #expect(p[d] == 1, "zero stays zero") }
        }
    }

    @Test func isTheMaximumEntropyDistributionNotJustAnyOne() throws {
        // For n ≥ D the constraints are symmetric; the maximum-entropy answer is symmetric too, and
        // has higher entropy than another valid distribution with the same moments.
        let table = try PerturbationTable(maximumNoise: 2, variance: 1)
        let p = table.distribution(for: 5)
        #expect(abs(p[0] - p[4]) < 1e-12 && abs(p[1] - p[3]) < 1e-12)
        func entropy(_ q: [Double]) -> Double { -q.filter { $0 > 0 }.reduce(0) { $0 + $1 * log($1) } }
        let other = [0.125, 0.0, 0.75, 0.0, 0.125] // mean 0, variance 1, also on -2…2
        #expect(entropy(p) > entropy(other))
    }

    @Test func refusesImpossibleParameters() {
        #expect(throws: PerturbationError.self) { try PerturbationTable(maximumNoise: 1, variance: 1.5) }
        #expect(throws: PerturbationError.self) { try PerturbationTable(maximumNoise: 0, variance: 1) }
        #expect(throws: PerturbationError.self) { try PerturbationTable(maximumNoise: 2, variance: -1) }
    }

    @Test func publishedValuesAreBoundedNonNegativeDeterministicAndUnbiased() throws {
        let table = try PerturbationTable()
        var generator = SystemRandomNumberGenerator()
        var totalNoise = 0
        let samples = 200_000
        for _ in 0..<samples {
            let n = Int.random(in: 0...40, using: &generator)
            let ck = UInt32.random(in: 0...UInt32.max, using: &generator)
            let value = table.publish(n: n, ck: ck)
            #expect(value >= 0)
            #expect(abs(value - n) <= 2)
            #expect(table.publish(n: n, ck: ck) == value, "the same cell gives the same figure")
            if n == 0 { #expect(value == 0) }
            totalNoise += value - n
        }
        let meanNoise = Double(totalNoise) / Double(samples)
        #expect(abs(meanNoise) < 0.02, "mean noise \(meanNoise) is near 0")
    }
}
