import KAAHTTP
import KAARegister

/// One page of the UI: a method, a path pattern and who may use it, with its handler.
///
/// Patterns are path segments; `{id}` matches a positive integer and is passed to the handler in
/// `WebContext.pathIDs` (in order). Role checks happen here, once, before the handler (need-to-know
/// for persons is the register's, `Register+Access.swift`).
public struct Route: Sendable {
    public let method: String
    public let pattern: [String]
    /// The roles that may use the route.
    public let roles: Set<StaffRole>
    public let handler: @Sendable (WebContext) throws(WebError) -> WebResponse

    public init(_ method: String, _ path: String, roles: Set<StaffRole>, _ handler: @escaping @Sendable (WebContext) throws(WebError) -> WebResponse) {
        self.method = method
        self.pattern = path.split(separator: "/").map(String.init)
        self.roles = roles
        self.handler = handler
    }

    /// The ids the path holds where the pattern has `{id}`, or nil if the path does not match.
    func match(_ segments: [String]) -> [Int64]? {
        guard segments.count == pattern.count else { return nil }
        var ids: [Int64] = []
        for (part, expected) in zip(segments, pattern) {
            if expected == "{id}" {
                guard part.utf8.count <= 18, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int64(part), id > 0 else { return nil }
                ids.append(id)
            } else if part != expected {
                return nil
            }
        }
        return ids
    }

    /// Every role.
    public static let everyone: Set<StaffRole> = Set(StaffRole.allCases)
    /// The roles that work with people.
    public static let caseworkers: Set<StaffRole> = [.handlaggare, .samordnare]
}
