import Foundation

/// A response body of the sync protocol (design §7): encoded by the hub as canonical JSON and
/// decoded by the sync client, so both ends share one definition of every body.
public protocol WireBody: Codable, Sendable {}

extension WireBody {
    /// The body's canonical JSON bytes.
    public var json: [UInt8] { CanonicalJSON.encode(self) }

    /// The body in `bytes`, or nil when they do not hold one (a proxy's error page, a truncated answer).
    public init?(json bytes: [UInt8]) {
        guard let body = try? JSONDecoder().decode(Self.self, from: Data(bytes)) else { return nil }
        self = body
    }
}
