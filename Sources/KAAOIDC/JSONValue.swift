import Foundation

/// A JSON value as the provider sent it (claims, metadata, keys): Sendable, unlike
/// JSONSerialization's `Any`, and with no lossy bridging (a boolean never reads as a number).
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes` as a JSON object (anything else is nil), with at most `maximumBytes`.
    public static func object(from bytes: [UInt8], maximumBytes: Int = 1 << 20) -> [String: JSONValue]? {
        guard bytes.count <= maximumBytes, let parsed = try? JSONSerialization.jsonObject(with: Data(bytes)),
              case let .object(object)? = JSONValue(parsed) else { return nil }
        return object
    }

    /// A value from JSONSerialization's output.
    init?(_ value: Any) {
        switch value {
        case let string as String:
            self = .string(string)
        case let number as NSNumber:
            // `true` and `false` come as NSNumbers too: tell them apart by their type, never by their value.
            let type = String(cString: number.objCType)
            if type == "c" || type == "B" { self = .bool(number.boolValue) } else { self = .number(number.doubleValue) }
        case is NSNull:
            self = .null
        case let array as [Any]:
            var values: [JSONValue] = []
            for element in array {
                guard let converted = JSONValue(element) else { return nil }
                values.append(converted)
            }
            self = .array(values)
        case let dictionary as [String: Any]:
            var values: [String: JSONValue] = [:]
            for (key, element) in dictionary {
                guard let converted = JSONValue(element) else { return nil }
                values[key] = converted
            }
            self = .object(values)
        default:
            return nil
        }
    }

    /// The string, if this is one.
    public var string: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    /// The number, if this is one.
    public var number: Double? {
        if case let .number(value) = self { return value }
        return nil
    }

    /// A string as one value, an array of strings as its values; nil for anything else (an
    /// array with a non-string in it included).
    public var strings: [String]? {
        switch self {
        case let .string(value): return [value]
        case let .array(values):
            var strings: [String] = []
            for value in values {
                guard let string = value.string else { return nil }
                strings.append(string)
            }
            return strings
        default: return nil
        }
    }
}
