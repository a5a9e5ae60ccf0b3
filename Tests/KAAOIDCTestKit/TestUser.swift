/// A person signing in at the `TestProvider`: what their ID token says about them.
public struct TestUser: Sendable, Equatable {
    /// `sub`: the provider's stable id for the person (nil: the token has no `sub`).
    public var subject: String?
    /// `preferred_username` (nil: left out).
    public var preferredUsername: String?
    /// `name` (nil: left out).
    public var name: String?
    /// `email` (nil: left out).
    public var email: String?
    /// `groups` (nil: left out; an empty array is sent as `[]`).
    public var groups: [String]?
    /// `acr`: how the person authenticated (nil: left out).
    public var acr: String?
    /// Whether the person cancels at the provider: the callback then carries `error=access_denied`.
    public var deniesAccess: Bool

    public init(subject: String? = "f47ac10b-58cc-4372-a567-0e02b2c3d479", preferredUsername: String? = "anna.handlaggare",
                name: String? = "Anna Handläggare", email: String? = "anna@kommun.test", groups: [String]? = ["KAA-Handlaggare"],
                acr: String? = nil, deniesAccess: Bool = false) {
        self.subject = subject
        self.preferredUsername = preferredUsername
        self.name = name
        self.email = email
        self.groups = groups
        self.acr = acr
        self.deniesAccess = deniesAccess
    }

    /// A handläggare with the default claims.
    public static let anna = TestUser()
}
