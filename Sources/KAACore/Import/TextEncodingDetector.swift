/// The encodings import files come in.
public enum ImportEncoding: String, Sendable {
    case utf8 = "UTF-8"
    /// Windows-1252, which is ISO-8859-1 plus printable characters in 0x80–0x9F.
    case windows1252 = "Windows-1252"

    /// Decodes `bytes` (a field) to a string.
    public func decode(_ bytes: ArraySlice<UInt8>) -> String {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                if byte >= 0x80, byte < 0xA0, let scalar = Unicode.Scalar(ImportEncoding.windows1252High[Int(byte - 0x80)]) {
                    scalars.append(scalar)
                } else {
                    scalars.append(Unicode.Scalar(byte))
                }
            }
            return String(scalars)
        }
    }

    // Windows-1252's 0x80–0x9F; undefined positions map to the C1 control of the same value.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

/// Decides a file's encoding from all of its bytes: UTF-8 if every byte sequence is valid UTF-8,
/// else Windows-1252. Feed it the file in chunks of any size.
public struct TextEncodingDetector: Sendable {
    private var pending = 0          // continuation bytes still expected
    private var minimumNext: UInt8 = 0x80
    private var maximumNext: UInt8 = 0xBF
    private var isValid = true
    private var sawNonASCII = false
    private var atStart = true
    /// Whether the file began with a UTF-8 byte-order mark.
    public private(set) var hasByteOrderMark = false

    public init() {}

    /// Looks at the next bytes of the file.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        if atStart, !bytes.isEmpty {
            atStart = false
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { hasByteOrderMark = true }
        }
        guard isValid else { return }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if pending > 0 {
                guard byte >= minimumNext, byte <= maximumNext else { isValid = false; return }
                minimumNext = 0x80
                maximumNext = 0xBF
                pending -= 1
                continue
            }
            if byte < 0x80 { continue }
            sawNonASCII = true
            switch byte {
            case 0xC2...0xDF: pending = 1
            case 0xE0: pending = 2; minimumNext = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: pending = 2
            case 0xED: pending = 2; maximumNext = 0x9F
            case 0xF0: pending = 3; minimumNext = 0x90
            case 0xF1...0xF3: pending = 3
            case 0xF4: pending = 3; maximumNext = 0x8F
            default: isValid = false; return
            }
        }
    }

    /// The encoding, once the whole file has been fed.
    public var encoding: ImportEncoding {
        isValid && pending == 0 ? .utf8 : .windows1252
    }
}
