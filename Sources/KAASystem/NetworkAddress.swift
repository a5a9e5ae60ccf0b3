#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, parsed by the C library's `inet_pton` (never by hand).
public struct NetworkAddress: Sendable, Equatable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), network order.
    public let bytes: [UInt8]

    /// Parses numeric text ("192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1" as IPv4); nil for
    /// anything else (names, ports, zone ids, spaces).
    public init?(_ text: some StringProtocol) {
        let string = String(text)
        // A NUL would end the C string early: "1.2.3.4\0junk" must not read as 1.2.3.4.
        guard string.utf8.count <= 45, !string.isEmpty, !string.utf8.contains(0) else { return nil }
        var four = in_addr()
        if inet_pton(AF_INET, string, &four) == 1 {
            bytes = withUnsafeBytes(of: &four) { Array($0) }
            return
        }
        var six = in6_addr()
        guard inet_pton(AF_INET6, string, &six) == 1 else { return nil }
        let raw = withUnsafeBytes(of: &six) { Array($0) }
        // An IPv4 client of a dual-stack socket is the IPv4 address it is.
        if raw.prefix(10).allSatisfy({ $0 == 0 }) && raw[10] == 0xFF && raw[11] == 0xFF {
            bytes = Array(raw.suffix(4))
        } else {
            bytes = raw
        }
    }

    /// The address as numeric text, from `inet_ntop`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) } != nil
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address or a CIDR block ("127.0.0.1", "10.0.0.0/8", "fd00::/8").
public struct NetworkRange: Sendable, Equatable, CustomStringConvertible {
    public let address: NetworkAddress
    public let prefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`; nil when either part is not valid (a prefix longer than
    /// the address, host bits set in a block).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = NetworkAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), parts[1].count <= 3, let length = Int(parts[1]), length <= bits else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.address = address
        // "10.1.2.3/8" is refused: the writer meant either the address or the block, not both.
        guard Self.masked(address.bytes, prefixLength) == address.bytes else { return nil }
    }

    /// Whether `candidate` lies in this range (an IPv4 address never in an IPv6 range, or the reverse).
    public func contains(_ candidate: NetworkAddress) -> Bool {
        candidate.bytes.count == address.bytes.count && Self.masked(candidate.bytes, prefixLength) == address.bytes
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, length - index * 8))
            return keep == 8 ? byte : keep == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }
}
