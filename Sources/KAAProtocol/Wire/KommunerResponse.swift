/// `GET /v1/kommuner`: the kommuner enrolled at the hub.
public struct KommunerResponse: WireBody, Equatable {
    /// One enrolled kommun.
    public struct Kommun: Codable, Sendable, Equatable {
        /// The four-digit kommunkod (`0380`).
        public let kommun: String
        public let name: String
        /// The län's two-digit code (`03`).
        public let lan: String
        /// The län's name (`Uppsala län`).
        public let lanName: String
        /// When the kommun's last batch was applied (RFC 3339, UTC), or nil before the first.
        public let lastReport: String?
        /// The latest period it has figures for, or nil.
        public let latestPeriod: String?

        /// The kommun `kommun`.
        public init(kommun: String, name: String, lan: String, lanName: String, lastReport: String?, latestPeriod: String?) {
            self.kommun = kommun
            self.name = name
            self.lan = lan
            self.lanName = lanName
            self.lastReport = lastReport
            self.latestPeriod = latestPeriod
        }

        enum CodingKeys: String, CodingKey {
            case kommun, name, lan
            case lanName = "lan_name"
            case lastReport = "last_report"
            case latestPeriod = "latest_period"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kommun, forKey: .kommun)
            try container.encode(name, forKey: .name)
            try container.encode(lan, forKey: .lan)
            try container.encode(lanName, forKey: .lanName)
            try container.encode(lastReport, forKey: .lastReport) // null before the first batch
            try container.encode(latestPeriod, forKey: .latestPeriod)
        }
    }

    /// By kommunkod.
    public let kommuner: [Kommun]

    /// The enrolled `kommuner`.
    public init(kommuner: [Kommun]) {
        self.kommuner = kommuner
    }
}
