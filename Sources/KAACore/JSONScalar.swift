import Foundation

/// Telling JSON booleans from numbers: on Linux, Foundation's `NSNumber` for 0 and 1 also casts to
/// `Bool`, so `value is Bool` would refuse the number 1. The stored C type tells them apart.
public enum JSONScalar {
    /// Whether a value from `JSONSerialization` was `true` or `false` in the JSON text.
    public static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return value is Bool }
        let type = String(cString: number.objCType)
        return type == "c" || type == "B"
    }
}
