/// A decoded `application/x-www-form-urlencoded` body (or query string).
///
/// Strict, because every byte comes from outside: at most `maximumFields` fields, names of letters,
/// digits and `_`, values that are valid UTF-8 after percent-decoding, and a field given twice with
/// different values refused (a form never does that; a forger might, hoping two layers read
/// different ones).
public struct FormData: Sendable, Equatable {
    /// Fields in order of first appearance, each with its value.
    public private(set) var fields: [(name: String, value: String)] = []

    /// The most fields a form may have.
    public static let maximumFields = 200

    /// An empty form.
    public init() {}

    /// Fields from name–value pairs (for tests and for building links).
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Decodes `bytes`; throws `badRequest` naming what is wrong.
    public init(urlEncoded bytes: [UInt8]) throws(WebError) {
        guard !bytes.isEmpty else { return }
        var seen: [String: String] = [:]
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let pieces = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(Array(pieces[0]), what: "fältnamn")
            let value = try Self.decode(pieces.count > 1 ? Array(pieces[1]) : [], what: "värdet i fältet '\(name.prefix(40))'")
            guard !name.isEmpty, name.utf8.count <= 64, name.utf8.allSatisfy(Self.isNameByte) else {
                throw .badRequest("formuläret har ett ogiltigt fältnamn")
            }
            if let earlier = seen[name] {
                guard earlier == value else { throw .badRequest("fältet '\(name)' finns två gånger i formuläret") }
                continue
            }
            guard fields.count < Self.maximumFields else { throw .badRequest("formuläret har fler än \(Self.maximumFields) fält") }
            seen[name] = value
            fields.append((name: name, value: value))
        }
    }

    /// The value of `name`, or nil if absent.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The value of `name` trimmed of surrounding blanks, or nil when absent or blank.
    public func trimmed(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Whether a checkbox named `name` was ticked.
    public func isChecked(_ name: String) -> Bool {
        guard let value = self[name] else { return false }
        return value == "on" || value == "1" || value == "ja"
    }

    public static func == (lhs: FormData, rhs: FormData) -> Bool {
        lhs.fields.map(\.name) == rhs.fields.map(\.name) && lhs.fields.map(\.value) == rhs.fields.map(\.value)
    }

    /// `+` as space, `%XX` as a byte; the bytes must be UTF-8.
    static func decode(_ bytes: [UInt8], what: String) throws(WebError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    throw .badRequest("\(what) har en trasig %-kodning")
                }
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw .badRequest("\(what) är inte giltig UTF-8") }
        guard !text.unicodeScalars.contains(where: { $0.value == 0 }) else { throw .badRequest("\(what) innehåller ett NUL-tecken") }
        return text
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
    }

    /// The form as a query string (`a=1&b=x%20y`), for links that keep a list's filters.
    public var queryString: String {
        fields.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
                || byte == 0x5F || byte == 0x7E {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = Array("0123456789ABCDEF")
                out += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
            }
        }
        return out
    }
}

import Foundation

/// The cookies of a request's `Cookie` header (RFC 6265 §5.4): the first value of each name.
struct Cookies {
    private(set) var values: [String: String] = [:]

    init(header: String?) {
        guard let header, header.utf8.count <= 8192 else { return }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if values[name] == nil { values[name] = value }
        }
    }

    subscript(_ name: String) -> String? { values[name] }
}
