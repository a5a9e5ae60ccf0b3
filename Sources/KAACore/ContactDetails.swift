/// Contact details of a person: only what SFS 2006:39 § 4 allows. `nil` leaves a field as it is.
public struct ContactDetails: Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    public var address: String?
    public var postalCode: String?
    public var city: String?
    public var phone: String?
    public var email: String?
    /// Skyddad folkbokföring or sekretessmarkering: stored without address.
    public var isProtected: Bool?

    public init(firstName: String? = nil, lastName: String? = nil, address: String? = nil, postalCode: String? = nil,
                city: String? = nil, phone: String? = nil, email: String? = nil, isProtected: Bool? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.address = address
        self.postalCode = postalCode
        self.city = city
        self.phone = phone
        self.email = email
        self.isProtected = isProtected
    }

    public var hasAddress: Bool { address != nil || postalCode != nil || city != nil }
}
