import Foundation
import KAACore

/// A JSON configuration file read key by key, every error naming the file and the key (exit 65).
public struct ConfigFile {
    /// The file's path.
    public let path: String
    private let object: [String: Any]

    /// Reads `path` as one JSON object.
    public init(path: String) throws(CommandLineError) {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .badValue(argument: "--config", message: "kan inte läsa \(path) som ett JSON-objekt")
        }
        self.path = path
        self.object = object
    }

    /// Refuses keys outside `allowed` (keys starting with `_` are comments).
    public func checkKeys(_ allowed: Set<String>) throws(CommandLineError) {
        for key in object.keys.sorted() where !allowed.contains(key) && !key.hasPrefix("_") {
            throw .badValue(argument: "--config", message: "\(path): okänd nyckel \"\(key)\"")
        }
    }

    /// A non-empty text value, or nil when absent.
    public func text(_ key: String) throws(CommandLineError) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value as? String, !text.isEmpty else { throw .badValue(argument: "--config", message: "\(path): \"\(key)\" ska vara text") }
        return text
    }

    /// A list of non-empty texts, or nil when absent.
    public func texts(_ key: String) throws(CommandLineError) -> [String]? {
        guard let value = object[key] else { return nil }
        guard let list = value as? [Any], let texts = list as? [String], texts.allSatisfy({ !$0.isEmpty }) else {
            throw .badValue(argument: "--config", message: "\(path): \"\(key)\" ska vara en lista med text")
        }
        return texts
    }

    /// A whole number in `range`, or nil when absent.
    public func integer(_ key: String, _ range: ClosedRange<Int>) throws(CommandLineError) -> Int? {
        guard let value = object[key] else { return nil }
        guard let number = value as? Int, !JSONScalar.isBoolean(value), range.contains(number) else {
            throw .badValue(argument: "--config", message: "\(path): \"\(key)\" ska vara ett heltal \(range.lowerBound)–\(range.upperBound)")
        }
        return number
    }

    /// A number in `range`, or nil when absent.
    public func number(_ key: String, _ range: ClosedRange<Double>) throws(CommandLineError) -> Double? {
        guard let value = object[key] else { return nil }
        guard let number = (value as? NSNumber)?.doubleValue, !JSONScalar.isBoolean(value), range.contains(number) else {
            throw .badValue(argument: "--config", message: "\(path): \"\(key)\" ska vara ett tal \(Int(range.lowerBound))–\(Int(range.upperBound))")
        }
        return number
    }
}
