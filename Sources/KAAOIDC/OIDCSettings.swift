import Foundation

/// The `oidc` block of the register's configuration (issue 18): which identity provider staff sign
/// in with, as which client, and how its claims become a login and a role.
public struct OIDCSettings: Sendable, Equatable {
    /// The provider's issuer, exactly as its metadata and tokens give it.
    public var issuer: String
    /// This relying party's client id at the provider.
    public var clientID: String
    /// The file holding the client secret; nil: `$CREDENTIALS_DIRECTORY/oidc` (systemd `LoadCredential`).
    public var clientSecretFile: String?
    /// Where the provider sends the browser back: `…/login/oidc/callback` at the external origin.
    public var redirectURI: String
    /// The claim the login name (and with it the audit log) comes from.
    public var loginClaim: String
    /// The claim holding the provider's groups or roles (a string or an array of strings).
    public var roleClaim: String
    /// The provider's group names and the role each gives (`"KAA-Handlaggare": "handlaggare"`).
    public var roles: [String: String]
    /// The `acr` an ID token must carry (the kommun's second factor), or nil.
    public var requiredACR: String?
    /// Further `acr` values accepted as well (stronger ones: a list in the config, the first is `requiredACR`).
    public var alsoAcceptedACRs: [String] = []
    /// Every `acr` accepted; empty when none is required.
    public var acceptedACRs: [String] { (requiredACR.map { [$0] } ?? []) + alsoAcceptedACRs }
    /// Whether local accounts (password and TOTP) may still log in beside the provider.
    public var localAccounts: Bool
    /// A PEM bundle of the CA behind the provider's TLS certificate (else the system's store).
    public var caFile: String?

    /// The path the redirect URI must have: the route `kaa web` serves the callback at.
    public static let callbackPath = "/login/oidc/callback"
    /// The claims a login may come from.
    public static let loginClaims: Set<String> = ["preferred_username", "email", "sub", "upn"]

    public init(issuer: String, clientID: String, clientSecretFile: String? = nil, redirectURI: String, loginClaim: String = "preferred_username",
                roleClaim: String = "groups", roles: [String: String], requiredACR: String? = nil, localAccounts: Bool = true, caFile: String? = nil) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecretFile = clientSecretFile
        self.redirectURI = redirectURI
        self.loginClaim = loginClaim
        self.roleClaim = roleClaim
        self.roles = roles
        self.requiredACR = requiredACR
        self.localAccounts = localAccounts
        self.caFile = caFile
    }

    static let keys: Set<String> = ["issuer", "clientId", "clientSecretFile", "redirectUri", "loginClaim", "roleClaim", "roles", "requiredAcr",
                                    "localAccounts", "caFile"]

    /// Parses the block; `roleNames` are the roles a group may map to. Every error names the key.
    public init(json value: Any, source: String, roleNames: Set<String>) throws(OIDCError) {
        guard let values = value as? [String: Any] else { throw .configuration("\(source): \"oidc\" ska vara ett JSON-objekt") }
        for key in values.keys.sorted() where !Self.keys.contains(key) && !key.hasPrefix("_") {
            throw .configuration("\(source): okänd nyckel \"oidc.\(key)\"")
        }
        func text(_ key: String, required: Bool) throws(OIDCError) -> String? {
            guard let value = values[key], !(value is NSNull) else {
                if required { throw .configuration("\(source): \"oidc.\(key)\" saknas") }
                return nil
            }
            guard let string = value as? String, !string.isEmpty, string.utf8.count <= 2048,
                  !string.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) else {
                throw .configuration("\(source): \"oidc.\(key)\" ska vara en text utan mellanslag och styrtecken")
            }
            return string
        }
        let issuer = try text("issuer", required: true) ?? ""
        guard Self.isAllowedURL(issuer), !issuer.contains("?"), !issuer.contains("#") else {
            throw .configuration("\(source): \"oidc.issuer\" ska vara en https-adress (http bara till 127.0.0.1, ::1 eller localhost), utan ? och #")
        }
        let redirect = try text("redirectUri", required: true) ?? ""
        guard Self.isAllowedURL(redirect), !redirect.contains("?"), !redirect.contains("#"), let path = Self.path(of: redirect), path == Self.callbackPath else {
            throw .configuration("\(source): \"oidc.redirectUri\" ska vara en https-adress som slutar på \(Self.callbackPath), t.ex. \"https://kaa.kommun.se\(Self.callbackPath)\"")
        }
        let clientID = try text("clientId", required: true) ?? ""
        let loginClaim = try text("loginClaim", required: false) ?? "preferred_username"
        guard Self.loginClaims.contains(loginClaim) else {
            throw .configuration("\(source): \"oidc.loginClaim\" ska vara \(Self.loginClaims.sorted().joined(separator: ", "))")
        }
        let roleClaim = try text("roleClaim", required: false) ?? "groups"
        guard roleClaim.utf8.count <= 100, roleClaim.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.:/".contains($0)) }) else {
            throw .configuration("\(source): \"oidc.roleClaim\" ska vara namnet på ett anspråk, t.ex. \"groups\" eller \"roles\"")
        }
        guard let rolesValue = values["roles"] as? [String: Any], !rolesValue.isEmpty else {
            throw .configuration("\(source): \"oidc.roles\" ska vara ett objekt från grupp till roll, t.ex. {\"KAA-Handlaggare\": \"handlaggare\"}")
        }
        var roles: [String: String] = [:]
        for (group, role) in rolesValue {
            guard let role = role as? String, roleNames.contains(role) else {
                throw .configuration("\(source): \"oidc.roles.\(group)\" ska vara en av \(roleNames.sorted().joined(separator: ", "))")
            }
            guard !group.isEmpty, group.utf8.count <= 256 else { throw .configuration("\(source): \"oidc.roles\" har ett tomt eller för långt gruppnamn") }
            roles[group] = role
        }
        // One value, or a list of the values accepted (tillitsnivå 2 and the stronger e-IDs' 3).
        var acr: String?
        var moreACRs: [String] = []
        if let list = values["requiredAcr"] as? [Any] {
            let texts = list.compactMap { $0 as? String }
            guard texts.count == list.count, !texts.isEmpty, texts.count <= 10,
                  texts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 256 && !$0.contains(" ") && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) else {
                throw .configuration("\(source): \"oidc.requiredAcr\" ska vara null, en text eller en lista med texter (de godtagna acr-värdena)")
            }
            acr = texts.first
            moreACRs = Array(texts.dropFirst())
        } else {
            acr = try text("requiredAcr", required: false)
        }
        var localAccounts = true
        if let value = values["localAccounts"] {
            guard let number = value as? NSNumber, ["c", "B"].contains(String(cString: number.objCType)) else {
                throw .configuration("\(source): \"oidc.localAccounts\" ska vara true eller false")
            }
            localAccounts = number.boolValue
        }
        let secretFile = try text("clientSecretFile", required: false)
        let caFile = try text("caFile", required: false)
        for (key, path) in [("clientSecretFile", secretFile), ("caFile", caFile)] {
            if let path, !path.hasPrefix("/") { throw .configuration("\(source): \"oidc.\(key)\" ska vara en absolut sökväg") }
        }
        self.init(issuer: issuer, clientID: clientID, clientSecretFile: secretFile, redirectURI: redirect, loginClaim: loginClaim, roleClaim: roleClaim,
                  roles: roles, requiredACR: acr, localAccounts: localAccounts, caFile: caFile)
        alsoAcceptedACRs = moreACRs
    }

    /// The origin of the redirect URI (`https://kaa.kommun.se`): where the UI is reached.
    public var redirectOrigin: String {
        guard let path = Self.path(of: redirectURI), redirectURI.hasSuffix(path) else { return redirectURI }
        return String(redirectURI.dropLast(path.utf8.count))
    }

    /// Whether `url` is https, or http to a loopback host (a provider or UI on the same machine).
    public static func isAllowedURL(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
              components.user == nil, components.password == nil else { return false }
        switch components.scheme?.lowercased() {
        case "https": return true
        case "http": return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        default: return false
        }
    }

    /// The path of `url` ("" when it has none).
    static func path(of url: String) -> String? {
        URLComponents(string: url)?.percentEncodedPath
    }
}
