/// Where the values of one dimension of a cell table come from.
public enum CellDimensionValues: Sendable {
    /// A fixed set (`sex`, `age`, `band`).
    case fixed(Set<String>)
    /// The codes of a code list, less some that count nowhere.
    case codes(CodeList, excluding: Set<String> = [])

    /// The allowed values, with code lists read from `catalog`.
    public func values(catalog: CodeCatalog) -> Set<String> {
        switch self {
        case let .fixed(values): return values
        case let .codes(list, excluded): return Set(catalog.codes(in: list).map(\.code)).subtracting(excluded)
        }
    }
}

/// One table of the cell catalogue: its dimensions and whether its cells add up to a people total.
public struct CellTableDefinition: Sendable {
    /// Dimension name → where its values come from.
    public let dimensions: [String: CellDimensionValues]
    /// Whether summing the table's cells counts each person once (false where a person can count
    /// in several cells, as in `in_measure`), so that a table total may be published.
    public let hasPeopleTotal: Bool

    init(_ dimensions: [String: CellDimensionValues], hasPeopleTotal: Bool = true) {
        self.dimensions = dimensions
        self.hasPeopleTotal = hasPeopleTotal
    }

    /// The dimension names, sorted.
    public var dimensionNames: [String] { dimensions.keys.sorted() }

    /// The allowed values of each dimension, with code lists read from `catalog`.
    public func allowedValues(catalog: CodeCatalog = .builtIn) -> [String: Set<String>] {
        dimensions.mapValues { $0.values(catalog: catalog) }
    }
}

extension CellTable {
    private static let sexes = CellDimensionValues.fixed(["K", "M"])
    private static let ages = CellDimensionValues.fixed(["16", "17", "18", "19"])

    /// The table's definition in catalogue v1 (design §6): the sync protocol validates batches and
    /// the hub publishes from it. Adding a table means a case, its definition here and its
    /// computation in `CellCalculator`.
    public var definition: CellTableDefinition {
        Self.definitions[self] ?? Self.makeDefinition(self)
    }

    /// Built once: publication asks for every cell's definition.
    private static let definitions = Dictionary(uniqueKeysWithValues: allCases.map { ($0, makeDefinition($0)) })

    private static func makeDefinition(_ table: CellTable) -> CellTableDefinition {
        switch table {
        case .inKAA, .population: return CellTableDefinition(["sex": sexes, "age": ages])
        case .inKAAReason: return CellTableDefinition(["reason": .codes(.registrationReason)])
        case .new, .contacted, .declined: return CellTableDefinition(["sex": sexes])
        case .firstContactDays: return CellTableDefinition(["band": .fixed(Set(FirstContactBand.allCases.map(\.rawValue)))])
        // A person with two measure types counts in both cells: no people total.
        case .inMeasure: return CellTableDefinition(["measure": .codes(.measureType)], hasPeopleTotal: false)
        // FELREGISTRERAD episodes count nowhere.
        case .deregistered: return CellTableDefinition(["reason": .codes(.deregistrationReason, excluding: [KnownCode.felregistrerad])])
        case .occupationEnd: return CellTableDefinition(["occupation": .codes(.occupation)])
        }
    }
}
