import Foundation
@testable import KAARegister
import Testing

@Suite struct ClockTests {
    @Test(arguments: [0.0, 951_782_400.5, 1_795_478_399.999, 4_102_444_800, -86_401])
    func auditTimesAreISO8601InUTC(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        #expect(SystemClock.utcTimestamp(date) == formatter.string(from: date))
    }
}
