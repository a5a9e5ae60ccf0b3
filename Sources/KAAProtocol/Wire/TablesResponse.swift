/// `GET /v1/tables`: the catalogue's tables with Swedish labels, their dimensions and values.
public struct TablesResponse: WireBody, Equatable {
    /// One allowed value of a dimension.
    public struct Value: Codable, Sendable, Equatable {
        public let code: String
        public let label: String

        /// The value `code`, called `label`.
        public init(code: String, label: String) {
            self.code = code
            self.label = label
        }
    }

    /// One dimension of a table.
    public struct Dimension: Codable, Sendable, Equatable {
        /// The key in a figure's `dims` (`sex`).
        public let name: String
        /// Its Swedish label (`Kön`).
        public let label: String
        /// Every value it can take, in catalogue order.
        public let values: [Value]

        /// The dimension `name` with `label` and `values`.
        public init(name: String, label: String, values: [Value]) {
            self.name = name
            self.label = label
            self.values = values
        }
    }

    /// One table.
    public struct Table: Codable, Sendable, Equatable {
        /// The name used in `table=` and in figures (`in_kaa`).
        public let name: String
        /// Its Swedish label.
        public let label: String
        /// Whom it counts, in Swedish.
        public let description: String
        /// Whether the table's figures include a total over its cells (empty `dims`): false where a
        /// person can count in several cells.
        public let hasTotal: Bool
        public let dimensions: [Dimension]

        /// The table `name`.
        public init(name: String, label: String, description: String, hasTotal: Bool, dimensions: [Dimension]) {
            self.name = name
            self.label = label
            self.description = description
            self.hasTotal = hasTotal
            self.dimensions = dimensions
        }

        enum CodingKeys: String, CodingKey {
            case name, label, description, dimensions
            case hasTotal = "has_total"
        }
    }

    /// The catalogue version (design §6).
    public let catalogueVersion: Int
    public let tables: [Table]

    /// The catalogue `catalogueVersion` with `tables`.
    public init(catalogueVersion: Int, tables: [Table]) {
        self.catalogueVersion = catalogueVersion
        self.tables = tables
    }

    enum CodingKeys: String, CodingKey {
        case tables
        case catalogueVersion = "catalogue_version"
    }
}
