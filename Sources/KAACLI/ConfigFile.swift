import Foundation
import KAARegister

/// A JSON configuration file read key by key, every error naming the file and the key.
struct ConfigFile {
    let path: String
    private let object: [String: Any]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CLIError.badValue(option: "--config", message: "kan inte läsa \(path) som ett JSON-objekt")
        }
        self.path = path
        self.object = object
    }

    /// Refuses keys outside `allowed` (keys starting with `_` are comments).
    func checkKeys(_ allowed: Set<String>) throws {
        for key in object.keys.sorted() where !allowed.contains(key) && !key.hasPrefix("_") {
            throw CLIError.badValue(option: "--config", message: "\(path): okänd nyckel \"\(key)\"")
        }
    }

    /// A non-empty text value, or nil when absent.
    func text(_ key: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value as? String, !text.isEmpty else { throw CLIError.badValue(option: "--config", message: "\(path): \"\(key)\" ska vara text") }
        return text
    }

    /// A whole number in `range`, or nil when absent.
    func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let value = object[key] else { return nil }
        guard let number = value as? Int, !JSONScalar.isBoolean(value), range.contains(number) else {
            throw CLIError.badValue(option: "--config", message: "\(path): \"\(key)\" ska vara ett heltal \(range.lowerBound)–\(range.upperBound)")
        }
        return number
    }

    /// A number in `range`, or nil when absent.
    func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
        guard let value = object[key] else { return nil }
        guard let number = (value as? NSNumber)?.doubleValue, !JSONScalar.isBoolean(value), range.contains(number) else {
            throw CLIError.badValue(option: "--config", message: "\(path): \"\(key)\" ska vara ett tal \(Int(range.lowerBound))–\(Int(range.upperBound))")
        }
        return number
    }
}
