import KAACore

/// One contact detail of a person, as a column of `person` (design §3: only what SFS 2006:39 § 4 allows).
public enum ContactField: String, CaseIterable, Sendable {
    /// Förnamn.
    case firstName = "first_name"
    /// Efternamn.
    case lastName = "last_name"
    /// Utdelningsadress.
    case address
    /// Postnummer.
    case postalCode = "postal_code"
    /// Postort.
    case city
    /// Telefon, stored as E.164.
    case phone
    /// E-post, stored with its domain in lower case.
    case email

    /// The Swedish name, for what a coordinator reads.
    public var label: String {
        switch self {
        case .firstName: return "Förnamn"
        case .lastName: return "Efternamn"
        case .address: return "Adress"
        case .postalCode: return "Postnummer"
        case .city: return "Postort"
        case .phone: return "Telefon"
        case .email: return "E-post"
        }
    }

    /// Whether a protected identity keeps this detail (it keeps no address).
    var isAddress: Bool { self == .address || self == .postalCode || self == .city }

    /// The detail in `details` (nil: not given).
    func value(in details: ContactDetails) -> String? {
        switch self {
        case .firstName: return details.firstName
        case .lastName: return details.lastName
        case .address: return details.address
        case .postalCode: return details.postalCode
        case .city: return details.city
        case .phone: return details.phone
        case .email: return details.email
        }
    }

    /// Sets the detail in `details`.
    func set(_ value: String?, in details: inout ContactDetails) {
        switch self {
        case .firstName: details.firstName = value
        case .lastName: details.lastName = value
        case .address: details.address = value
        case .postalCode: details.postalCode = value
        case .city: details.city = value
        case .phone: details.phone = value
        case .email: details.email = value
        }
    }
}

/// Where a contact detail came from (design §12: an extract never overwrites a coordinator's entry).
public enum DetailSource: Sendable, Equatable, CustomStringConvertible {
    /// The folkbokföring extract of that date (`kaa identify`).
    case extract(CalendarDate)
    /// Entered by a staff member (`kaa register`, `kaa person update`) on a date in the kommun, at a UTC time.
    case staff(by: String, on: CalendarDate, at: String)
    /// A history import on that date.
    case historyImport(CalendarDate)

    /// In Swedish: `folkbokföringsuttaget 2026-09-01`, `inmatad av kalle 2026-11-20`.
    public var description: String {
        switch self {
        case let .extract(date): return "folkbokföringsuttaget \(date)"
        case let .staff(by, on, _): return "inmatad av \(by) \(on)"
        case let .historyImport(date): return "historikimport \(date)"
        }
    }

    /// Whether a coordinator entered it (then no file may change it).
    public var isStaff: Bool {
        if case .staff = self { return true }
        return false
    }
}
