import Foundation
import KAACore
import KAACrypto

/// A sealed batch: the cells that changed, with their new absolute `n` and `ck` (design §7).
public struct Batch: Sendable, Equatable {
    /// A generation's first batch is a snapshot of every cell; later ones carry changes.
    public enum Kind: String, Sendable {
        case snapshot
        case changes
    }

    public let kommun: String
    public let generation: String
    public let seq: Int
    public let kind: Kind
    public let catalogueVersion: Int
    /// The state's digest before this batch (as the client sealed it).
    public let previousDigest: String
    /// The state's digest after it.
    public let digest: String
    public let sealedAt: String
    /// Changed cells; `n = 0` means the cell disappeared.
    public let cells: [Cell]

    public init(kommun: String, generation: String, seq: Int, kind: Kind, catalogueVersion: Int = CellTable.catalogueVersion,
                previousDigest: String, digest: String, sealedAt: String, cells: [Cell]) {
        self.kommun = kommun
        self.generation = generation
        self.seq = seq
        self.kind = kind
        self.catalogueVersion = catalogueVersion
        self.previousDigest = previousDigest
        self.digest = digest
        self.sealedAt = sealedAt
        self.cells = cells
    }

    /// The batch as JSON bytes: keys sorted, cells in digest-line order, no insignificant space.
    /// The same batch always gives the same bytes.
    public func encoded() -> [UInt8] {
        var out = "{\"catalogue_version\":\(catalogueVersion),\"cells\":["
        let sorted = cells.map { (Array(StateDigest.line($0).utf8), $0) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
        for (index, cell) in sorted.enumerated() {
            if index > 0 { out += "," }
            out += "{\"ck\":\(cell.ck),\"dims\":{"
            out += cell.dims.pairs.map { "\(JSONText.string($0.key)):\(JSONText.string($0.value))" }.joined(separator: ",")
            out += "},\"n\":\(cell.n),\"period\":\(JSONText.string(cell.period.description)),\"table\":\(JSONText.string(cell.table.rawValue))}"
        }
        out += "],\"digest\":\(JSONText.string(digest)),\"format\":\"kaa-batch\",\"generation\":\(JSONText.string(generation)),"
        out += "\"kind\":\(JSONText.string(kind.rawValue)),\"kommun\":\(JSONText.string(kommun)),"
        out += "\"prev_digest\":\(JSONText.string(previousDigest)),\"sealed_at\":\(JSONText.string(sealedAt)),\"seq\":\(seq)}"
        return Array(out.utf8)
    }

    /// Parses and validates a batch body (design §9: known catalogue, tables, dims and codes;
    /// `0 ≤ n ≤ maximumCount`; well-formed periods and identity). Throws a message saying what is wrong.
    public static func decode(_ body: [UInt8], catalog: CodeCatalog = .builtIn,
                              maximumCount: Int = CellTable.defaultMaximumCount) throws(BatchError) -> Batch {
        let wire: WireBatch
        do {
            wire = try JSONDecoder().decode(WireBatch.self, from: Data(body))
        } catch {
            throw BatchError("the body is not a valid batch: \(Self.describe(error))")
        }
        guard wire.format == "kaa-batch" else { throw BatchError("format must be \"kaa-batch\"") }
        guard wire.catalogue_version == CellTable.catalogueVersion else {
            throw BatchError("unknown catalogue_version \(wire.catalogue_version); this hub knows \(CellTable.catalogueVersion)")
        }
        guard KommunCode.isWellFormed(wire.kommun) else { throw BatchError("kommun must be four digits") }
        guard Generation.isWellFormed(wire.generation) else { throw BatchError("generation must be 32 lowercase hex digits") }
        guard wire.seq >= 1 else { throw BatchError("seq must be 1 or more") }
        guard let kind = Kind(rawValue: wire.kind) else { throw BatchError("kind must be snapshot or changes") }
        guard (kind == .snapshot) == (wire.seq == 1) else { throw BatchError("a generation's first batch (seq 1) and only it is a snapshot") }
        guard Digest.isWellFormed(wire.prev_digest), Digest.isWellFormed(wire.digest) else {
            throw BatchError("prev_digest and digest must be 64 lowercase hex digits")
        }
        var cells: [Cell] = []
        var seen = Set<CellKey>()
        cells.reserveCapacity(wire.cells.count)
        // A batch has few tables and periods and many cells: each is looked up once per batch.
        var lookups = CellValidation.Lookups(catalog: catalog, maximumCount: maximumCount)
        for (index, cell) in wire.cells.enumerated() {
            let parsed = try CellValidation.validate(cell, index: index, lookups: &lookups)
            guard kind == .changes || parsed.n > 0 else { throw BatchError("cells[\(index)]: a snapshot holds no cell with n = 0") }
            let key = parsed.key
            guard seen.insert(key).inserted else { throw BatchError("cells[\(index)]: the cell \(key) occurs twice") }
            cells.append(parsed)
        }
        return Batch(kommun: wire.kommun, generation: wire.generation, seq: wire.seq, kind: kind, catalogueVersion: wire.catalogue_version,
                     previousDigest: wire.prev_digest, digest: wire.digest, sealedAt: wire.sealed_at, cells: cells)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): return "missing \"\(key.stringValue)\""
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case let DecodingError.dataCorrupted(context):
            return context.codingPath.isEmpty ? "malformed JSON" : "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "malformed JSON"
        }
    }
}

/// A batch that cannot be accepted, and why.
public struct BatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The JSON shape of a batch.
struct WireBatch: Decodable {
    struct WireCell: Decodable {
        let table: String
        let period: String
        let dims: [String: String]
        let n: Int
        let ck: UInt32
    }

    let format: String
    let catalogue_version: Int
    let kommun: String
    let generation: String
    let seq: Int
    let kind: String
    let prev_digest: String
    let digest: String
    let sealed_at: String
    let cells: [WireCell]
}

/// Checks a batch's cells against the catalogue (`CellTable.definition`).
enum CellValidation {
    /// The allowed values per table and the parsed periods met so far in one batch.
    struct Lookups {
        let catalog: CodeCatalog
        /// The largest `n` a cell may have.
        let maximumCount: Int
        var allowed: [CellTable: [String: Set<String>]] = [:]
        var periods: [String: Period] = [:]

        mutating func allowedValues(_ table: CellTable) -> [String: Set<String>] {
            if let known = allowed[table] { return known }
            let values = table.definition.allowedValues(catalog: catalog)
            allowed[table] = values
            return values
        }

        mutating func period(_ text: String) -> Period? {
            if let known = periods[text] { return known }
            guard let period = Period(text), (2000...2100).contains(period.firstDay.year) else { return nil }
            periods[text] = period
            return period
        }
    }

    static func validate(_ cell: WireBatch.WireCell, index: Int, lookups: inout Lookups) throws(BatchError) -> Cell {
        guard let table = CellTable(rawValue: cell.table) else { throw BatchError("cells[\(index)]: unknown table \"\(cell.table)\"") }
        guard let period = lookups.period(cell.period) else {
            throw BatchError("cells[\(index)]: malformed period \"\(cell.period)\"")
        }
        guard cell.n >= 0 else { throw BatchError("cells[\(index)]: n must not be negative") }
        // Bounded so that no sum over the region's cells can come near Int's limit.
        guard cell.n <= lookups.maximumCount else { throw BatchError("cells[\(index)]: n is above the hub's largest plausible count \(lookups.maximumCount)") }
        let allowed = lookups.allowedValues(table)
        guard Set(cell.dims.keys) == Set(allowed.keys) else {
            throw BatchError("cells[\(index)]: \(table.rawValue) takes the dims \(allowed.keys.sorted().joined(separator: ", "))")
        }
        for (key, value) in cell.dims where !(allowed[key]?.contains(value) ?? false) {
            throw BatchError("cells[\(index)]: unknown \(key) \"\(value)\" in \(table.rawValue)")
        }
        return Cell(table: table, period: period, dims: Dims(cell.dims), n: cell.n, ck: cell.ck)
    }
}

/// Checks on the identifiers of the protocol.
public enum KommunCode {
    public static func isWellFormed(_ code: String) -> Bool { code.utf8.count == 4 && code.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
}

public enum Generation {
    /// A new random generation id: 16 bytes as 32 lowercase hex digits.
    public static func make() throws(CryptoError) -> String { Crypto.hex(try Crypto.randomBytes(16)) }
    public static func isWellFormed(_ text: String) -> Bool { text.utf8.count == 32 && text.utf8.allSatisfy(Digest.isLowerHex) }
}

public enum Digest {
    public static func isWellFormed(_ text: String) -> Bool { text.utf8.count == 64 && text.utf8.allSatisfy(isLowerHex) }
    static func isLowerHex(_ byte: UInt8) -> Bool { (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) }
}

/// Minimal JSON text helpers for deterministic output.
public enum JSONText {
    /// A JSON string literal.
    public static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
