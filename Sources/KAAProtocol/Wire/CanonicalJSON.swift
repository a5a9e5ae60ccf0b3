import Foundation

/// Canonical JSON for the protocol's `Encodable` bodies: keys sorted bytewise, no insignificant
/// space, strings escaped as `JSONText`, `nil` written as `null`, numbers exactly as the hub has
/// always written them (`FixedPoint` for decimals). `JSONEncoder` differs in all of these (it omits
/// nil keys, escapes `\b` and `\f`, and writes 0.25 for 0.2500), and the wire bytes must not move.
public enum CanonicalJSON {
    /// The canonical bytes of `value`.
    ///
    /// The protocol's bodies encode without failing (no custom encoder that throws, no non-finite
    /// number); a type that does not is a programmer error.
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let root = Slot()
        do {
            try value.encode(to: NodeEncoder(slot: root, codingPath: []))
        } catch {
            preconditionFailure("a protocol body failed to encode: \(error)")
        }
        var out = ""
        root.render(into: &out)
        return Array(out.utf8)
    }
}

/// A decimal number written with a fixed number of places (`0.2500`), for figures whose text
/// the wire has always fixed. Other encoders see a plain `Double`.
public struct FixedPoint: Encodable, Sendable {
    /// The number.
    public let value: Double
    /// Decimals written.
    public let places: Int

    /// `value` to be written with `places` decimals.
    public init(_ value: Double, places: Int) {
        self.value = value
        self.places = places
    }

    var text: String { String(format: "%.\(places)f", value) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Where one encoded value goes: a leaf, an object or an array filled in by containers.
private final class Slot {
    enum Content {
        case empty
        case leaf(String)
        case object(ObjectBox)
        case array(ArrayBox)
    }

    var content = Content.empty

    func object() -> ObjectBox {
        if case let .object(box) = content { return box }
        let box = ObjectBox()
        content = .object(box)
        return box
    }

    func array() -> ArrayBox {
        if case let .array(box) = content { return box }
        let box = ArrayBox()
        content = .array(box)
        return box
    }

    func render(into out: inout String) {
        switch content {
        case .empty: out += "null"
        case let .leaf(text): out += text
        case let .object(box):
            out += "{"
            for (index, member) in box.members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { out += "," }
                out += JSONText.string(member.key) + ":"
                member.value.render(into: &out)
            }
            out += "}"
        case let .array(box):
            out += "["
            for (index, item) in box.items.enumerated() {
                if index > 0 { out += "," }
                item.render(into: &out)
            }
            out += "]"
        }
    }
}

private final class ObjectBox {
    var members: [String: Slot] = [:]
}

private final class ArrayBox {
    var items: [Slot] = []
}

/// The leaf text of a primitive, or nil for a value that encodes itself through containers.
/// Every primitive a container accepts is here, so no primitive recurses into its own encoding.
private func leaf(_ value: some Encodable) throws -> String? {
    switch value {
    case let value as String: return JSONText.string(value)
    case let value as Bool: return value ? "true" : "false"
    case let value as FixedPoint: return try finite(value.value, value.text)
    case let value as Int: return String(value)
    case let value as Int8: return String(value)
    case let value as Int16: return String(value)
    case let value as Int32: return String(value)
    case let value as Int64: return String(value)
    case let value as UInt: return String(value)
    case let value as UInt8: return String(value)
    case let value as UInt16: return String(value)
    case let value as UInt32: return String(value)
    case let value as UInt64: return String(value)
    case let value as Double: return try finite(value, "\(value)")
    case let value as Float: return try finite(Double(value), "\(value)")
    default: return nil
    }
}

/// `text` for a finite number; JSON has no NaN or infinity.
private func finite(_ value: Double, _ text: String) throws -> String {
    guard value.isFinite else {
        throw EncodingError.invalidValue(value, EncodingError.Context(codingPath: [], debugDescription: "JSON has no \(value)"))
    }
    return text
}

private func encodeValue(_ value: some Encodable, into slot: Slot, codingPath: [any CodingKey]) throws {
    if let text = try leaf(value) {
        slot.content = .leaf(text)
    } else {
        try value.encode(to: NodeEncoder(slot: slot, codingPath: codingPath))
    }
}

private struct NodeEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedNodeContainer<Key>(box: slot.object(), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedNodeContainer(box: slot.array(), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(slot: slot, codingPath: codingPath)
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    let codingPath: [any CodingKey]

    private func slot(_ key: Key) -> Slot {
        let slot = Slot()
        box.members[key.stringValue] = slot
        return slot
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).content = .leaf("null") }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeMember(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encodeMember(value, key) }

    private func encodeMember(_ value: some Encodable, _ key: Key) throws {
        try encodeValue(value, into: slot(key), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(box: slot(key).object(), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedNodeContainer(box: slot(key).array(), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(slot: Slot(), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(slot: slot(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let box: ArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    private func slot() -> Slot {
        let slot = Slot()
        box.items.append(slot)
        return slot
    }

    mutating func encodeNil() throws { slot().content = .leaf("null") }
    mutating func encode(_ value: Bool) throws { try append(value) }
    mutating func encode(_ value: String) throws { try append(value) }
    mutating func encode(_ value: Double) throws { try append(value) }
    mutating func encode(_ value: Float) throws { try append(value) }
    mutating func encode(_ value: Int) throws { try append(value) }
    mutating func encode(_ value: Int8) throws { try append(value) }
    mutating func encode(_ value: Int16) throws { try append(value) }
    mutating func encode(_ value: Int32) throws { try append(value) }
    mutating func encode(_ value: Int64) throws { try append(value) }
    mutating func encode(_ value: UInt) throws { try append(value) }
    mutating func encode(_ value: UInt8) throws { try append(value) }
    mutating func encode(_ value: UInt16) throws { try append(value) }
    mutating func encode(_ value: UInt32) throws { try append(value) }
    mutating func encode(_ value: UInt64) throws { try append(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try append(value) }

    private func append(_ value: some Encodable) throws {
        try encodeValue(value, into: slot(), codingPath: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(box: slot().object(), codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedNodeContainer(box: slot().array(), codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(slot: slot(), codingPath: codingPath) }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.content = .leaf("null") }
    mutating func encode(_ value: Bool) throws { try set(value) }
    mutating func encode(_ value: String) throws { try set(value) }
    mutating func encode(_ value: Double) throws { try set(value) }
    mutating func encode(_ value: Float) throws { try set(value) }
    mutating func encode(_ value: Int) throws { try set(value) }
    mutating func encode(_ value: Int8) throws { try set(value) }
    mutating func encode(_ value: Int16) throws { try set(value) }
    mutating func encode(_ value: Int32) throws { try set(value) }
    mutating func encode(_ value: Int64) throws { try set(value) }
    mutating func encode(_ value: UInt) throws { try set(value) }
    mutating func encode(_ value: UInt8) throws { try set(value) }
    mutating func encode(_ value: UInt16) throws { try set(value) }
    mutating func encode(_ value: UInt32) throws { try set(value) }
    mutating func encode(_ value: UInt64) throws { try set(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try set(value) }

    private func set(_ value: some Encodable) throws {
        try encodeValue(value, into: slot, codingPath: codingPath)
    }
}
